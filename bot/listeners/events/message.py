from ...messages import from_person, what_to_tag
from ...posting import answer_in_thread


def message_callback(event, context, client, logger):
    """A person's message with links, or a long paste, is answered in its thread; anything else is left alone.

    In a direct message the person is talking to the bot: any text is tagged, and the
    reply comes in the conversation itself (or in the thread the message is in)."""
    if not from_person(event):
        return
    services = context["services"]
    direct = event.get("channel_type") == "im"
    request = what_to_tag(event.get("text") or "", 1 if direct else services.min_text)
    if request is not None:
        answer_in_thread(services, client, logger, event, request, threaded=not direct)
