import json

from pydantic import ValidationError

from ...posting import tell_privately
from ...storage import StorageError


def chosen(values: dict, block_id: str) -> list[str]:
    """The option values picked in one input block of the submitted modal."""
    state = values.get(block_id, {}).get("value", {})
    options = state.get("selected_options") or ([state["selected_option"]] if state.get("selected_option") else [])
    return [o["value"] for o in options]


def fix_tags_submission(ack, body, view, context, client, logger):
    """The "Fix tags" modal was saved: store the labels, or show what is wrong beside the field."""
    services, user = context["services"], body["user"]["id"]
    meta = json.loads(view.get("private_metadata") or "{}")
    values = view["state"]["values"]
    try:
        services.store.add_feedback(
            meta.get("key", ""), user=user, verdict="fixed", region=chosen(values, "region"),
            topic=chosen(values, "topic"), stance=(chosen(values, "stance") or [""])[0],
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "region"
        ack(response_action="errors", errors={field: first["msg"]})
        return
    except LookupError as exc:
        ack(response_action="errors", errors={"region": str(exc)})
        return
    except StorageError as exc:
        ack(response_action="errors", errors={"region": f"couldn't store your tags ({exc.reason}): please try again later"})
        return
    ack()
    text = "Thanks! Your tags are saved and will be used the next time the models are trained."
    services.submit(logger, tell_privately, client, channel=meta.get("channel"), user=user, thread_ts=meta.get("thread_ts"), text=text)
