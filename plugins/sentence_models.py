"""Per-sentence models: does the author prescribe here, argue here, and which way.

Three calibrated linear models over :mod:`.sentence_features` rows, trained on the
sentences of annotated seeds (``policytag train``): ``prescribes`` (the author, in
their own voice, prescribes a course of action: what the recommendations report),
``argues`` (the author argues for a posture in it) and ``restraint`` (given that it
argues, for restraint rather than pressure). Stance reads them aggregated per text;
the recommendations and the summary read them sentence by sentence.

A batch is analysed once: the ``sentences`` featurizer computes every sentence's
scores, and each document keeps its own share, so the text hooks that run later on
the same document reuse it instead of splitting and scoring again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from policytag import Document

from .artifacts import load_artifact
from .linear import linear_scores, sigmoid
from .sentence_features import FEATURE_NAMES, SentenceFeatures, sentence_features, similarities
from .words import word_stream

MODELS = ("prescribes", "argues", "restraint")
# What the summary model reads of each sentence: where it stands, its cues, how strongly
# the author argues or prescribes in it, how close it is to the text and to the title.
SUMMARY_CUES = ("relative_position", "first", "second", "third", "last_three", "log_words", "quoted", "reported",
                "number", "question", "first_person")
SUMMARY_FEATURES = (*SUMMARY_CUES, "prescribes", "argues", "centrality", "title_similarity")
_SUMMARY_COLUMNS = [FEATURE_NAMES.index(name) for name in SUMMARY_CUES]
CACHE_KEY = "_policytag_sentence_analysis"


class BatchAnalysis:
    """A batch's sentence analysis, computed once and shared by each document's view: the
    sentence models' scores and each text's argument features at once; the summary scores
    only when a summary is first asked for (tagging without one never computes them)."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.stream = word_stream(documents)
        self.titles = [d.title for d in documents]
        self.features = sentence_features(self.stream)
        self.models = load_artifact("sentences")
        self.scores = score_rows(self.models, self.features)
        self.aggregates = aggregate(self.features.indptr, *(self.scores[name] for name in MODELS))

    @cached_property
    def headlines(self) -> tuple[SentenceFeatures, np.ndarray]:
        """Each title read as a sentence of its own (no rows for a text without one) and
        its ``prescribes`` probability: an op-ed's headline is often its plainest
        prescription ("Keep the brigades on NATO's flank"), and readers of real articles
        count it. Only the recommendations ask, so tags alone never compute it."""
        features = sentence_features(self.stream.table.read([[t] if t else [] for t in self.titles],
                                                            [None] * len(self.titles)))
        return features, score_rows(self.models, features)["prescribes"]

    @cached_property
    def summary(self) -> np.ndarray:
        if not len(self.features.dense):
            return np.zeros(0)
        similarity = similarities(self.stream, self.features.words, self.titles)
        return np.atleast_1d(linear_scores(self.models["summary"], summary_inputs(self.features, self.scores, similarity)))


class SentenceAnalysis:
    """One text's view of its batch's analysis: its sentences and, per sentence, each
    model's probability and its summary score."""

    def __init__(self, batch: BatchAnalysis, index: int) -> None:
        self.batch, self.index = batch, index
        self.rows = batch.features.rows(index)
        self.sentences: tuple[str, ...] = batch.features.sentences[index]
        self.prescribes, self.argues, self.restraint = (batch.scores[name][self.rows] for name in MODELS)
        self.aggregates = batch.aggregates[index]  # the text's argument features (AGGREGATE_NAMES)

    @property
    def cues(self) -> np.ndarray:
        """Per sentence, its cue columns (``FEATURE_NAMES``; 0/1 or counts)."""
        return self.batch.features.dense[self.rows]

    @property
    def summary(self) -> np.ndarray:
        """How much a reader would pick each sentence for a summary (a linear score)."""
        return self.batch.summary[self.rows]

    @property
    def headline(self) -> tuple[str, float, np.ndarray] | None:
        """The title, its ``prescribes`` probability and its cue columns, or None."""
        features, prescribes = self.batch.headlines
        rows = features.rows(self.index)
        if rows.start == rows.stop:
            return None
        return features.sentences[self.index][0], float(prescribes[rows.start]), features.dense[rows.start]

    def word_rows(self, sentences: Sequence[int]):
        """The unit-length word rows of some of this text's sentences (for similarities)."""
        return self.batch.features.words[[self.rows.start + i for i in sentences]]


def score_rows(models: dict, features: SentenceFeatures) -> dict[str, np.ndarray]:
    """Every sentence model's calibrated probability for every row."""
    if not features.matrix.shape[0]:
        return {name: np.zeros(0) for name in MODELS}
    return {name: sigmoid(linear_scores(models[name]["linear"], features.matrix), models[name]["platt"])
            for name in MODELS}


def summary_inputs(features: SentenceFeatures, scores: dict[str, np.ndarray], similarity: np.ndarray) -> np.ndarray:
    """Per sentence, the summary model's inputs (:data:`SUMMARY_FEATURES`)."""
    return np.column_stack([features.dense[:, _SUMMARY_COLUMNS], scores["prescribes"], scores["argues"], similarity])


def analyse(documents: Sequence[Document]) -> list[SentenceAnalysis]:
    """The sentence analysis of each document, computed for the whole batch at once and
    kept on each document for the hooks that read it later."""
    todo = [d for d in documents if CACHE_KEY not in d.__dict__ or d.__dict__[CACHE_KEY][0] is not d.text]
    if todo:
        batch = BatchAnalysis(todo)
        for i, document in enumerate(todo):
            document.__dict__[CACHE_KEY] = (document.text, SentenceAnalysis(batch, i))
    return [d.__dict__[CACHE_KEY][1] for d in documents]


# How a text's sentence scores become its argument features for the stance model.
AGGREGATE_NAMES = (
    "argues_max", "argues_top3", "argues_share", "argues_count", "prescribes_max", "prescribes_count",
    "direction_mean", "restraint_max", "hawkish_max", "argues_last3",
)


def aggregate(indptr: np.ndarray, prescribes: np.ndarray, argues: np.ndarray, restraint: np.ndarray) -> np.ndarray:
    """Each text's argument features (:data:`AGGREGATE_NAMES`) from its sentences' scores,
    text ``d`` owning sentences ``indptr[d]:indptr[d+1]``; zeros for a text with none.
    Array operations over the whole batch: per text, numpy's call overhead cost more."""
    counts = np.diff(indptr)
    out = np.zeros((len(counts), len(AGGREGATE_NAMES)), dtype=np.float32)
    filled = counts > 0
    if not filled.any():
        return out
    starts, n = indptr[:-1][filled], counts[filled]
    owner = np.repeat(np.arange(len(n)), n)

    def total(values):
        return np.add.reduceat(values, starts)

    def peak(values):
        return np.maximum.reduceat(values, starts)

    strong, prescribing = argues >= 0.5, prescribes >= 0.5
    order = np.lexsort((-argues, owner))  # within each text, strongest first
    rank = np.arange(len(argues)) - np.repeat(starts, n)
    top = np.bincount(owner, weights=np.where(rank < 3, argues[order], 0.0)) / np.minimum(n, 3)
    last = rank >= np.repeat(n, n) - 3  # a text's last three sentences (in text order)
    weight = total(argues)
    direction = np.divide(total((restraint - 0.5) * argues), weight, out=np.zeros(len(n)), where=weight > 0)
    out[filled] = np.column_stack([
        peak(argues), top, total(strong) / n, np.log1p(total(strong)), peak(prescribes), np.log1p(total(prescribing)),
        direction, peak(argues * restraint), peak(argues * (1 - restraint)),
        np.bincount(owner, weights=np.where(last, argues, 0.0)) / np.minimum(n, 3),
    ])
    return out


def strongest_argument(analysis: SentenceAnalysis, label: str) -> str | None:
    """The sentence that argues ``label`` (restraint or hawkish) most strongly."""
    if not len(analysis.argues):
        return None
    side = analysis.restraint if label == "restraint" else 1 - analysis.restraint
    best = int(np.argmax(analysis.argues * side))
    return analysis.sentences[best] if analysis.argues[best] * side[best] > 0.25 else None
