"""The bundled ``stance`` classifier: restraint, hawkish or neutral, with abstention.

Stance is two questions, as the taxonomy defines it: does the author argue for a
posture at all (neutral: "it reports or analyses without arguing"), and if so, which
way. The first reads the words and how much the author prescribes in their own voice
(the ``argument`` featurizer), a cue that does not depend on anyone's vocabulary; the
second reads the words. When the best score is under the cut-off chosen by
cross-validation the tag is marked ``low_confidence`` rather than presented as a firm
call.
"""

from policytag import Tag, hookimpl
from policytag.taxonomy import STANCES

from .linear import LinearClassifier


class StanceClassifier(LinearClassifier):
    name = "stance"
    labels = STANCES
    multi_label = False
    featurizer = ("words", "argument")

    def make_tag(self, label: str, score: float, evidence: list[str], threshold: float) -> Tag:
        return Tag(label=label, score=round(score, 4), evidence=evidence, low_confidence=score < threshold)


@hookimpl
def register_classifiers(register):
    register(StanceClassifier())
