"""The bot's memory in SQLite: deliveries already answered, tagged results, and feedback.

It lives on disk so that a restart neither answers a Slack retry a second time nor
forgets the feedback people gave. Each call opens its own short connection, so the
threads share nothing but the file (WAL mode lets readers and a writer overlap).

A claim names its owner (the process run that made it) and is marked done once the
reply is posted. Each run holds a lease in the ``runs`` table and renews it every
couple of seconds while it lives; a claim left unfinished may be taken over only once
its owner's lease has expired. So two bots on one file (a rolling deploy, two Socket
Mode connections) never both answer a post, and a retry after a crash is answered
once, by whichever process gets it after the dead run's lease ran out. If the file
cannot be used (locked by another process, on a read-only path, deleted while the bot
runs), the bot keeps answering: claims are also kept in memory, a deleted file is
recreated, and what could not be stored raises :class:`StorageError`, a one-line
reason the reply can show.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from policytag.errors import PolicytagError
from policytag.labelled import Seed
from policytag.schema import Result

log = logging.getLogger(__name__)
RUN = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"  # this process run: the owner of the claims it makes
LEASE = 6.0  # seconds a run's claims stay its own after its last renewal: how long a crash holds a post back
RENEW_EVERY = 2.0  # so a lease survives two missed renewals (a busy moment, a locked file)
BUSY_TIMEOUT = 2.0  # seconds to wait for another writer (the bot's own writes take ~0.2 ms)
CLAIM_TIMEOUT = 1.0  # less for claims: two sit on the path of Slack's 3-second ack
REMEMBERED = 100_000  # claims also kept in memory (a few MB), so duplicates are caught when the file is not

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    key TEXT PRIMARY KEY,          -- 'event:<event_id>' or 'post:<channel>:<ts>'
    at REAL NOT NULL,
    run TEXT,                      -- the process run that claimed it
    done INTEGER NOT NULL DEFAULT 1  -- 0 while the reply is being made
);
CREATE TABLE IF NOT EXISTS runs (
    run TEXT PRIMARY KEY,          -- a bot process run that has made claims
    lease REAL NOT NULL            -- its unfinished claims are its own until then; renewed while it runs
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


class StorageError(PolicytagError):
    """The bot's SQLite file could not be read or written; the message says why, in one line."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # without the file's path: fit to show in Slack


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class Store:
    """One SQLite file holding everything the bot remembers."""

    def __init__(self, path: Path | str | None = None, owner: str = RUN) -> None:
        self.path = Path(path) if path else default_db_path()
        self.owner = owner
        self._claims: OrderedDict[str, None] = OrderedDict()
        self._claims_lock = threading.Lock()
        self._lease_kept: threading.Event | None = None  # set to stop renewing
        # Held by each renewal and by release: a renewal already under way when the run
        # releases its lease would otherwise write the lease back after it was deleted.
        self._lease_lock = threading.Lock()
        self._keeper: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._run("open", lambda db: (db.execute("PRAGMA journal_mode=WAL"), self._create(db)))
            # One connection left open keeps the WAL and its index alive. Without it every short
            # connection that wrote was the last to close, so it checkpointed and deleted them:
            # ~19 ms a call instead of ~0.2, five calls per answered link, two before the ack.
            self._keeper = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
            self._keeper.execute("SELECT 1 FROM seen LIMIT 1").fetchall()
        except (OSError, sqlite3.Error, StorageError) as exc:
            log.warning("cannot use the database %s (%s): answering anyway, storing nothing until it can be written",
                        self.path, _reason(exc))

    def _connect(self, timeout: float = BUSY_TIMEOUT) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        # No fsync per write: a claim sits on the path of every acknowledgement. WAL keeps
        # the file consistent; a power cut may forget the last claims, never corrupt them.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.executescript(SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(seen)")}
        if "run" not in columns:  # a file written before claims named their run
            db.execute("ALTER TABLE seen ADD COLUMN run TEXT")
            db.execute("ALTER TABLE seen ADD COLUMN done INTEGER NOT NULL DEFAULT 1")

    def _run(self, doing: str, work: Callable[[sqlite3.Connection], Any], timeout: float = BUSY_TIMEOUT) -> Any:
        """``work`` on a fresh connection; a file deleted under us is recreated; failures are StorageError."""
        try:
            with closing(self._connect(timeout)) as db:
                try:
                    return work(db)
                except sqlite3.OperationalError as exc:
                    if "no such table" not in str(exc):
                        raise
                    log.warning("the database %s lost its tables (deleted while running?): recreating it", self.path)
                    self._create(db)
                    return work(db)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"could not {doing} in {self.path}: {_reason(exc)}", _reason(exc)) from None

    def _remember(self, key: str) -> bool:
        """Claim ``key`` in this process's memory: True the first time."""
        with self._claims_lock:
            if key in self._claims:
                return False
            self._claims[key] = None
            if len(self._claims) > REMEMBERED:
                self._claims.popitem(last=False)
            return True

    def claim(self, key: str, *, done: bool = False) -> bool:
        """True the first time a key is claimed, False ever after (atomically, across threads, processes and restarts).

        A claim left unfinished by a run whose lease has expired (killed mid-work) is
        taken over, so the retry Slack sends after the crash is answered once; a live
        run's claim never is. ``done=True`` records a claim that is finished as it is
        made, one never to be taken over (a request that must not be acted on twice)."""
        if not self._remember(key):
            return False
        self._hold_lease()

        def claim_in(db: sqlite3.Connection) -> bool:
            now = time.time()
            if db.execute("INSERT OR IGNORE INTO seen (key, at, run, done) VALUES (?, ?, ?, ?)",
                          (key, now, self.owner, int(done))).rowcount:
                return True
            taken = db.execute(
                "UPDATE seen SET run = ?, at = ?, done = ? WHERE key = ? AND done = 0 AND run IS NOT ?"
                " AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.run = seen.run AND runs.lease > ?)",
                (self.owner, now, int(done), key, self.owner, now)).rowcount
            if taken:
                log.info("%s was claimed by a run that stopped before finishing it: answering it now", key)
            return bool(taken)

        try:
            return self._run("record a claim", claim_in, CLAIM_TIMEOUT)
        except StorageError as exc:
            log.warning("%s; %s is remembered in memory only", exc, key)
            return True

    def _renew_unless(self, released: threading.Event) -> None:
        """Extend this run's lease by LEASE, unless it has been released."""
        with self._lease_lock:
            if released.is_set():
                return
            now = time.time()
            self._run("renew the lease", lambda db: (
                db.execute("INSERT INTO runs (run, lease) VALUES (?, ?) ON CONFLICT(run) DO UPDATE SET lease = excluded.lease",
                           (self.owner, now + LEASE)),
                db.execute("DELETE FROM runs WHERE lease < ?", (now - 3600,)),  # runs long gone
            ), CLAIM_TIMEOUT)

    def _hold_lease(self) -> None:
        """Take this run's lease before its first claim, and renew it from a thread while the process lives."""
        with self._claims_lock:
            if self._lease_kept is not None:
                return
            self._lease_kept = stop = threading.Event()
        try:
            self._renew_unless(stop)
        except StorageError:
            pass  # the claim itself reports the trouble

        def keep() -> None:
            failing = False
            while not stop.wait(RENEW_EVERY):
                try:
                    self._renew_unless(stop)
                except StorageError as exc:
                    if not failing:
                        log.warning("%s: another bot may take over unfinished claims if this lasts %.0f s", exc, LEASE)
                    failing = True
                else:
                    failing = False

        threading.Thread(target=keep, name="policytag-lease", daemon=True).start()

    def release(self) -> None:
        """Give up the lease (at a clean stop, once every reply is out): a successor need not wait for it to expire."""
        with self._claims_lock:
            stop, self._lease_kept = self._lease_kept, None
        if stop is None:
            return
        with self._lease_lock:
            stop.set()
            try:
                self._run("release the lease", lambda db: db.execute("DELETE FROM runs WHERE run = ?", (self.owner,)))
            except StorageError as exc:
                log.warning("%s", exc)

    def finish(self, key: str) -> None:
        """Mark a claim done (its reply was posted): a retry after a restart is then ignored."""
        try:
            self._run("mark a claim done", lambda db: db.execute(
                "INSERT INTO seen (key, at, run, done) VALUES (?, ?, ?, 1) ON CONFLICT(key) DO UPDATE SET done = 1",
                (key, time.time(), self.owner)))
        except StorageError as exc:
            log.warning("%s; a retry of %s after a restart may be answered again", exc, key)

    def save_result(self, key: str, text: str, result: Result, url: str | None = None) -> None:
        self._run("store the result", lambda db: db.execute(
            "INSERT OR REPLACE INTO results (key, url, text, result, at) VALUES (?, ?, ?, ?, ?)",
            (key, url, text, result.model_dump_json(), time.time()),
        ))

    def stored(self, key: str) -> tuple[str, str | None, Result] | None:
        """The text, URL and result stored under a key, however old."""
        row = self._run("read the stored result", lambda db: db.execute(
            "SELECT text, url, result FROM results WHERE key = ?", (key,)).fetchone())
        return None if row is None else (row[0], row[1], Result.model_validate_json(row[2]))

    def cached_result(self, url: str, ttl: float) -> Result | None:
        """The result stored for a URL if it is younger than ``ttl`` seconds (None also when it cannot be read)."""
        try:
            row = self._run("read the cache", lambda db: db.execute(
                "SELECT result FROM results WHERE key = ? AND url = ? AND at > ?", (result_key(url), url, time.time() - ttl)
            ).fetchone())
        except StorageError as exc:
            log.warning("%s: fetching the page again", exc)
            return None
        return None if row is None else Result.model_validate_json(row[0])

    def add_feedback(self, key: str, *, user: str | None, verdict: str, region: list[str], topic: list[str], stance: str) -> Seed:
        """Record one person's labels for a stored result; labels are checked as strictly as seed files."""
        found = self.stored(key)
        if found is None:
            raise LookupError("that reply is no longer stored, so its tags cannot be corrected")
        text, url, _ = found
        seed = Seed(id=f"feedback-{key[:16]}", text=text, region=region, topic=topic, stance=stance, source=f"slack-feedback:{verdict}")
        self._run("store the feedback", lambda db: db.execute(
            "INSERT INTO feedback (result_key, url, text, user, verdict, region, topic, stance, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, url, text, user, verdict, json.dumps(region), json.dumps(topic), stance, time.time()),
        ))
        return seed

    def feedback_seeds(self) -> list[Seed]:
        """Feedback as seeds, one per passage: the latest feedback on a text wins."""
        rows = self._run("read the feedback", lambda db: db.execute(
            "SELECT result_key, text, verdict, region, topic, stance FROM feedback ORDER BY id").fetchall())
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
