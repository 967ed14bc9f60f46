"""Where the bundled models live, and what to do when they were built elsewhere.

The shipped models are loaded through :class:`policytag.modelstore.ModelStore`, so a
file whose hash the manifest does not list is refused. When the installed
scikit-learn differs from the one that built them, pickles may load into silent
garbage, so the models are retrained once from the shipped seeds into the user cache
(with a warning) and used from there. ``POLICYTAG_MODELS`` points at another folder.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from policytag.modelstore import MANIFEST, ModelStore


@lru_cache(maxsize=1)
def shipped_models_dir() -> Path:
    import policytag.models

    return Path(next(iter(policytag.models.__path__)))


def shipped_seeds_dir() -> Path:
    import policytag.seeds

    return Path(next(iter(policytag.seeds.__path__)))


def models_dir() -> Path:
    return Path(os.environ.get("POLICYTAG_MODELS") or shipped_models_dir())


@lru_cache(maxsize=4)
def _store(directory: Path) -> ModelStore:
    import sklearn
    from platformdirs import user_cache_dir

    store = ModelStore(directory)
    built = store.built_with().get("scikit-learn")
    if built == sklearn.__version__:
        return store
    seeds_hash = str(store.manifest.get("seeds_sha256", "unknown"))[:12]
    cache = Path(user_cache_dir("policytag")) / f"models-sklearn{sklearn.__version__}-{seeds_hash}"
    if not (cache / MANIFEST).is_file():
        warnings.warn(
            f"the models in {directory} were built with scikit-learn {built}, this is {sklearn.__version__}: "
            f"retraining them from the shipped seeds into {cache} (once)",
            stacklevel=2,
        )
        from policytag.labelled import load_seeds

        from .training import train

        train(load_seeds(shipped_seeds_dir()), cache)
    return ModelStore(cache)


def bundled_store() -> ModelStore:
    """The verified store the bundled classifiers load from (retrained if need be)."""
    return _store(models_dir())


@lru_cache(maxsize=16)
def _artifact(directory: str, name: str) -> Any:
    return _store(Path(directory)).load(name)


def load_artifact(name: str) -> Any:
    """One verified artifact, loaded once per process however many plugins use it.

    Called for every tag's evidence, so the cache key is a plain string: building and
    hashing a Path per call cost more than the evidence itself.
    """
    return _artifact(os.environ.get("POLICYTAG_MODELS") or str(shipped_models_dir()), name)
