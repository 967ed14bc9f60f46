"""The bot's memory in SQLite: deliveries already answered, tagged results, and feedback.

It lives on disk so that a restart neither answers a Slack retry a second time nor
forgets the feedback people gave. Each call opens its own short connection, so the
threads share nothing but the file (WAL mode lets readers and a writer overlap).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from policytag.labelled import Seed
from policytag.schema import Result

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    key TEXT PRIMARY KEY,          -- 'event:<event_id>' or 'post:<channel>:<ts>'
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,          -- result_key(url) for links, result_key(text) for pasted text
    url TEXT,
    text TEXT NOT NULL,            -- the text that was tagged, so feedback can become a seed
    result TEXT NOT NULL,          -- Result as JSON
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    result_key TEXT NOT NULL,
    url TEXT,
    text TEXT NOT NULL,
    user TEXT,
    verdict TEXT NOT NULL,         -- 'right' (tags confirmed) or 'fixed' (labels chosen by the user)
    region TEXT NOT NULL,          -- JSON list
    topic TEXT NOT NULL,           -- JSON list
    stance TEXT NOT NULL,
    at REAL NOT NULL
);
"""


def default_db_path() -> Path:
    """``POLICYTAG_DB``, or ``bot.sqlite3`` in the user data directory."""
    if os.environ.get("POLICYTAG_DB"):
        return Path(os.environ["POLICYTAG_DB"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("policytag")) / "bot.sqlite3"


def result_key(url_or_text: str) -> str:
    """A short stable id for a URL or a text: it travels in button values, which are size-capped."""
    return hashlib.sha256(url_or_text.encode("utf-8")).hexdigest()[:32]


def normalised(text: str) -> str:
    """The form in which two texts count as the same passage (as ``load_seeds`` compares them)."""
    return " ".join(text.split()).lower()


class Store:
    """One SQLite file holding everything the bot remembers."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        # No fsync per write: a claim sits on the path of every acknowledgement. WAL keeps
        # the file consistent; a power cut may forget the last claims, never corrupt them.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def claim(self, key: str) -> bool:
        """True the first time a key is claimed, False ever after (atomically, across threads and restarts)."""
        with closing(self._connect()) as db:
            return db.execute("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (key, time.time())).rowcount == 1

    def save_result(self, key: str, text: str, result: Result, url: str | None = None) -> None:
        with closing(self._connect()) as db:
            db.execute(
                "INSERT OR REPLACE INTO results (key, url, text, result, at) VALUES (?, ?, ?, ?, ?)",
                (key, url, text, result.model_dump_json(), time.time()),
            )

    def stored(self, key: str) -> tuple[str, str | None, Result] | None:
        """The text, URL and result stored under a key, however old."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT text, url, result FROM results WHERE key = ?", (key,)).fetchone()
        return None if row is None else (row[0], row[1], Result.model_validate_json(row[2]))

    def cached_result(self, url: str, ttl: float) -> Result | None:
        """The result stored for a URL if it is younger than ``ttl`` seconds."""
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT result FROM results WHERE key = ? AND url = ? AND at > ?", (result_key(url), url, time.time() - ttl)
            ).fetchone()
        return None if row is None else Result.model_validate_json(row[0])

    def add_feedback(self, key: str, *, user: str | None, verdict: str, region: list[str], topic: list[str], stance: str) -> Seed:
        """Record one person's labels for a stored result; labels are checked as strictly as seed files."""
        found = self.stored(key)
        if found is None:
            raise LookupError("that reply is no longer stored, so its tags cannot be corrected")
        text, url, _ = found
        seed = Seed(id=f"feedback-{key[:16]}", text=text, region=region, topic=topic, stance=stance, source=f"slack-feedback:{verdict}")
        with closing(self._connect()) as db:
            db.execute(
                "INSERT INTO feedback (result_key, url, text, user, verdict, region, topic, stance, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, url, text, user, verdict, json.dumps(region), json.dumps(topic), stance, time.time()),
            )
        return seed

    def feedback_seeds(self) -> list[Seed]:
        """Feedback as seeds, one per passage: the latest feedback on a text wins."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT result_key, text, verdict, region, topic, stance FROM feedback ORDER BY id").fetchall()
        latest: dict[str, Seed] = {}
        for key, text, verdict, region, topic, stance in rows:
            latest[normalised(text)] = Seed(
                id=f"feedback-{key[:16]}", text=text, region=json.loads(region), topic=json.loads(topic),
                stance=stance, source=f"slack-feedback:{verdict}",
            )
        return list(latest.values())


def feedback_seeds(path: Path | str | None = None) -> list[Seed]:
    """The stored feedback as :class:`~policytag.labelled.Seed` objects (for ``train --with-feedback``)."""
    return Store(path).feedback_seeds()


def with_feedback(seeds: list[Seed], feedback: list[Seed]) -> list[Seed]:
    """Seeds plus feedback, where feedback replaces any seed with the same text."""
    corrected = {normalised(seed.text) for seed in feedback}
    return [seed for seed in seeds if normalised(seed.text) not in corrected] + feedback


def export_feedback(handle, path: Path | str | None = None) -> int:
    """Write the feedback as seeds JSONL (the format ``policytag train --seeds`` reads); returns the count."""
    seeds = feedback_seeds(path)
    for seed in seeds:
        handle.write(json.dumps(seed.model_dump(), ensure_ascii=False) + "\n")
    return len(seeds)
