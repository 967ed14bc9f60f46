"""Model files you can trust: written with a manifest of hashes, loaded only if they match.

joblib files are pickles and run code when loaded, so :class:`ModelStore` refuses any
file that ``manifest.json`` does not list or whose sha256 differs from it. The file is
read once and the bytes that were hashed are the bytes unpickled: reopening the path
to unpickle it would let a file swapped in between run its code. Plugin authors can
use the same store for their own artifacts.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from pathlib import Path
from typing import Any

from .errors import ModelError

MANIFEST = "manifest.json"
REBUILD_HINT = "run `policytag train` to rebuild the models from the seeds"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The versions that built the models, recorded in the manifest.

    The BLAS libraries and the CPU kernels they chose are part of it: the same versions
    give numbers that differ in their last digits on another processor.
    """
    import joblib
    import numpy
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    blas = sorted({f"{lib['internal_api']} {lib['version']} ({lib.get('architecture') or 'unknown'} kernels)"
                   for lib in threadpool_info() if lib["user_api"] == "blas"})
    return {
        "python": platform.python_version(), "scikit-learn": sklearn.__version__, "joblib": joblib.__version__,
        "numpy": numpy.__version__, "scipy": scipy.__version__, "blas": "; ".join(blas) or "none loaded",
    }


class ModelStore:
    """A folder of joblib artifacts described by ``manifest.json``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._manifest: dict[str, Any] | None = None

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            path = self.directory / MANIFEST
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ModelError(f"no {MANIFEST} in {self.directory}: {REBUILD_HINT}") from None
            except (OSError, ValueError) as exc:
                raise ModelError(f"{path} is unreadable ({exc}): {REBUILD_HINT}") from None
            if not isinstance(manifest, dict) or not isinstance(manifest.get("artifacts"), dict):
                raise ModelError(f"{path} lists no artifacts: {REBUILD_HINT}")
            self._manifest = manifest
        return self._manifest

    def load(self, name: str) -> Any:
        """Load artifact ``name`` after checking its hash against the manifest."""
        entry = self.manifest["artifacts"].get(name)
        if not entry:
            raise ModelError(f"{name!r} is not listed in {self.directory / MANIFEST}: {REBUILD_HINT}")
        path = (self.directory / entry["file"]).resolve()
        if path.parent != self.directory.resolve():
            raise ModelError(f"manifest entry {name!r} points outside {self.directory}")
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise ModelError(f"model file {path} is missing: {REBUILD_HINT}") from None
        except OSError as exc:
            raise ModelError(f"model file {path} is unreadable ({exc.strerror or exc}): {REBUILD_HINT}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != entry["sha256"]:
            raise ModelError(
                f"refusing to load {path.name}: its sha256 {actual[:12]}… differs from the manifest's "
                f"{entry['sha256'][:12]}… (tampered with or corrupt); {REBUILD_HINT}"
            )
        import joblib

        try:
            return joblib.load(io.BytesIO(data))
        except Exception as exc:
            raise ModelError(f"{path.name} could not be loaded ({type(exc).__name__}): {REBUILD_HINT}") from None

    @classmethod
    def write(cls, directory: Path, artifacts: dict[str, Any], **metadata: Any) -> ModelStore:
        """Dump ``artifacts`` with joblib and write a manifest listing their hashes."""
        import joblib

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        entries = {}
        for name, obj in sorted(artifacts.items()):
            path = directory / f"{name}.joblib"
            joblib.dump(obj, path, compress=3)
            entries[name] = {"file": path.name, "sha256": sha256_file(path)}
        manifest = {"artifacts": entries, "versions": library_versions(), **metadata}
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return cls(directory)
