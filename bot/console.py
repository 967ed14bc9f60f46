"""A terminal chat with the bot: paste links or text, see exactly the reply it would post.

For trying the bot before creating a Slack app. The reply is built by the same
answerer and Block Kit renderer as in Slack, then drawn as text.
"""

from __future__ import annotations

import re
from typing import TextIO

from .answer import Answerer
from .blocks import reply_blocks
from .messages import find_links, what_to_tag

SLACK_LINK = re.compile(r"<([^|<>]+)\|([^<>]+)>|<([^|<>]+)>")  # no "<" inside: a run of "<" cannot make it rescan
BOLD = re.compile(r"\*([^*\n]+)\*")
RULE = "─" * 40


def mrkdwn_as_text(text: str) -> str:
    text = SLACK_LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(1) else m.group(3), text)
    text = BOLD.sub(r"\1", text).replace(":warning:", "⚠")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_as_text(blocks: list[dict]) -> str:
    """Block Kit drawn for a terminal: sections as text, buttons in brackets, dividers as rules."""
    lines = []
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            lines.append(mrkdwn_as_text(block["text"]["text"]))
        elif kind == "context":
            lines.append("(" + " ".join(mrkdwn_as_text(e["text"]) for e in block["elements"]) + ")")
        elif kind == "actions":
            lines.append(" ".join(f"[{e['text']['text']}]" for e in block["elements"]))
        elif kind == "divider":
            lines.append(RULE)
    return "\n".join(lines)


def messages(stdin: TextIO, stdout: TextIO):
    """Messages typed or pasted: a line with a link is sent at once; other text (which may
    hold empty lines between paragraphs) is sent by a line holding only ``.``, or at the end."""
    buffer: list[str] = []
    stdout.write("you> ")
    stdout.flush()
    for line in stdin:
        line = line.rstrip("\n")
        if not buffer and find_links(line):
            yield line
        elif line.strip() != ".":
            buffer.append(line)
            continue
        elif buffer:
            yield "\n".join(buffer).strip()
            buffer = []
        stdout.write("you> ")
        stdout.flush()
    if "".join(buffer).strip():
        yield "\n".join(buffer).strip()
    stdout.write("\n")


def converse(answerer: Answerer, min_text: int, stdin: TextIO, stdout: TextIO) -> None:
    stdout.write(
        "policytag bot console: paste a link, or article text followed by a line with just \".\"; Ctrl-D quits.\n"
        f"(In a channel the bot answers links, and texts of at least {min_text} characters.)\n"
    )
    for message in messages(stdin, stdout):
        request = what_to_tag(message, min_text)
        if request is None:
            reply = f"(no reply: no link, and the text is shorter than {min_text} characters)"
        else:
            reply = blocks_as_text(reply_blocks(answerer.answer(request)))
        stdout.write(f"policytag (in thread):\n{reply}\n\n")
        stdout.flush()
