"""Bot latency: a signed Slack event with a link in, the threaded ``chat.postMessage`` out.

``policytag bot --http`` runs as a user starts it, against the tests' fake Slack Web
API and article server on 127.0.0.1 (``tests/fake_slack.py``, ``tests/servers.py``),
so the time covers signature check, fetching and extracting the page, tagging,
rendering and posting. Events are sent one at a time, each with a link the bot has not
seen (no cache hit), after a few untimed ones that load the models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the fakes live with the tests

from tests.articles import TITLE, article_html  # noqa: E402
from tests.fake_slack import FakeSlack, Sender  # noqa: E402
from tests.servers import RecordingServer, Response  # noqa: E402

SECRET = "bench-signing-secret"
CHANNEL = "C0BENCH"
WARM_UP = 3


def _start_bot(env: dict) -> tuple[subprocess.Popen, Sender]:
    process = subprocess.Popen(
        [sys.executable, "-m", "policytag.cli", "bot", "--http", "--port", "0"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"the bot did not start: {line!r}")
    return process, Sender(line.split("listening on ", 1)[1].strip(), SECRET)


def measure(events: int) -> list[float]:
    """Seconds from sending each of ``events`` signed link events to its reply's arrival."""
    routes = {f"/a/{n}": Response(body=article_html(f"{TITLE}, part {n}").encode()) for n in range(events + WARM_UP)}
    with RecordingServer(routes) as articles, FakeSlack() as slack, tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYTAG_", "SLACK_"))}
        env.update({
            "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET, "POLICYTAG_SLACK_API_URL": slack.api_url,
            "POLICYTAG_ALLOW_HOSTS": "127.0.0.1", "POLICYTAG_DB": str(Path(tmp) / "bot.sqlite3"),
        })
        process, sender = _start_bot(env)
        try:
            times = [_one(sender, slack, articles.url(f"/a/{n}"), n) for n in range(events + WARM_UP)]
        finally:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()
    return times[WARM_UP:]


def _one(sender: Sender, slack: FakeSlack, url: str, n: int) -> float:
    ts = f"1700000000.{n:06d}"
    event = {"type": "message", "channel": CHANNEL, "user": "U0BENCH", "text": f"worth a read <{url}>",
             "ts": ts, "event_ts": ts, "channel_type": "channel"}
    started = time.monotonic()
    answer = sender.event(event, event_id=f"Ev-bench-{n}")
    [reply] = slack.wait_for("chat.postMessage", 1, 30, where=lambda call: call.params.get("thread_ts") == ts) or [None]
    if answer.status != 200 or reply is None or "region none" in reply.params.get("text", ""):
        # an untagged reply is fast, and would flatter the figure
        raise RuntimeError(f"event {n}: HTTP {answer.status}, reply {json.dumps(reply.params) if reply else 'none'}")
    return reply.at - started
