"""A conformance kit for classifier plugins, in the spirit of scikit-learn's estimator checks.

Each ``check_*`` function states one contract in its docstring and, when the
classifier breaks it, fails with a message saying how to fix it. Plugin authors run
them all in three lines::

    from policytag.testing import parametrize_with_checks

    @parametrize_with_checks([MyClassifier()])
    def test_policytag_conformance(classifier, check):
        check(classifier)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

from .classifier import Classifier, Featurizer, featurizer_names
from .schema import Document, Tag

MAX_EVIDENCE_CHARS = 300  # a sentence: stance evidence is the sentence that argues it
SAMPLE_TEXTS = (
    "The foreign ministers met in Geneva to restart talks on a ceasefire and the exchange of prisoners.",
    "Lawmakers want a larger defence budget and more warships in the Pacific to face down Beijing.",
    "Sanctions on oil exports were widened, and the central bank's reserves abroad were frozen.",
    "Aid convoys still cannot reach the besieged city, where hospitals have run out of fuel.",
    "The summit ended without a joint statement; both sides said they would keep talking.",
)
UNUSUAL_TEXTS = (
    "Talks.",
    "وزير الخارجية يلتقي نظيره في الرياض لبحث وقف إطلاق النار",
    "北京与华盛顿就出口管制举行新一轮会谈。",
    "sanctions " * 5000,
    "!!! ??? ... 2024-05-01 $$$ ###",
)


class ConformanceError(AssertionError):
    """A classifier broke a contract of the plugin interface."""


def _fail(classifier: Classifier, message: str) -> None:
    raise ConformanceError(f"{type(classifier).__name__} ({getattr(classifier, 'name', '?')!r}): {message}")


def _featurizers() -> dict[str, Featurizer]:
    from .plugin_manager import collect, get_plugin_manager

    return collect(get_plugin_manager()).featurizers


def predict(classifier: Classifier, texts: Sequence[str], featurizers: dict[str, Featurizer] | None = None):
    """Run ``classifier`` on ``texts`` as the Tagger would: featurise, then predict_many."""
    documents = [Document(text=t) for t in texts]
    wanted = featurizer_names(classifier)
    if wanted and featurizers is None:
        featurizers = _featurizers()
    features = tuple(featurizers[name].transform(documents) for name in wanted)
    given = documents if not wanted else (features[0] if isinstance(classifier.featurizer, str) else features)
    return classifier.predict_many(given, documents)


def check_declares_contract(classifier: Classifier, featurizers=None) -> None:
    """A classifier declares a lower-case ``name``, a non-empty set of unique string
    ``labels``, a boolean ``multi_label`` and a non-empty string ``version``."""
    name = getattr(classifier, "name", None)
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
        _fail(classifier, f"`name` must be a lower-case identifier such as 'urgency', got {name!r}")
    labels = getattr(classifier, "labels", None)
    if not labels or isinstance(labels, str) or not all(isinstance(x, str) and x for x in labels):
        _fail(classifier, "`labels` must be a non-empty sequence of non-empty strings")
    if len(set(labels)) != len(labels):
        _fail(classifier, "`labels` repeats a label: declare each once")
    if not isinstance(getattr(classifier, "multi_label", None), bool):
        _fail(classifier, "`multi_label` must be True or False")
    version = getattr(classifier, "version", None)
    if not isinstance(version, str) or not version:
        _fail(classifier, "`version` must be a non-empty string, e.g. '1.0'")


def check_featurizers_registered(classifier: Classifier, featurizers=None) -> None:
    """Every featurizer a classifier asks for is registered by some plugin."""
    available = featurizers if featurizers is not None else _featurizers()
    missing = [n for n in featurizer_names(classifier) if n not in available]
    if missing:
        _fail(classifier, f"asks for featurizer(s) {missing} that no plugin registers: register them or set `featurizer = None`")


def check_one_result_per_document(classifier: Classifier, featurizers=None) -> None:
    """``predict_many`` returns a list with exactly one entry per document, for any batch size."""
    for size in (1, len(SAMPLE_TEXTS)):
        out = predict(classifier, SAMPLE_TEXTS[:size], featurizers)
        if not isinstance(out, list) or len(out) != size:
            got = len(out) if isinstance(out, list) else type(out).__name__
            _fail(classifier, f"predict_many on {size} documents returned {got}: return one list of Tag per document")


def check_returns_tags(classifier: Classifier, featurizers=None) -> None:
    """Each document's entry is a list of :class:`policytag.Tag`."""
    for tags in predict(classifier, SAMPLE_TEXTS, featurizers):
        if not isinstance(tags, list) or not all(isinstance(t, Tag) for t in tags):
            _fail(classifier, "each document's result must be a list of policytag.Tag objects")


def check_labels_declared(classifier: Classifier, featurizers=None) -> None:
    """Tags only use declared labels, each at most once per document."""
    for tags in predict(classifier, SAMPLE_TEXTS, featurizers):
        labels = [t.label for t in tags]
        unknown = sorted(set(labels) - set(classifier.labels))
        if unknown:
            _fail(classifier, f"returned undeclared label(s) {unknown}: add them to `labels` or stop returning them")
        if len(set(labels)) != len(labels):
            _fail(classifier, "returned a label twice for one document")


def check_scores_are_probabilities(classifier: Classifier, featurizers=None) -> None:
    """Scores are finite numbers in [0, 1]."""
    for tags in predict(classifier, SAMPLE_TEXTS, featurizers):
        for t in tags:
            if not (isinstance(t.score, float) and math.isfinite(t.score) and 0.0 <= t.score <= 1.0):
                _fail(classifier, f"score {t.score!r} for {t.label!r} is not a probability in [0, 1]")


def check_single_label_gives_one(classifier: Classifier, featurizers=None) -> None:
    """A single-label classifier returns exactly one tag per document."""
    if classifier.multi_label:
        return
    for tags in predict(classifier, SAMPLE_TEXTS, featurizers):
        if len(tags) != 1:
            _fail(classifier, f"is single-label but returned {len(tags)} tags: return exactly one, or set multi_label = True")


def check_sorted_by_score(classifier: Classifier, featurizers=None) -> None:
    """Tags come best first."""
    for tags in predict(classifier, SAMPLE_TEXTS, featurizers):
        scores = [t.score for t in tags]
        if scores != sorted(scores, reverse=True):
            _fail(classifier, f"tags are not sorted by score (got {scores}): sort them best first")


def check_batch_independent(classifier: Classifier, featurizers=None) -> None:
    """A document gets the same tags alone as inside a batch (no leakage between documents)."""
    together = predict(classifier, SAMPLE_TEXTS, featurizers)
    for text, batched in zip(SAMPLE_TEXTS, together):
        alone = predict(classifier, [text], featurizers)[0]
        if [t.label for t in alone] != [t.label for t in batched] or any(
            abs(a.score - b.score) > 1e-6 for a, b in zip(alone, batched)
        ):
            _fail(classifier, f"tags for {text[:40]!r}… differ alone and in a batch: do not let documents affect each other")


def check_deterministic(classifier: Classifier, featurizers=None) -> None:
    """The same input gives the same output twice."""
    if predict(classifier, SAMPLE_TEXTS, featurizers) != predict(classifier, SAMPLE_TEXTS, featurizers):
        _fail(classifier, "gave different tags for the same input: fix random seeds or remove hidden state")


def check_unusual_text(classifier: Classifier, featurizers=None) -> None:
    """One-word, non-Latin, very long and punctuation-only texts give valid tags, not exceptions."""
    try:
        out = predict(classifier, UNUSUAL_TEXTS, featurizers)
    except Exception as exc:
        _fail(classifier, f"raised {type(exc).__name__} on unusual text ({exc}): handle short, non-Latin and long texts")
    if len(out) != len(UNUSUAL_TEXTS):
        _fail(classifier, "returned the wrong number of results for unusual texts")


def check_evidence_is_short_text(classifier: Classifier, featurizers=None) -> None:
    """Evidence, when given, is a short list of short strings (words, phrases or a sentence from the text)."""
    for tags in predict(classifier, SAMPLE_TEXTS, featurizers):
        for t in tags:
            if len(t.evidence) > 10 or any(not isinstance(e, str) or len(e) > MAX_EVIDENCE_CHARS for e in t.evidence):
                _fail(classifier, f"evidence for {t.label!r} should be at most 10 strings of at most {MAX_EVIDENCE_CHARS} characters")


CHECKS: tuple[Callable[..., None], ...] = (
    check_declares_contract,
    check_featurizers_registered,
    check_one_result_per_document,
    check_returns_tags,
    check_labels_declared,
    check_scores_are_probabilities,
    check_single_label_gives_one,
    check_sorted_by_score,
    check_batch_independent,
    check_deterministic,
    check_unusual_text,
    check_evidence_is_short_text,
)


def check_classifier(classifier: Classifier, featurizers: dict[str, Featurizer] | None = None) -> None:
    """Run every check; the first broken contract raises :class:`ConformanceError`."""
    for check in CHECKS:
        check(classifier, featurizers)


def parametrize_with_checks(classifiers: Iterable[Classifier], xfail: dict[str, str] | None = None):
    """A pytest decorator giving one test per (classifier, check) pair.

    ``xfail`` maps a check's name to the reason it is a known failure.
    """
    import pytest

    xfail = xfail or {}
    params = []
    for classifier in classifiers:
        for check in CHECKS:
            marks = [pytest.mark.xfail(reason=xfail[check.__name__], strict=True)] if check.__name__ in xfail else []
            params.append(pytest.param(classifier, check, id=f"{classifier.name}-{check.__name__}", marks=marks))
    return pytest.mark.parametrize(("classifier", "check"), params)
