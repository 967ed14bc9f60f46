"""The fast word featurizer gives exactly the matrix scikit-learn's TfidfVectorizer gives."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode

from policytag.cleaning import main_text
from policytag.labelled import load_seeds
from policytag.plugins.artifacts import load_artifact, shipped_seeds_dir
from policytag.plugins.features import build_word_vectorizer
from policytag.plugins.tfidf import FastTfidf, strip_accents, supported, tfidf_params
from policytag.plugins.words import WordTable
from policytag.sentences import split_sentences
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
def test_bundled_vectorizer(texts, seed_vectorizer):
    """The shipped words artifact gives the matrix of the vectorizer it was taken from."""
    same_matrix(seed_vectorizer.transform(texts), FastTfidf(load_artifact("words")).transform(texts))


@pytest.fixture(scope="module")
def seed_vectorizer():
    """The word vectorizer as `policytag train` fits it; the shipped artifact holds its numbers."""
    pages = [main_text(s.text) for s in load_seeds(shipped_seeds_dir())]
    vectorizer = build_word_vectorizer().fit([" ".join([p.title or "", *split_sentences(p.text)]) for p in pages])
    shipped, fitted = load_artifact("words"), tfidf_params(vectorizer)
    assert shipped["vocabulary"] == fitted["vocabulary"] and np.array_equal(shipped["idf"], fitted["idf"])
    return vectorizer


def test_the_word_stream_gives_the_vectorizers_rows_for_texts_and_sentences(seed_vectorizer):
    """A text's row is the vectorizer's for its title and sentences joined; a sentence's,
    the vectorizer's for the sentence: one tokenising pass gives both."""
    texts = [SAMPLE_ARTICLE.read_text(encoding="utf-8"), *SAMPLE_TEXTS, *ODD[1:], "One QZ. Two ℚℤ three."]
    sentences = [split_sentences(t) for t in texts]
    titles = ["Talks in Doha resume", None, "Café crème", *[None] * (len(texts) - 3)]
    stream = WordTable(load_artifact("words")).read(sentences, titles)
    joined = [" ".join([title or "", *s]) for title, s in zip(titles, sentences)]
    same_matrix(seed_vectorizer.transform(joined), stream.text_rows)
    same_matrix(seed_vectorizer.transform([x for s in sentences for x in s]), stream.sentence_rows())


@pytest.mark.parametrize("options", [
    {}, {"ngram_range": (1, 2), "sublinear_tf": True}, {"norm": None, "use_idf": False, "lowercase": False},
    {"ngram_range": (1, 2), "strip_accents": "unicode", "dtype": np.float32},
])
def test_other_fitted_vectorizers(options):
    corpus = [*SAMPLE_TEXTS, *ODD[1:]]
    vectorizer = TfidfVectorizer(**options).fit(corpus)
    texts = [*ODD, *SAMPLE_TEXTS[::-1], "unseen words only"]
    same_matrix(vectorizer.transform(texts), FastTfidf(tfidf_params(vectorizer)).transform(texts))


def test_settings_it_does_not_reproduce_are_refused_at_training():
    for vectorizer in (TfidfVectorizer(ngram_range=(1, 3)), TfidfVectorizer(analyzer="char")):
        vectorizer.fit(SAMPLE_TEXTS)
        assert not supported(vectorizer)
        with pytest.raises(ValueError, match="does not reproduce"):
            tfidf_params(vectorizer)


def test_strip_accents_matches_scikit_learn():
    for text in [*ODD, *UNUSUAL_TEXTS, "e\u0301 a\u0300\u0301"]:
        assert strip_accents(text) == strip_accents_unicode(text)


def test_word_token_finds_what_the_default_pattern_finds():
    import re

    from policytag.plugins.tfidf import DEFAULT_TOKEN_PATTERN, WORD_TOKEN

    default = re.compile(DEFAULT_TOKEN_PATTERN)
    for text in [SAMPLE_ARTICLE.read_text(encoding="utf-8"), *UNUSUAL_TEXTS, *ODD, "a b_c _d e1 2f __ x_", "l'été—déjà vu"]:
        assert WORD_TOKEN.findall(text.lower()) == default.findall(text.lower())
