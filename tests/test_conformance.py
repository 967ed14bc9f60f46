"""The conformance kit passes for the bundled classifiers and catches each broken one."""

from __future__ import annotations

import pytest

from policytag import testing
from policytag.plugin_manager import collect, get_plugin_manager

from .broken import BROKEN, Good

BUNDLED = [collect(get_plugin_manager()).classifiers[name] for name in ("topic", "stance", "region")]


@testing.parametrize_with_checks(BUNDLED)
def test_bundled_classifiers_conform(classifier, check):
    check(classifier)


@testing.parametrize_with_checks([Good()])
def test_a_good_classifier_passes(classifier, check):
    check(classifier)


@pytest.mark.parametrize(("classifier", "check_name"), BROKEN, ids=[type(c).__name__ for c, _ in BROKEN])
def test_each_check_catches_its_broken_classifier(classifier, check_name):
    check = getattr(testing, check_name)
    with pytest.raises(testing.ConformanceError) as caught:
        check(classifier)
    assert type(classifier).__name__ in str(caught.value)


def test_every_check_is_proven_by_a_broken_classifier():
    proven = {name for _, name in BROKEN}
    assert proven == {check.__name__ for check in testing.CHECKS}


def test_check_classifier_runs_them_all():
    testing.check_classifier(Good())
    with pytest.raises(testing.ConformanceError):
        testing.check_classifier(BROKEN[0][0])
