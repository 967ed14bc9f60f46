"""A batch's words, read once: TF-IDF rows for texts and for their sentences, and cue words.

Tokenising is most of what tagging costs, and three things need the same words: the
texts' TF-IDF rows (topic, region, stance), each sentence's TF-IDF row (the sentence
models) and the cue phrases (:mod:`.cues`). So a batch's sentences are lower-cased and
tokenised as one joined text, each word is looked up once in a table that holds both
the TF-IDF vocabulary and the cue words, and the three are built from those ids with
array operations. A text's row is the sum of its sentences' word counts, weighted as
``TfidfVectorizer`` weighs them, so it equals the vectorizer's row for the text its
sentences make up (training builds it the same way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np
from scipy import sparse

from . import cues
from .artifacts import derived
from .tfidf import FastTfidf, strip_word_accents

TOKEN = re.compile(r"\w+")  # its tokens of two or more characters are TfidfVectorizer's (\b\w\w+\b)
SEPARATOR = "_z_"  # a word text hardly ever holds: ends every sentence in the joined text (short: it is read 25,000 times a batch)


class WordTable:
    """One lookup for every word that is a TF-IDF feature or a cue word, built once per
    words artifact: its id gives the TF-IDF column and the cue-word id."""

    def __init__(self, words_artifact: dict) -> None:
        tfidf = FastTfidf(words_artifact)
        if tfidf.has_pairs:
            raise ValueError("the word stream reads single words: a words model with word pairs needs FastTfidf.transform")
        self.tfidf = tfidf
        vocabulary = tfidf.vocabulary
        words = list(vocabulary) + [w for w in cues.WORD_ID if w not in vocabulary]
        self.ids = {w: i for i, w in enumerate(words)}
        self.ids[SEPARATOR] = -1
        self.unknown = len(words)
        self.column = np.full(len(words) + 1, -1, dtype=np.int64)  # the last slot: unknown words
        self.column[: len(vocabulary)] = list(vocabulary.values())
        self.cue = np.full(len(words) + 1, cues.UNKNOWN, dtype=np.int64)
        for word, cue_id in cues.WORD_ID.items():
            if word in self.ids and self.ids[word] >= 0:
                self.cue[self.ids[word]] = cue_id

    def read(self, sentence_lists: Sequence[Sequence[str]]) -> WordStream:
        flat = [s.replace("\n", " ") for sentences in sentence_lists for s in sentences]
        text = (f" {SEPARATOR}\n".join(flat) + f" {SEPARATOR}").lower() if flat else ""
        if self.tfidf.strip:
            text = strip_word_accents(text)
        ids = np.fromiter(map(self.ids.get, TOKEN.findall(text), repeat(self.unknown)), dtype=np.int64)
        counts = np.array([len(sentences) for sentences in sentence_lists], dtype=np.int64)
        return WordStream(self, flat, ids, np.r_[0, np.cumsum(counts)])


@dataclass(frozen=True)
class WordStream:  # frozen, and cached_property still fills its __dict__
    """The ids of a batch's words in order, each sentence ended by -1."""

    table: WordTable
    sentences: list[str]
    ids: np.ndarray
    text_sentences: np.ndarray  # text d's sentences are sentences[text_sentences[d]:text_sentences[d+1]]

    def _counts(self, rows: np.ndarray, n_rows: int) -> sparse.csr_matrix:
        columns = self.table.column[self.ids]  # separators (-1) and other words hit the last slot: -1
        keep = columns >= 0
        matrix = sparse.csr_matrix(
            (np.ones(int(keep.sum()), dtype=self.table.tfidf.dtype), (rows[keep], columns[keep])),
            shape=(n_rows, self.table.tfidf.width))
        matrix.sum_duplicates()
        return matrix

    @cached_property
    def sentence_lengths(self) -> np.ndarray:
        """Each sentence's number of words (tokens)."""
        ends = np.flatnonzero(self.ids == -1)
        return np.diff(np.r_[-1, ends]) - 1

    @cached_property
    def sentence_of_word(self) -> np.ndarray:
        ends = np.flatnonzero(self.ids == -1)
        return np.searchsorted(ends, np.arange(len(self.ids)))

    def sentence_rows(self) -> sparse.csr_matrix:
        """Each sentence's TF-IDF row (unit length), as the vectorizer gives it for the sentence."""
        return self.table.tfidf.weigh(self._counts(self.sentence_of_word, len(self.sentences)))

    @cached_property
    def text_rows(self) -> sparse.csr_matrix:
        """Each text's TF-IDF row, as the vectorizer gives it for its sentences joined."""
        text_of_sentence = np.searchsorted(self.text_sentences, np.arange(len(self.sentences)), side="right") - 1
        rows = text_of_sentence[self.sentence_of_word] if len(self.sentences) else np.zeros(0, dtype=np.int64)
        return self.table.tfidf.weigh(self._counts(rows, len(self.text_sentences) - 1))

    @cached_property
    def cue_ids(self) -> np.ndarray:
        """The words as cue-word ids (see :mod:`.cues`), sentence ends as -1."""
        return np.where(self.ids >= 0, self.table.cue[self.ids], -1)

    @cached_property
    def first_words(self) -> np.ndarray:
        """Each sentence's position (in ``ids``) of its first word after any leading ones."""
        return cues.first_words(self.cue_ids)

    def cue_matrix(self) -> np.ndarray:
        return cues.cue_matrix(self.sentences, self.cue_ids, self.first_words)

    def first_word_rows(self) -> sparse.csr_matrix:
        """Per sentence, a 1 in the TF-IDF column of its first word after any leading ones
        (an imperative's verb, a recommendation's subject), when that word is a feature."""
        columns = self.table.column[self.ids[self.first_words]]  # a sentence end or other word: -1
        keep = columns >= 0
        return sparse.csr_matrix((np.ones(int(keep.sum()), dtype=self.table.tfidf.dtype), (np.flatnonzero(keep), columns[keep])),
                                 shape=(len(self.sentences), self.table.tfidf.width))


_last: list = [None, None]  # (the documents of the last batch read, its stream)


def word_stream(documents: Sequence) -> WordStream:
    """The words of a batch of documents (their sentences), read once however many
    featurizers ask: the last batch's stream is kept while the same documents come back."""
    held, stream = _last
    if held is not None and len(held) == len(documents) and all(a is b for a, b in zip(held, documents)):
        return stream
    stream = derived("words", WordTable).read([document.sentences for document in documents])
    _last[:] = [list(documents), stream]
    return stream
