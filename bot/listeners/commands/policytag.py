from ...messages import what_to_tag
from ...posting import post_or_tell

USAGE = "Usage: /policytag <link or article text>"


def policytag_callback(ack, command, context, client, respond, logger):
    """``/policytag <link or text>``: an ephemeral "on it" at once, then the result posted in the channel."""
    request = what_to_tag(command.get("text") or "", min_text=1)
    if request is None:
        ack(response_type="ephemeral", text=USAGE)
        return
    what = f"{len(request.links)} link{'s' if len(request.links) > 1 else ''}" if request.links else "your text"
    ack(response_type="ephemeral", text=f"Tagging {what}…")
    services = context["services"]

    def post_result():
        # Where the bot may not post, the result goes to the user alone, by the command's response_url.
        post_or_tell(client, respond, services.answerer.answer(request), channel=command["channel_id"])

    services.submit(logger, post_result)
