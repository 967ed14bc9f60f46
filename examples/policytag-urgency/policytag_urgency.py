"""An example third-party policytag plugin: a keyword-rule ``urgency`` tagger.

It adds a new dimension, ``urgency`` (``urgent``, ``pressing`` or ``routine``), read
from the words a text uses for time pressure. No model, no featurizer: it asks for the
documents themselves (``featurizer = None``).
"""

import re

from policytag import Classifier, Tag, hookimpl

URGENT = re.compile(
    r"\b(immediately|imminent|within (?:hours|days)|emergency|urgent(?:ly)?|now or never|"
    r"without delay|at once|last chance|brink)\b",
    re.IGNORECASE,
)
PRESSING = re.compile(
    r"\b(soon|before the (?:summit|deadline|election)|this year|deadline|window is closing|"
    r"sooner rather than later|in the coming (?:weeks|months))\b",
    re.IGNORECASE,
)


class UrgencyClassifier(Classifier):
    name = "urgency"
    labels = ("urgent", "pressing", "routine")
    multi_label = False
    version = "1.0.0"
    featurizer = None

    def predict_many(self, features, documents):
        return [[self._tag(doc.text)] for doc in documents]

    @staticmethod
    def _tag(text):
        urgent = URGENT.findall(text)
        pressing = PRESSING.findall(text)
        if urgent:
            return Tag(label="urgent", score=min(1.0, 0.6 + 0.1 * len(urgent)), evidence=sorted(set(urgent))[:3])
        if pressing:
            return Tag(label="pressing", score=min(1.0, 0.5 + 0.1 * len(pressing)), evidence=sorted(set(pressing))[:3])
        return Tag(label="routine", score=0.5)


@hookimpl
def register_classifiers(register):
    register(UrgencyClassifier())
