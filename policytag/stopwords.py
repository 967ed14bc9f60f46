"""English stop words, scikit-learn's list, without importing scikit-learn.

The summariser and the tag evidence leave out words such as "the" and "could".
scikit-learn's ``ENGLISH_STOP_WORDS`` is the list the bundled models were built with,
but importing any part of scikit-learn costs about a second at start-up, which tagging
otherwise does not pay. So the list is read from its own module file, which holds
nothing but the list, and imported the usual way only if that file has moved.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    spec = importlib.util.find_spec("sklearn")  # finds the package without running it
    path = Path(next(iter(spec.submodule_search_locations or ()), "")) / "feature_extraction" / "_stop_words.py"
    namespace: dict = {}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        words = namespace["ENGLISH_STOP_WORDS"]
    except Exception:  # moved or rewritten: import it the usual way
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as words
    return frozenset(words)
