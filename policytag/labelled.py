"""Reading labelled passages (seeds) and checking every line before training on it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError, field_validator

from .errors import SeedError
from .taxonomy import REGIONS, STANCES, TOPICS


MARK_KINDS = ("recommendations", "summary", "arguments")


def _known(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} label(s) {', '.join(map(repr, unknown))}; known: {', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise ValueError(f"{what} labels repeat")
    return values


class Seed(BaseModel):
    """One labelled passage: every passage carries all three label sets."""

    id: str
    text: str
    region: list[str]
    topic: list[str]
    stance: str
    source: str = ""
    # Sentence marks, for passages annotated sentence by sentence: per kind, each marked
    # sentence with the number of annotators (of two) who marked it. See annotation/.
    marks: dict[str, list[tuple[str, int]]] | None = None

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("empty text")
        return v

    @field_validator("region")
    @classmethod
    def _region(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("no region label")
        return _known(v, REGIONS, "region")

    @field_validator("topic")
    @classmethod
    def _topic(cls, v: list[str]) -> list[str]:
        if not 1 <= len(v) <= 3:
            raise ValueError("needs one to three topic labels")
        return _known(v, TOPICS, "topic")

    @field_validator("marks")
    @classmethod
    def _marks(cls, v):
        if v is not None and set(v) - set(MARK_KINDS):
            raise ValueError(f"unknown mark kinds {sorted(set(v) - set(MARK_KINDS))}; known: {', '.join(MARK_KINDS)}")
        return v

    @field_validator("stance")
    @classmethod
    def _stance(cls, v: str) -> str:
        return _known([v], STANCES, "stance")[0]


def seed_files(path: Path) -> list[Path]:
    """The JSONL files a path names: itself, or the ``*.jsonl`` directly in a folder (sorted)."""
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.jsonl"))
    if not path.is_file():
        raise SeedError(f"{path}: no such file or folder")
    return [path]


def load_seeds(paths: Path | Iterable[Path]) -> list[Seed]:
    """Load and validate seeds; the first bad line raises :class:`SeedError` naming file and line."""
    where = ""
    if isinstance(paths, (str, Path)):
        where = f" in {paths}"
        paths = seed_files(Path(paths))
    seeds: list[Seed] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, str] = {}
    files = list(paths)
    if not files:
        raise SeedError(f"no seed files (*.jsonl) found{where}")
    for path in files:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    seed = Seed.model_validate(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SeedError(f"{where}: not valid JSON ({exc.msg})") from None
                except ValidationError as exc:
                    first = exc.errors()[0]
                    field = ".".join(str(p) for p in first["loc"]) or "line"
                    raise SeedError(f"{where}: {field}: {first['msg']}") from None
                if seed.id in seen_ids:
                    raise SeedError(f"{where}: duplicate id {seed.id!r} (first at {seen_ids[seed.id]})")
                key = " ".join(seed.text.split()).lower()
                if key in seen_texts:
                    raise SeedError(f"{where}: duplicate text (first at {seen_texts[key]})")
                seen_ids[seed.id] = seen_texts[key] = where
                seeds.append(seed)
    return seeds


def seeds_hash(seeds: Iterable[Seed]) -> str:
    """A sha256 over the seeds' content, independent of file layout and key order."""
    digest = hashlib.sha256()
    for seed in seeds:
        digest.update(json.dumps(seed.model_dump(exclude_none=True), sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()
