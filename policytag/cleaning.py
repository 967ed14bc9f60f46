"""Stripping page noise from text pasted out of a browser.

A copied page holds the article plus menus, "Follow us", photo credits, section
labels, newsletter boxes and teasers of other articles. The article is the longest
run of prose; other prose runs are kept only when they are comparable in size and
come before the first "keep reading"/"related" marker after it (teasers are short).
A short line that ends as a sentence does continues the run it follows (op-eds are
full of one-line paragraphs: "That would be a mistake."), but never starts one. A run
that follows the article's across nothing but one heading line is the article's next
section, however short, when its paragraphs read like an article's: think-tank pieces
close on a headed section of recommendations ("What Washington should do"), while a
page's teasers come under a marker, several headlines in a row or menus, or as lines
of a dozen words ("Sudan's forgotten refugees — camps run short of water.").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Looked for in the lower-cased line with plain substring tests, which run at C speed: a
# regex, even a case-sensitive one, tries its alternatives at every position of a long
# prose line, and an IGNORECASE one ~8x slower still. "photo]" counts only when no
# letter or digit is glued to its front.
NOISE_WORDS = (
    "follow us", "subscribe", "newsletter", "sign up", "keep reading", "show less", "read more", "related:",
    "more from", "share this", "advertisement", "all rights reserved", "cookie", "©",
    "photo credit", "image credit", "photo by", "via reuters", "getty images", "/ap photo", "afp via",
)
PHOTO_TAG = re.compile(r"(?<!\w)photo\]")
END_OF_ARTICLE = re.compile(r"(keep reading|show less|related|more from|latest|recommended|read next)", re.IGNORECASE)
MIN_PROSE_WORDS = 12
MIN_SENTENCE_WORDS = 3  # a shorter line continues no run ("Share.", "Updated.")
LONG_PROSE_WORDS = 30  # menus and tag lists run shorter without a sentence's end
KEEP_RATIO = 0.4
SECTION_PARAGRAPH_WORDS = 20  # a headed section's paragraphs average this many; teaser lines run 10-17
# Furniture marks itself at a line's start ("Top photo credit:", "Subscribe now") or end
# ("(Getty Images)", "via Reuters"): of a long line only the ends are searched, so a
# paragraph that mentions a newsletter or a cookie in passing stays article prose.
NOISE_EDGE = 100


def is_noise(line: str) -> bool:
    lowered = line.lower()
    if len(lowered) > 2 * NOISE_EDGE:
        lowered = lowered[:NOISE_EDGE] + "\n" + lowered[-NOISE_EDGE:]
    return (any(map(lowered.__contains__, NOISE_WORDS))  # map: no Python frame per word
            or ("photo]" in lowered and PHOTO_TAG.search(lowered) is not None))


def is_prose(line: str, continuing: bool = False) -> bool:
    """A paragraph: a line of some words ending as a sentence does (of a few words when
    it ``continues`` a run of prose), or a long line however it ends (excerpts and
    pasted pages cut paragraphs short: "…", a footnote mark, mid-sentence), unless it
    is page furniture."""
    ends = line.rstrip()[-1:] in '.!?"”’)'
    needed = (MIN_SENTENCE_WORDS if continuing else MIN_PROSE_WORDS) if ends else LONG_PROSE_WORDS
    return has_words(line, needed) and not is_noise(line)


def has_words(line: str, count: int) -> bool:
    """``len(line.split()) >= count``, without splitting a long line into all its words."""
    return len(line.split(None, count - 1)) >= count


@dataclass(frozen=True)
class PastedPage:
    title: str | None
    text: str


def looks_like_title(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 16 and line[-1:] not in ".:;,|" and "|" not in line and not is_noise(line)


def main_text(text: str) -> PastedPage:
    """The article (and its title, if one stands above it) inside a pasted page; text
    with no page structure comes back unchanged."""
    lines = text.splitlines()
    titles: list[tuple[int, str]] = []  # (blocks seen so far, line) for title-like lines
    blocks: list[list[str]] = []  # runs of prose lines; blank lines do not break a run
    markers: list[int] = []  # for each block, the index of the first end marker after it
    breaks: set[int] = set()  # blocks above which stands a line that is neither prose nor title-like
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if is_prose(stripped, continuing=bool(current)):
            current.append(stripped)
            continue
        if current:
            blocks.append(current)
            current = []
        if END_OF_ARTICLE.search(stripped) and len(stripped.split()) <= 6:
            markers.append(len(blocks))
            breaks.add(len(blocks))
        elif looks_like_title(stripped):
            titles.append((len(blocks), stripped))
        else:
            breaks.add(len(blocks))
    if current:
        blocks.append(current)
    if not blocks:
        return PastedPage(None, text)
    if len(blocks) == 1:  # an article on its own, as most texts are: nothing to weigh
        main, kept = 0, blocks
    else:
        sizes = [sum(len(line.split()) for line in block) for block in blocks]
        main = max(range(len(blocks)), key=sizes.__getitem__)
        stop = next((m for m in markers if m > main), len(blocks))
        start = max((m for m in markers if m <= main), default=0)
        headings = Counter(seen for seen, _ in titles)  # per block, the title-like lines right above it
        sections = main + 1
        while (sections < len(blocks) and sections not in breaks and headings[sections] == 1
               and sizes[sections] >= SECTION_PARAGRAPH_WORDS * len(blocks[sections])):
            sections += 1
        kept = [b for i, b in enumerate(blocks)
                if start <= i < stop and sizes[i] >= KEEP_RATIO * sizes[main] or main <= i < sections]
    title = next((line for seen, line in reversed(titles) if seen <= main), None)
    return PastedPage(title, "\n\n".join("\n\n".join(block) for block in kept))
