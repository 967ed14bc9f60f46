"""A batch's words, read once: TF-IDF rows for texts and for their sentences, and cue words.

Tokenising is most of what tagging costs, and three things need the same words: the
texts' TF-IDF rows (topic, region, stance), each sentence's TF-IDF row (the sentence
models) and the cue phrases (:mod:`.cues`). So a batch's sentences are lower-cased and
tokenised as one joined text, each word is looked up once in a table that holds both
the TF-IDF vocabulary and the cue words, and the three are built from those ids with
array operations. A text's row is the sum of its title's and its sentences' word counts, weighted as
``TfidfVectorizer`` weighs them, so it equals the vectorizer's row for the title and
sentences joined (training builds it the same way).
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
# Ends every line of the joined text. Inserted after lower-casing, so text hardly ever
# holds it (lower-cased text has no ASCII capitals); when one does, it is read line by line.
SEPARATOR = "QZ"


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

    def ids_of(self, lines: Sequence[str]) -> np.ndarray:
        """The word ids of some lines in order, each line ended by -1."""
        if not lines:
            return np.zeros(0, dtype=np.int64)
        text = "\n".join(line.replace("\n", " ") for line in lines).lower() + "\n"
        if self.tfidf.strip:
            text = strip_word_accents(text)
        ids = np.fromiter(map(self.ids.get, TOKEN.findall(text.replace("\n", f" {SEPARATOR}\n")), repeat(self.unknown)),
                          dtype=np.int64)
        if np.count_nonzero(ids == -1) == len(lines):
            return ids
        return self._ids_line_by_line(lines)  # a line held the separator itself (stripping "ℚℤ" gives "QZ")

    def _ids_line_by_line(self, lines: Sequence[str]) -> np.ndarray:
        out: list[int] = []
        for line in lines:
            text = line.lower()
            words = TOKEN.findall(strip_word_accents(text) if self.tfidf.strip else text)
            out.extend(self.unknown if word == SEPARATOR else self.ids.get(word, self.unknown) for word in words)
            out.append(-1)
        return np.array(out, dtype=np.int64)

    def read(self, sentence_lists: Sequence[Sequence[str]], titles: Sequence[str | None]) -> WordStream:
        """A batch of texts, each as its sentences, and its title (or None)."""
        flat = [s for sentences in sentence_lists for s in sentences]
        counts = np.array([len(sentences) for sentences in sentence_lists], dtype=np.int64)
        return WordStream(self, flat, self.ids_of(flat), np.r_[0, np.cumsum(counts)], self.ids_of([t or "" for t in titles]))


@dataclass(frozen=True)
class WordStream:  # frozen, and cached_property still fills its __dict__
    """The ids of a batch's words in order, each sentence ended by -1."""

    table: WordTable
    sentences: list[str]
    ids: np.ndarray
    text_sentences: np.ndarray  # text d's sentences are sentences[text_sentences[d]:text_sentences[d+1]]
    title_ids: np.ndarray  # each text's title's words, each title ended by -1

    def _counts(self, rows: np.ndarray, n_rows: int, ids: np.ndarray | None = None) -> sparse.csr_matrix:
        ids = self.ids if ids is None else ids
        columns = self.table.column[ids]  # separators (-1) and other words hit the last slot: -1
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
        """Each text's TF-IDF row, as the vectorizer gives it for its title and sentences
        joined: a headline names its subject more plainly than any sentence."""
        n = len(self.text_sentences) - 1
        text_of_sentence = np.searchsorted(self.text_sentences, np.arange(len(self.sentences)), side="right") - 1
        rows = text_of_sentence[self.sentence_of_word] if len(self.sentences) else np.zeros(0, dtype=np.int64)
        title_of_word = np.searchsorted(np.flatnonzero(self.title_ids == -1), np.arange(len(self.title_ids)))
        counts = self._counts(rows, n) + self._counts(title_of_word, n, self.title_ids)
        return self.table.tfidf.weigh(counts)

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
    stream = derived("words", WordTable).read([document.sentences for document in documents], [d.title for d in documents])
    _last[:] = [list(documents), stream]
    return stream
