"""Results as a person reads them in a terminal: a compact block per document."""

from __future__ import annotations

import textwrap

from .schema import Result, Tag

DIMENSION_ORDER = ("region", "topic", "stance")


SENTENCE = 60  # evidence longer than this is a sentence (stance's), shown on lines of its own


def format_tags(tags: list[Tag]) -> str:
    parts = []
    for tag in tags:
        text = f"{tag.label} {tag.score:.2f}"
        if tag.low_confidence:
            text += " (low confidence)"
        words = [e for e in tag.evidence if len(e) <= SENTENCE]
        if words:
            text += f" ({', '.join(words)})"
        parts.append(text)
    return " · ".join(parts) or "-"


def quoted_evidence(tags: list[Tag]) -> list[str]:
    """The sentences given as evidence (the stance's strongest argument), to quote."""
    return [e for tag in tags for e in tag.evidence if len(e) > SENTENCE]


def render_result(result: Result, width: int = 100) -> str:
    """The human-readable block ``policytag tag`` prints."""
    heading = result.title or result.source or result.url or "text"
    lines = [heading]
    if result.url and result.url != heading:
        lines.append(f"  {result.url}")
    dimensions = [d for d in DIMENSION_ORDER if d in result.tags] + sorted(set(result.tags) - set(DIMENSION_ORDER))
    wrap = textwrap.TextWrapper(width=width, initial_indent="    - ", subsequent_indent="      ")
    quote = textwrap.TextWrapper(width=width, initial_indent="           “", subsequent_indent="            ")
    for dimension in dimensions:
        lines.append(f"  {dimension:<9}{format_tags(result.tags[dimension])}")
        lines += [quote.fill(sentence) + "”" for sentence in quoted_evidence(result.tags[dimension])]
    if result.summary:
        lines.append("  summary")
        lines += [wrap.fill(sentence) for sentence in result.summary]
    if result.recommendations:
        lines.append("  recommendations")
        for rec in result.recommendations:
            actor = f"[{rec.actor}] " if rec.actor else ""
            lines.append(wrap.fill(actor + rec.text))
    for error in result.errors:
        lines.append(f"  error    {error.plugin}: {error.message}")
    return "\n".join(lines)
