"""The bot in Socket Mode: ``policytag bot`` (SLACK_APP_TOKEN set) in a subprocess, against
the fake Slack Web API, whose ``apps.connections.open`` points at a fake Socket Mode
server (``tests/fake_socket_mode.py``), and an article server, all on 127.0.0.1.

Slack's envelopes are acknowledged within a second and answered in the thread; a post
is answered exactly once across a reconnect and a redelivery; a connection Slack asks
to retire, one dropped abruptly and one gone silent are replaced within the issue's
bound of about 10 s.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .articles import article_html
from .fake_slack import FakeSlack
from .fake_socket_mode import FakeSocketMode
from .servers import RecordingServer, Response
from .test_bot_http import QUIET, TOKEN, bot_env, message, replies_to
from .test_bot_workers import children
from .test_reliability import write_figures

APP_TOKEN = "xapp-test-0000-secret-app-token"
REPLACED_WITHIN = 10.0  # seconds: the bound for noticing a dead connection and opening a new one
FIGURES: dict[str, float] = {"events": 0, "lost": 0, "duplicated": 0, "redeliveries": 0}


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    write_figures("socket-mode", FIGURES)


@pytest.fixture(scope="module")
def articles():
    with RecordingServer({f"/a/{n}": Response(body=article_html(f"Coast guards, part {n}").encode()) for n in range(30)}) as server:
        yield server


@pytest.fixture(scope="module")
def sockets():
    with FakeSocketMode() as server:
        yield server


@pytest.fixture(scope="module")
def slack(sockets):
    with FakeSlack() as fake:
        fake.socket_mode_url = sockets.url
        yield fake


@pytest.fixture(scope="module")
def bot(tmp_path_factory, slack, sockets):
    folder = tmp_path_factory.mktemp("socket-mode")
    env = bot_env(slack, folder / "bot.sqlite3", SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET=None)
    logs = folder / "bot.log"
    with open(logs, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "policytag.cli", "bot"], env=env, cwd=Path(__file__).parent.parent,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    process.logs = logs
    if sockets.wait_for_link(1, timeout=60) is None:
        process.kill()
        pytest.fail(f"the bot never connected:\n{logs.read_text()[-3000:]}")
    yield process
    process.terminate()
    process.wait(timeout=15)


def answered_once(slack, events: list[dict]) -> None:
    time.sleep(QUIET)
    counts = [len(replies_to(slack, e["ts"], timeout=0)) for e in events]
    FIGURES["events"] += len(events)
    FIGURES["lost"] += counts.count(0)
    FIGURES["duplicated"] += sum(c - 1 for c in counts if c > 1)
    assert counts == [1] * len(events)


def test_an_event_is_acked_within_a_second_and_answered_in_its_thread(bot, slack, sockets, articles):
    event = message(f"worth a read <{articles.url('/a/0')}>")
    envelope = sockets.send_event(event, event_id="Ev-socket-first")
    took = sockets.wait_for_ack(envelope)
    assert took is not None and took < 1.0, took
    [reply] = replies_to(slack, event["ts"])
    assert reply.params["thread_ts"] == event["ts"] and "region asia-pacific" in reply.params["text"]
    answered_once(slack, [event])


def test_start_up_says_nothing_about_an_unused_token_and_the_workers_hold_no_secret(bot, sockets):
    log = bot.logs.read_text()
    assert "will be unused" not in log and TOKEN not in log and APP_TOKEN not in log
    assert "connection is dead" not in log and len(sockets.links) == 1  # a fresh link is not taken for a dead one
    for pid in children(bot.pid):  # the zygote, whose environment the workers share
        environment = Path(f"/proc/{pid}/environ").read_bytes()
        assert b"\0SLACK_" not in b"\0" + environment and TOKEN.encode() not in environment


def reconnected(sockets, after: int) -> float:
    """Seconds until connection number ``after + 1`` was greeted."""
    started = time.monotonic()
    link = sockets.wait_for_link(after + 1, timeout=REPLACED_WITHIN * 3)
    assert link is not None, "the bot never connected again"
    return link.opened - started


def test_a_disconnect_request_and_a_redelivery_give_one_reply(bot, slack, sockets, articles):
    before = len(sockets.links)
    event = message(f"<{articles.url('/a/1')}>")
    sockets.disconnect()
    sockets.send_event(event, event_id="Ev-socket-during-disconnect")  # on the link being retired
    took = reconnected(sockets, before)
    FIGURES["disconnect_reconnect_s"] = round(took, 1)
    assert took < REPLACED_WITHIN
    envelope = sockets.send_event(event, event_id="Ev-socket-during-disconnect", retry_attempt=1)
    FIGURES["redeliveries"] += 1
    assert sockets.wait_for_ack(envelope) is not None
    replies_to(slack, event["ts"])
    answered_once(slack, [event])


def test_an_abrupt_drop_is_replaced_and_the_new_link_answers(bot, slack, sockets, articles):
    before = len(sockets.links)
    sockets.drop()
    took = reconnected(sockets, before)
    FIGURES["drop_reconnect_s"] = round(took, 1)
    assert took < REPLACED_WITHIN
    event = message(f"<{articles.url('/a/2')}>")
    assert sockets.wait_for_ack(sockets.send_event(event, event_id="Ev-socket-after-drop")) is not None
    replies_to(slack, event["ts"])
    answered_once(slack, [event])


def test_a_silent_link_is_replaced_within_the_bound_and_its_unacked_event_answered_once(bot, slack, sockets, articles):
    before = len(sockets.links)
    silent = sockets.current()
    sockets.go_silent(silent)
    event = message(f"<{articles.url('/a/3')}>")
    envelope = sockets.send_event(event, event_id="Ev-socket-silent", link=silent)  # read and answered; its ack is lost
    took = reconnected(sockets, before)
    FIGURES["silent_reconnect_s"] = round(took, 1)
    assert took < REPLACED_WITHIN
    assert sockets.wait_for_ack(envelope, timeout=0) is None
    again = sockets.send_event(event, event_id="Ev-socket-silent", retry_attempt=1)  # Slack redelivers what was not acked
    FIGURES["redeliveries"] += 1
    assert sockets.wait_for_ack(again) is not None
    answered_once(slack, [event])
    log = bot.logs.read_text()
    assert "the Socket Mode connection is dead (no pong for" in log
    assert "Traceback" not in log and log.count("Failed to check the state of sock") == 0
