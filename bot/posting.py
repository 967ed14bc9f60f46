"""Posting a reply: tag what was asked for and post the result, threaded and without unfurls."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .answer import Item
from .blocks import escape, private_reply_blocks, reply_blocks, reply_text
from .messages import Request
from .services import Services


NOT_A_MEMBER = ("not_in_channel", "channel_not_found")


def post_items(client: WebClient, items: list[Item], *, channel: str, thread_ts: str | None = None) -> None:
    # Unfurls off: the reply already shows each article, and an unfurl would arrive as message_changed.
    client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, text=reply_text(items), blocks=reply_blocks(items),
        unfurl_links=False, unfurl_media=False,
    )


def post_or_tell(client: WebClient, respond, items: list[Item], *, channel: str, thread_ts: str | None = None) -> None:
    """Post the reply; where the bot may not post (a channel it is not in) and the request
    came with a ``respond`` (a slash command, a shortcut), show it to the person alone."""
    try:
        post_items(client, items, channel=channel, thread_ts=thread_ts)
    except SlackApiError as exc:
        if respond is None or exc.response.get("error") not in NOT_A_MEMBER:
            raise
        respond(response_type="ephemeral", replace_original=False, text=reply_text(items), blocks=private_reply_blocks(items))


def answer_in_thread(services: Services, client: WebClient, logger, event: dict, request: Request | None, *,
                     threaded: bool = True, respond=None) -> bool:
    """Answer a post once, however many events deliver it (message, app_mention, retries, a
    shortcut): in its thread, or beside it when not ``threaded`` (a direct message). False
    if it was answered already."""
    channel, ts = event["channel"], event["ts"]
    if not services.store.claim(f"post:{channel}:{ts}"):
        logger.info("post %s in %s already answered", ts, channel)
        return False
    thread_ts = event.get("thread_ts") or (ts if threaded else None)

    def answer() -> None:
        if request is None:
            hint = "Paste a link or some article text after the mention, and I'll tag it."
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=hint)
        else:
            post_or_tell(client, respond, services.answerer.answer(request), channel=channel, thread_ts=thread_ts)
        services.store.finish(f"post:{channel}:{ts}")  # posted: a retry after a restart is now ignored

    services.submit(logger, answer)
    return True


def where(body: dict) -> tuple[str | None, str | None]:
    """The channel and thread of the message whose button was pressed."""
    message = body.get("message") or {}
    return (body.get("channel") or {}).get("id"), message.get("thread_ts") or message.get("ts")


def tell_privately(client: WebClient, *, channel: str | None, user: str, thread_ts: str | None, text: str) -> None:
    """A note only the person who gave feedback sees, where they gave it."""
    if channel:
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=escape(text))
