"""The Slack bot end to end: ``policytag bot --http`` in a subprocess, an article server
and a fake Slack Web API on 127.0.0.1, and requests signed exactly as Slack signs them."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from policytag.bot import storage
from policytag.labelled import load_seeds, seeds_hash
from policytag.modelstore import ModelStore
from tests.articles import PASTED_TEXT, TITLE, article_html
from tests.fake_slack import BOT_ID, BOT_USER_ID, FakeSlack, Sender
from tests.servers import RecordingServer, Response, redirect

REPO = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-test-0000-secret-bot-token"
SECRET = "test-signing-secret-8f1e2d"
CHANNEL = "C0GENERAL"
PERSON = "U0PERSON"
QUIET = 0.8  # how long to wait before concluding that no reply is coming

EUROPE = [
    "European Union foreign ministers met in Brussels on Monday to agree a fourteenth package of sanctions on Russia, "
    "aimed at the shadow fleet of tankers that carries Russian oil past the price cap and at the banks in Moscow that finance it.",
    "Hungary held out until the last hour, as it has before, and won an exemption for the Druzhba pipeline. "
    "Poland and the Baltic states wanted more: a ban on Russian liquefied natural gas transshipped through ports in Belgium and Spain.",
    "Ukraine's foreign minister told his counterparts that Kyiv needs air defence more than declarations, "
    "and that every week of delay in Brussels is paid for in Kharkiv and Odesa. Germany and France promised to look again at their stocks.",
]
SLOW_SECONDS = 3.5
_ts = itertools.count(1)


def slow_page(request):
    time.sleep(SLOW_SECONDS)
    return Response(body=article_html().encode())


@pytest.fixture(scope="module")
def articles():
    routes = {"/asia.html": Response(body=article_html().encode()),
              "/europe.html": Response(body=article_html("Brussels tightens the oil price cap", EUROPE).encode()),
              "/slow.html": slow_page, "/moved": redirect("/europe.html")}
    routes.update({f"/article/{n}": Response(body=article_html(f"{TITLE}, part {n}").encode()) for n in range(50)})
    with RecordingServer(routes) as server:
        yield server


class Bot:
    """``policytag bot --http --port 0`` as a user would start it; restartable on the same database."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.process, self.sender = env, logs, None, None

    def start(self) -> Bot:
        stderr = open(self.logs, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "policytag.cli", "bot", "--http", "--port", "0"],
            env=self.env, cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
        stderr.close()
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.stop()
            pytest.fail(f"the bot did not start: {line!r}\n{self.logs.read_text()[-3000:]}")
        self.sender = Sender(line.split("listening on ", 1)[1].strip(), SECRET)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.process.stdout.close()


def bot_env(slack, db, **settings: str | None) -> dict[str, str]:
    """The environment of a bot that talks to the fake Slack and may read loopback links:
    nothing inherited from ours, and ``settings`` on top (None removes one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYTAG_", "SLACK_"))}
    env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "POLICYTAG_SLACK_API_URL": slack.api_url,
                "POLICYTAG_ALLOW_HOSTS": "127.0.0.1", "POLICYTAG_DB": str(db)})
    env.update(settings)
    return {k: v for k, v in env.items() if v is not None}


@pytest.fixture(scope="module")
def bot(tmp_path_factory, slack):
    folder = tmp_path_factory.mktemp("bot")
    running = Bot(bot_env(slack, folder / "bot.sqlite3"), folder / "bot.log").start()
    yield running
    running.stop()


def message(text: str, *, channel: str = CHANNEL, user: str | None = PERSON, **extra) -> dict:
    event = {"type": "message", "channel": channel, "text": text, "ts": f"1700000000.{next(_ts):06d}", "channel_type": "channel"}
    if user:
        event["user"] = user
    event.update(extra)
    event["event_ts"] = event["ts"]
    return event


def replies_to(slack: FakeSlack, ts: str, count: int = 1, timeout: float = 10.0):
    return slack.wait_for("chat.postMessage", count, timeout, where=lambda c: c.params.get("thread_ts") == ts)


def shown(call) -> str:
    """All a reply shows: its fallback text and its blocks."""
    return call.params.get("text", "") + json.dumps(call.params.get("blocks", []), ensure_ascii=False)


def test_a_link_gets_a_threaded_reply_naming_its_region_within_a_second(bot, slack, articles):
    event = message(f"worth a read <{articles.url('/asia.html')}|Meridian piece>")
    started = time.monotonic()
    answer = bot.sender.event(event, event_id="Ev-first-link")
    [reply] = replies_to(slack, event["ts"])
    latency = reply.at - started
    assert answer.status == 200
    assert latency < 1.0, f"reply took {latency:.2f} s"
    assert reply.params["channel"] == CHANNEL and reply.params["thread_ts"] == event["ts"]
    assert reply.params["unfurl_links"] is False
    assert reply.headers["authorization"] == f"Bearer {TOKEN}"
    assert "region asia-pacific" in reply.params["text"]
    blocks = shown(reply)
    assert TITLE in blocks and "asia-pacific" in blocks and "The Meridian Review" in blocks
    assert "Summary" in blocks and "Recommendations" in blocks and "Stance" in blocks
    assert "Tags look right" in blocks and "Fix tags" in blocks
    print(f"\nreply latency: {latency * 1000:.0f} ms (HTTP ack {answer.seconds * 1000:.0f} ms)")


def test_fifty_link_events_with_ten_retries_get_exactly_fifty_replies(bot, slack, articles):
    events = [message(f"<{articles.url(f'/article/{n}')}>") for n in range(50)]
    sends = [(e, f"Ev-burst-{n}", 0) for n, e in enumerate(events)] + [(events[n], f"Ev-burst-{n}", 1) for n in range(0, 50, 5)]
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda s: bot.sender.event(s[0], event_id=s[1], retry=s[2]), sends))
    wanted = {e["ts"] for e in events}
    replies = slack.wait_for("chat.postMessage", 50, 30, where=lambda c: c.params.get("thread_ts") in wanted)
    took = time.monotonic() - started
    time.sleep(QUIET)
    replies = slack.calls_to("chat.postMessage")
    per_post = [sum(1 for r in replies if r.params.get("thread_ts") == ts) for ts in wanted]
    assert all(a.status == 200 for a in answers)
    assert max(a.seconds for a in answers) < 3.0
    assert per_post == [1] * 50
    fetched = [p for p in articles.paths() if p.startswith("/article/")]
    assert sorted(fetched) == sorted(f"/article/{n}" for n in range(50))
    print(f"\n60 deliveries (10 retries): 50 replies in {took:.2f} s; slowest ack {max(a.seconds for a in answers) * 1000:.0f} ms")


def test_a_post_arriving_as_message_and_as_app_mention_is_answered_once(bot, slack, articles):
    event = message(f"<@{BOT_USER_ID}> what do you make of <{articles.url('/asia.html')}>")
    mention = dict(event, type="app_mention")
    assert bot.sender.event(mention, event_id="Ev-mention-twin").status == 200
    assert bot.sender.event(event, event_id="Ev-message-twin").status == 200
    replies_to(slack, event["ts"])
    time.sleep(QUIET)
    assert len([c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == event["ts"]]) == 1


def test_a_short_mention_is_answered_and_a_short_message_is_not(bot, slack):
    mention = message(f"<@{BOT_USER_ID}> Iran and the E3 resume nuclear talks in Geneva", type="app_mention")
    chatter = message("thanks all, see you at the meeting")
    bot.sender.event(mention, event_id="Ev-short-mention")
    bot.sender.event(chatter, event_id="Ev-short-chatter")
    [reply] = replies_to(slack, mention["ts"])
    assert "region" in reply.params["text"]
    time.sleep(QUIET)
    assert replies_to(slack, chatter["ts"], timeout=0) == []


def test_pasted_article_text_gets_the_same_kind_of_reply(bot, slack):
    event = message(PASTED_TEXT)
    bot.sender.event(event, event_id="Ev-pasted")
    [reply] = replies_to(slack, event["ts"])
    assert "region asia-pacific" in reply.params["text"]
    assert "Fix tags" in shown(reply)


def test_slow_page_is_acknowledged_at_once_and_answered_later(bot, slack, articles):
    event = message(f"<{articles.url('/slow.html')}>")
    answer = bot.sender.event(event, event_id="Ev-slow")
    assert answer.status == 200 and answer.seconds < 0.5
    [reply] = replies_to(slack, event["ts"], timeout=SLOW_SECONDS + 5)
    assert "asia-pacific" in reply.params["text"]


def test_bad_and_stale_signatures_are_refused_and_do_nothing(bot, slack, articles):
    event = message(f"<{articles.url('/asia.html?unsigned')}>")
    body = json.dumps({"type": "event_callback", "event_id": "Ev-unsigned", "team_id": "T0TESTTEAM", "event": event}).encode()
    wrong = Sender(bot.sender.url, "not-the-secret")
    stale = int(time.time()) - 10 * 60
    answers = [
        wrong.post(body, "application/json"),
        bot.sender.post(body, "application/json", signature="v0=" + "0" * 64),
        bot.sender.post(body, "application/json", timestamp=stale),  # correctly signed, 10 minutes old
        bot.sender.post(body + b" ", "application/json", signature=bot.sender.verifier.generate_signature(
            timestamp=str(int(time.time())), body=body)),  # the body changed after signing
    ]
    assert [a.status for a in answers] == [401] * 4
    time.sleep(QUIET)
    assert replies_to(slack, event["ts"], timeout=0) == []
    assert "/asia.html?unsigned" not in articles.paths()
    # Refused requests marked nothing as seen: the same event, correctly signed, is answered.
    assert bot.sender.post(body, "application/json").status == 200
    assert replies_to(slack, event["ts"])


def test_bots_edits_unfurls_and_broadcasts_are_ignored(bot, slack, articles):
    link = f"<{articles.url('/asia.html?ignored')}>"
    events = [
        message(link, user=BOT_USER_ID, bot_id=BOT_ID),  # our own reply
        message(link, user=None, subtype="bot_message", bot_id="B0OTHERBOT"),
        message(link, user="U0OTHERBOT", bot_id="B0OTHERBOT"),
        message("", user=None, subtype="message_changed", message={"type": "message", "user": PERSON, "text": link,
                                                                  "attachments": [{"title": TITLE}]}),
        message("", user=None, subtype="message_deleted", previous_message={"user": PERSON, "text": link}),
        message(link, subtype="thread_broadcast", thread_ts="1700000000.000001"),
        message(f"<@{PERSON}> has joined the channel {link}", subtype="channel_join"),
    ]
    answers = [bot.sender.event(e, event_id=f"Ev-ignored-{n}") for n, e in enumerate(events)]
    assert [a.status for a in answers] == [200] * len(events)
    time.sleep(QUIET)
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") in {e["ts"] for e in events}]
    assert "/asia.html?ignored" not in articles.paths()


def test_events_the_bot_does_not_handle_get_200_not_404(bot):
    reaction = {"type": "reaction_added", "user": PERSON, "reaction": "eyes", "item": {"type": "message", "channel": CHANNEL, "ts": "1.2"}}
    assert bot.sender.event(reaction, event_id="Ev-reaction").status == 200
    assert bot.sender.interaction({"type": "block_actions", "user": {"id": PERSON}, "team": {"id": "T0TESTTEAM"},
                                   "actions": [{"action_id": "someone_elses_button", "value": "x"}]}).status == 200
    challenge = bot.sender.post(json.dumps({"type": "url_verification", "challenge": "abc123"}).encode(), "application/json")
    assert challenge.status == 200 and challenge.json()["challenge"] == "abc123"


def test_private_address_is_refused_and_reported_in_one_line(bot, slack, articles):
    event = message(f"<http://127.0.0.2:{articles.port}/asia.html>")
    bot.sender.event(event, event_id="Ev-private")
    [reply] = replies_to(slack, event["ts"])
    assert "that address is private, not fetched" in reply.params["text"]
    assert "\n" not in reply.params["text"] and "Traceback" not in shown(reply)


def test_a_404_is_reported_in_one_line(bot, slack, articles):
    event = message(f"<{articles.url('/no-such-article')}>")
    bot.sender.event(event, event_id="Ev-404")
    [reply] = replies_to(slack, event["ts"])
    assert reply.params["text"].endswith("couldn't fetch that page: 404 Not Found")
    assert "\n" not in reply.params["text"]


def test_the_same_url_pasted_again_reuses_the_stored_result(bot, slack, articles):
    """Also for a URL that redirects: the result is stored under the URL people paste."""
    first, second = message(f"<{articles.url('/moved')}>"), message(f"again <{articles.url('/moved')}>")
    bot.sender.event(first, event_id="Ev-cache-1")
    [reply] = replies_to(slack, first["ts"])
    bot.sender.event(second, event_id="Ev-cache-2")
    [again] = replies_to(slack, second["ts"])
    assert "region europe" in reply.params["text"] and reply.params["text"] == again.params["text"]
    assert articles.url("/europe.html") in json.dumps(again.params["blocks"])
    assert (articles.paths().count("/moved"), articles.paths().count("/europe.html")) == (1, 1)


def test_a_429_is_waited_out_and_the_reply_still_posted(bot, slack, articles):
    event = message(f"<{articles.url('/asia.html?throttled')}>")
    slack.throttle("chat.postMessage", times=1, retry_after=1)
    bot.sender.event(event, event_id="Ev-429")
    [reply] = replies_to(slack, event["ts"], timeout=15)
    [limited] = [c for c in slack.calls_to("chat.postMessage", ok=False) if c.status == 429 and c.params.get("thread_ts") == event["ts"]]
    assert reply.at - limited.at >= 0.9  # Retry-After honoured
    assert "asia-pacific" in reply.params["text"]


def test_slash_command_answers_ephemerally_then_posts_the_result(bot, slack, articles):
    answer = bot.sender.command(articles.url("/asia.html?command"), channel="C0COMMAND")
    assert answer.status == 200 and answer.seconds < 1.0
    assert answer.json() == {"response_type": "ephemeral", "text": "Tagging 1 link…"}
    [post] = slack.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == "C0COMMAND")
    assert "region asia-pacific" in post.params["text"] and "thread_ts" not in post.params
    usage = bot.sender.command("", channel="C0COMMAND")
    assert usage.json()["text"].startswith("Usage: /policytag")


def test_slash_command_in_a_channel_without_the_bot_answers_privately(bot, slack, articles):
    slack.fail("chat.postMessage", "not_in_channel", channel="C0NOTMEMBER")
    bot.sender.command(articles.url("/asia.html"), channel="C0NOTMEMBER", response_url=slack.base_url + "/respond/1")
    [private] = slack.wait_for("respond")
    assert private.params["response_type"] == "ephemeral" and "asia-pacific" in private.params["text"]


def test_a_link_or_a_short_text_sent_in_a_direct_message_is_answered_there(bot, slack, articles):
    text = message("Iran and the E3 resume nuclear talks in Geneva", channel="D0DIRECT", channel_type="im")
    link = message(f"<{articles.url('/europe.html?direct')}>", channel="D0DIRECT", channel_type="im")
    bot.sender.event(text, event_id="Ev-dm-text")
    bot.sender.event(link, event_id="Ev-dm-link")
    replies = slack.wait_for("chat.postMessage", 2, where=lambda c: c.params.get("channel") == "D0DIRECT")
    assert len(replies) == 2 and all("thread_ts" not in r.params for r in replies)  # the conversation itself
    assert any("region europe" in r.params["text"] for r in replies)
    assert all("region" in r.params["text"] for r in replies)


def shortcut_on(text: str, *, ts: str, channel: str = CHANNEL, response_url: str = "") -> dict:
    """A "Tag with policytag" message shortcut, on someone else's post."""
    return {"type": "message_action", "callback_id": "tag_message", "trigger_id": f"1.{next(_ts)}.shortcut",
            "response_url": response_url, "team": {"id": "T0TESTTEAM"}, "user": {"id": PERSON},
            "channel": {"id": channel, "name": "general"}, "message_ts": ts, "api_app_id": "A0POLICYTAG",
            "message": {"type": "message", "user": "U0SOMEONE", "ts": ts, "text": text}}


def test_the_message_shortcut_answers_in_that_messages_thread_once(bot, slack, articles):
    ts = f"1700000001.{next(_ts):06d}"
    respond = slack.base_url + "/respond/shortcut"
    link = f"an old post <{articles.url('/asia.html?shortcut')}>"
    assert bot.sender.interaction(shortcut_on(link, ts=ts, response_url=respond)).status == 200
    [reply] = replies_to(slack, ts)
    assert reply.params["channel"] == CHANNEL and "region asia-pacific" in reply.params["text"]
    assert bot.sender.interaction(shortcut_on(link, ts=ts, response_url=respond)).status == 200
    assert bot.sender.interaction(shortcut_on("", ts=f"1700000001.{next(_ts):06d}", response_url=respond)).status == 200  # a photo
    said = [c.params["text"] for c in slack.wait_for("respond", 2, where=lambda c: "answered" in c.params.get("text", "")
                                                      or "no link or text" in c.params.get("text", ""))]
    assert sorted(said) == sorted(["I've already answered that message: the tags are in its thread.",
                                   "There's no link or text in that message for me to tag."])
    assert len(replies_to(slack, ts, timeout=QUIET)) == 1


def test_the_shortcut_where_the_bot_is_not_a_member_answers_privately(bot, slack, articles):
    slack.fail("chat.postMessage", "not_in_channel", channel="C0NOTJOINED")
    respond = slack.base_url + "/respond/shortcut-private"
    ts, before = f"1700000001.{next(_ts):06d}", len(slack.calls_to("respond"))
    bot.sender.interaction(shortcut_on(f"<{articles.url('/asia.html')}>", ts=ts, channel="C0NOTJOINED", response_url=respond))
    *_, private = responses = slack.wait_for("respond", before + 1)
    assert len(responses) == before + 1
    assert private.params["response_type"] == "ephemeral" and private.params["replace_original"] is False
    assert "asia-pacific" in private.params["text"] and "Only you can see this" in json.dumps(private.params["blocks"])


def feedback_click(action_id: str, key: str, ts: str, thread_ts: str) -> dict:
    return {
        "type": "block_actions", "user": {"id": PERSON}, "team": {"id": "T0TESTTEAM"}, "api_app_id": "A0POLICYTAG",
        "token": "legacy-verification-token", "trigger_id": f"trigger-{action_id}", "channel": {"id": CHANNEL},
        "container": {"type": "message", "message_ts": ts, "channel_id": CHANNEL},
        "message": {"type": "message", "ts": ts, "thread_ts": thread_ts, "bot_id": BOT_ID},
        "actions": [{"type": "button", "action_id": action_id, "block_id": f"feedback-{key}", "value": key, "action_ts": "1.1"}],
    }


def submission(view: dict, region: list[str], topic: list[str], stance: str | None) -> dict:
    def picked(values):
        return [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]

    state = {
        "region": {"value": {"type": "multi_static_select", "selected_options": picked(region)}},
        "topic": {"value": {"type": "multi_static_select", "selected_options": picked(topic)}},
        "stance": {"value": {"type": "static_select", "selected_option": picked([stance])[0] if stance else None}},
    }
    return {"type": "view_submission", "user": {"id": PERSON}, "team": {"id": "T0TESTTEAM"}, "api_app_id": "A0POLICYTAG",
            "view": {**view, "id": "V1", "state": {"values": state}}}


def feedback_rows(bot) -> list[tuple]:
    with sqlite3.connect(bot.env["POLICYTAG_DB"]) as db:
        return db.execute("SELECT verdict, region, topic, stance, user FROM feedback ORDER BY id").fetchall()


def test_feedback_is_stored_exported_and_used_by_train_with_feedback(bot, slack, articles, tmp_path, monkeypatch, capsys,
                                                                      some_seeds):
    event = message(f"<{articles.url('/asia.html?feedback')}>")
    bot.sender.event(event, event_id="Ev-feedback")
    [reply] = replies_to(slack, event["ts"])
    [buttons] = [b for b in reply.params["blocks"] if b["type"] == "actions"]
    key = buttons["elements"][0]["value"]
    reply_ts = "1700000099.000001"

    assert bot.sender.interaction(feedback_click("feedback_right", key, reply_ts, event["ts"])).status == 200
    [thanks] = slack.wait_for("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == event["ts"])
    assert thanks.params["user"] == PERSON and "look right" in thanks.params["text"]
    [(verdict, region, *_)] = feedback_rows(bot)
    assert verdict == "right" and json.loads(region)[0] == "asia-pacific"

    assert bot.sender.interaction(feedback_click("feedback_fix", key, reply_ts, event["ts"])).status == 200
    [opened] = slack.wait_for("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"] == "trigger-feedback_fix" and view["callback_id"] == "fix_tags"
    region_select = next(b for b in view["blocks"] if b.get("block_id") == "region")["element"]
    assert region_select["initial_options"][0]["value"] == "asia-pacific"

    too_many = bot.sender.interaction(submission(view, ["europe"], ["sanctions", "energy", "military", "diplomacy"], "hawkish"))
    assert too_many.json()["response_action"] == "errors" and "topic" in too_many.json()["errors"]
    saved = bot.sender.interaction(submission(view, ["europe"], ["sanctions", "energy"], "hawkish"))
    assert saved.status == 200 and saved.body in (b"", b"{}")
    rows = feedback_rows(bot)
    assert [r[0] for r in rows] == ["right", "fixed"]
    assert rows[-1][1:] == ('["europe"]', '["sanctions", "energy"]', "hawkish", PERSON)
    slack.wait_for("chat.postEphemeral", 2, where=lambda c: c.params.get("thread_ts") == event["ts"])

    # `policytag feedback export`: one seed per passage, the latest feedback winning.
    exported = tmp_path / "feedback.jsonl"
    monkeypatch.setenv("POLICYTAG_DB", bot.env["POLICYTAG_DB"])
    from policytag.cli import main

    assert main(["feedback", "export", "-o", str(exported)]) == 0
    [seed] = [json.loads(line) for line in exported.read_text().splitlines()]
    assert (seed["region"], seed["topic"], seed["stance"]) == (["europe"], ["sanctions", "energy"], "hawkish")
    assert "Coast Guard" in seed["text"] or "coast guard" in seed["text"]

    # `policytag train --with-feedback`, for real: the feedback replaces a seed with the
    # same text, and the manifest's seeds hash shows exactly what was trained on.
    seeds = some_seeds
    same_text = {"id": "ap-999", "text": seed["text"], "region": ["asia-pacific"], "topic": ["alliances"], "stance": "restraint"}
    (seeds / "zz-extra.jsonl").write_text(json.dumps(same_text) + "\n")
    out = tmp_path / "models"
    assert main(["train", "--with-feedback", "--seeds", str(seeds), "--out", str(out)]) == 0
    assert "using 1 feedback passages" in capsys.readouterr().out
    expected = storage.with_feedback(load_seeds(seeds), storage.Store(Path(bot.env["POLICYTAG_DB"])).feedback_seeds())
    fixed = next(s for s in expected if s.text == seed["text"])
    assert (fixed.region, fixed.topic, fixed.stance) == (["europe"], ["sanctions", "energy"], "hawkish")
    manifest = ModelStore(out).manifest
    assert manifest["seeds_sha256"] == seeds_hash(expected) and manifest["passages"] == len(expected)
    assert ModelStore(out).load("stance")["labels"] == ["restraint", "hawkish", "neutral"]


def test_a_restart_still_suppresses_retries_and_secrets_never_reach_the_log(bot, slack, articles):
    event = message(f"<{articles.url('/asia.html?restart')}>")
    bot.sender.event(event, event_id="Ev-restart")
    replies_to(slack, event["ts"])
    bot.stop()
    bot.start()
    assert bot.sender.event(event, event_id="Ev-restart", retry=1).status == 200
    assert bot.sender.event(dict(event, type="app_mention"), event_id="Ev-restart-mention").status == 200
    time.sleep(QUIET)
    assert len([c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == event["ts"]]) == 1
    bot.stop()
    log = bot.logs.read_text()
    assert "listener failed" not in log and "Traceback" not in log
    assert TOKEN not in log and SECRET not in log
