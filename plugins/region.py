"""The bundled ``region`` classifier: ranked regions, primary first.

It reads the words and the place names a gazetteer found, so a country named once in
a text unlike any seed still counts; its evidence is those place names.
"""

from policytag import hookimpl
from policytag.taxonomy import REGIONS

from .linear import LinearClassifier


class RegionClassifier(LinearClassifier):
    name = "region"
    labels = REGIONS
    multi_label = True
    max_labels = 3
    featurizer = ("words", "places")

    def evidence(self, words, extra, row, index, label, document):
        names = extra.mentions[row].get(label)  # extra: the places featurizer's output
        if names:
            return [name for name, _ in names.most_common(3)]
        return super().evidence(words, extra, row, index, label, document)


@hookimpl
def register_classifiers(register):
    register(RegionClassifier())
