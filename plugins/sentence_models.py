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
from dataclasses import dataclass

import numpy as np

from policytag import Document

from .artifacts import load_artifact
from .linear import linear_scores, sigmoid
from .sentence_features import FEATURE_NAMES, SentenceFeatures, sentence_features
from .words import word_stream

MODELS = ("prescribes", "argues", "restraint")
# What the summary model reads of each sentence: where it stands, its cues, how strongly
# the author argues or prescribes in it, how close it is to the text and to the title.
SUMMARY_CUES = ("relative_position", "first", "second", "third", "last_three", "log_words", "quoted", "reported",
                "number", "question", "first_person")
SUMMARY_FEATURES = (*SUMMARY_CUES, "prescribes", "argues", "centrality", "title_similarity")
_SUMMARY_COLUMNS = [FEATURE_NAMES.index(name) for name in SUMMARY_CUES]
CACHE_KEY = "_policytag_sentence_analysis"


@dataclass(frozen=True)
class SentenceAnalysis:
    """One text's sentences and, per sentence, each model's probability."""

    sentences: tuple[str, ...]
    prescribes: np.ndarray
    argues: np.ndarray
    restraint: np.ndarray
    summary: np.ndarray  # how much a reader would pick it for a summary (a linear score)


def score_rows(models: dict, features: SentenceFeatures) -> dict[str, np.ndarray]:
    """Every sentence model's calibrated probability for every row."""
    if not features.matrix.shape[0]:
        return {name: np.zeros(0) for name in MODELS}
    return {name: sigmoid(linear_scores(models[name]["linear"], features.matrix), models[name]["platt"])
            for name in MODELS}


def summary_inputs(features: SentenceFeatures, scores: dict[str, np.ndarray]) -> np.ndarray:
    """Per sentence, the summary model's inputs (:data:`SUMMARY_FEATURES`)."""
    return np.column_stack([features.dense[:, _SUMMARY_COLUMNS], scores["prescribes"], scores["argues"],
                            features.similarity])


def analyse(documents: Sequence[Document]) -> list[SentenceAnalysis]:
    """The sentence analysis of each document, computed for the whole batch at once and
    kept on each document for the hooks that read it later."""
    todo = [d for d in documents if CACHE_KEY not in d.__dict__ or d.__dict__[CACHE_KEY][0] is not d.text]
    if todo:
        features = sentence_features(word_stream(todo), [d.title for d in todo])
        models = load_artifact("sentences")
        scores = score_rows(models, features)
        summary = linear_scores(models["summary"], summary_inputs(features, scores)) if len(features.dense) else np.zeros(0)
        for i, document in enumerate(todo):
            rows = features.rows(i)
            document.__dict__[CACHE_KEY] = (document.text, SentenceAnalysis(
                sentences=features.sentences[i], summary=np.atleast_1d(summary)[rows],
                **{name: scores[name][rows] for name in MODELS}))
    return [d.__dict__[CACHE_KEY][1] for d in documents]


# How a text's sentence scores become its argument features for the stance model.
AGGREGATE_NAMES = (
    "argues_max", "argues_top3", "argues_share", "argues_count", "prescribes_max", "prescribes_count",
    "direction_mean", "restraint_max", "hawkish_max", "argues_last3",
)


def aggregate(prescribes: np.ndarray, argues: np.ndarray, restraint: np.ndarray) -> np.ndarray:
    """A text's argument features from its sentences' scores (zeros for no sentences)."""
    if not len(argues):
        return np.zeros(len(AGGREGATE_NAMES), dtype=np.float32)
    top = np.sort(argues)[::-1][:3]
    weight = argues.sum()
    direction = float(((restraint - 0.5) * argues).sum() / weight) if weight > 0 else 0.0
    return np.array([
        argues.max(), top.mean(), (argues >= 0.5).mean(), np.log1p((argues >= 0.5).sum()),
        prescribes.max(), np.log1p((prescribes >= 0.5).sum()),
        direction, (argues * restraint).max(), (argues * (1 - restraint)).max(), argues[-3:].mean(),
    ], dtype=np.float32)


def strongest_argument(analysis: SentenceAnalysis, label: str) -> str | None:
    """The sentence that argues ``label`` (restraint or hawkish) most strongly."""
    if not len(analysis.argues):
        return None
    side = analysis.restraint if label == "restraint" else 1 - analysis.restraint
    best = int(np.argmax(analysis.argues * side))
    return analysis.sentences[best] if analysis.argues[best] * side[best] > 0.25 else None
