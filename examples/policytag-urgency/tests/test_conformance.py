"""The plugin passes policytag's conformance kit, and tags what it should."""

from policytag.testing import parametrize_with_checks

from policytag_urgency import UrgencyClassifier


@parametrize_with_checks([UrgencyClassifier()])
def test_policytag_conformance(classifier, check):
    check(classifier)


def test_urgent_words_make_urgent():
    from policytag import Document

    [[tag]] = UrgencyClassifier().predict_many(None, [Document(text="Talks must resume immediately.")])
    assert tag.label == "urgent" and tag.evidence == ["immediately"]
