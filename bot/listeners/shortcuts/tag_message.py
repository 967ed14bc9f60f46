from ...messages import what_to_tag
from ...posting import answer_in_thread

TAG_MESSAGE = "tag_message"  # the shortcut's callback_id in manifest.yml
NOTHING = "There's no link or text in that message for me to tag."
ALREADY = "I've already answered that message: the tags are in its thread."


def tag_message_callback(ack, shortcut, context, client, respond, logger):
    """"Tag with policytag" on any message (someone else's post with a link): answer in its
    thread as the link listener would, once per message, whoever posted it."""
    ack()
    message, channel = shortcut.get("message") or {}, (shortcut.get("channel") or {}).get("id")
    request = what_to_tag(message.get("text") or "", min_text=1)
    if request is None or not channel or not message.get("ts"):
        respond(response_type="ephemeral", replace_original=False, text=NOTHING)
        return
    post = {"channel": channel, "ts": message["ts"], "thread_ts": message.get("thread_ts")}
    if not answer_in_thread(context["services"], client, logger, post, request, respond=respond):
        respond(response_type="ephemeral", replace_original=False, text=ALREADY)
