"""The bundled ``stance`` classifier: restraint, hawkish or neutral, with abstention.

Stance is two questions, as the taxonomy defines it: does the author argue for a
posture at all (neutral: "it reports or analyses without arguing"), and if so, which
way. Both read the words and the ``argument`` features: the per-sentence models'
scores (does the author argue in this sentence, in their own voice, and which way),
aggregated over the text, so an op-ed that argues through costs and history counts as
argued and a report quoting officials' demands does not. The evidence of an argued
stance is the sentence that argues it most strongly. When the best score is under the
cut-off chosen by cross-validation the tag is marked ``low_confidence`` rather than
presented as a firm call.
"""

from policytag import Tag, hookimpl
from policytag.taxonomy import STANCES

from .linear import LinearClassifier
from .sentence_models import analyse, strongest_argument

EVIDENCE_CHARS = 300


class StanceClassifier(LinearClassifier):
    name = "stance"
    labels = STANCES
    multi_label = False
    featurizer = ("words", "argument")

    def make_tag(self, label: str, score: float, evidence: list[str], threshold: float) -> Tag:
        return Tag(label=label, score=round(score, 4), evidence=evidence, low_confidence=score < threshold)

    def evidence(self, words, extra, row, index, label, document):
        if label == "neutral":
            return []  # nothing argues: no sentence to show
        sentence = strongest_argument(analyse([document])[0], label)
        if sentence is None:
            return []
        return [sentence if len(sentence) <= EVIDENCE_CHARS else sentence[: EVIDENCE_CHARS - 1].rsplit(" ", 1)[0] + "…"]


@hookimpl
def register_classifiers(register):
    register(StanceClassifier())
