"""The HTTP-mode bot against a stranger: huge, unsigned and malformed bodies, replayed
signed requests and results that try to mention the whole channel.

``policytag bot --http`` runs in a subprocess against the fake Slack Web API and an
article server on 127.0.0.1, as in ``test_bot_http.py``.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import threading
import time
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .articles import PASTED_TEXT, article_html
from .fake_slack import Sender
from .servers import RecordingServer, Response
from .test_bot_http import CHANNEL, QUIET, SECRET, Bot, bot_env, feedback_click, message, replies_to, shown
from .test_load import rss_mb
from .test_reliability import write_figures

MARKUP = re.compile(r"<[!@#]")  # a mention, a channel link, a special command: nothing a result may produce
INJECTED = "<!channel> Read this now"
FIGURES = {"oversized_bodies": 0, "malformed_or_unsigned": 0, "generated_signed_bodies": 0, "replays": 0,
           "replies_checked_for_mentions": 0, "acks_during_flood": 0}


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    write_figures("hostile", FIGURES)


@pytest.fixture(scope="module")
def articles():
    routes = {"/asia.html": Response(body=article_html().encode()),
              "/shouting.html": Response(body=article_html(INJECTED + " <@U0ADMIN> <#C0SECRET>").encode())}
    with RecordingServer(routes) as server:
        yield server


@pytest.fixture(scope="module")
def bot(tmp_path_factory, slack):
    folder = tmp_path_factory.mktemp("hostile")
    running = Bot(bot_env(slack, folder / "bot.sqlite3"), folder / "bot.log").start()
    yield running
    running.stop()


def log_since(bot: Bot, offset: int) -> str:
    return bot.logs.read_text()[offset:]


def raw_request(url: str, head: bytes, body_chunks, *, timeout: float = 10.0) -> bytes:
    """Send ``head`` then ``body_chunks`` over one socket, stop sending once the bot answers; return its answer."""
    parts = urlsplit(url)
    answer = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        for chunk in body_chunks:
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                sock.sendall(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
        sock.settimeout(timeout)
        try:
            while b"\r\n\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    return answer


def test_bodies_over_a_megabyte_are_refused_before_they_are_read(bot, slack, articles):
    path = urlsplit(bot.sender.url).path
    offset, before = len(bot.logs.read_text()), rss_mb(bot.process.pid)
    acks, stop = [], threading.Event()

    def normal_events():  # Slack's real traffic keeps arriving meanwhile
        n = 0
        while not stop.is_set():
            acks.append(bot.sender.event(message(f"<{articles.url('/asia.html')}>"), event_id=f"Ev-flood-{n}"))
            n += 1
            time.sleep(0.1)

    sender = threading.Thread(target=normal_events)
    sender.start()
    answers, flood_ends = [], time.monotonic() + 2.0
    try:
        mb = b"{" + b" " * (1024 * 1024 - 2) + b"}"
        while time.monotonic() < flood_ends:
            answers.append(raw_request(bot.sender.url, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                       f"Content-Length: {150 * 1024 * 1024}\r\n\r\n".encode(), [mb] * 150))
            answers.append(raw_request(bot.sender.url, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n".encode(),
                                       [b"%x\r\n%s\r\n" % (len(mb), mb)] * 20 + [b"0\r\n\r\n"]))
        # Signed, sent as raw bytes: the bot answers 413 and closes while an ordinary client
        # is still sending, which it may see as a reset instead of the answer.
        body, ts = b'{"type": "event_callback", "pad": "' + b"x" * (1024 * 1024) + b'"}', str(int(time.time()))
        signature = bot.sender.verifier.generate_signature(timestamp=ts, body=body)
        signed = raw_request(bot.sender.url, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             f"X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {signature}\r\n"
                             f"Content-Length: {len(body)}\r\n\r\n".encode(), [body[i:i + 65536] for i in range(0, len(body), 65536)])
    finally:
        stop.set()
        sender.join()
    FIGURES["oversized_bodies"] += len(answers) + 1
    FIGURES["acks_during_flood"] += len(acks)
    assert all(answer.startswith(b"HTTP/1.1 413") for answer in answers), [a[:80] for a in answers]
    assert signed.startswith(b"HTTP/1.1 413"), signed[:80]  # signed or not: Slack never sends that much
    assert rss_mb(bot.process.pid) - before < 100, "the bot read a body it should have refused"
    assert acks and all(a.status == 200 and a.seconds < 3.0 for a in acks), [(a.status, a.seconds) for a in acks]
    log = log_since(bot, offset)
    assert log.count("refused a request") == len(answers) + 1 and "with 413" in log and "Traceback" not in log


MALFORMED = [  # (what, body, content type, signed, expected status)
    ("unsigned malformed JSON", b'{"type": "event_callback", "event": ', "application/json", False, 401),
    ("unsigned form", b"command=%2Fpolicytag&text=hi", "application/x-www-form-urlencoded", False, 401),
    ("signed malformed JSON", b'{"type": "event_callback", "event": ', "application/json", True, 400),
    ("signed JSON that is a list", b"[1, 2, 3]", "application/json", True, 400),
    ("signed JSON that is a string", b'"event_callback"', "application/json", True, 400),
    ("signed form whose payload is not JSON", b"payload=%7Bnot+json", "application/x-www-form-urlencoded", True, 400),
    ("signed body that is not UTF-8", b'{"type": "\xff\xfe"}', "application/json", True, 400),
]


@pytest.mark.parametrize("what, body, content_type, signed, status", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_unsigned_and_malformed_bodies_get_one_log_line_and_no_traceback(bot, what, body, content_type, signed, status):
    offset = len(bot.logs.read_text())
    FIGURES["malformed_or_unsigned"] += 1
    if signed:
        answer = bot.sender.post(body, content_type, signature=sign(body, str(int(time.time()))))
    else:
        answer = bot.sender.post(body, content_type, signature="v0=" + "0" * 64)
    assert answer.status == status
    log = log_since(bot, offset)
    assert len([line for line in log.splitlines() if "refused a request" in line]) == 1, log
    assert "Traceback" not in log


def sign(body: bytes, timestamp: str) -> str:
    """Slack's signature over raw bytes (the SDK's signer wants text)."""
    import hashlib
    import hmac

    return "v0=" + hmac.new(SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def test_a_timestamp_that_is_not_a_number_or_a_wrong_path_is_refused(bot):
    FIGURES["malformed_or_unsigned"] += 2
    assert bot.sender.post(b"{}", "application/json", timestamp=None, headers={"X-Slack-Request-Timestamp": "soon"}).status == 401
    other = Sender(bot.sender.url.replace("/slack/events", "/admin"), SECRET)
    assert other.post(b"{}", "application/json").status == 404


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)
FIELDS = st.sampled_from(["type", "text", "user", "channel", "ts", "thread_ts", "subtype", "bot_id", "event_id", "team",
                          "actions", "view", "message", "value", "action_id", "callback_id", "state", "trigger_id"])
OBJECT = st.dictionaries(FIELDS, JSON, max_size=6)
EVENT = st.builds(lambda kind, rest: {**rest, "type": kind}, st.sampled_from(["message", "app_mention", "reaction_added"]), OBJECT)
ENVELOPE = st.builds(
    lambda kind, rest, event: {**rest, "type": kind, **({"event": event} if kind == "event_callback" else {})},
    st.sampled_from(["event_callback", "block_actions", "view_submission", "message_action", "x"]),
    st.dictionaries(FIELDS, JSON | OBJECT | st.lists(OBJECT, max_size=2), max_size=6), EVENT)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(payload=ENVELOPE | JSON, as_form=st.booleans())
def test_any_signed_json_gets_an_answer_below_500(bot, payload, as_form):
    from urllib.parse import urlencode

    if as_form:
        body, content_type = urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    else:
        body, content_type = json.dumps(payload).encode(), "application/json"
    FIGURES["generated_signed_bodies"] += 1
    assert bot.sender.post(body, content_type).status < 500


@pytest.mark.parametrize("actions", [[{}], [], ["fix"], [{"action_id": 7}], "fix", None])
def test_a_button_click_without_an_action_id_is_refused(bot, actions):
    """Bolt's matchers index ``actions[0]["action_id"]`` unguarded: ``[{}]`` once got 500."""
    FIGURES["malformed_or_unsigned"] += 1
    offset = len(bot.logs.read_text())
    body = json.dumps({"type": "block_actions", "actions": actions, "user": {"id": "U1"}}).encode()
    assert bot.sender.post(body, "application/json").status == 400
    log = log_since(bot, offset)
    assert len([line for line in log.splitlines() if "refused a request" in line]) == 1, log
    assert "Traceback" not in log


def test_the_log_has_no_traceback_after_all_that(bot):
    assert "Traceback" not in bot.logs.read_text()


def test_a_replayed_slash_command_or_click_is_acted_on_once(bot, slack, articles):
    sent_at = int(time.time())
    command = Sender(bot.sender.url, SECRET)
    body = ("token=t&team_id=T0TESTTEAM&channel_id=C0REPLAY&user_id=U0PERSON&command=%2Fpolicytag"
            f"&text={articles.url('/asia.html?replay')}&response_url=&trigger_id=1.2.3").encode()
    answers = [command.post(body, "application/x-www-form-urlencoded", timestamp=sent_at) for _ in range(3)]
    FIGURES["replays"] += 4  # two copies of a command here, two of a click below
    assert [a.status for a in answers] == [200, 200, 200]
    assert answers[0].json()["text"] == "Tagging 1 link…" and answers[1].body == answers[2].body == b""
    slack.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == "C0REPLAY")
    time.sleep(QUIET)
    assert len([c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == "C0REPLAY"]) == 1

    event = message(f"<{articles.url('/asia.html?click')}>")
    bot.sender.event(event, event_id="Ev-click-replay")
    [reply] = replies_to(slack, event["ts"])
    key = next(b for b in reply.params["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    from urllib.parse import urlencode

    click = urlencode({"payload": json.dumps(feedback_click("feedback_right", key, "1700000099.000009", event["ts"]))}).encode()
    for _ in range(3):
        assert bot.sender.post(click, "application/x-www-form-urlencoded", timestamp=sent_at).status == 200
    slack.wait_for("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == event["ts"])
    time.sleep(QUIET)
    assert len([c for c in slack.calls_to("chat.postEphemeral") if c.params.get("thread_ts") == event["ts"]]) == 1
    with sqlite3.connect(bot.env["POLICYTAG_DB"]) as db:
        assert db.execute("SELECT count(*) FROM feedback WHERE result_key = ?", (key,)).fetchone()[0] == 1


def test_no_reply_mentions_anyone_whatever_the_page_or_paste_says(bot, slack, articles):
    linked = message(f"<{articles.url('/shouting.html')}>")
    # Slack escapes what a person types: a pasted "<!channel>" arrives as "&lt;!channel&gt;".
    pasted = message("&lt;!channel&gt; Read this now\n\n" + PASTED_TEXT.replace("&", "&amp;"))
    bot.sender.event(linked, event_id="Ev-inject-link")
    bot.sender.event(pasted, event_id="Ev-inject-paste")
    bot.sender.command(f"{INJECTED} <@U0ADMIN> " + PASTED_TEXT, channel="C0INJECT")  # should_escape is false: raw
    replies = [*replies_to(slack, linked["ts"]), *replies_to(slack, pasted["ts"]),
               *slack.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == "C0INJECT")]
    assert len(replies) == 3
    FIGURES["replies_checked_for_mentions"] += len(replies)
    for reply in replies:
        assert not MARKUP.search(shown(reply)), shown(reply)[:500]
    assert "&lt;!channel&gt; Read this now" in replies[0].params["text"]
    assert all(r.params["channel"] in (CHANNEL, "C0INJECT") for r in replies)
