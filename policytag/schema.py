"""Pydantic models for what goes in (documents) and what comes out (results).

The JSON these serialise to is a public contract: CLI output, batch files and the
Slack bot all use it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Document(BaseModel):
    """A text to tag, with whatever is known about where it came from."""

    model_config = ConfigDict(frozen=True)

    text: str
    source: str | None = None
    title: str | None = None
    url: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None
    extracted: bool = Field(default=False, description="the text is already an article's main text: no page noise to strip")

    @property
    def sentences(self) -> tuple[str, ...]:
        """The text's sentences, split on first use and then shared by every featurizer
        and hook that reads this document.

        Kept in the instance dict beside the text it came from, as ``cached_property``
        would keep it (so equality and dumps ignore it), and split again for a copy
        whose text was replaced.
        """
        split = self.__dict__.get("_sentence_split")
        if split is None or split[0] is not self.text:
            from .sentences import split_sentences

            split = self.__dict__["_sentence_split"] = (self.text, split_sentences(self.text))
        return split[1]


class Tag(BaseModel):
    """One label of one dimension, with its calibrated score and the words behind it."""

    label: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list)
    low_confidence: bool = False


class Recommendation(BaseModel):
    """A sentence in which the author prescribes a course of action."""

    text: str
    actor: str | None = None
    score: float = Field(default=1.0, ge=0.0, le=1.0)


class ErrorReport(BaseModel):
    """Something that failed, and who to blame for it."""

    plugin: str
    message: str


class Result(BaseModel):
    """Everything policytag says about one document."""

    source: str | None = None
    id: object | None = None
    title: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None
    length: int = 0
    tags: dict[str, list[Tag]] = Field(default_factory=dict)
    summary: list[str] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    errors: list[ErrorReport] = Field(default_factory=list)

    def primary(self, dimension: str) -> str | None:
        """The top label of a dimension, or None when it has no tags."""
        tags = self.tags.get(dimension) or []
        return tags[0].label if tags else None
