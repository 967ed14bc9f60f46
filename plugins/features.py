"""The featurizers the bundled classifiers share: TF-IDF words, and place mentions.

Registered once, computed once per batch: topic, stance and region all read the same
word matrix, so a batch is tokenised a single time however many classifiers run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from policytag import Document, Featurizer, hookimpl
from policytag.taxonomy import REGIONS

from .artifacts import load_artifact
from .gazetteer import load_gazetteer
from .tfidf import FastTfidf, supported


def build_word_vectorizer():
    """The word featurizer's (unfitted) vectorizer: sublinear TF-IDF over words (pairs did not
    pay for their cost in bench/designs.py)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 1), min_df=2, max_df=0.5, sublinear_tf=True,
        strip_accents="unicode", dtype=np.float32,
    )


# Place features are dense and strong; at full weight the region model leans on them
# and over-reads teasers and passing mentions. bench/designs.py chose the weight by
# cross-validation (0.05: top-1 0.813 CV / 0.886 dev; 1.0: 0.777 / 0.829; none: 0.759 / 0.879).
PLACE_WEIGHT = 0.05


@dataclass(frozen=True)
class PlaceFeatures:
    """Per document: a row of region features, and the place names found per region."""

    matrix: sparse.csr_matrix
    mentions: list[dict[str, Counter]]


def place_features(texts: Sequence[str]) -> PlaceFeatures:
    """For each region: log count of mentions, share of all mentions, and first-mentioned;
    then how spread the mentions are (regions named, entropy), which marks global pieces."""
    gazetteer = load_gazetteer()
    index = {region: i for i, region in enumerate(REGIONS)}
    width = len(REGIONS)
    rows = np.zeros((len(texts), 3 * width + 2), dtype=np.float32)
    mentions = []
    for row, text in enumerate(texts):
        found = gazetteer.find(text)
        by_region: dict[str, Counter] = {}
        for name, region in found:
            by_region.setdefault(region, Counter())[name] += 1
        total = len(found)
        for region, names in by_region.items():
            count = sum(names.values())
            rows[row, index[region]] = np.log1p(count)
            rows[row, width + index[region]] = count / total
        if found:
            rows[row, 2 * width + index[found[0][1]]] = 1.0
            shares = rows[row, width:2 * width][rows[row, width:2 * width] > 0]
            rows[row, 3 * width] = len(by_region) / width
            rows[row, 3 * width + 1] = float(-(shares * np.log(shares)).sum() / np.log(width))
        mentions.append(by_region)
    return PlaceFeatures(matrix=sparse.csr_matrix(rows * PLACE_WEIGHT), mentions=mentions)


# Where the author, in their own voice, prescribes a course of action (not quoting
# someone): the mark of an argued piece, whatever the writer's vocabulary. Scaled to
# sit beside L2-normalised TF-IDF rows; the weight was chosen with bench/designs.py.
AUTHOR_VOICE = 0.7
ARGUMENT_WEIGHT = 0.3


def argument_features(texts: Sequence[str]) -> sparse.csr_matrix:
    """Per text: share of sentences that prescribe, how many (log), the strongest cue."""
    from policytag.recommendations import score_sentence
    from policytag.sentences import split_sentences

    rows = np.zeros((len(texts), 3), dtype=np.float32)
    for row, text in enumerate(texts):
        scores = [score_sentence(s) for s in split_sentences(text)] or [0.0]
        prescribing = sum(score >= AUTHOR_VOICE for score in scores)
        rows[row] = (prescribing / len(scores), np.log1p(prescribing), max(scores))
    return sparse.csr_matrix(rows * ARGUMENT_WEIGHT)


@lru_cache(maxsize=4)
def fast_transform(vectorizer):
    """The fitted vectorizer's transform, through :class:`FastTfidf` when it covers it."""
    return FastTfidf(vectorizer).transform if supported(vectorizer) else vectorizer.transform


class WordFeaturizer(Featurizer):
    name = "words"

    def transform(self, documents: Sequence[Document]):
        return fast_transform(load_artifact("words")["vectorizer"])([doc.text for doc in documents])

    @staticmethod
    def feature_names():
        return load_artifact("words")["feature_names"]


class PlaceFeaturizer(Featurizer):
    name = "places"

    def transform(self, documents: Sequence[Document]) -> PlaceFeatures:
        return place_features([doc.text for doc in documents])


class ArgumentFeaturizer(Featurizer):
    name = "argument"

    def transform(self, documents: Sequence[Document]) -> sparse.csr_matrix:
        return argument_features([doc.text for doc in documents])


@hookimpl
def register_featurizers(register):
    register(WordFeaturizer())
    register(PlaceFeaturizer())
    register(ArgumentFeaturizer())
