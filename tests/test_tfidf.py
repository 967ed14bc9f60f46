"""The fast word featurizer gives exactly the matrix scikit-learn's TfidfVectorizer gives."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode

from policytag.plugins.artifacts import load_artifact
from policytag.plugins.tfidf import FastTfidf, strip_accents, supported
from policytag.testing import SAMPLE_TEXTS, UNUSUAL_TEXTS

from .conftest import SAMPLE_ARTICLE

ODD = ["", "Café crème à Zürich — naïve résumé…", "ﬁnance ＡＢＣ ½ Ω", "x", "Iran’s and Türkiye's U.S.-led talks"]


def same_matrix(expected, got) -> None:
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.data, expected.data, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("texts", [
    [SAMPLE_ARTICLE.read_text(encoding="utf-8"), *SAMPLE_TEXTS], list(UNUSUAL_TEXTS), ODD, ODD[:1],
], ids=["articles", "unusual", "odd", "one-empty"])
def test_bundled_vectorizer(texts):
    vectorizer = load_artifact("words")["vectorizer"]
    assert supported(vectorizer)
    same_matrix(vectorizer.transform(texts), FastTfidf(vectorizer).transform(texts))


@pytest.mark.parametrize("options", [
    {}, {"ngram_range": (1, 2), "sublinear_tf": True}, {"norm": None, "use_idf": False, "lowercase": False},
    {"ngram_range": (1, 2), "strip_accents": "unicode", "dtype": np.float32},
])
def test_other_fitted_vectorizers(options):
    corpus = [*SAMPLE_TEXTS, *ODD[1:]]
    vectorizer = TfidfVectorizer(**options).fit(corpus)
    texts = [*ODD, *SAMPLE_TEXTS[::-1], "unseen words only"]
    same_matrix(vectorizer.transform(texts), FastTfidf(vectorizer).transform(texts))


def test_unsupported_settings_are_left_to_scikit_learn():
    assert not supported(TfidfVectorizer(ngram_range=(1, 3)).fit(SAMPLE_TEXTS))
    assert not supported(TfidfVectorizer(analyzer="char").fit(SAMPLE_TEXTS))


def test_strip_accents_matches_scikit_learn():
    for text in [*ODD, *UNUSUAL_TEXTS, "e\u0301 a\u0300\u0301"]:
        assert strip_accents(text) == strip_accents_unicode(text)


def test_word_token_finds_what_the_default_pattern_finds():
    import re

    from policytag.plugins.tfidf import DEFAULT_TOKEN_PATTERN, WORD_TOKEN

    default = re.compile(DEFAULT_TOKEN_PATTERN)
    for text in [SAMPLE_ARTICLE.read_text(encoding="utf-8"), *UNUSUAL_TEXTS, *ODD, "a b_c _d e1 2f __ x_", "l'été—déjà vu"]:
        assert WORD_TOKEN.findall(text.lower()) == default.findall(text.lower())
