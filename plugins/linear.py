"""What the three bundled classifiers share: a calibrated linear model per dimension.

Each artifact holds the coefficients and intercepts of a linear model scikit-learn
fitted (``policytag train``), the Platt scaling that turns its scores into calibrated
probabilities, the label order, per-label thresholds chosen by cross-validation, and
the word weights used to explain a tag with the words that drove it. Scoring is one
sparse matrix product: tagging needs numpy and scipy, not scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from policytag import Classifier, Document, Tag

from .artifacts import bundled_store, load_artifact

EVIDENCE_TERMS = 3


def decide(probabilities: np.ndarray, thresholds: np.ndarray, multi_label: bool, max_labels: int) -> list[int]:
    """Label indices to report for one document, best first.

    Single-label: the best label. Multi-label: every label over its threshold, at most
    ``max_labels``, and at least the best one (a text is always about something).
    """
    order = np.argsort(-probabilities, kind="stable")
    if not multi_label:
        return [int(order[0])]
    chosen = [int(i) for i in order if probabilities[i] >= thresholds[i]][:max_labels]
    return chosen or [int(order[0])]


def probabilities_from_scores(scores: np.ndarray, platt: np.ndarray, normalise: bool) -> np.ndarray:
    """Calibrated probabilities from raw linear scores, by per-label Platt scaling.

    A model trained on one label per text (``normalise``) has its probabilities
    renormalised to sum to one, as scikit-learn's CalibratedClassifierCV does.
    """
    probabilities = 1.0 / (1.0 + np.exp(-(scores * platt[:, 0] + platt[:, 1])))
    if normalise:
        probabilities /= probabilities.sum(axis=1, keepdims=True)
    return probabilities


def sigmoid(scores: np.ndarray, platt: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(scores, dtype=np.float64) * platt[0] + platt[1])))


def linear_scores(linear: dict, X) -> np.ndarray:
    """Per-label scores ``X @ coef.T + intercept``, as scikit-learn's ``decision_function``
    computes them (one column, flattened, for a binary model)."""
    scores = np.asarray(X @ linear["coef"].T) + linear["intercept"]
    return scores.ravel() if scores.shape[1] == 1 else scores


def two_stage_probabilities(argued_scores, direction_scores, platt: np.ndarray) -> np.ndarray:
    """Stance probabilities (restraint, hawkish, neutral) from the two stages' raw scores:
    does the author argue for a posture, and if so is it restraint."""
    argued = sigmoid(argued_scores, platt[0])
    restraint = sigmoid(direction_scores, platt[1])
    return np.column_stack([argued * restraint, argued * (1 - restraint), 1 - argued])


def probabilities(model: dict, matrix) -> np.ndarray:
    """Calibrated probabilities of a bundled model (as written by training) for a matrix."""
    linear, platt = model["linear"], model["platt"]
    if "argued" in linear:  # stance in two stages: does the author argue, and which way
        return two_stage_probabilities(
            linear_scores(linear["argued"], matrix),
            linear_scores(linear["direction"], matrix),
            platt,
        )
    return probabilities_from_scores(linear_scores(linear, matrix), platt, model["normalise"])


def model_input(features: Any) -> sparse.csr_matrix:
    """The words matrix, with any other features a classifier reads stacked beside it."""
    if isinstance(features, tuple):
        return sparse.hstack([getattr(f, "matrix", f) for f in features], format="csr")
    return features


class LinearClassifier(Classifier):
    """A bundled classifier: loads its artifact lazily, thresholds, explains."""

    max_labels = 1
    featurizer = "words"

    @property
    def version(self) -> str:  # the seeds hash names the data the model learned from
        return str(bundled_store().manifest.get("seeds_sha256", "untrained"))[:12]

    @property
    def artifact(self) -> dict:
        return load_artifact(self.name)

    def predict_many(self, features: Any, documents: Sequence[Document]) -> list[list[Tag]]:
        artifact = self.artifact
        labels = artifact["labels"]
        thresholds = np.asarray(artifact["thresholds"])
        matrix = model_input(features)
        scored = probabilities(artifact, matrix)
        words, *others = features if isinstance(features, tuple) else (features,)
        extra = others[0] if others else None
        out = []
        for row in range(matrix.shape[0]):
            tags = []
            for index in decide(scored[row], thresholds, self.multi_label, self.max_labels):
                score = float(np.clip(scored[row, index], 0.0, 1.0))
                evidence = self.evidence(words, extra, row, index, labels[index], documents[row])
                tags.append(self.make_tag(labels[index], score, evidence, thresholds[index]))
            out.append(tags)
        return out

    def make_tag(self, label: str, score: float, evidence: list[str], threshold: float) -> Tag:
        return Tag(label=label, score=round(score, 4), evidence=evidence)

    def evidence(self, words, extra: Any, row: int, index: int, label: str, document: Document) -> list[str]:
        """The content terms of this document that pushed hardest toward ``label`` (the
        artifact's word weights are zero for every word that may not explain it)."""
        start, end = words.indptr[row], words.indptr[row + 1]
        columns = words.indices[start:end]
        contributions = words.data[start:end] * self.artifact["word_weights"][index][columns]
        best = np.argsort(-contributions)[:EVIDENCE_TERMS]
        names = load_artifact("words")["feature_names"]
        return [str(names[columns[i]]) for i in best if contributions[i] > 0]
