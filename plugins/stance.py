"""The bundled ``stance`` classifier: restraint, hawkish or neutral, with abstention.

When the best score is under the cut-off chosen by cross-validation the tag is
marked ``low_confidence`` rather than presented as a firm call.
"""

from policytag import Tag, hookimpl
from policytag.taxonomy import STANCES

from .linear import LinearClassifier


class StanceClassifier(LinearClassifier):
    name = "stance"
    labels = STANCES
    multi_label = False

    def make_tag(self, label: str, score: float, evidence: list[str], threshold: float) -> Tag:
        return Tag(label=label, score=round(score, 4), evidence=evidence, low_confidence=score < threshold)


@hookimpl
def register_classifiers(register):
    register(StanceClassifier())
