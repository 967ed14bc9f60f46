"""The hooks a policytag plugin can implement.

Plugins hand objects to the host through ``register`` callbacks; the host owns
batching, shared featurisation, naming clashes and blame for errors.
"""

import pluggy

hookspec = pluggy.HookspecMarker("policytag")
hookimpl = pluggy.HookimplMarker("policytag")


@hookspec
def register_featurizers(register):
    """Register :class:`policytag.Featurizer` objects that classifiers can share."""


@hookspec
def register_classifiers(register):
    """Register :class:`policytag.Classifier` objects, one per tag dimension."""


@hookspec(firstresult=True)
def summarize(document):
    """Return up to three summary sentences for a :class:`policytag.Document`, or None to pass."""


@hookspec(firstresult=True)
def extract_recommendations(document):
    """Return :class:`policytag.Recommendation` objects for a document, or None to pass."""
