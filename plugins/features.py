"""The featurizers the bundled classifiers share: TF-IDF words, and place mentions.

Registered once, computed once per batch: topic, stance and region all read the same
word matrix, so a batch is tokenised a single time however many classifiers run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from policytag import Document, Featurizer, hookimpl
from policytag.taxonomy import REGIONS

from .artifacts import load_artifact
from .gazetteer import actor_names, load_gazetteer
from .sentence_models import analyse
from .words import word_stream


def build_word_vectorizer():
    """The word featurizer's (unfitted) vectorizer: sublinear TF-IDF over words (pairs did not
    pay for their cost in bench/designs.py)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 1), min_df=2, max_df=0.5, sublinear_tf=True,
        strip_accents="unicode", dtype=np.float32,
    )


# Place features are dense and strong; at full weight the region model leans on them
# and over-reads teasers and passing mentions; too light, and the words that name
# Washington's institutions outvote a foreign subject. Chosen on cross-validation and
# the real articles together (region top-1, CV / realdev: 0.05 0.944 / 0.863,
# 0.075 0.944 / 0.887, 0.1 0.946 / 0.900, 0.15 0.940 / 0.900, 0.25 0.938 / 0.863).
PLACE_WEIGHT = 0.1


@dataclass(frozen=True)
class PlaceFeatures:
    """Per document: a row of region features, and the place names found per region."""

    matrix: sparse.csr_matrix
    mentions: list[dict[str, Counter]]


def place_features(texts: Sequence[str]) -> PlaceFeatures:
    """For each region: log count of mentions, share of all mentions, and first-mentioned;
    then how spread the mentions are (regions named, entropy), which marks global pieces."""
    gazetteer = load_gazetteer()
    actors = actor_names()  # the United States and Canada as actors: not a subject's place
    index = {region: i for i, region in enumerate(REGIONS)}
    width = len(REGIONS)
    counts = np.zeros((len(texts), width), dtype=np.float32)
    first = np.zeros((len(texts), width), dtype=np.float32)
    mentions = []
    for row, text in enumerate(texts):
        found = [(name, region) for name, region in gazetteer.find(text) if name not in actors]
        by_region: dict[str, Counter] = {}
        for name, region in found:
            by_region.setdefault(region, Counter())[name] += 1
        for region, names in by_region.items():
            counts[row, index[region]] = sum(names.values())
        if found:
            first[row, index[found[0][1]]] = 1.0
        mentions.append(by_region)
    # The arithmetic once for the whole batch: per text, numpy's call overhead on rows
    # of seven numbers cost more than finding the places.
    total = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    logs = np.log(shares, out=np.zeros_like(shares), where=shares > 0)
    spread = np.column_stack([
        (counts > 0).sum(axis=1) / width,
        -(shares * logs).sum(axis=1) / np.log(width),
    ]).astype(np.float32)
    rows = np.hstack([np.log1p(counts), shares, first, spread])
    return PlaceFeatures(matrix=sparse.csr_matrix(rows * PLACE_WEIGHT), mentions=mentions)


# The argument features sit beside L2-normalised TF-IDF rows. At full weight one
# strongly argued sentence can outvote a report-like vocabulary (a readout of a working
# group's report whose one posture call is "resist calls to frame... containment");
# chosen on the real articles and cross-validation together (models/MODEL_CARD.md).
ARGUMENT_WEIGHT = 1.0


def argument_rows(aggregates: np.ndarray) -> sparse.csr_matrix:
    """The stance model's argument columns from per-text sentence aggregates."""
    return sparse.csr_matrix(np.asarray(aggregates, dtype=np.float32).reshape(len(aggregates), -1) * ARGUMENT_WEIGHT)


class WordFeaturizer(Featurizer):
    name = "words"

    def transform(self, documents: Sequence[Document]):
        return word_stream(documents).text_rows

    @staticmethod
    def feature_names():
        return load_artifact("words")["feature_names"]


class PlaceFeaturizer(Featurizer):
    name = "places"

    def transform(self, documents: Sequence[Document]) -> PlaceFeatures:
        return place_features([doc.text for doc in documents])


class ArgumentFeaturizer(Featurizer):
    """Where and how hard the author argues: the sentence models' scores, aggregated per text."""

    name = "argument"

    def transform(self, documents: Sequence[Document]) -> sparse.csr_matrix:
        analyses = analyse(documents)
        return argument_rows(np.array([a.aggregates for a in analyses]).reshape(len(analyses), -1))


@hookimpl
def register_featurizers(register):
    register(WordFeaturizer())
    register(PlaceFeaturizer())
    register(ArgumentFeaturizer())
