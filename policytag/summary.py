"""An extractive summary: the most central sentences, TextRank-style, in article order.

Sentences are nodes, TF-IDF cosine similarity between them the edge weights, and
PageRank over that graph ranks them. Everything is sparse numpy, so a long article
costs about a millisecond. The similarity graph is dense, n² for n sentences, so only
the first ``MAX_RANKED`` sentences are ranked: without that cap a 5 MB text (50,000
sentences) would need 20 GB.
"""

from __future__ import annotations

import re

import numpy as np
from scipy import sparse

from .sentences import split_sentences

MAX_SENTENCES = 3
MIN_WORDS, MAX_WORDS = 6, 60
DAMPING = 0.85
ITERATIONS = 40
MAX_RANKED = 1000  # ~25,000 words: a long report; its summary comes from its first part
WORD = re.compile(r"[a-z][a-z'’-]+")


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def rank_sentences(sentences: list[str]) -> np.ndarray:
    """A centrality score per sentence (PageRank on the TF-IDF cosine graph)."""
    stop = _stop_words()
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, sentence in enumerate(sentences):
        for word in set(WORD.findall(sentence.lower())) - stop:
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    n = len(sentences)
    if not vocabulary:
        return np.zeros(n)
    counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocabulary)))
    idf = np.log((1 + n) / (1 + np.bincount(cols, minlength=len(vocabulary)))) + 1
    weighted = counts.multiply(idf).tocsr()
    norms = np.sqrt(weighted.multiply(weighted).sum(axis=1)).A1
    norms[norms == 0] = 1
    unit = sparse.diags(1 / norms) @ weighted
    similarity = (unit @ unit.T).toarray()
    np.fill_diagonal(similarity, 0)
    out_weight = similarity.sum(axis=1)
    out_weight[out_weight == 0] = 1
    transition = similarity / out_weight[:, None]
    score = np.full(n, 1 / n)
    for _ in range(ITERATIONS):
        score = (1 - DAMPING) / n + DAMPING * transition.T @ score
    return score


def summarize_text(text: str, limit: int = MAX_SENTENCES) -> list[str]:
    """At most ``limit`` central sentences of ``text``, in the order they appear."""
    sentences = [s for s in split_sentences(text) if MIN_WORDS <= len(s.split()) <= MAX_WORDS][:MAX_RANKED]
    if len(sentences) <= limit:
        return sentences
    scores = rank_sentences(sentences)
    best = sorted(np.argsort(-scores, kind="stable")[:limit])
    return [sentences[i] for i in best]
