from ...messages import from_person, what_to_tag
from ...posting import answer_in_thread


def message_callback(event, context, client, logger):
    """A person's message with links, or a long paste, is answered in its thread; anything else is left alone."""
    if not from_person(event):
        return
    services = context["services"]
    request = what_to_tag(event.get("text") or "", services.min_text)
    if request is not None:
        answer_in_thread(services, client, logger, event, request)
