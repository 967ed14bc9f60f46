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
"""

from policytag import Recommendation, hookimpl
from .artifacts import load_artifact
from .cues import CLOSING, find_actor
from .sentence_models import analyse

MAX_RECOMMENDATIONS = 10  # a think-tank report's closing section can hold more than five
MIN_WORDS, MAX_WORDS = 3, 80  # "Stop the guns first." prescribes


def asks(sentence: str) -> bool:
    """A question prescribes nothing, whatever its modal ("So what should Washington do?")."""
    return sentence.rstrip(CLOSING).endswith("?")


def eligible(sentence: str, probability: float, cut: float) -> bool:
    """Whether a sentence may be listed: over the cut-off, of a sentence's length, not a question."""
    return probability >= cut and MIN_WORDS <= sentence.count(" ") + 1 <= MAX_WORDS and not asks(sentence)


def prescriptions(document) -> list[Recommendation]:
    """The document's prescriptive sentences, strongest first (earlier first on ties)."""
    analysis = analyse([document])[0]
    thresholds = load_artifact("sentences")["thresholds"]
    cut = thresholds["prescribes"]
    found = sorted(
        (-float(p), i) for i, (sentence, p) in enumerate(zip(analysis.sentences, analysis.prescribes))
        if eligible(sentence, p, cut)
    )[:MAX_RECOMMENDATIONS]
    if not found or -found[0][0] < thresholds.get("prescribing_text", cut):  # models trained before the gate have none
        return []
    return [Recommendation(text=analysis.sentences[i], actor=find_actor(analysis.sentences[i]), score=round(-neg, 2))
            for neg, i in found]


@hookimpl(trylast=True)
def extract_recommendations(document):
    return prescriptions(document)
