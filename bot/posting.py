"""Posting a reply: tag what was asked for and post the result, threaded and without unfurls."""

from __future__ import annotations

from slack_sdk import WebClient

from .answer import Item
from .blocks import escape, reply_blocks, reply_text
from .messages import Request
from .services import Services


def post_items(client: WebClient, items: list[Item], *, channel: str, thread_ts: str | None = None) -> None:
    # Unfurls off: the reply already shows each article, and an unfurl would arrive as message_changed.
    client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, text=reply_text(items), blocks=reply_blocks(items),
        unfurl_links=False, unfurl_media=False,
    )


def tag_and_post(services: Services, client: WebClient, request: Request, *, channel: str, thread_ts: str | None = None) -> None:
    post_items(client, services.answerer.answer(request), channel=channel, thread_ts=thread_ts)


def answer_in_thread(services: Services, client: WebClient, logger, event: dict, request: Request | None) -> None:
    """Answer a post once, in its thread, however many events deliver it (message, app_mention, retries)."""
    channel, ts = event["channel"], event["ts"]
    if not services.store.claim(f"post:{channel}:{ts}"):
        logger.info("post %s in %s already answered", ts, channel)
        return
    thread_ts = event.get("thread_ts") or ts

    def answer() -> None:
        if request is None:
            hint = "Paste a link or some article text after the mention, and I'll tag it."
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=hint)
        else:
            tag_and_post(services, client, request, channel=channel, thread_ts=thread_ts)
        services.store.finish(f"post:{channel}:{ts}")  # posted: a retry after a restart is now ignored

    services.submit(logger, answer)


def where(body: dict) -> tuple[str | None, str | None]:
    """The channel and thread of the message whose button was pressed."""
    message = body.get("message") or {}
    return (body.get("channel") or {}).get("id"), message.get("thread_ts") or message.get("ts")


def tell_privately(client: WebClient, *, channel: str | None, user: str, thread_ts: str | None, text: str) -> None:
    """A note only the person who gave feedback sees, where they gave it."""
    if channel:
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=escape(text))
