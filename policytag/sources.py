"""Turning what a user names on the command line (a file, ``-``, a URL) into a Document.

Errors leave the name out: the command line prints each as ``policytag: NAME: reason``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .cleaning import has_words
from .errors import InputError
from .schema import Document

MAX_TEXT_BYTES = 10 * 1024 * 1024
# A file or standard input with fewer words is refused, as a page with fewer than 25
# is: ten words is about the shortest sentence that says something to tag ("hello",
# a file name or a stray line would otherwise come back "hawkish 0.54").
MIN_WORDS = 10
# Any scheme: fetch refuses all but http and https. (The look-behind starts a search only
# where a run of scheme characters starts, or a long run would be scanned from each.)
LINK = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(source: str) -> bool:
    return LINK.match(source) is not None


def decode_text(data: bytes) -> str:
    """Bytes to text, refusing what is plainly not text (NUL bytes, invalid UTF-8)."""
    if b"\x00" in data[:8192]:
        raise InputError("looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (bad byte at offset {exc.start})") from None


def read_bytes(path: str) -> bytes:
    """A file's bytes (or standard input's, for ``-``), up to the size cap."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the path
        raise InputError("not a valid file name") from None
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB")
    return data


def read_pdf(data: bytes, source: str) -> Document:
    """A local PDF read as a fetched one is: its pages' text and its metadata."""
    from .extract import extract
    from .fetch import Page

    article = extract(Page(url=source, kind="pdf", content_type="application/pdf", charset=None, body=data))
    return Document(text=article.text, source=source, title=article.title, author=article.author,
                    published=article.published, extracted=True)


def read_file(path: str) -> Document:
    """A text or PDF file (or ``-`` for stdin) as a Document, size-capped; text with some
    words but fewer than :data:`MIN_WORDS` is refused as too short to tag."""
    data = read_bytes(path)
    source = path if path == "-" else Path(path).name
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return read_pdf(data, source)
    text = decode_text(data)
    if text.strip() and not has_words(text, MIN_WORDS):
        count = len(text.split())
        raise InputError(f"too short to tag: {count} word{'s' * (count != 1)}, and policytag needs at least {MIN_WORDS}")
    return Document(text=text, source=source)


def read_source(source: str) -> Document:
    """A file, ``-`` or URL as a Document; failures raise a :class:`PolicytagError`."""
    if is_url(source):
        from .article import fetch_article

        return fetch_article(source)
    return read_file(source)
