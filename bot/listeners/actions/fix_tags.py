from ...blocks import fix_tags_view
from ...posting import tell_privately, where
from ...storage import StorageError


def fix_tags_callback(ack, body, action, context, client, logger):
    """"Fix tags": open the modal at once (the trigger id expires in three seconds)."""
    ack()
    services, key = context["services"], action["value"]
    channel, thread_ts = where(body)
    try:
        stored, text = services.store.stored(key), "That reply is no longer stored, so its tags can't be fixed."
    except StorageError as exc:
        stored, text = None, f"Sorry, I can't read that reply's tags right now ({exc.reason}). Please try again later."
    if stored is None:
        services.submit(logger, tell_privately, client, channel=channel, user=body["user"]["id"], thread_ts=thread_ts, text=text)
        return
    client.views_open(trigger_id=body["trigger_id"], view=fix_tags_view(key, stored[2], channel=channel, thread_ts=thread_ts))
