"""``policytag batch``: tag a JSONL archive, one result per input line, in input order.

A bad line (not JSON, no text, an unreachable URL) gets a result holding its error and
the rest go on. Lines are tagged in chunks so the shared featurisation runs per chunk.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import IO

from .errors import InputError, PolicytagError
from .schema import Document, ErrorReport, Result

CHUNK = 128


def parse_line(line: str, number: int) -> tuple[object, Document | str]:
    """``(id, Document)`` for a text line, ``(id, url)`` for a URL line; raises InputError."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise InputError(f"line {number}: not valid JSON ({exc})") from None
    if not isinstance(item, dict):
        raise InputError(f"line {number}: expected an object with \"text\" or \"url\", got {type(item).__name__}")
    ident = item.get("id", number)
    text, url = item.get("text"), item.get("url")
    if isinstance(text, str):
        return ident, Document(text=text, source=str(ident), title=item.get("title") if isinstance(item.get("title"), str) else None)
    if isinstance(url, str):
        return ident, url
    raise InputError(f"line {number}: needs a \"text\" or \"url\" string")


def _identify(line: str, number: int) -> object:
    try:
        item = json.loads(line)
        return item.get("id", number) if isinstance(item, dict) else number
    except ValueError:
        return number


def tag_lines(lines: Iterable[str], tagger) -> Iterator[Result]:
    """Results for JSONL lines, in order, one per non-blank line."""
    from .sources import read_source

    chunk: list[tuple[object, Document | None, ErrorReport | None]] = []

    def flush():
        documents = [doc for _, doc, _ in chunk if doc is not None]
        tagged = iter(tagger.tag_many(documents)) if documents else iter(())
        for ident, doc, error in chunk:
            result = next(tagged) if doc is not None else Result(errors=[error])
            result.id = ident
            yield result
        chunk.clear()

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            ident, item = parse_line(line, number)
            document = read_source(item) if isinstance(item, str) else item
            chunk.append((ident, document, None))
        except PolicytagError as exc:
            chunk.append((_identify(line, number), None, ErrorReport(plugin="policytag", message=str(exc))))
        if len(chunk) >= CHUNK:
            yield from flush()
    yield from flush()


def run_batch(input_path: str, output_path: str | None, *, summarize: bool = True) -> int:
    from .tagger import Tagger

    try:
        source = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{input_path}: {exc.strerror or exc}") from None
    sink: IO[str]
    with source, (open(output_path, "w", encoding="utf-8") if output_path else nullcontext(sys.stdout)) as sink:
        progress = sys.stderr.isatty()
        failed = done = 0
        for result in tag_lines(source, Tagger(summarize=summarize)):
            sink.write(result.model_dump_json() + "\n")
            done += 1
            failed += bool(result.errors and not result.tags)
            if progress:
                print(f"\rtagged {done} lines ({failed} failed)", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
    return 1 if failed else 0
