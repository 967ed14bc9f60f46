"""Reading one link or text: fetch, clean and tag it, turning every failure into one line.

This is the work the bot hands to its worker processes (:mod:`policytag.bot.workers`);
the console does it in its own process. It is framework-free and touches no storage,
so a worker that is killed half-way through leaves nothing half-written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from policytag.errors import AddressRefused, ExtractionError, FetchError, PolicytagError
from policytag.schema import Document, Result
from policytag.sources import read_source
from policytag.tagger import Tagger, check_text, prepare

log = logging.getLogger(__name__)
WARM_UP_TEXT = (
    "The foreign ministers met in Brussels to discuss sanctions on Russia and military aid to Ukraine. "
    "They should agree a new package before the summit, the envoy said, because delay only helps Moscow."
)


@dataclass(frozen=True)
class Job:
    """What to read: a link to fetch, or a text someone pasted."""

    url: str | None = None
    text: str | None = None

    @property
    def what(self) -> str:
        return "page" if self.url is not None else "text"


@dataclass(frozen=True)
class Read:
    """A job's outcome: the text that was tagged and its result, or the one line saying why not."""

    text: str | None = None
    result: Result | None = None
    error: str | None = None


def fetch_error(exc: PolicytagError) -> str:
    """A failure to read a link as the one line the thread shows."""
    message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, AddressRefused):
        return f"that address is private, not fetched ({message.removeprefix('refused: ')})"
    if isinstance(exc, FetchError) and not isinstance(exc, ExtractionError):
        return f"couldn't fetch that page: {message}"
    return f"couldn't read that page: {message}"


def read(tagger: Tagger, job: Job) -> Read:
    """Fetch the link (or take the text), clean and tag it; never raises."""
    if job.url is not None:
        try:
            document = read_source(job.url)
        except PolicytagError as exc:
            return Read(error=fetch_error(exc))
        except Exception:
            log.exception("fetching %s failed", job.url)
            return Read(error="couldn't fetch that page: something went wrong on my side")
        # Stored under the URL as pasted, not the one redirects led to: that is what the next paste names.
        document = document.model_copy(update={"url": document.url or job.url})
    else:
        document = Document(text=job.text or "", source="slack")
    try:
        document = prepare(document)
        check_text(document.text)
        result = tagger.tag(document)
    except PolicytagError as exc:
        return Read(error=f"couldn't tag that: {exc}")
    except Exception:
        log.exception("tagging %s failed", job.url or "a pasted text")
        return Read(error="couldn't tag that: something went wrong on my side")
    return Read(text=document.text, result=result)


def warm_up(tagger: Tagger) -> None:
    """Load plugins, models and the page extractor now, so the first reply is as quick as the rest."""
    from policytag.extract import extract
    from policytag.fetch import Page

    html = f"<html><head><title>Warm-up</title></head><body><article><p>{WARM_UP_TEXT}</p></article></body></html>"
    article = extract(Page("https://warm-up.invalid/", "html", "text/html", "utf-8", html.encode()))
    tagger.tag(Document(text=article.text or WARM_UP_TEXT, extracted=True))
