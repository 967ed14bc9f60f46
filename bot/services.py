"""What every listener shares: the answerer, the store and a pool of threads for slow work.

Listeners only acknowledge and hand work to :attr:`Services.jobs`; answering (which
waits for a worker process to fetch and tag) and posting (which may wait out a 429)
run there. Bolt's own listener threads thus stay free to acknowledge the next request
within Slack's three seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .answer import Answerer
from .storage import Store

JOB_WORKERS = 8


@dataclass
class Services:
    answerer: Answerer
    min_text: int
    jobs: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(JOB_WORKERS, thread_name_prefix="policytag-job"))

    @property
    def store(self) -> Store:
        return self.answerer.store

    def submit(self, logger: logging.Logger, job: Callable[..., object], *args, **kwargs) -> None:
        """Run a job in the pool; a failure is logged with its traceback instead of vanishing in a future."""

        def run() -> None:
            try:
                job(*args, **kwargs)
            except Exception:
                logger.exception("%s failed", getattr(job, "__name__", "job"))

        self.jobs.submit(run)
