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


class FetchError(PolicytagError):
    """A URL could not be turned into an article; catch this for any failure of one link."""


class BadURL(FetchError):
    """The URL is malformed or not http(s)."""


class AddressRefused(FetchError):
    """The URL leads to an address policytag will not fetch (private, loopback, ...)."""


class Unreachable(FetchError):
    """The host did not resolve, refused the connection or broke the exchange."""


class FetchTimeout(FetchError):
    """The whole fetch took longer than its deadline."""


class TooLarge(FetchError):
    """The decoded body is larger than the cap."""


class TooManyRedirects(FetchError):
    """The URL redirected more times than allowed (or in a loop)."""


class BadStatus(FetchError):
    """The server answered with an error status (4xx, 5xx) or an unusable redirect."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedContent(FetchError):
    """The response is not HTML, XHTML, plain text or PDF."""


class ExtractionError(FetchError):
    """The page was fetched but holds no article text that can be read."""
