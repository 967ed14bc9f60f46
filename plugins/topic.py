"""The bundled ``topic`` classifier: one to three topics per text."""

from policytag import hookimpl
from policytag.taxonomy import TOPICS

from .linear import LinearClassifier


class TopicClassifier(LinearClassifier):
    name = "topic"
    labels = TOPICS
    multi_label = True
    max_labels = 3


@hookimpl
def register_classifiers(register):
    register(TopicClassifier())
