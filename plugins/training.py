"""Training the bundled models from seeds, deterministically, with honest metrics.

``train`` fits the shared word vectorizer and one calibrated linear model per
dimension, picks per-label thresholds from cross-validated probabilities, and writes
everything through :meth:`ModelStore.write` with a manifest of hashes, versions, the
seeds' hash and the cross-validated metrics. The same seeds and library versions give
byte-identical files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from policytag.evaluation import DimensionScore, score_dimension
from policytag.modelstore import ModelStore
from policytag.labelled import Seed, seeds_hash
from policytag.taxonomy import LABELS

from .features import build_word_vectorizer, place_features
from .linear import decide

FOLDS = 5
SEED = 0
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)
SPECS = {  # dimension: (multi-label, most labels reported, reads place features)
    "topic": (True, 3, False),
    "stance": (False, 1, False),
    "region": (True, 3, True),
}
C = {"topic": 8.0, "stance": 4.0, "region": 8.0}


def build_estimator(dimension: str):
    """An unfitted calibrated logistic regression for one dimension."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    multi_label = SPECS[dimension][0]
    base = LogisticRegression(
        C=C[dimension], class_weight="balanced", max_iter=5000, random_state=SEED,
        solver="liblinear" if multi_label else "lbfgs",
    )
    calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=False)
    return OneVsRestClassifier(calibrated) if multi_label else calibrated


def targets(seeds: Sequence[Seed], dimension: str) -> np.ndarray:
    labels = LABELS[dimension]
    if dimension == "stance":
        return np.array([labels.index(s.stance) for s in seeds])
    y = np.zeros((len(seeds), len(labels)), dtype=int)
    for row, seed in enumerate(seeds):
        for label in getattr(seed, dimension):
            y[row, labels.index(label)] = 1
    return y


def choose_thresholds(dimension: str, probabilities: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per label, the threshold with the best cross-validated F1 (multi-label), or the
    stance score under which predictions are more often wrong than right."""
    if not SPECS[dimension][0]:
        best = probabilities.max(axis=1)
        correct = probabilities.argmax(axis=1) == y
        cut = 0.4
        for t in THRESHOLD_GRID:
            below = best < t
            if below.sum() >= 5 and correct[below].mean() < 0.5:
                cut = float(t)
        return np.full(probabilities.shape[1], cut)
    thresholds = np.full(y.shape[1], 0.5)
    for k in range(y.shape[1]):
        scores = []
        for t in THRESHOLD_GRID:
            predicted = probabilities[:, k] >= t
            tp = np.sum(predicted & (y[:, k] == 1))
            denominator = predicted.sum() + y[:, k].sum()
            scores.append(2 * tp / denominator if denominator else 0.0)
        thresholds[k] = THRESHOLD_GRID[int(np.argmax(scores))]
    return thresholds


def cross_validated_probabilities(dimension: str, X, y) -> np.ndarray:
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

    splitter = (StratifiedKFold if y.ndim == 1 else KFold)(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return cross_val_predict(build_estimator(dimension), X, y, cv=splitter, method="predict_proba")


def predicted_labels(dimension: str, probabilities: np.ndarray, thresholds: np.ndarray) -> list[list[str]]:
    multi_label, most, _ = SPECS[dimension]
    labels = LABELS[dimension]
    return [[labels[i] for i in decide(row, thresholds, multi_label, most)] for row in probabilities]


def gold_labels(seeds: Sequence[Seed], dimension: str) -> list[list[str]]:
    return [[s.stance] if dimension == "stance" else list(getattr(s, dimension)) for s in seeds]


def word_weights(estimator, dimension: str, n_words: int) -> np.ndarray:
    """The base logistic regressions' word coefficients, one row per label (for evidence)."""
    if SPECS[dimension][0]:
        rows = [e.calibrated_classifiers_[0].estimator.coef_[0] for e in estimator.estimators_]
        return np.vstack(rows)[:, :n_words].astype(np.float32)
    return estimator.calibrated_classifiers_[0].estimator.coef_[:, :n_words].astype(np.float32)


@dataclass
class Features:
    words: sparse.csr_matrix
    places: sparse.csr_matrix

    def for_dimension(self, dimension: str):
        return sparse.hstack([self.words, self.places], format="csr") if SPECS[dimension][2] else self.words


def featurise(seeds: Sequence[Seed], vectorizer) -> Features:
    texts = [s.text for s in seeds]
    return Features(words=vectorizer.transform(texts), places=place_features(texts).matrix)


def _fit_dimension(dimension: str, seeds: Sequence[Seed], features: Features):
    """Cross-validated probabilities, thresholds and the score they give, for one dimension."""
    X, y = features.for_dimension(dimension), targets(seeds, dimension)
    probabilities = cross_validated_probabilities(dimension, X, y)
    thresholds = choose_thresholds(dimension, probabilities, y)
    predicted = predicted_labels(dimension, probabilities, thresholds)
    return X, y, thresholds, score_dimension(dimension, gold_labels(seeds, dimension), predicted)


def cross_validate(seeds: Sequence[Seed]) -> dict[str, DimensionScore]:
    """Scores of the bundled design by cross-validation on ``seeds`` (nothing written)."""
    texts = [s.text for s in seeds]
    features = featurise(seeds, build_word_vectorizer().fit(texts))
    return {dimension: _fit_dimension(dimension, seeds, features)[3] for dimension in SPECS}


def train(seeds: Sequence[Seed], out_dir) -> ModelStore:
    """Fit every bundled model on ``seeds`` and write them with their manifest to ``out_dir``."""
    texts = [s.text for s in seeds]
    vectorizer = build_word_vectorizer().fit(texts)
    features = featurise(seeds, vectorizer)
    # scikit-learn memoises id(stop_words), a memory address that differs in every
    # process; pickled, it would make identical trainings give different files. It is
    # recomputed on first use.
    del vectorizer._stop_words_id
    n_words = features.words.shape[1]
    artifacts = {"words": {"vectorizer": vectorizer, "feature_names": vectorizer.get_feature_names_out()}}
    metrics = {}
    for dimension in SPECS:
        X, y, thresholds, score = _fit_dimension(dimension, seeds, features)
        metrics[dimension] = score.summary()
        estimator = build_estimator(dimension).fit(X, y)
        artifacts[dimension] = {
            "estimator": estimator,
            "labels": list(LABELS[dimension]),
            "thresholds": thresholds,
            "word_weights": word_weights(estimator, dimension, n_words),
        }
    return ModelStore.write(
        out_dir, artifacts,
        seeds_sha256=seeds_hash(seeds), passages=len(seeds),
        cross_validation={"folds": FOLDS, "metrics": metrics},
    )
