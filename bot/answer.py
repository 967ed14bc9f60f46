"""From a request (links or text) to what the reply says about each article.

Framework-free, so Slack listeners and the console give the same answers. A link read
recently comes from the store; anything else is read (:mod:`policytag.bot.reading`)
in a worker process when the bot runs one, and the result stored for feedback. Every
failure becomes one line a person understands; the traceback goes to the log only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policytag.schema import Result

from .messages import Request
from .reading import Job, Read, read
from .storage import StorageError, Store, result_key

if TYPE_CHECKING:
    from policytag.tagger import Tagger

    from .workers import Pool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One article in a reply: a result (stored under ``key``), or a one-line reason why not."""

    source: str
    key: str | None = None
    result: Result | None = None
    error: str | None = None
    note: str | None = None  # what went wrong around a good result (it could not be stored)


class Answerer:
    """Answers requests; one per process, shared by every thread.

    With a ``pool`` (the bot) each link or text is read in a worker process that can be
    killed; without one (the console, tests) it is read here with ``tagger``.
    """

    def __init__(self, tagger: Tagger | None, store: Store, cache_ttl: float, pool: Pool | None = None) -> None:
        self.tagger = tagger
        self.store = store
        self.cache_ttl = cache_ttl
        self.pool = pool

    def answer(self, request: Request) -> list[Item]:
        if request.text is not None:
            return [self.text(request.text)]
        return [self.link(url) for url in request.links]

    def link(self, url: str) -> Item:
        key = result_key(url)
        cached = self.store.cached_result(url, self.cache_ttl) if self.cache_ttl > 0 else None
        if cached is not None:
            return Item(source=url, key=key, result=cached)
        return self._keep(url, key, self._read(Job(url=url)), pasted_url=url)

    def text(self, text: str) -> Item:
        return self._keep("your text", result_key(text), self._read(Job(text=text)))

    def _read(self, job: Job) -> Read:
        return self.pool.read(job) if self.pool is not None else read(self.tagger, job)

    def _keep(self, source: str, key: str, done: Read, pasted_url: str | None = None) -> Item:
        if done.result is None:
            return Item(source=source, error=done.error)
        try:
            self.store.save_result(key, done.text, done.result, url=pasted_url)
        except StorageError as exc:
            log.warning("%s", exc)
            note = f"couldn't store this result ({exc.reason}), so it has no feedback buttons"
            return Item(source=source, result=done.result, note=note)
        return Item(source=source, key=key, result=done.result)
