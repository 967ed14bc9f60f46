"""The bundled recommendation extractor: the sentences in which the author prescribes.

A sentence is a recommendation when the per-sentence ``prescribes`` model (trained on
sentences annotators marked as the author's own prescriptions, explicit or implicit,
and not on calls the author reports from others) gives it a probability over the
cut-off chosen by cross-validation, and it is not a question. A text reports any only
when its strongest such sentence also clears a higher, text-level gate (chosen by
cross-validation on "does this text prescribe anything"): a news report or an analysis
has sentences that half read as prescriptions, and a reader wants nothing listed
there. A text that prescribes nothing gets an empty list. It runs ``trylast``, so any
plugin's extractor answers first.

In a text that clears the gate, a sentence phrased as a prescription in the author's
own voice (a modal, "would be wise to", "the answer is", an imperative…, and no sign
of reported or quoted speech, a question or a modal of the past) is listed over a
cut-off of its own (0: always; models trained without the rule store the model's):
real authors prescribe in sentences that read unlike our writers', and the model,
trained on those, scored most of them near zero. A headline phrased so ("Bring the
Batteries Home") is read as a sentence before the first: an op-ed's headline is often
its plainest prescription, and readers of real articles count it; one that is not is
never listed (the model, trained on sentences, scores headlines erratically).
"""

import numpy as np

from policytag import Recommendation, hookimpl
from .artifacts import load_artifact
from .cues import CLOSING, NAMES as CUE_NAMES, find_actor
from .sentence_models import analyse

MAX_RECOMMENDATIONS = 10  # a think-tank report's closing section can hold more than five
MIN_WORDS, MAX_WORDS = 3, 80  # "Stop the guns first." prescribes


# Cues of a prescription in the author's voice, and cues that the voice is someone
# else's or that nothing is prescribed (see .cues).
AUTHOR_CUES = ("modal", "needs", "needed", "time_to", "we_urge", "one_way", "best_course", "would_be_wise", "answer_is",
               "better_to", "can_and_should", "cannot_afford", "needs_is", "let_us", "imperative")
OTHER_VOICE_CUES = ("reported", "quoted", "question", "reported_modal", "reported_call_modal", "quoted_modal",
                    "reported_call", "modal_past")
_AUTHOR = [CUE_NAMES.index(name) for name in AUTHOR_CUES]
_OTHER = [CUE_NAMES.index(name) for name in OTHER_VOICE_CUES]


def phrased_as_prescription(cues: np.ndarray) -> np.ndarray:
    """Per sentence (rows of cue columns): an author-voice prescriptive cue and no other-voice cue."""
    return (cues[:, _AUTHOR] > 0).any(axis=1) & ~(cues[:, _OTHER] > 0).any(axis=1)


def asks(sentence: str) -> bool:
    """A question prescribes nothing, whatever its modal ("So what should Washington do?")."""
    return sentence.rstrip(CLOSING).endswith("?")


def eligible(sentence: str, probability: float, cut: float) -> bool:
    """Whether a sentence may be listed: over the cut-off, of a sentence's length, not a question."""
    return probability >= cut and MIN_WORDS <= sentence.count(" ") + 1 <= MAX_WORDS and not asks(sentence)


def prescriptions(document) -> list[Recommendation]:
    """The document's prescriptive sentences, strongest first (earlier first on ties),
    its headline among them when phrased as a prescription."""
    analysis = analyse([document])[0]
    sentences, scores = list(analysis.sentences), [float(p) for p in analysis.prescribes]
    phrased = list(phrased_as_prescription(analysis.cues))
    headline = analysis.headline
    listed_headline = headline is not None and bool(phrased_as_prescription(headline[2][None])[0])
    if listed_headline:  # a headline's words read unlike a sentence's: its phrasing decides
        sentences.insert(0, headline[0])
        scores.insert(0, headline[1])
        phrased.insert(0, True)
    thresholds = load_artifact("sentences")["thresholds"]
    cut = thresholds["prescribes"]
    gate = thresholds.get("prescribing_text", cut)  # models trained before the text-level gate have none
    if not any(eligible(sentence, p, gate) for sentence, p in zip(sentences, scores)):
        return []
    phrased_cut = thresholds.get("phrased", cut)
    found = sorted(
        (-p, i) for i, (sentence, p) in enumerate(zip(sentences, scores))
        if eligible(sentence, p, phrased_cut if phrased[i] else cut)
    )[:MAX_RECOMMENDATIONS]
    return [Recommendation(text=sentences[i], actor=find_actor(sentences[i], headline=listed_headline and i == 0),
                           score=round(-neg, 2)) for neg, i in found]


@hookimpl(trylast=True)
def extract_recommendations(document):
    return prescriptions(document)
