"""The bot under storage faults and a crash: ``policytag bot --http`` in a subprocess, its
SQLite file locked by another process, on a read-only path or deleted while it runs,
the process killed mid-work and restarted, and two bots sharing one file. Every post
is answered exactly once, and the reply says what could not be stored. All traffic
stays on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .articles import article_html
from .fake_slack import BOT_USER_ID
from .servers import RecordingServer, Response
from .test_bot_http import QUIET, Bot, bot_env, feedback_click, message, replies_to, shown
from .test_reliability import write_figures

FIGURES = {"storage_faults": 0, "crashes": 0, "shared_posts": 0, "events": 0, "lost": 0, "duplicated": 0}
GATE = threading.Event()  # /held/<n> pages answer only once this is set


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    write_figures("bot", FIGURES)


def held(request):
    GATE.wait(30)
    return Response(body=article_html("Held back until the bot was killed").encode())


@pytest.fixture(scope="module")
def articles():
    routes = {f"/article/{n}": Response(body=article_html(f"Article {n}").encode()) for n in range(60)}
    routes.update({f"/held/{n}": held for n in range(5)})
    with RecordingServer(routes) as server:
        yield server



@contextlib.contextmanager
def running_bot(slack, db, logs):
    bot = Bot(bot_env(slack, db), logs).start()
    try:
        yield bot
    finally:
        bot.stop()


def posts_in(slack, ts: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts]


def check_once(slack, events: list[dict]) -> None:
    """Each event's post got exactly one reply; counted into the figures."""
    time.sleep(QUIET)
    counts = [len(posts_in(slack, e["ts"])) for e in events]
    FIGURES["events"] += len(events)
    FIGURES["lost"] += counts.count(0)
    FIGURES["duplicated"] += sum(c - 1 for c in counts if c > 1)
    assert counts == [1] * len(events)


def test_killed_mid_work_then_restarted_answers_the_retry_exactly_once(slack, articles, tmp_path):
    FIGURES["crashes"] += 1
    GATE.clear()
    db, logs = tmp_path / "bot.sqlite3", tmp_path / "bot.log"
    done, in_flight = message(f"<{articles.url('/article/1')}>"), message(f"<{articles.url('/held/1')}>")
    bot = Bot(bot_env(slack, db), logs).start()
    try:
        assert bot.sender.event(done, event_id="Ev-kill-done").status == 200
        replies_to(slack, done["ts"])
        assert bot.sender.event(in_flight, event_id="Ev-kill-inflight").status == 200
        deadline = time.monotonic() + 10
        while "/held/1" not in articles.paths() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "/held/1" in articles.paths(), "the bot never started on the held link"
        bot.process.kill()  # SIGKILL: no cleanup, the reply is never posted
        bot.process.wait()
        bot.process.stdout.close()
    finally:
        GATE.set()
    assert posts_in(slack, in_flight["ts"]) == []
    with sqlite3.connect(db) as file:
        [(lease,)] = file.execute("SELECT max(lease) FROM runs").fetchall()

    with running_bot(slack, db, logs) as restarted:
        time.sleep(max(0.0, lease - time.time()) + 0.1)  # the dead run's claims are its own until its lease runs out
        # Slack retries both deliveries after the restart, and once more for good measure.
        for retry in (1, 2):
            assert restarted.sender.event(in_flight, event_id="Ev-kill-inflight", retry=retry).status == 200
            assert restarted.sender.event(done, event_id="Ev-kill-done", retry=retry).status == 200
        replies_to(slack, in_flight["ts"])
        check_once(slack, [done, in_flight])
    assert "Traceback" not in logs.read_text()


def test_database_deleted_while_running(slack, articles, tmp_path):
    FIGURES["storage_faults"] += 1
    db = tmp_path / "bot.sqlite3"
    before, after = message(f"<{articles.url('/article/2')}>"), message(f"<{articles.url('/article/3')}>")
    with running_bot(slack, db, tmp_path / "bot.log") as bot:
        bot.sender.event(before, event_id="Ev-del-1")
        replies_to(slack, before["ts"])
        for path in tmp_path.glob("bot.sqlite3*"):
            path.unlink()
        assert bot.sender.event(after, event_id="Ev-del-2").status == 200
        assert bot.sender.event(before, event_id="Ev-del-1", retry=1).status == 200  # remembered in memory
        [reply] = replies_to(slack, after["ts"])
        check_once(slack, [before, after])
        assert "Fix tags" in shown(reply)  # stored again: the file was recreated
    assert db.is_file()
    assert "recreating it" in (tmp_path / "bot.log").read_text()


def test_database_locked_by_another_process(slack, articles, tmp_path):
    FIGURES["storage_faults"] += 1
    db = tmp_path / "bot.sqlite3"
    first, during, later = (message(f"<{articles.url(f'/article/{n}')}>") for n in (4, 5, 6))
    with running_bot(slack, db, tmp_path / "bot.log") as bot:
        bot.sender.event(first, event_id="Ev-lock-1")
        [reply] = replies_to(slack, first["ts"])
        locker = subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, sys\n"
             "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
             "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.readline()", str(db)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert locker.stdout.readline().strip() == "locked"
            assert bot.sender.event(during, event_id="Ev-lock-2").status == 200
            [note] = replies_to(slack, during["ts"], timeout=20)
            assert "couldn't store this result (database is locked)" in shown(note)
            assert "Fix tags" not in shown(note) and "region" in note.params["text"]
            assert bot.sender.event(during, event_id="Ev-lock-2", retry=1).status == 200
            # Feedback on an earlier reply cannot be written either: the person is told so.
            key = next(b for b in reply.params["blocks"] if b["type"] == "actions")["elements"][0]["value"]
            assert bot.sender.interaction(feedback_click("feedback_right", key, "1700000099.000002", first["ts"])).status == 200
            [sorry] = slack.wait_for("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == first["ts"], timeout=20)
            assert sorry.params["text"].startswith("Sorry, I couldn't store your feedback (database is locked)")
        finally:
            locker.communicate("\n", timeout=10)
        assert bot.sender.event(later, event_id="Ev-lock-3").status == 200
        [normal] = replies_to(slack, later["ts"])
        assert "Fix tags" in shown(normal)
        check_once(slack, [first, during, later])


@contextlib.contextmanager
def read_only(folder):
    """Make ``folder`` read-only even for root (the immutable attribute), and undo it after."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    else:
        files = [str(p) for p in folder.iterdir()]
        if subprocess.run(["chattr", "+i", str(folder), *files], capture_output=True).returncode != 0:
            pytest.skip("cannot make a read-only folder here (chattr +i failed)")
        undo = ["chattr", "-i", str(folder), *files]
    try:
        yield folder
    finally:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize("existing", [False, True], ids=["no-database-yet", "existing-database"])
def test_database_on_a_read_only_path(slack, articles, tmp_path, existing):
    FIGURES["storage_faults"] += 1
    folder = tmp_path / "ro"
    folder.mkdir()
    if existing:
        from policytag.bot.storage import Store

        Store(folder / "bot.sqlite3")
        for extra in folder.glob("bot.sqlite3-*"):
            extra.unlink()
    event = message(f"<{articles.url(f'/article/{10 + existing}')}>")
    with read_only(folder), running_bot(slack, folder / "bot.sqlite3", tmp_path / "bot.log") as bot:
        assert bot.sender.event(event, event_id=f"Ev-ro-{existing}").status == 200
        assert bot.sender.event(event, event_id=f"Ev-ro-{existing}", retry=1).status == 200
        [reply] = replies_to(slack, event["ts"])
        assert "couldn't store this result" in shown(reply) and "region" in reply.params["text"]
        check_once(slack, [event])
    log = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in log
    if not existing:
        assert "cannot use the database" in log



def test_two_bots_on_one_database_answer_each_post_once(slack, articles, tmp_path):
    """A rolling deploy: each post arrives as a message at one bot and as a mention at the other, at once."""
    db = tmp_path / "bot.sqlite3"
    events = [message(f"<@{BOT_USER_ID}> see <{articles.url(f'/article/{40 + n}')}>") for n in range(12)]
    FIGURES["shared_posts"] += len(events)
    with running_bot(slack, db, tmp_path / "a.log") as one, running_bot(slack, db, tmp_path / "b.log") as other, \
            ThreadPoolExecutor(2) as pool:
        for n, event in enumerate(events):
            first, second = (one, other) if n % 2 else (other, one)
            answers = [pool.submit(first.sender.event, event, event_id=f"Ev-shared-{n}"),
                       pool.submit(second.sender.event, dict(event, type="app_mention"), event_id=f"Ev-shared-mention-{n}")]
            assert [a.result().status for a in answers] == [200, 200]
        for event in events:
            replies_to(slack, event["ts"])
        check_once(slack, events)
