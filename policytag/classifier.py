"""Base classes for what plugins register: featurizers and classifiers.

Both are batch-first: they take a whole list of documents at once, so the host can
featurise a batch once and hand the same matrix to every classifier that asks for it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from .schema import Document, Tag


class Featurizer(ABC):
    """Turns a batch of documents into features that several classifiers can share."""

    name: ClassVar[str]

    @abstractmethod
    def transform(self, documents: Sequence[Document]) -> Any:
        """Features for ``documents``, one row per document."""


class Classifier(ABC):
    """Tags one dimension (``name``) with labels from a fixed, declared set.

    ``featurizer`` names a registered :class:`Featurizer` whose output
    :meth:`predict_many` receives (a tuple of names: a tuple of their outputs);
    ``None`` means it receives the documents themselves.
    """

    name: ClassVar[str]
    labels: ClassVar[Sequence[str]]
    multi_label: ClassVar[bool]
    version: ClassVar[str]
    featurizer: ClassVar[str | tuple[str, ...] | None] = None

    @abstractmethod
    def predict_many(self, features: Any, documents: Sequence[Document]) -> list[list[Tag]]:
        """One list of tags per document, sorted by score; exactly one tag when not multi-label."""


def featurizer_names(classifier: Classifier) -> tuple[str, ...]:
    """The featurizers a classifier asks for, as a tuple (empty: it wants documents)."""
    wanted = classifier.featurizer
    if wanted is None:
        return ()
    return (wanted,) if isinstance(wanted, str) else tuple(wanted)
