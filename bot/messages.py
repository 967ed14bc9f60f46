"""What a Slack message asks for: the links in it, or the pasted text itself.

Slack wraps links as ``<https://...>`` or ``<https://...|label>``, mentions as
``<@U123>`` and escapes ``&``, ``<`` and ``>``; slash-command text arrives with bare
links. Both forms are read here, so every listener and the console agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINKS = 3
WRAPPED_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|([^>]*))?>", re.IGNORECASE)
BARE_LINK = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)
MARKUP = re.compile(r"<[@#!][^>]*>")


def unescape(text: str) -> str:
    """Undo Slack's three escapes (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class Request:
    """What to tag for one message: up to three links, or else one text."""

    links: tuple[str, ...] = ()
    text: str | None = None


def find_links(text: str) -> list[str]:
    """Distinct http(s) links in order of appearance, wrapped or bare."""
    found = [unescape(m.group(1)) for m in WRAPPED_LINK.finditer(text)]
    found += [unescape(m.group(0)).rstrip(".,;:!?)]'\"") for m in BARE_LINK.finditer(WRAPPED_LINK.sub(" ", text))]
    return list(dict.fromkeys(found))


def plain_text(text: str) -> str:
    """The words of a message: mentions and channel references dropped, link labels kept."""
    text = WRAPPED_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return unescape(MARKUP.sub(" ", text)).strip()


def what_to_tag(text: str, min_text: int) -> Request | None:
    """Links if the message has any, else its text if it has at least ``min_text`` characters."""
    links = find_links(text)
    if links:
        return Request(links=tuple(links[:MAX_LINKS]))
    words = plain_text(text)
    if words and len(words) >= min_text:
        return Request(text=words)
    return None


def from_person(event: dict) -> bool:
    """A new post by a person, in a channel at a time: not a bot's (ours included), not an
    edit, deletion, unfurl (``message_changed``), join notice or thread broadcast."""
    return (not event.get("subtype") and not event.get("bot_id") and bool(event.get("user"))
            and bool(event.get("channel")) and bool(event.get("ts")))
