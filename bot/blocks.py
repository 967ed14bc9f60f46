"""Block Kit for the bot's messages and modal, as pure functions of the data.

Nothing here talks to Slack, so replies can be tested and previewed (the console
prints these very blocks). Layout is one column of short sections, which reads the
same on a phone as on a desktop.

Every text Slack renders as mrkdwn (sections, context, the fallback ``text``) comes
from strangers' pages and pastes, so all of it passes through :func:`escape`: the only
``<`` in a reply starts a link to the article's own http(s) address, and nothing in a
result can become ``<!channel>``, ``<!here>``, ``<@U…>`` or ``<#C…>``.
"""

from __future__ import annotations

import json

from policytag.schema import Result, Tag
from policytag.taxonomy import REGIONS, STANCES, TOPICS

from .answer import Item

SECTION_LIMIT = 3000  # Slack rejects a section whose text is longer
RIGHT, FIX = "feedback_right", "feedback_fix"
FIX_VIEW = "fix_tags"
DIMENSIONS = (("region", "Region"), ("topic", "Topics"), ("stance", "Stance"))


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: these three characters would otherwise start markup (a mention, a link)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` for an http(s) address, else the label alone (``<!here|…>`` would be a mention)."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return label
    return f"<{escape(url).replace('|', '%7C')}|{label}>"


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}


def heading(item: Item) -> str:
    result = item.result
    title = escape(result.title or result.url or item.source) if result else escape(item.source)
    line = f"*{link(result.url if result else None, title)}*"
    return f"{line}\n{escape(result.site)}" if result and result.site else line


def tag_text(tag: Tag) -> str:
    text = f"{escape(tag.label)} {round(tag.score * 100)}%"
    return text + " (low confidence)" if tag.low_confidence else text


def tags_text(result: Result) -> str:
    lines = []
    for dimension, name in DIMENSIONS:
        tags = result.tags.get(dimension)
        lines.append(f"*{name}*  " + (" · ".join(tag_text(t) for t in tags) if tags else "none"))
    return "\n".join(lines)


def bullets(title: str, lines: list[str]) -> str:
    return f"*{title}*\n" + "\n".join(f"• {escape(line)}" for line in lines)


def feedback_buttons(key: str) -> dict:
    return {
        "type": "actions",
        "block_id": f"feedback-{key}",
        "elements": [
            {"type": "button", "action_id": RIGHT, "value": key, "text": {"type": "plain_text", "text": "Tags look right"}},
            {"type": "button", "action_id": FIX, "value": key, "text": {"type": "plain_text", "text": "Fix tags"}},
        ],
    }


SHOWN_RECOMMENDATIONS = 5  # the strongest; a thread reply stays readable


def item_blocks(item: Item) -> list[dict]:
    """The blocks for one article: heading, tags, summary, recommendations, feedback buttons."""
    if item.result is None:
        return [section(f":warning: {escape(item.source)}: {escape(item.error or 'no result')}")]
    result = item.result
    blocks = [section(heading(item)), section(tags_text(result))]
    if result.summary:
        blocks.append(section(bullets("Summary", result.summary)))
    if result.recommendations:
        shown = result.recommendations[:SHOWN_RECOMMENDATIONS]
        lines = [f"{r.actor}: {r.text}" if r.actor and not r.text.startswith(r.actor) else r.text for r in shown]
        more = len(result.recommendations) - len(shown)
        blocks.append(section(bullets("Recommendations" + (f" (the {len(shown)} strongest of {len(result.recommendations)})" if more else ""), lines)))
    if result.errors:
        notes = "; ".join(f"{e.plugin}: {e.message}" for e in result.errors)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(escape(f"some tags are missing: {notes}"))}]})
    if item.note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(escape(item.note))}]})
    if item.key:
        blocks.append(feedback_buttons(item.key))
    return blocks


def reply_blocks(items: list[Item]) -> list[dict]:
    blocks: list[dict] = []
    for item in items:
        if blocks:
            blocks.append({"type": "divider"})
        blocks += item_blocks(item)
    return blocks


def private_reply_blocks(items: list[Item]) -> list[dict]:
    """The reply for the user alone, where the bot may not post (a channel it is not in)."""
    note = "Only you can see this: invite me to the channel to share results."
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}] + reply_blocks(items)


def reply_text(items: list[Item]) -> str:
    """The fallback Slack shows in notifications and to screen readers (mrkdwn too, so escaped)."""
    lines = []
    for item in items:
        result = item.result
        if result is None:
            lines.append(f"{item.source}: {item.error}")
            continue
        tags = [", ".join(t.label for t in result.tags.get(d, [])) or "none" for d, _ in DIMENSIONS]
        lines.append(f"{result.title or result.url or item.source}: region {tags[0]}; topics {tags[1]}; stance {tags[2]}")
    return escape("\n".join(lines))


def option(label: str) -> dict:
    return {"text": {"type": "plain_text", "text": label}, "value": label}


def select(block_id: str, label: str, labels: tuple[str, ...], chosen: list[str], *, multi: bool, most: int | None = None) -> dict:
    element: dict = {"type": "multi_static_select" if multi else "static_select", "action_id": "value", "options": [option(x) for x in labels]}
    chosen = [c for c in chosen if c in labels]
    if multi and chosen:
        element["initial_options"] = [option(c) for c in chosen]
    elif chosen:
        element["initial_option"] = option(chosen[0])
    if most:
        element["max_selected_items"] = most
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label}, "element": element}


def fix_tags_view(key: str, result: Result, *, channel: str | None, thread_ts: str | None) -> dict:
    """The "Fix tags" modal, preset to the current tags; the metadata says where to thank the user."""
    labels = {d: [t.label for t in result.tags.get(d, [])] for d, _ in DIMENSIONS}
    title = escape(result.title or result.url or "your text")
    return {
        "type": "modal",
        "callback_id": FIX_VIEW,
        "private_metadata": json.dumps({"key": key, "channel": channel, "thread_ts": thread_ts}),
        "title": {"type": "plain_text", "text": "Fix tags"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"What is *{clip(title, 200)}* about?"),
            select("region", "Region (primary first)", REGIONS, labels["region"], multi=True),
            select("topic", "Topics (one to three)", TOPICS, labels["topic"][:3], multi=True, most=3),
            select("stance", "Stance the author argues for", STANCES, labels["stance"], multi=False),
        ],
    }
