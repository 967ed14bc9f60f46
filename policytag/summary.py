"""An extractive summary: the most central sentences, TextRank-style, in article order.

Sentences are nodes, TF-IDF cosine similarity between them the edge weights, and
PageRank over that graph ranks them. Everything is sparse numpy, so a long article
costs about a millisecond. The similarity graph is dense, n² for n sentences, so only
the first ``MAX_RANKED`` sentences are ranked: without that cap a 5 MB text (50,000
sentences) would need 20 GB.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .stopwords import english_stop_words

MAX_SENTENCES = 3
MIN_WORDS, MAX_WORDS = 6, 60
DAMPING = 0.85
DENSE_CELLS = 250_000  # up to 2 MB for each dense intermediate of cosine_graph
MAX_RANKED = 1000  # ~25,000 words: a long report; its summary comes from its first part
WORD = re.compile(r"[a-z][a-z'’-]+")


def rank_sentences(sentences: list[str]) -> np.ndarray:
    """A centrality score per sentence (PageRank on the TF-IDF cosine graph).

    Interpreter and scipy per-call overhead, not arithmetic, was most of a summary's
    cost, so words are numbered with C-level dict operations rather than one by one, and
    the unit-length TF-IDF rows are built in one go from their nonzeros. Words are
    numbered in order of appearance, not in set order, so near-ties between sentences
    break the same way in every process, whatever its hash seed.
    """
    stop = english_stop_words()
    per_sentence = [[w for w in dict.fromkeys(WORD.findall(s.lower())) if w not in stop] for s in sentences]
    words = [word for content in per_sentence for word in content]
    vocabulary = dict.fromkeys(words)
    n = len(sentences)
    if not vocabulary:
        return np.zeros(n)
    columns = np.fromiter(map(dict(zip(vocabulary, range(len(vocabulary)))).__getitem__, words), dtype=np.int64, count=len(words))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(content) for content in per_sentence], out=indptr[1:])
    idf = np.log((1 + n) / (1 + np.bincount(columns, minlength=len(vocabulary)))) + 1
    weights = idf[columns]
    row_of = np.repeat(np.arange(n), np.diff(indptr))
    norms = np.sqrt(np.bincount(row_of, weights=weights * weights, minlength=n))
    norms[norms == 0] = 1
    similarity = cosine_graph(weights / norms[row_of], columns, indptr, len(vocabulary))
    np.fill_diagonal(similarity, 0)
    out_weight = similarity.sum(axis=1)
    out_weight[out_weight == 0] = 1
    damped = DAMPING * (similarity / out_weight[:, None]).T
    return np.linalg.solve(np.eye(n) - damped, np.full(n, (1 - DAMPING) / n))  # PageRank's fixed point


def cosine_graph(values: np.ndarray, columns: np.ndarray, indptr: np.ndarray, width: int) -> np.ndarray:
    """Every pair of sentences' dot product, from their unit TF-IDF rows in CSR form.

    For an article, numpy alone: each nonzero times the matching row of the rows' dense
    transpose, summed per sentence. Not scipy, whose per-call checks cost more than the
    arithmetic, nor a BLAS product, whose threads fought `--jobs` workers for the
    cores. A long report, whose dense intermediates would not fit, takes scipy's
    sparse product.
    """
    n = len(indptr) - 1
    if max(len(values), width) * n > DENSE_CELLS:
        unit = sparse.csr_matrix((values, columns, indptr), shape=(n, width))
        return (unit @ unit.T).toarray()
    row_of = np.repeat(np.arange(n), np.diff(indptr))
    transposed = np.zeros((width, n))
    transposed[columns, row_of] = values
    similarity = np.zeros((n, n))
    filled = indptr[:-1] < indptr[1:]  # reduceat would give an empty row its neighbour's first value
    similarity[filled] = np.add.reduceat(values[:, None] * transposed[columns], indptr[:-1][filled])
    return similarity


def central_sentences(sentences: Sequence[str], limit: int = MAX_SENTENCES) -> list[str]:
    """At most ``limit`` central sentences of a text (given as its sentences), in the
    order they appear."""
    # Sentences come whitespace-normalised from split_sentences: words are spaces + 1.
    sentences = [s for s in sentences if MIN_WORDS <= s.count(" ") + 1 <= MAX_WORDS][:MAX_RANKED]
    if len(sentences) <= limit:
        return sentences
    scores = rank_sentences(sentences)
    best = sorted(np.argsort(-scores, kind="stable")[:limit])
    return [sentences[i] for i in best]
