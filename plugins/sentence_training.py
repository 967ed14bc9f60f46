"""Training the per-sentence models from annotated seeds, and their out-of-fold scores.

Annotated seeds carry sentence marks with votes (of two annotators). A sentence both
marked as a recommendation is a positive ``prescribes`` example, one neither marked a
negative, one only one marked is left out. ``argues``: every sentence of a neutral text
is a negative; in an argued text a sentence either annotator marked as arguing (or both
as prescribing) is a positive, one nobody marked a negative. ``restraint`` learns the
side of the arguing sentences from their text's stance.

The stance model reads these sentence scores aggregated per text; to learn how far to
trust them it must see scores for texts the sentence models did not train on, so each
text's are computed by models fitted on the other folds (stacking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policytag.labelled import Seed

from .sentence_features import SentenceFeatures
from .sentence_models import MODELS, aggregate, score_rows, summary_inputs
from .solvers import logistic_regression

SENTENCE_C = {"prescribes": 4.0, "argues": 2.0, "restraint": 2.0}


def _key(sentence: str) -> str:
    return " ".join(sentence.split()).lower()


@dataclass
class SentenceTargets:
    """Per sentence row of the seeds' :class:`SentenceFeatures`: a target per model (-1: not used)."""

    prescribes: np.ndarray
    argues: np.ndarray
    restraint: np.ndarray
    document: np.ndarray  # the seed each row belongs to


def sentence_targets(seeds: Sequence[Seed], features: SentenceFeatures) -> SentenceTargets:
    n = features.matrix.shape[0]
    t = {name: np.full(n, -1, dtype=np.int64) for name in MODELS}
    document = np.repeat(np.arange(len(seeds)), np.diff(features.indptr))
    for d, seed in enumerate(seeds):
        if seed.marks is None:
            continue
        votes = {kind: {_key(s): v for s, v in seed.marks.get(kind, [])} for kind in ("recommendations", "arguments")}
        argued = seed.stance != "neutral"
        for row, sentence in zip(range(*features.rows(d).indices(n)), features.sentences[d]):
            key = _key(sentence)
            rec, arg = votes["recommendations"].get(key, 0), votes["arguments"].get(key, 0)
            t["prescribes"][row] = 1 if rec == 2 else 0 if rec == 0 else -1
            if not argued:
                t["argues"][row] = 0
            elif arg or rec == 2:
                t["argues"][row] = 1
                t["restraint"][row] = int(seed.stance == "restraint")
            elif rec == 0:
                t["argues"][row] = 0
    return SentenceTargets(**t, document=document)


def fit_sentence_models(features: SentenceFeatures, targets: SentenceTargets, rows: np.ndarray) -> dict:
    """The three calibrated models fitted on the given sentence rows (Platt scaling from
    an inner split of those rows' documents)."""
    from .training import fit_platt, linear_params

    models = {}
    for name in MODELS:
        y = getattr(targets, name)
        use = rows[y[rows] >= 0]
        docs = targets.document[use]
        inner = (docs % 3) == 0  # a third of the documents calibrate the other two thirds' model
        C = SENTENCE_C[name]
        held = logistic_regression(C).fit(features.matrix[use[~inner]], y[use[~inner]])
        scores = held.decision_function(features.matrix[use[inner]])
        platt = fit_platt(scores[:, None], y[use[inner]][:, None])[0]
        models[name] = {"linear": linear_params(logistic_regression(C).fit(features.matrix[use], y[use])), "platt": platt}
    return models


def out_of_fold_scores(features: SentenceFeatures, targets: SentenceTargets, folds) -> dict[str, np.ndarray]:
    """Every sentence's scores from sentence models fitted on the other folds' texts."""
    out = {name: np.zeros(features.matrix.shape[0]) for name in MODELS}
    for train_docs, test_docs in folds:
        models = fit_sentence_models(features, targets, np.flatnonzero(np.isin(targets.document, train_docs)))
        test_rows = np.flatnonzero(np.isin(targets.document, test_docs))
        for name, scores in score_rows(models, subset(features, test_rows)).items():
            out[name][test_rows] = scores
    return out


def subset(features: SentenceFeatures, rows: np.ndarray) -> SentenceFeatures:
    """The given rows as a :class:`SentenceFeatures` (for scoring only)."""
    return SentenceFeatures(matrix=features.matrix[rows], dense=features.dense[rows], words=features.words[rows],
                            indptr=np.array([0, len(rows)]), sentences=[])


def aggregates(features: SentenceFeatures, scores: dict[str, np.ndarray]) -> np.ndarray:
    """Each text's argument features from its sentences' scores."""
    return aggregate(features.indptr, *(scores[name] for name in MODELS))


def prescribing_text_gate(scores: np.ndarray, targets: SentenceTargets, indptr: np.ndarray, cut: float) -> float:
    """The score a text's strongest sentence must reach for the text to report any
    recommendation: the lowest gate (from ``cut`` up) whose balanced accuracy on "does
    this text prescribe anything", on out-of-fold scores of the texts with sentence
    marks, is within 0.02 of the best gate's. Sentences over the cut in texts that
    prescribe nothing are most of the false recommendations; the lowest gate near the
    best keeps the most of the real articles' prescriptions, whose scores run lower than
    our writing's (on realdev a gate within 0.01 of the best, 0.65, lost a tenth of the
    prescriptions found; models/MODEL_CARD.md)."""
    texts = [slice(a, b) for a, b in zip(indptr[:-1], indptr[1:]) if np.any(targets.prescribes[a:b] >= 0)]  # marked ones
    strongest = np.array([scores[text].max() for text in texts])
    prescribing = np.array([np.any(targets.prescribes[text] == 1) for text in texts])
    gates = np.round(np.arange(cut, 0.96, 0.025), 3)
    balanced = np.array([(np.mean(strongest[prescribing] >= g) + np.mean(strongest[~prescribing] < g)) / 2 for g in gates])
    return float(gates[np.flatnonzero(balanced >= balanced.max() - 0.02)[0]])


def best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """The probability cut-off with the best F1 on out-of-fold scores (rows with y >= 0)."""
    use = y >= 0
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.2, 0.96, 0.025), 3):
        predicted = scores[use] >= t
        tp = np.sum(predicted & (y[use] == 1))
        f1 = 2 * tp / (predicted.sum() + (y[use] == 1).sum()) if predicted.sum() else 0.0
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def fit_summary_model(seeds: Sequence[Seed], features: SentenceFeatures, scores: dict[str, np.ndarray],
                      similarity: np.ndarray) -> dict:
    """The summary model: a logistic regression on :data:`.sentence_models.SUMMARY_FEATURES`,
    fitted to how many of the two annotators picked each sentence (as a soft target)."""
    from .training import linear_params

    inputs = summary_inputs(features, scores, similarity)
    rows, picked = [], []
    for d, seed in enumerate(seeds):
        if seed.marks is None or not seed.marks.get("summary"):
            continue
        span = features.rows(d)
        votes = {_key(s): v for s, v in seed.marks["summary"]}
        rows.append(inputs[span])
        picked.append([votes.get(_key(s), 0) / 2 for s in features.sentences[d]])
    X, share = np.vstack(rows), np.concatenate(picked)
    model = logistic_regression(1.0, balanced=False, few_features=True).fit(
        np.vstack([X, X]), np.r_[np.ones(len(X)), np.zeros(len(X))], sample_weight=np.r_[share, 1 - share])
    return linear_params(model)
