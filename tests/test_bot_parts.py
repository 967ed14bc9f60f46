"""The bot's parts without Slack: message parsing, Block Kit, storage, settings, manifest, console."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from policytag.bot import storage
from policytag.bot.answer import Item
from policytag.bot.reading import fetch_error
from policytag.bot.blocks import FIX, RIGHT, SECTION_LIMIT, fix_tags_view, private_reply_blocks, reply_blocks, reply_text
from policytag.bot.config import BotSetupError, Settings
from policytag.bot.console import blocks_as_text, messages
from policytag.bot.listeners.shortcuts.tag_message import TAG_MESSAGE
from policytag.bot.messages import MAX_LINKS, find_links, from_person, plain_text, what_to_tag
from policytag.bot.run import choose_mode
from policytag.errors import AddressRefused, BadStatus, ExtractionError
from policytag.labelled import Seed, load_seeds
from policytag.schema import Recommendation, Result, Tag
from tests.articles import PASTED_TEXT, TITLE, article_html
from tests.servers import RecordingServer, Response

REPO = Path(__file__).resolve().parent.parent


def result() -> Result:
    return Result(
        title="Tokyo & Manila <drills>", url="https://example.org/a?b=1&c=2", site="The Meridian Review",
        tags={"region": [Tag(label="asia-pacific", score=0.91), Tag(label="global", score=0.2)],
              "topic": [Tag(label="alliances", score=0.8), Tag(label="military", score=0.4)],
              "stance": [Tag(label="hawkish", score=0.55, low_confidence=True)]},
        summary=["Coast guards sailed together."],
        recommendations=[Recommendation(text="Tokyo should rotate patrol vessels through Subic Bay.", actor="Tokyo"),
                         Recommendation(text="Manila must share its maritime data.", actor="Japan")],
    )


# --- what a message asks for -------------------------------------------------------

def test_links_are_found_wrapped_labelled_bare_and_unescaped():
    text = "see <https://a.example/x?p=1&amp;q=2|the piece> and <http://b.example/y> or https://c.example/z."
    assert find_links(text) == ["https://a.example/x?p=1&q=2", "http://b.example/y", "https://c.example/z"]
    assert find_links("<mailto:x@y.z|x@y.z> <@U123> <#C1|general>") == []


def test_at_most_three_links_are_tagged_and_repeats_count_once():
    links = " ".join(f"<https://e.example/{n}>" for n in (1, 1, 2, 3, 4, 5))
    assert what_to_tag(links, 300).links == ("https://e.example/1", "https://e.example/2", "https://e.example/3")
    assert MAX_LINKS == 3


def test_long_text_is_tagged_short_text_is_not_and_mentions_are_dropped():
    assert what_to_tag("nice one &amp; thanks", 300) is None
    request = what_to_tag("<@U1> " + PASTED_TEXT.replace("&", "&amp;"), 300)
    assert request.text.startswith("Follow us on social") and "<@U1>" not in request.text
    assert plain_text("<@U1> read <https://x.example|this> &lt;now&gt;") == "read this <now>"
    assert what_to_tag("<@U1> Iran talks", min_text=1).text == "Iran talks"


@pytest.mark.parametrize("event", [
    {"user": "U1", "bot_id": "B1", "text": "x"},
    {"subtype": "bot_message", "bot_id": "B1", "text": "x"},
    {"subtype": "message_changed", "message": {"user": "U1", "text": "<https://x.example>"}},
    {"subtype": "message_deleted"},
    {"subtype": "thread_broadcast", "user": "U1", "text": "x"},
    {"subtype": "channel_join", "user": "U1", "text": "x"},
    {"text": "no user"},
    {"user": "U1", "text": "no channel or time"},
])
def test_only_new_posts_by_people_are_answered(event):
    assert not from_person(event)


def test_a_persons_post_in_a_thread_is_answered():
    assert from_person({"user": "U1", "text": "x", "channel": "C1", "thread_ts": "1.0", "ts": "2.0"})


# --- Block Kit ---------------------------------------------------------------------

def test_reply_blocks_show_title_site_tags_summary_recommendations_and_buttons():
    blocks = reply_blocks([Item(source="https://example.org/a", key="k1", result=result())])
    text = json.dumps(blocks, ensure_ascii=False)
    assert blocks[0]["text"]["text"] == "*<https://example.org/a?b=1&amp;c=2|Tokyo &amp; Manila &lt;drills&gt;>*\nThe Meridian Review"
    assert "*Region*  asia-pacific 91% · global 20%" in text and "hawkish 55% (low confidence)" in text
    assert "• Tokyo should rotate" in text and "Japan: Manila must share" in text
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [(RIGHT, "k1"), (FIX, "k1")]
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks if b["type"] == "section")


def test_a_reply_shows_the_five_strongest_recommendations_and_says_how_many_there_are():
    many = result().model_copy(update={"recommendations": [Recommendation(text=f"Step {i} should come next.") for i in range(7)]})
    text = json.dumps(reply_blocks([Item(source="u", key="k", result=many)]), ensure_ascii=False)
    assert "*Recommendations (the 5 strongest of 7)*" in text
    assert "Step 4 should" in text and "Step 5 should" not in text


def test_errors_are_one_line_and_results_are_separated_by_dividers():
    items = [Item(source="https://x.example/gone", error="couldn't fetch that page: 404 Not Found"),
             Item(source="https://example.org/a", key="k1", result=result())]
    blocks = reply_blocks(items)
    assert blocks[0]["text"]["text"] == ":warning: https://x.example/gone: couldn't fetch that page: 404 Not Found"
    assert blocks[1] == {"type": "divider"}
    assert reply_text(items).splitlines() == [
        "https://x.example/gone: couldn't fetch that page: 404 Not Found",
        "Tokyo &amp; Manila &lt;drills&gt;: region asia-pacific, global; topics alliances, military; stance hawkish",
    ]


MENTIONS = ("<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN>", "<#C0SECRET|secret>", "<!subteam^S0TEAM>")
MARKUP = re.compile(r"<[!@#]")


def hostile(text: str) -> str:
    return f"{text} " + " ".join(MENTIONS) + " & <https://evil.example|click>"


def test_nothing_a_result_says_can_mention_anyone_or_start_markup():
    tagged = Result(
        title=hostile("<!channel> Read this now"), url="https://example.org/a?b=1|<!here>", site=hostile("site"),
        tags={"region": [Tag(label=hostile("label"), score=0.9)], "topic": [], "stance": []},
        summary=[hostile("summary")], recommendations=[Recommendation(text=hostile("rec"), actor=hostile("actor"))],
        errors=[{"plugin": hostile("plugin"), "message": hostile("message")}],
    )
    not_a_link = tagged.model_copy(update={"url": "!here"})
    items = [Item(source=hostile("source"), key="k1", result=tagged, note=hostile("note")),
             Item(source=hostile("source"), key="k2", result=not_a_link),
             Item(source=hostile("source"), error=hostile("error"))]
    rendered = json.dumps([reply_blocks(items), private_reply_blocks(items), reply_text(items),
                           fix_tags_view("k1", tagged, channel="C1", thread_ts="1.0")], ensure_ascii=False)
    assert not MARKUP.search(rendered), MARKUP.search(rendered)
    assert "&lt;!channel&gt; Read this now" in reply_text(items) and "&amp;" in rendered
    [heading] = [b["text"]["text"] for b in reply_blocks(items)[:1]]
    assert heading.startswith("*<https://example.org/a?b=1%7C&lt;!here&gt;|&lt;!channel&gt; Read this now ")
    assert reply_blocks(items[1:2])[0]["text"]["text"].startswith("*&lt;!channel&gt;")  # no link for a non-http address


def test_long_summaries_are_clipped_to_what_slack_accepts():
    long = result().model_copy(update={"summary": ["word " * 2000]})
    assert max(len(b["text"]["text"]) for b in reply_blocks([Item(source="u", key="k", result=long)]) if b["type"] == "section") == SECTION_LIMIT


def test_fix_tags_modal_is_preset_to_the_current_tags():
    view = fix_tags_view("k1", result(), channel="C1", thread_ts="1.0")
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert [o["value"] for o in inputs["region"]["initial_options"]] == ["asia-pacific", "global"]
    assert [o["value"] for o in inputs["topic"]["initial_options"]] == ["alliances", "military"]
    assert inputs["topic"]["max_selected_items"] == 3
    assert inputs["stance"]["initial_option"]["value"] == "hawkish"
    assert json.loads(view["private_metadata"]) == {"key": "k1", "channel": "C1", "thread_ts": "1.0"}
    assert len(view["title"]["text"]) <= 24


def test_fetch_errors_read_as_one_line():
    assert fetch_error(AddressRefused("refused: 10.0.0.8 is a private address")) == \
        "that address is private, not fetched (10.0.0.8 is a private address)"
    assert fetch_error(BadStatus("404 Not Found", 404)) == "couldn't fetch that page: 404 Not Found"
    assert fetch_error(ExtractionError("no article text on the page\nmore")) == "couldn't read that page: no article text on the page"


# --- storage -----------------------------------------------------------------------

def test_claims_are_first_come_and_survive_reopening(tmp_path):
    path = tmp_path / "bot.sqlite3"
    assert storage.Store(path).claim("event:Ev1")
    assert not storage.Store(path).claim("event:Ev1")
    assert storage.Store(path).claim("post:C1:1.0")


def test_a_live_owners_claim_is_never_taken_over_and_an_expired_one_is(tmp_path, monkeypatch):
    path = tmp_path / "bot.sqlite3"
    first, second = storage.Store(path, owner="run-a"), storage.Store(path, owner="run-b")
    assert first.claim("post:C1:1.0")
    assert not second.claim("post:C1:1.0")  # run-a holds its lease: it is still answering
    first.claim("post:C1:2.0")
    first.finish("post:C1:2.0")
    now = storage.time.time()
    monkeypatch.setattr(storage.time, "time", lambda: now + storage.LEASE + 1)  # run-a stopped renewing: it died
    assert storage.Store(path, owner="run-c").claim("post:C1:1.0")
    assert not storage.Store(path, owner="run-d").claim("post:C1:2.0")  # its reply went out: never again


def test_a_lease_is_renewed_while_its_run_lives_and_released_when_it_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "RENEW_EVERY", 0.05)
    path = tmp_path / "bot.sqlite3"
    live = storage.Store(path, owner="run-a")
    assert live.claim("post:C1:1.0")

    def lease() -> float:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT lease FROM runs WHERE run = 'run-a'").fetchone()[0]

    taken = lease()
    deadline = storage.time.monotonic() + 10
    while lease() == taken and storage.time.monotonic() < deadline:
        storage.time.sleep(0.05)
    assert lease() > taken
    live.release()
    assert storage.Store(path, owner="run-b").claim("post:C1:1.0")  # no need to wait for the lease to run out


def test_a_renewal_under_way_when_the_run_releases_does_not_bring_the_lease_back(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "RENEW_EVERY", 0.01)
    path = tmp_path / "bot.sqlite3"
    live = storage.Store(path, owner="run-a")
    assert live.claim("post:C1:1.0")
    renewing, finish_renewing = threading.Event(), threading.Event()
    run = live._run

    def slow_renewal(what, *args):
        if what == "renew the lease":
            renewing.set()
            finish_renewing.wait(10)
        return run(what, *args)

    monkeypatch.setattr(live, "_run", slow_renewal)
    assert renewing.wait(10)
    releasing = threading.Thread(target=live.release)
    releasing.start()
    storage.time.sleep(0.2)  # unguarded, the release would delete the lease now, before the renewal writes it
    finish_renewing.set()
    releasing.join(10)
    storage.time.sleep(0.1)  # a renewal that outlived the release would have written by now
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT lease FROM runs WHERE run = 'run-a'").fetchone() is None


def test_a_claim_made_done_is_never_taken_over(tmp_path, monkeypatch):
    path = tmp_path / "bot.sqlite3"
    assert storage.Store(path, owner="run-a").claim("request:v0=abc", done=True)
    now = storage.time.time()
    monkeypatch.setattr(storage.time, "time", lambda: now + storage.LEASE + 1)
    assert not storage.Store(path, owner="run-b").claim("request:v0=abc")


def test_cached_results_expire_after_the_ttl(tmp_path, monkeypatch):
    store = storage.Store(tmp_path / "bot.sqlite3")
    url = "https://example.org/a"
    store.save_result(storage.result_key(url), "text", result(), url=url)
    assert store.cached_result(url, ttl=60).title == "Tokyo & Manila <drills>"
    now = storage.time.time()
    monkeypatch.setattr(storage.time, "time", lambda: now + 61)
    assert store.cached_result(url, ttl=60) is None
    assert store.stored(storage.result_key(url))[0] == "text"  # still there for feedback


def test_feedback_latest_per_text_wins_and_beats_seeds(tmp_path):
    store = storage.Store(tmp_path / "bot.sqlite3")
    text = "The  Philippine coast guard\nand Japan."
    store.save_result("k1", text, result())
    store.add_feedback("k1", user="U1", verdict="right", region=["asia-pacific"], topic=["alliances"], stance="hawkish")
    store.add_feedback("k1", user="U2", verdict="fixed", region=["asia-pacific"], topic=["military"], stance="neutral")
    [seed] = storage.feedback_seeds(tmp_path / "bot.sqlite3")
    assert (seed.topic, seed.stance, seed.source) == (["military"], "neutral", "slack-feedback:fixed")
    shipped = [Seed(id="ap-1", text="the philippine coast guard and japan.", region=["asia-pacific"], topic=["alliances"], stance="restraint"),
               Seed(id="eu-1", text="Brussels agreed sanctions.", region=["europe"], topic=["sanctions"], stance="neutral")]
    assert [s.id for s in storage.with_feedback(shipped, [seed])] == ["eu-1", seed.id]


def test_feedback_is_checked_like_seed_files(tmp_path):
    store = storage.Store(tmp_path / "bot.sqlite3")
    store.save_result("k1", "text", result())
    with pytest.raises(ValueError, match="topic"):
        store.add_feedback("k1", user="U1", verdict="fixed", region=["europe"], topic=["a", "b", "c", "d"], stance="neutral")
    with pytest.raises(LookupError):
        store.add_feedback("gone", user="U1", verdict="fixed", region=["europe"], topic=["sanctions"], stance="neutral")
    assert store.feedback_seeds() == []


def test_exported_feedback_loads_as_seeds(tmp_path):
    store = storage.Store(tmp_path / "bot.sqlite3")
    store.save_result("k1", "Brussels agreed sanctions on Russia.", result())
    store.add_feedback("k1", user="U1", verdict="fixed", region=["europe"], topic=["sanctions"], stance="neutral")
    out = io.StringIO()
    assert storage.export_feedback(out, tmp_path / "bot.sqlite3") == 1
    (tmp_path / "fb.jsonl").write_text(out.getvalue())
    assert load_seeds(tmp_path / "fb.jsonl")[0].region == ["europe"]


def test_the_default_database_is_in_the_user_data_dir(monkeypatch):
    monkeypatch.delenv("POLICYTAG_DB", raising=False)
    from platformdirs import user_data_dir

    assert storage.default_db_path() == Path(user_data_dir("policytag")) / "bot.sqlite3"
    monkeypatch.setenv("POLICYTAG_DB", "/tmp/x.sqlite3")
    assert storage.default_db_path() == Path("/tmp/x.sqlite3")


# --- settings and modes --------------------------------------------------------------

def test_secrets_stay_out_of_the_settings_repr():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-s3cret", "SLACK_SIGNING_SECRET": "sh-s3cret", "SLACK_APP_TOKEN": "xapp-s3cret"})
    assert "s3cret" not in repr(settings)
    with pytest.raises(BotSetupError, match="POLICYTAG_CACHE_TTL"):
        Settings.from_env({"POLICYTAG_CACHE_TTL": "a day"})


def test_workers_and_the_job_limit_are_positive():
    settings = Settings.from_env({"POLICYTAG_BOT_WORKERS": "2", "POLICYTAG_JOB_TIMEOUT": "2.5"})
    assert (settings.workers, settings.job_timeout) == (2, 2.5)
    assert (Settings.from_env({}).workers, Settings.from_env({}).job_timeout) == (4, 30.0)
    for name, value in (("POLICYTAG_BOT_WORKERS", "0"), ("POLICYTAG_BOT_WORKERS", "1.5"), ("POLICYTAG_JOB_TIMEOUT", "0")):
        with pytest.raises(BotSetupError, match=name):
            Settings.from_env({name: value})


@pytest.mark.parametrize("env, flags, mode", [
    ({}, {}, "console"),
    ({"SLACK_BOT_TOKEN": "b", "SLACK_APP_TOKEN": "a"}, {}, "socket"),
    ({"SLACK_BOT_TOKEN": "b", "SLACK_SIGNING_SECRET": "s"}, {"http": True}, "http"),
    ({"SLACK_BOT_TOKEN": "b", "SLACK_APP_TOKEN": "a"}, {"console": True}, "console"),
])
def test_the_mode_follows_flags_and_tokens(env, flags, mode):
    assert choose_mode(Settings.from_env(env), http=flags.get("http", False), console=flags.get("console", False)) == mode


@pytest.mark.parametrize("env, flags", [
    ({"SLACK_BOT_TOKEN": "b"}, {"http": True}),
    ({"SLACK_BOT_TOKEN": "b", "SLACK_SIGNING_SECRET": "s"}, {}),
    ({"SLACK_APP_TOKEN": "a"}, {}),
])
def test_incomplete_settings_are_refused_in_one_line(env, flags):
    with pytest.raises(BotSetupError):
        choose_mode(Settings.from_env(env), http=flags.get("http", False), console=False)


def test_a_token_slack_refuses_stops_the_bot_with_one_line(tmp_path):
    from tests.fake_slack import FakeSlack

    with FakeSlack() as slack:
        slack.fail("auth.test", "invalid_auth", channel=None)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYTAG_", "SLACK_"))}
        env.update({"SLACK_BOT_TOKEN": "xoxb-revoked-token", "SLACK_SIGNING_SECRET": "s", "POLICYTAG_SLACK_API_URL": slack.api_url,
                    "POLICYTAG_DB": str(tmp_path / "bot.sqlite3")})
        run = subprocess.run([sys.executable, "-m", "policytag.cli", "bot", "--http", "--port", "0"],
                             capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("policytag: Slack refused SLACK_BOT_TOKEN:")
    assert "Traceback" not in run.stderr and "xoxb-revoked-token" not in run.stderr


def test_an_app_token_slack_refuses_stops_the_bot_with_one_line(tmp_path):
    from tests.fake_slack import FakeSlack

    with FakeSlack() as slack:
        slack.fail("apps.connections.open", "invalid_auth", channel=None)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYTAG_", "SLACK_"))}
        env.update({"SLACK_BOT_TOKEN": "xoxb-good-token", "SLACK_APP_TOKEN": "xapp-revoked-token",
                    "POLICYTAG_SLACK_API_URL": slack.api_url, "POLICYTAG_DB": str(tmp_path / "bot.sqlite3")})
        run = subprocess.run([sys.executable, "-m", "policytag.cli", "bot"], capture_output=True, text=True, env=env,
                             cwd=REPO, timeout=120)
        [opened] = slack.calls_to("apps.connections.open")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == "policytag: Slack refused SLACK_APP_TOKEN: invalid_auth"
    assert "Traceback" not in run.stderr and "xapp-revoked-token" not in run.stderr
    assert opened.headers["authorization"] == "Bearer xapp-revoked-token"


# --- manifest --------------------------------------------------------------------------

def test_the_manifest_asks_for_exactly_what_the_listeners_use():
    yaml = pytest.importorskip("yaml")
    from slack_bolt import App

    from policytag.bot.listeners import register_listeners

    manifest = yaml.safe_load((REPO / "bot" / "manifest.yml").read_text())
    app = App(token="xoxb-x", signing_secret="s", token_verification_enabled=False)
    register_listeners(app)
    assert sorted(listener.ack_function.__name__ for listener in app._listeners) == [
        "app_mention_callback", "feedback_right_callback", "fix_tags_callback", "fix_tags_submission",
        "message_callback", "policytag_callback", "tag_message_callback",
    ]
    # message in public and private channels and DMs, app_mention; their read scopes, chat:write, commands.
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.channels", "message.groups", "message.im"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "channels:history", "groups:history", "im:history", "chat:write", "commands"}
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # so people can DM it
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/policytag"]
    assert [(s["type"], s["callback_id"]) for s in manifest["features"]["shortcuts"]] == [("message", TAG_MESSAGE)]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True  # the buttons and the modal
    assert manifest["settings"]["socket_mode_enabled"] is True


# --- console -----------------------------------------------------------------------------

def test_blocks_are_drawn_as_terminal_text():
    text = blocks_as_text(reply_blocks([Item(source="u", key="k", result=result()), Item(source="https://x.example", error="couldn't fetch that page: 404 Not Found")]))
    lines = text.splitlines()
    assert lines[0] == "Tokyo & Manila <drills> (https://example.org/a?b=1&c=2)"
    assert "Region  asia-pacific 91% · global 20%" in lines
    assert "[Tags look right] [Fix tags]" in lines
    assert lines[-1] == "⚠ https://x.example: couldn't fetch that page: 404 Not Found"


def test_console_sends_links_at_once_and_text_at_a_dot_line():
    typed = io.StringIO("https://x.example/a\nfirst paragraph\n\nsecond paragraph\n.\ntrailing text\n")
    assert list(messages(typed, io.StringIO())) == ["https://x.example/a", "first paragraph\n\nsecond paragraph", "trailing text"]


def test_console_transcript_is_the_reply_the_bot_would_post(tmp_path):
    """``policytag bot`` with no Slack tokens is the console."""
    routes = {"/asia.html": Response(body=article_html().encode())}
    with RecordingServer(routes) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYTAG_", "SLACK_"))}
        env.update({"POLICYTAG_ALLOW_HOSTS": "127.0.0.1", "POLICYTAG_DB": str(tmp_path / "bot.sqlite3")})
        typed = f"{server.url('/asia.html')}\nthanks!\n.\n{server.url('/gone')}\n"
        run = subprocess.run([sys.executable, "-m", "policytag.cli", "bot"], input=typed, capture_output=True,
                             text=True, env=env, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    transcript = run.stdout
    assert transcript.startswith("policytag bot console:")
    first, short, missing = transcript.split("policytag (in thread):\n")[1:]
    assert first.startswith(f"{TITLE} ({server.url('/asia.html')})\nThe Meridian Review\nRegion  asia-pacific")
    assert "\nSummary\n• " in first and "[Tags look right] [Fix tags]" in first
    assert re.search(r"\nRecommendations( \(the 5 strongest of \d+\))?\n• ", first)
    assert short.startswith("(no reply: no link, and the text is shorter than 300 characters)")
    assert missing.startswith(f"⚠ {server.url('/gone')}: couldn't fetch that page: 404 Not Found")


def test_policytag_tag_does_not_import_slack():
    code = ("import sys; from policytag.cli import main; main(['tag', '--no-summary', '-']); "
            "print(sorted(m for m in ('slack_bolt', 'slack_sdk', 'policytag.bot.app') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], input=PASTED_TEXT, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("[]")
