"""From a request (links or text) to what the reply says about each article.

Framework-free, so Slack listeners and the console give the same answers. Every
failure becomes one line a person understands; the traceback goes to the log only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from policytag.errors import AddressRefused, ExtractionError, FetchError, PolicytagError
from policytag.schema import Document, Result
from policytag.sources import read_source
from policytag.tagger import Tagger, check_text, prepare

from .messages import Request
from .storage import StorageError, Store, result_key

log = logging.getLogger(__name__)
WARM_UP_TEXT = (
    "The foreign ministers met in Brussels to discuss sanctions on Russia and military aid to Ukraine. "
    "They should agree a new package before the summit, the envoy said, because delay only helps Moscow."
)


@dataclass(frozen=True)
class Item:
    """One article in a reply: a result (stored under ``key``), or a one-line reason why not."""

    source: str
    key: str | None = None
    result: Result | None = None
    error: str | None = None
    note: str | None = None  # what went wrong around a good result (it could not be stored)


def fetch_error(exc: PolicytagError) -> str:
    """A failure to read a link as the one line the thread shows."""
    message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, AddressRefused):
        return f"that address is private, not fetched ({message.removeprefix('refused: ')})"
    if isinstance(exc, FetchError) and not isinstance(exc, ExtractionError):
        return f"couldn't fetch that page: {message}"
    return f"couldn't read that page: {message}"


class Answerer:
    """Fetches, tags and remembers; one per process, shared by every worker thread."""

    def __init__(self, tagger: Tagger, store: Store, cache_ttl: float) -> None:
        self.tagger = tagger
        self.store = store
        self.cache_ttl = cache_ttl

    def warm_up(self) -> None:
        """Load plugins, models and the page extractor now, so the first reply is as quick as the rest."""
        from policytag.extract import extract
        from policytag.fetch import Page

        html = f"<html><head><title>Warm-up</title></head><body><article><p>{WARM_UP_TEXT}</p></article></body></html>"
        article = extract(Page("https://warm-up.invalid/", "html", "text/html", "utf-8", html.encode()))
        self.tagger.tag(Document(text=article.text or WARM_UP_TEXT, extracted=True))

    def answer(self, request: Request) -> list[Item]:
        if request.text is not None:
            return [self.text(request.text)]
        return [self.link(url) for url in request.links]

    def link(self, url: str) -> Item:
        key = result_key(url)
        cached = self.store.cached_result(url, self.cache_ttl) if self.cache_ttl > 0 else None
        if cached is not None:
            return Item(source=url, key=key, result=cached)
        try:
            document = read_source(url)
        except PolicytagError as exc:
            return Item(source=url, error=fetch_error(exc))
        except Exception:
            log.exception("fetching %s failed", url)
            return Item(source=url, error="couldn't fetch that page: something went wrong on my side")
        # Stored under the URL as pasted, not the one redirects led to: that is what the next paste names.
        return self._tag(url, key, document.model_copy(update={"url": document.url or url}), pasted_url=url)

    def text(self, text: str) -> Item:
        return self._tag("your text", result_key(text), Document(text=text, source="slack"))

    def _tag(self, source: str, key: str, document: Document, pasted_url: str | None = None) -> Item:
        try:
            document = prepare(document)
            check_text(document.text)
            result = self.tagger.tag(document)
        except PolicytagError as exc:
            return Item(source=source, error=f"couldn't tag that: {exc}")
        except Exception:
            log.exception("tagging %s failed", source)
            return Item(source=source, error="couldn't tag that: something went wrong on my side")
        try:
            self.store.save_result(key, document.text, result, url=pasted_url)
        except StorageError as exc:
            log.warning("%s", exc)
            note = f"couldn't store this result ({exc.reason}), so it has no feedback buttons"
            return Item(source=source, result=result, note=note)
        return Item(source=source, key=key, result=result)
