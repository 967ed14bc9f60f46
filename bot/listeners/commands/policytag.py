from slack_sdk.errors import SlackApiError

from ...blocks import private_reply_blocks, reply_text
from ...messages import what_to_tag
from ...posting import post_items

USAGE = "Usage: /policytag <link or article text>"
NOT_A_MEMBER = ("not_in_channel", "channel_not_found")


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
        items = services.answerer.answer(request)
        try:
            post_items(client, items, channel=command["channel_id"])
        except SlackApiError as exc:
            if exc.response.get("error") not in NOT_A_MEMBER:
                raise
            # Where the bot may not post, the result goes to the user alone, by the command's response_url.
            respond(response_type="ephemeral", replace_original=False, text=reply_text(items), blocks=private_reply_blocks(items))

    services.submit(logger, post_result)
