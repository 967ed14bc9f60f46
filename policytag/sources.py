"""Turning what a user names on the command line (a file, ``-``, a URL) into a Document."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError
from .schema import Document

MAX_TEXT_BYTES = 10 * 1024 * 1024


def is_url(source: str) -> bool:
    return source.split("://", 1)[0].lower() in {"http", "https"} and "://" in source


def decode_text(data: bytes, name: str) -> str:
    """Bytes to text, refusing what is plainly not text (NUL bytes, invalid UTF-8)."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (bad byte at offset {exc.start})") from None


def read_file(path: str) -> Document:
    """A text file (or ``-`` for stdin) as a Document, size-capped."""
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{name}: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the path
        raise InputError(f"{name!r} is not a valid file name") from None
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{name} is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB")
    return Document(text=decode_text(data, name), source=path if path == "-" else Path(path).name)


def read_source(source: str) -> Document:
    """A file, ``-`` or URL as a Document; failures raise a :class:`PolicytagError`."""
    if is_url(source):
        from .article import fetch_article

        return fetch_article(source)
    return read_file(source)
