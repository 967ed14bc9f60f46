"""Sentence by sentence: what stance, recommendations and the summary read.

A text's argument lives in a few sentences: the ones in which the author, in their
own voice, says which way policy should go. Each sentence becomes a row: its words
(the words featurizer's vocabulary and weights, unit length), its cues (see
:mod:`.cues`) and where it stands in the text. The sentences are the document's own
split (``Document.sentences``), the one the summary and the recommendations report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .cues import NAMES as CUE_NAMES
from .words import WordStream

POSITION_NAMES = ("relative_position", "first", "second", "third", "last_three", "log_words")
FEATURE_NAMES = CUE_NAMES + POSITION_NAMES
# The sentence models read a sentence's words and cues, not where it stands or how long
# it is: where our writers put their recommendations (at the end) is a habit real
# articles, and excerpts of them, do not share (measured on the real-article set).
MODEL_COLUMNS = list(range(len(CUE_NAMES)))
# A sentence's first word (after "And", "Finally," and the like) as a feature of its own:
# the verb of an imperative ("Separate the two files."), whatever the verb.
FIRST_WORD_WEIGHT = 0.5
# Beside unit-length word rows, 0/1 cues at full weight would drown the words; this
# scale was chosen by cross-validation on the annotated seeds.
CUE_WEIGHT = 0.5


def position_matrix(counts: Sequence[int], lengths: np.ndarray) -> np.ndarray:
    """Per sentence: where it stands in its text, and how long it is."""
    rows = np.zeros((int(sum(counts)), len(POSITION_NAMES)), dtype=np.float32)
    at = 0
    for n in counts:
        index = np.arange(n)
        block = rows[at:at + n]
        block[:, 0] = index / max(1, n - 1)
        block[:, 1], block[:, 2], block[:, 3] = index == 0, index == 1, index == 2
        block[:, 4] = index >= n - 3
        at += n
    rows[:, 5] = np.log1p(lengths) / 4
    return rows


@dataclass(frozen=True)
class SentenceFeatures:
    """A batch's sentences as rows; document ``d`` owns rows ``indptr[d]:indptr[d+1]``."""

    matrix: sparse.csr_matrix
    dense: np.ndarray  # the cue and position part alone, unscaled (columns: FEATURE_NAMES)
    words: sparse.csr_matrix  # the words part alone (unit rows)
    indptr: np.ndarray
    sentences: list[tuple[str, ...]]

    def rows(self, document: int) -> slice:
        return slice(int(self.indptr[document]), int(self.indptr[document + 1]))


def rowwise_cosine(rows: sparse.csr_matrix, others: sparse.csr_matrix, owner: np.ndarray) -> np.ndarray:
    """Each unit-length row's dot product with the unit-length row of ``others`` it belongs
    to (``others[owner[i]]``), from the two matrices' nonzeros: copying each text's row
    once per sentence cost more than the rest of the sentence analysis."""
    if not rows.shape[0] or not others.nnz:
        return np.zeros(rows.shape[0], dtype=np.float32)
    width = rows.shape[1]
    row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
    wanted = owner[row_of] * width + rows.indices
    keys = np.repeat(np.arange(others.shape[0]), np.diff(others.indptr)) * width + others.indices
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], others.data[order]
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    products = np.where(keys[at] == wanted, rows.data * values[at], 0.0)
    return np.bincount(row_of, weights=products, minlength=rows.shape[0]).astype(np.float32)


def similarities(stream: WordStream, words: sparse.csr_matrix, titles: Sequence[str | None]) -> np.ndarray:
    """Per sentence: its cosine with its text's words, and with its text's title (what
    the summary reads; computed only when a summary is asked for)."""
    counts = np.diff(stream.text_sentences)
    owner = np.repeat(np.arange(len(counts)), counts)
    title_rows = stream.table.tfidf.transform([t or "" for t in titles])
    return np.column_stack([rowwise_cosine(words, stream.text_rows, owner), rowwise_cosine(words, title_rows, owner)])


def sentence_features(stream: WordStream) -> SentenceFeatures:
    """Rows for every sentence of every text of a batch, from its word stream."""
    counts = np.diff(stream.text_sentences)
    words = stream.sentence_rows()
    dense = np.hstack([stream.cue_matrix(), position_matrix(counts, stream.sentence_lengths)])
    matrix = sparse.hstack([words, stream.first_word_rows() * FIRST_WORD_WEIGHT, sparse.csr_matrix(dense[:, MODEL_COLUMNS] * CUE_WEIGHT)],
                           format="csr", dtype=np.float32)
    sentences = [tuple(stream.sentences[a:b]) for a, b in zip(stream.text_sentences[:-1], stream.text_sentences[1:])]
    return SentenceFeatures(matrix=matrix, dense=dense, words=words, indptr=stream.text_sentences, sentences=sentences)
