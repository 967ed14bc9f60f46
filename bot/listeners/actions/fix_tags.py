from ...blocks import fix_tags_view
from ...posting import tell_privately, where


def fix_tags_callback(ack, body, action, context, client, logger):
    """"Fix tags": open the modal at once (the trigger id expires in three seconds)."""
    ack()
    services, key = context["services"], action["value"]
    channel, thread_ts = where(body)
    stored = services.store.stored(key)
    if stored is None:
        text = "That reply is no longer stored, so its tags can't be fixed."
        services.submit(logger, tell_privately, client, channel=channel, user=body["user"]["id"], thread_ts=thread_ts, text=text)
        return
    client.views_open(trigger_id=body["trigger_id"], view=fix_tags_view(key, stored[2], channel=channel, thread_ts=thread_ts))
