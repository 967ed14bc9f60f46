"""The built-in summariser and recommendation extractor, as an ordinary (last-resort) plugin.

They run ``trylast``: a third-party plugin implementing the same hooks replaces them.
"""

from .hookspecs import hookimpl


@hookimpl(trylast=True)
def summarize(document):
    from .summary import summarize_text

    return summarize_text(document.text)


@hookimpl(trylast=True)
def extract_recommendations(document):
    from .recommendations import extract_recommendations as extract

    return extract(document.text)
