"""Where the bundled models live, loaded once per process.

The shipped models are loaded through :class:`policytag.modelstore.ModelStore`, so a
file whose hash the manifest does not list is refused. They hold plain numbers
(vocabulary, IDF weights, linear coefficients, calibration), not scikit-learn objects:
tagging does not import scikit-learn, and models built with one version of it work
with any other. ``POLICYTAG_MODELS`` points at another folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from policytag.modelstore import ModelStore


@lru_cache(maxsize=1)
def shipped_models_dir() -> Path:
    import policytag.models

    return Path(next(iter(policytag.models.__path__)))


def shipped_seeds_dir() -> Path:
    import policytag.seeds

    return Path(next(iter(policytag.seeds.__path__)))


def _directory() -> str:
    return os.environ.get("POLICYTAG_MODELS") or str(shipped_models_dir())


@lru_cache(maxsize=4)
def _store(directory: Path) -> ModelStore:
    return ModelStore(directory)


def bundled_store() -> ModelStore:
    """The verified store the bundled classifiers load from."""
    return _store(Path(_directory()))


@lru_cache(maxsize=16)
def _artifact(directory: str, name: str) -> Any:
    return _store(Path(directory)).load(name)


def load_artifact(name: str) -> Any:
    """One verified artifact, loaded once per process however many plugins use it.

    Called for every tag's evidence, so the cache key is a plain string: building and
    hashing a Path per call cost more than the evidence itself.
    """
    return _artifact(_directory(), name)


_derived: dict[tuple[str, Callable], tuple[Any, Any]] = {}


def derived(name: str, build: Callable[[Any], Any]) -> Any:
    """``build(artifact)`` for a loaded artifact, built once (and again after a reload)."""
    artifact = load_artifact(name)
    held = _derived.get((name, build))
    if held is None or held[0] is not artifact:
        held = _derived[(name, build)] = (artifact, build(artifact))
    return held[1]
