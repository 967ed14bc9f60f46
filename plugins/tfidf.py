"""A fitted ``TfidfVectorizer``'s ``transform``, at close to the cost of tokenising once,
without scikit-learn.

scikit-learn builds every word pair of every text as a new string ("red sea") and looks
it up in a dict, and strips accents character by character in Python; together that
costs about three times reading the words once. Here each token is looked up once as a
word id, pairs become integer keys (``first * n_words + second``) found with one
vectorised ``searchsorted`` per batch, and accents are stripped only from texts that
have any. The matrix is the one scikit-learn returns (same columns, same weights to
float rounding); settings it does not cover are refused when the models are trained.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import repeat

import numpy as np
from scipy import sparse

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
# Finds exactly what DEFAULT_TOKEN_PATTERN finds (a greedy run of word characters can
# only start and end at word boundaries when scanning left to right), but without a
# leading \b the regex engine skips ahead to word characters: ~25% faster.
WORD_TOKEN = re.compile(r"\w\w+")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
WORD_CHARACTER = re.compile(r"\w")


def strip_accents(text: str) -> str:
    """``sklearn``'s ``strip_accents_unicode``, without a Python loop over every character."""
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFKD", text):
        text = unicodedata.normalize("NFKD", text)
    for mark in {c for c in NON_ASCII.findall(text) if unicodedata.combining(c)}:
        text = text.replace(mark, "")
    return text


def strip_word_accents(text: str) -> str:
    """``text`` with accents stripped only from the characters where that changes a word
    ("é" to "e", a combining mark to nothing): the same words as stripping the whole text,
    at a fraction of the cost. Curly quotes, dashes and ellipses, most articles' only
    non-ASCII characters, change no word and are left as they are."""
    if text.isascii():
        return text
    table = {}
    for c in set(NON_ASCII.findall(text)):
        stripped = strip_accents(c)
        if stripped != c and (unicodedata.combining(c) or WORD_CHARACTER.search(stripped)):
            table[c] = stripped
    if not table:
        return text
    return re.compile("[" + re.escape("".join(table)) + "]").sub(lambda m: table[m.group()], text)


def supported(vectorizer) -> bool:
    """Whether :class:`FastTfidf` reproduces this fitted vectorizer exactly."""
    return (
        vectorizer.analyzer == "word" and vectorizer.input == "content" and vectorizer.tokenizer is None
        and vectorizer.preprocessor is None and vectorizer.stop_words is None
        and vectorizer.token_pattern == DEFAULT_TOKEN_PATTERN and tuple(vectorizer.ngram_range) in {(1, 1), (1, 2)}
        and vectorizer.strip_accents in (None, "unicode") and not vectorizer.binary
        and vectorizer.norm in (None, "l2") and hasattr(vectorizer, "vocabulary_")
    )


def tfidf_params(vectorizer) -> dict:
    """What :class:`FastTfidf` needs of a fitted vectorizer, as plain values: the words
    artifact holds these rather than the scikit-learn object, so tagging never imports
    scikit-learn (about a second at start-up)."""
    if not supported(vectorizer):
        raise ValueError(f"FastTfidf does not reproduce this vectorizer's settings: {vectorizer!r}")
    dtype = np.dtype(vectorizer.dtype)
    return {
        "vocabulary": {term: int(column) for term, column in vectorizer.vocabulary_.items()},
        "idf": vectorizer.idf_.astype(dtype) if vectorizer.use_idf else None,
        "lowercase": bool(vectorizer.lowercase), "strip_accents": vectorizer.strip_accents == "unicode",
        "sublinear_tf": bool(vectorizer.sublinear_tf), "norm": vectorizer.norm, "dtype": dtype.name,
    }


class FastTfidf:
    """``transform`` of a fitted word ``TfidfVectorizer`` (see :func:`supported`), from
    its :func:`tfidf_params`."""

    def __init__(self, params: dict) -> None:
        self.lowercase = params["lowercase"]
        self.strip = params["strip_accents"]
        self.sublinear = params["sublinear_tf"]
        self.norm = params["norm"]
        self.dtype = np.dtype(params["dtype"])
        self.idf = params["idf"]
        self.width = len(params["vocabulary"])
        self.vocabulary = {term: column for term, column in params["vocabulary"].items() if " " not in term}
        self.has_pairs = len(self.vocabulary) < self.width
        words: dict[str, int] = {}  # every word that is a feature or half of one
        unigrams, pairs = [], []
        for term, column in params["vocabulary"].items():
            parts = [words.setdefault(part, len(words)) for part in term.split(" ")]
            (unigrams if len(parts) == 1 else pairs).append((parts, column))
        self.words = words
        self.word_column = np.full(len(words) + 1, -1, dtype=np.int64)  # the extra slot: unknown words (-1)
        for (word,), column in unigrams:
            self.word_column[word] = column
        keys = np.array([a * len(words) + b for (a, b), _ in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self.pair_keys = keys[order]
        # Words that begin (end) some pair: most adjacent words are neither, and two
        # lookups in these masks rule them out before the search.
        self.begins_pair = np.zeros(len(words) + 1, dtype=bool)
        self.ends_pair = np.zeros(len(words) + 1, dtype=bool)
        self.begins_pair[self.pair_keys // len(words)] = True
        self.ends_pair[self.pair_keys % len(words)] = True
        self.pair_column = np.array([column for _, column in pairs], dtype=np.int64)[order]

    def tokens(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        if self.strip:
            text = strip_accents(text)
        return WORD_TOKEN.findall(text)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF matrix, one row per text, as ``vectorizer.transform(texts)`` gives it."""
        ids: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        word_id = self.words.get  # with repeat(-1): ids at C speed, -1 for other words
        for row, text in enumerate(texts):
            before = len(ids)
            ids.extend(map(word_id, self.tokens(text), repeat(-1)))
            ids.append(-1)  # a gap, so no pair spans two texts
            lengths[row] = len(ids) - before
        ids_array = np.array(ids, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts)), lengths)
        columns = [self.word_column[ids_array]]
        row_parts = [rows]
        if len(self.pair_keys) and len(ids_array) > 1:
            first, second = ids_array[:-1], ids_array[1:]
            both = self.begins_pair[first] & self.ends_pair[second]  # unknown words (-1) hit the last slot: False
            keys = first[both] * len(self.words) + second[both]
            at = np.minimum(np.searchsorted(self.pair_keys, keys), len(self.pair_keys) - 1)
            hit = self.pair_keys[at] == keys
            columns.append(self.pair_column[at[hit]])
            row_parts.append(rows[:-1][both][hit])
        column, row = np.concatenate(columns), np.concatenate(row_parts)
        keep = column >= 0
        counts = sparse.csr_matrix(
            (np.ones(int(keep.sum()), dtype=self.dtype), (row[keep], column[keep])),
            shape=(len(texts), self.width),
        )
        counts.sum_duplicates()
        return self.weigh(counts)

    def weigh(self, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        data = matrix.data
        if self.sublinear:
            np.log(data, out=data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[matrix.indices]
        if self.norm == "l2":
            row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
            norms = np.sqrt(np.bincount(row_of, weights=np.square(data, dtype=np.float64), minlength=matrix.shape[0]))
            norms[norms == 0] = 1.0
            data /= norms[row_of].astype(self.dtype)
        return matrix
