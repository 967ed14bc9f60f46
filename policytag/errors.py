"""Errors a person can read: one line that says what went wrong and what to do."""


class PolicytagError(Exception):
    """Base of every error policytag raises on purpose."""


class InputError(PolicytagError):
    """The input cannot be tagged: empty, binary, unreadable or malformed."""


class ModelError(PolicytagError):
    """A model file is missing, tampered with or was built by another scikit-learn."""


class SeedError(InputError):
    """A seed file has a bad line (unknown label, duplicate, empty text)."""


def one_line(exc: BaseException) -> str:
    """An exception as one readable line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
