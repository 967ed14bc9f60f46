"""Fetching a URL that a stranger pasted, without letting it reach inside our network,
hang us or fill our memory.

Every hop is checked by :mod:`policytag.netpolicy` and the request goes to the checked
address itself (the URL names the IP; the ``Host`` header and TLS SNI and certificate
checks keep the name), so a second DNS answer cannot redirect it. Redirects are
followed here, each one checked again. One deadline covers the whole fetch: every
socket wait gets only what is left of it, so a server trickling a byte a second stops
on time too. The decoded body is capped while it streams, and the socket is read
4 KB at a time, so a gzip bomb stops within a read or two (about 4 MB inflated per
read, whatever the bomb's size). Nothing is retried.
"""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

import httpcore
import httpx

from . import __version__
from .errors import (
    BadStatus, BadURL, FetchError, FetchTimeout, TooLarge, TooManyRedirects, Unreachable, UnsupportedContent, one_line,
)
from .netpolicy import Address, AllowList, Target, check_url

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = f"policytag/{__version__} (+https://github.com/policytag)"
KINDS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "application/pdf": "pdf"}
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.9"
REDIRECT_CODES = {301, 302, 303, 307, 308}
# "[Errno 111] ", " (_ssl.c:1006)"; the look-behind starts the second alternative only at
# the first space of a run, or a long run of spaces would be scanned from each of them.
OS_NOISE = re.compile(r"^\[Errno -?\d+\]\s*|(?<!\s)\s*\(_ssl\.c:\d+\)$")
READ_SIZE = 4 * 1024  # bytes per socket read: bounds what one gzip decode step inflates to (~4 MB)


@dataclass(frozen=True)
class Page:
    """A fetched response body with what extraction needs to read it."""

    url: str  # the final URL, after redirects
    kind: str  # "html", "text" or "pdf"
    content_type: str
    charset: str | None
    body: bytes


class Deadline:
    """The time left for one fetch, shared by every socket operation in it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def clip(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.remaining()
        if left <= 0:
            raise error("the fetch deadline has passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(min(max_bytes, READ_SIZE), self._deadline.clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, self._deadline.clip(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects only to the checked address, with every wait clipped to the deadline."""

    def __init__(self, address: Address, deadline: Deadline) -> None:
        self._address, self._deadline, self._sockets = address, deadline, httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None) -> httpcore.NetworkStream:
        try:
            checked = ipaddress.ip_address(host) == self._address
        except ValueError:  # a name: connecting would mean a second lookup
            checked = False
        if not checked:
            raise httpcore.ConnectError(f"{host} is not the address that was checked")
        timeout = self._deadline.clip(timeout, httpcore.ConnectTimeout)
        stream = self._sockets.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("policytag does not fetch from unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on the pinned, deadline-bound backend.

    httpx has no public argument for a network backend, so the pool it built is
    replaced with one that uses ours; no proxy is ever used (a proxy would resolve
    names itself).
    """

    def __init__(self, address: Address, deadline: Deadline, ssl_context) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, max_connections=1, network_backend=_PinnedBackend(address, deadline)
        )


@lru_cache(maxsize=4)
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx's verifying context, built once per trust store: loading the CA bundle takes
    ~35 ms, as long as the rest of fetching a page. (A context is safe to share.)"""
    return httpx.create_ssl_context()


def setting(name: str, default: float, convert: type) -> float:
    """A positive number from the environment, or ``default`` when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = convert(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise FetchError(f"{name} must be a positive number, not {raw!r}")
    return value


def human_size(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def status_line(response: httpx.Response) -> str:
    return f"{response.status_code} {httpx.codes.get_reason_phrase(response.status_code)}".strip()


def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it passes ``max_bytes``."""
    too_large = TooLarge(f"the page is larger than {human_size(max_bytes)}")
    codings = [c for c in response.headers.get_list("content-encoding", split_commas=True) if c.lower() != "identity"]
    if len(codings) > 1:
        # Each layer multiplies what one 4 KB read inflates to (gzip twice: ~4 GB), so the
        # cap could only be checked after the damage; no real site compresses twice.
        raise UnsupportedContent(f"refused: the page is compressed {len(codings)} times over ({', '.join(codings)})")
    declared = response.headers.get("content-length", "")
    if response.headers.get("content-encoding", "identity") == "identity" and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def accept(response: httpx.Response) -> str:
    """The kind of page ("html", "text", "pdf"), or :class:`UnsupportedContent`."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in KINDS:
        shown = media or "no content type"
        raise UnsupportedContent(f"cannot read {shown}: policytag reads HTML, plain text and PDF pages")
    return KINDS[media]


def fetch(url: str, *, timeout: float | None = None, max_bytes: int | None = None, max_redirects: int = MAX_REDIRECTS) -> Page:
    """GET ``url`` safely; raise a :class:`FetchError` subclass with a one-line reason.

    ``timeout`` (seconds, whole fetch) and ``max_bytes`` (decoded body) default to
    ``POLICYTAG_FETCH_TIMEOUT`` and ``POLICYTAG_FETCH_MAX_BYTES``, else 15 s and 5 MB.
    """
    timeout = timeout or setting("POLICYTAG_FETCH_TIMEOUT", DEFAULT_TIMEOUT, float)
    max_bytes = max_bytes or int(setting("POLICYTAG_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES, int))
    deadline = Deadline(timeout)
    allow = AllowList.from_env()
    ssl_context = _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    seen: set[str] = set()
    for _ in range(max_redirects + 1):
        target = check_url(url, timeout=deadline.remaining(), allow=allow)
        if target.url in seen:
            raise TooManyRedirects("the page redirects in a loop")
        seen.add(target.url)
        headers = {"Host": target.netloc, "User-Agent": USER_AGENT, "Accept": ACCEPT}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" and target.is_name else {}
        transport = _PinnedTransport(target.address, deadline, ssl_context)
        try:
            with httpx.Client(transport=transport, trust_env=False, timeout=None) as client, client.stream(
                "GET", target.request_url(), headers=headers, extensions=extensions
            ) as response:
                if response.status_code in REDIRECT_CODES and response.headers.get("location"):
                    url = urljoin(target.url, response.headers["location"])
                    continue
                if not 200 <= response.status_code < 300:
                    raise BadStatus(status_line(response), response.status_code)
                kind = accept(response)
                body = read_body(response, max_bytes)
                return Page(target.url, kind, response.headers["content-type"], response.charset_encoding, body)
        except httpx.HTTPError as exc:
            raise _explain(exc, target, deadline) from None
        except httpx.InvalidURL as exc:  # not an HTTPError: httpx reads a redirect's Location while answering
            raise BadURL(f"the page redirects to a malformed URL ({one_line(exc)})") from None
    raise TooManyRedirects(f"too many redirects (more than {max_redirects})")


def _explain(exc: httpx.HTTPError, target: Target, deadline: Deadline) -> FetchError:
    """An httpx failure as a one-line :class:`FetchError`."""
    if isinstance(exc, httpx.TimeoutException) or deadline.remaining() <= 0:
        return FetchTimeout(f"gave up after {deadline.seconds:g} s")
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    reason = OS_NOISE.sub("", reason) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return Unreachable(f"could not connect to {target.host}: {reason}")
    if isinstance(exc, httpx.DecodingError):
        return Unreachable(f"{target.host} sent a body that could not be decoded: {reason}")
    return Unreachable(f"the exchange with {target.host} failed: {reason}")
