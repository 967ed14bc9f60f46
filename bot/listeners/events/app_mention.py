from ...messages import from_person, what_to_tag
from ...posting import answer_in_thread


def app_mention_callback(event, context, client, logger):
    """``@policytag <link or text>``: tag whatever follows the mention, however short."""
    if from_person(event):
        answer_in_thread(context["services"], client, logger, event, what_to_tag(event.get("text") or "", min_text=1))
