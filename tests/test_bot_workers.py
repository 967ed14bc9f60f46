"""The bot's worker processes: a job that runs away is killed at its limit and its worker
replaced, workers that die are replaced, and the bot itself never stops answering.

The runaway is a plugin (installed for the bot's process alone, through a dist-info
folder on ``PYTHONPATH``) whose classifier starts a catastrophically backtracking regex
on marked texts: it never returns and never releases the GIL, so no thread can stop
it. ``policytag bot --http`` runs in a subprocess against the fake Slack Web API and an
article server on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from .articles import PARAGRAPHS, PASTED_TEXT, article_html
from .servers import RecordingServer, Response
from .test_bot_http import QUIET, Bot, bot_env, message, replies_to
from .test_reliability import write_figures

LIMIT = 2.0  # POLICYTAG_JOB_TIMEOUT for these bots
MARK = "Hold the interpreter."
MARKED = [MARK + " " + PARAGRAPHS[0], *PARAGRAPHS[1:]]
FIGURES = {"runaway_jobs": 0, "killed": 0, "workers_died": 0, "replies": 0, "lost": 0}
GATE = threading.Event()
STALL = '''"""A classifier that never returns on texts holding the mark, and holds the GIL meanwhile."""
import re

from policytag import Classifier, Tag, hookimpl


class Stall(Classifier):
    name = "stall"
    labels = ("stalled",)
    multi_label = False
    version = "1"
    featurizer = None

    def predict_many(self, features, documents):
        if any(%r in document.text for document in documents):
            re.match(r"(a+)+$", "a" * 64 + "!")  # 2**64 steps inside the regex engine
        return [[Tag(label="stalled", score=1.0)] for _ in documents]


@hookimpl
def register_classifiers(register):
    register(Stall())
''' % MARK


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    write_figures("workers", FIGURES)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The stalling plugin as an installed distribution, for a process whose PYTHONPATH names this folder."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "policytag_stall.py").write_text(STALL)
    info = folder / "policytag_stall-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: policytag-stall\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[policytag]\nstall = policytag_stall\n")
    return folder


def held(request):
    GATE.wait(30)
    return Response(body=article_html("Held back while its worker was killed").encode())


@pytest.fixture(scope="module")
def articles():
    routes = {f"/asia/{n}": Response(body=article_html(f"Coast guards, part {n}").encode()) for n in range(20)}
    routes.update({"/stall.html": Response(body=article_html("The marked page", MARKED).encode()),
                   "/held.html": held})
    with RecordingServer(routes) as server:
        yield server


@pytest.fixture(scope="module")
def bot(tmp_path_factory, slack, site):
    folder = tmp_path_factory.mktemp("workers")
    env = bot_env(slack, folder / "bot.sqlite3", POLICYTAG_JOB_TIMEOUT=str(LIMIT), POLICYTAG_BOT_WORKERS="2",
                  PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    running = Bot(env, folder / "bot.log").start()
    yield running
    running.stop()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def workers(bot: Bot) -> list[int]:
    """The worker processes: children of the zygote, the bot's only child."""
    return [pid for zygote in children(bot.process.pid) for pid in children(zygote)]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def answered(slack, events: list[dict], timeout: float) -> list[str]:
    texts = []
    for event in events:
        replies = replies_to(slack, event["ts"], timeout=timeout)
        FIGURES["replies"] += len(replies)
        FIGURES["lost"] += not replies
        texts.append(replies[0].params["text"] if replies else "")
    return texts


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc (Linux)")
def test_a_runaway_job_is_killed_at_its_limit_and_the_bot_keeps_answering(bot, slack, articles):
    before = workers(bot)
    stuck_link, stuck_text = message(f"<{articles.url('/stall.html')}>"), message(PASTED_TEXT.replace(PARAGRAPHS[0], MARKED[0]))
    normal = [message(f"<{articles.url(f'/asia/{n}')}>") for n in range(3)]
    started = time.monotonic()
    acks = [bot.sender.event(stuck_link, event_id="Ev-stuck-link"), bot.sender.event(stuck_text, event_id="Ev-stuck-text")]
    time.sleep(0.5)  # both workers are in the regex now, holding their GILs: the bot must still answer
    acks += [bot.sender.event(e, event_id=f"Ev-after-stuck-{n}") for n, e in enumerate(normal)]
    FIGURES["runaway_jobs"] += 2
    assert all(a.status == 200 and a.seconds < 3.0 for a in acks), [(a.status, a.seconds) for a in acks]
    link_line, text_line, *normal_lines = answered(slack, [stuck_link, stuck_text, *normal], timeout=LIMIT + 15)
    assert link_line.endswith("that page took too long to read") and "\n" not in link_line
    assert text_line.endswith("that text took too long to read")
    assert all("region asia-pacific" in line for line in normal_lines), normal_lines  # read by the replacements
    assert time.monotonic() - started >= LIMIT
    after = workers(bot)
    assert len(before) == len(after) == 2 and not set(before) & set(after)
    assert not any(alive(pid) for pid in before)
    log = bot.logs.read_text()
    FIGURES["killed"] += log.count("after 2 s: killed")
    assert log.count("after 2 s: killed") == 2 and "Traceback" not in log


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc (Linux)")
def test_workers_killed_from_outside_are_replaced(bot, slack, articles):
    """As the OOM killer would: one worker while it reads a page, the other while idle."""
    GATE.clear()
    held_post = message(f"<{articles.url('/held.html')}>")
    bot.sender.event(held_post, event_id="Ev-held")
    deadline = time.monotonic() + 10
    while "/held.html" not in articles.paths() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        killed = workers(bot)
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
            FIGURES["workers_died"] += 1
        while any(alive(pid) for pid in killed) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        GATE.set()
    later = [message(f"<{articles.url(f'/asia/{n}')}>") for n in range(3, 6)]
    for n, event in enumerate(later):
        bot.sender.event(event, event_id=f"Ev-after-kill-{n}")
    held_line, *later_lines = answered(slack, [held_post, *later], timeout=15)
    assert held_line.endswith("couldn't read that page: the process reading it died")
    assert all("region asia-pacific" in line for line in later_lines), later_lines  # none lost to the idle one's death
    assert len(workers(bot)) == 2


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc (Linux)")
def test_sigterm_during_a_runaway_job_posts_its_line_and_leaves_no_process_behind(bot, slack, articles):
    [zygote] = children(bot.process.pid)
    pids = [zygote, *workers(bot)]
    stuck = message(f"<{articles.url('/stall.html')}>")
    bot.sender.event(stuck, event_id="Ev-stuck-at-stop")
    FIGURES["runaway_jobs"] += 1
    time.sleep(0.5)
    bot.stop()
    assert bot.process.returncode == 0  # stopped by its own hand, not killed after the 10 s grace
    [line] = answered(slack, [stuck], timeout=0)
    assert line.endswith("that page took too long to read")
    FIGURES["killed"] += 1
    time.sleep(QUIET)
    assert not [pid for pid in pids if alive(pid)]
