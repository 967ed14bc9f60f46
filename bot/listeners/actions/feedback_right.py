from ...posting import tell_privately, where
from ...storage import StorageError


def feedback_right_callback(ack, body, action, context, client, logger):
    """"Tags look right": the tags as shown are stored as one person's confirmed labels."""
    ack()
    services, key, user = context["services"], action["value"], body["user"]["id"]
    channel, thread_ts = where(body)
    try:
        text = record(services.store, key, user)
    except StorageError as exc:
        text = f"Sorry, I couldn't store your feedback ({exc.reason}). Please try again later."
    services.submit(logger, tell_privately, client, channel=channel, user=user, thread_ts=thread_ts, text=text)


def record(store, key: str, user: str) -> str:
    """Store the tags as shown as this person's confirmed labels; what to tell them."""
    stored = store.stored(key)
    if stored is None:
        return "That reply is no longer stored, so I can't record feedback on it."
    result = stored[2]
    labels = {d: [t.label for t in result.tags.get(d, [])] for d in ("region", "topic", "stance")}
    try:
        store.add_feedback(
            key, user=user, verdict="right", region=labels["region"], topic=labels["topic"][:3],
            stance=(labels["stance"] or [""])[0],
        )
    except ValueError:
        return "Some tags are missing there: please use Fix tags instead."
    return "Thanks! Noted that these tags look right."
