"""The bundled summariser: the three sentences a reader would pick, in article order.

A reader picking the sentences that tell a busy colleague what a piece says takes its
news or main claim (often the standfirst or the lede) and the author's central argument
or recommendation (often near the end). A small linear model scores each sentence from
where it stands, how close it is to the title and to the text as a whole, and how
strongly the author argues or prescribes in it (the sentence models' scores); it was
trained on the sentences annotators picked in the seeds, and scores a batch's sentences
with the other sentence models (:mod:`.sentence_models`). A sentence that repeats the
title is never picked. It runs ``trylast``, so any plugin's summariser answers first.
"""

from __future__ import annotations

import re

from policytag import hookimpl

from .sentence_models import analyse

MAX_SENTENCES = 3
MIN_WORDS, MAX_WORDS = 6, 60
WORD = re.compile(r"\w+")


def _words(text: str) -> tuple[str, ...]:
    """A sentence's words, lower-cased: what makes it the title again, whatever its punctuation."""
    return tuple(WORD.findall(text.lower()))


def central_sentences(document, limit: int = MAX_SENTENCES) -> list[str]:
    """The best-scored usable sentences (the summary model's scores), at most ``limit``, in
    article order; never one that repeats the title."""
    analysis = analyse([document])[0]
    sentences, scores = analysis.sentences, analysis.summary
    title = _words(document.title) if document.title else None
    usable = [i for i, s in enumerate(sentences) if MIN_WORDS <= s.count(" ") + 1 <= MAX_WORDS
              and not (title and s[:1].lower() == title[0][:1] and _words(s) == title)]
    best = sorted(usable, key=lambda i: (-scores[i], i))[:limit]
    return [sentences[i] for i in sorted(best)]


@hookimpl(trylast=True)
def summarize(document):
    return central_sentences(document)
