"""Deliberately broken classifiers: each breaks one contract the conformance kit checks."""

from __future__ import annotations

from policytag import Classifier, Featurizer, Tag


class Good(Classifier):
    name = "good"
    labels = ("a", "b")
    multi_label = True
    version = "1"

    def predict_many(self, features, documents):
        return [[Tag(label="a", score=0.9), Tag(label="b", score=0.2)] for _ in documents]


class BadName(Good):
    name = "Bad Name"


class RepeatedLabels(Good):
    labels = ("a", "a")


class NoVersion(Good):
    version = ""


class WrongCount(Good):
    def predict_many(self, features, documents):
        return super().predict_many(features, documents)[:-1] or [[]] * 2


class NotTags(Good):
    def predict_many(self, features, documents):
        return [[("a", 0.9)] for _ in documents]


class UndeclaredLabel(Good):
    def predict_many(self, features, documents):
        return [[Tag(label="zzz", score=0.5)] for _ in documents]


class NotProbability(Good):
    def predict_many(self, features, documents):
        return [[Tag.model_construct(label="a", score=7.5, evidence=[], low_confidence=False)] for _ in documents]


class SingleButTwo(Good):
    multi_label = False


class Unsorted(Good):
    def predict_many(self, features, documents):
        return [[Tag(label="b", score=0.2), Tag(label="a", score=0.9)] for _ in documents]


class BatchDependent(Good):
    def predict_many(self, features, documents):
        score = 1.0 / len(documents)
        return [[Tag(label="a", score=score)] for _ in documents]


class Random(Good):
    calls = 0

    def predict_many(self, features, documents):
        Random.calls += 1
        return [[Tag(label="a", score=(Random.calls % 7) / 10)] for _ in documents]


class FragileOnUnusual(Good):
    def predict_many(self, features, documents):
        if any(len(d.text) < 10 for d in documents):
            raise IndexError("no words")
        return super().predict_many(features, documents)


class LongEvidence(Good):
    def predict_many(self, features, documents):
        return [[Tag(label="a", score=0.9, evidence=[d.text * 5])] for d in documents]


class MissingFeaturizer(Good):
    featurizer = "no-such-featurizer"


# (broken classifier, the check that must catch it)
BROKEN = [
    (BadName(), "check_declares_contract"),
    (RepeatedLabels(), "check_declares_contract"),
    (NoVersion(), "check_declares_contract"),
    (MissingFeaturizer(), "check_featurizers_registered"),
    (WrongCount(), "check_one_result_per_document"),
    (NotTags(), "check_returns_tags"),
    (UndeclaredLabel(), "check_labels_declared"),
    (NotProbability(), "check_scores_are_probabilities"),
    (SingleButTwo(), "check_single_label_gives_one"),
    (Unsorted(), "check_sorted_by_score"),
    (BatchDependent(), "check_batch_independent"),
    (Random(), "check_deterministic"),
    (FragileOnUnusual(), "check_unusual_text"),
    (LongEvidence(), "check_evidence_is_short_text"),
]


class CountingFeaturizer(Featurizer):
    """Counts its calls, to prove a batch is featurised once however many classifiers share it."""

    name = "counting"

    def __init__(self):
        self.calls = 0

    def transform(self, documents):
        self.calls += 1
        return [len(d.text) for d in documents]


class LengthClassifier(Classifier):
    """A tiny classifier over CountingFeaturizer's output."""

    labels = ("short", "long")
    multi_label = False
    version = "1"
    featurizer = "counting"

    def __init__(self, name):
        self.name = name

    def predict_many(self, features, documents):
        return [[Tag(label="long" if n > 40 else "short", score=1.0)] for n in features]
