"""The built-in summariser and recommendation extractor, as an ordinary (last-resort) plugin.

They run ``trylast``: a third-party plugin implementing the same hooks replaces them.
"""

from .hookspecs import hookimpl


@hookimpl(trylast=True)
def summarize(document):
    from .summary import central_sentences

    return central_sentences(document.sentences)


@hookimpl(trylast=True)
def extract_recommendations(document):
    from .recommendations import prescriptions

    return prescriptions(document.sentences)
