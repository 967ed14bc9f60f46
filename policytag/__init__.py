"""policytag: tag foreign-policy writing with region, topics and stance.

    >>> import policytag
    >>> result = policytag.tag(text)
    >>> result.primary("region")
"""

from .classifier import Classifier, Featurizer
from .errors import InputError, ModelError, PolicytagError
from .hookspecs import hookimpl
from .schema import Document, ErrorReport, Recommendation, Result, Tag
from .tagger import Tagger, tag

__version__ = "0.1.0"

__all__ = [
    "Classifier", "Document", "ErrorReport", "Featurizer", "InputError", "ModelError",
    "PolicytagError", "Recommendation", "Result", "Tag", "Tagger", "hookimpl", "tag",
]
