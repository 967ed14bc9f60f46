"""A fake Slack Web API on 127.0.0.1 that records every call and answers as Slack does.

    with FakeSlack() as slack:
        env = {"POLICYTAG_SLACK_API_URL": slack.api_url, ...}
        ...
        [reply] = slack.wait_for("chat.postMessage")

:class:`Sender` is the other direction: it sends the bot what Slack sends (Events
API envelopes, interactivity payloads, slash commands), byte for byte, signed with
the signing secret as Slack signs them.

The fake API understands the calls the bot makes (``auth.test``, ``chat.postMessage``,
``chat.postEphemeral``, ``views.open``, and ``apps.connections.open``, which answers
:attr:`FakeSlack.socket_mode_url`; anything else gets ``{"ok": true}``), can
answer a method 429 with ``Retry-After`` a given number of times, or fail it with a
Slack error, and also accepts posts to ``/respond/...`` as a slash command's
``response_url``.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

from slack_sdk.signature import SignatureVerifier

BOT_USER_ID = "UBOTPOLICY"
BOT_ID = "BBOTPOLICY"
TEAM_ID = "T0TESTTEAM"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "respond" for a response_url post
    params: dict
    headers: dict[str, str]
    status: int
    at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        if "json" in headers.get("content-type", ""):
            params = json.loads(body or b"{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        path = self.path.split("?")[0]
        method = "respond" if path.startswith("/respond/") else path.removeprefix("/api/")
        status, payload, extra = self.server.owner._answer(method, params)
        self.server.owner._record(Call(method, params, headers, status))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, format, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FakeSlack


class FakeSlack:
    """The fake API; ``calls`` lists every request received, 429s included."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._throttled: dict[str, tuple[int, int]] = {}
        self._failing: dict[tuple[str, str], str] = {}
        self._lock = threading.Condition()
        self._ts = 0
        self._server: _Server | None = None
        self.socket_mode_url: str | None = None  # a fake Socket Mode server's address (tests/fake_socket_mode.py)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def throttle(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` 429 with ``Retry-After``."""
        self._throttled[method] = (times, retry_after)

    def fail(self, method: str, error: str, *, channel: str) -> None:
        """Answer calls of ``method`` for ``channel`` ``{"ok": false, "error": error}``."""
        self._failing[(method, channel)] = error

    def calls_to(self, method: str, *, ok: bool = True) -> list[Call]:
        """The calls of ``method``; with ``ok`` only those answered 200."""
        with self._lock:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, where=lambda call: True) -> list[Call]:
        """Wait until ``count`` successful calls of ``method`` matching ``where`` arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method and c.status == 200 and where(c)]
                if len(found) >= count or time.monotonic() >= deadline:
                    return found
                self._lock.wait(timeout=max(0.0, min(0.2, deadline - time.monotonic())))

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _answer(self, method: str, params: dict) -> tuple[int, dict, dict]:
        with self._lock:
            times, retry_after = self._throttled.get(method, (0, 0))
            if times:
                self._throttled[method] = (times - 1, retry_after)
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            self._ts += 1
            ts = f"{int(time.time())}.{self._ts:06d}"
        error = self._failing.get((method, params.get("channel")))
        if error:
            return 200, {"ok": False, "error": error}, {}
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "policytag",
                         "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}, {}
        if method == "chat.postMessage":
            return 200, {"ok": True, "channel": params.get("channel"), "ts": ts,
                         "message": {"text": params.get("text"), "bot_id": BOT_ID, "ts": ts}}, {}
        if method == "chat.postEphemeral":
            return 200, {"ok": True, "message_ts": ts}, {}
        if method == "apps.connections.open":
            if self.socket_mode_url is None:
                return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
            return 200, {"ok": True, "url": self.socket_mode_url}, {}
        if method == "views.open":
            return 200, {"ok": True, "view": {"id": f"V{self._ts}", **(params.get("view") or {})}}, {}
        return 200, {"ok": True}, {}

    def start(self) -> FakeSlack:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@dataclass
class Answer:
    """The bot's HTTP answer to one request, and how long it took."""

    status: int
    body: bytes
    seconds: float

    def json(self) -> dict:
        return json.loads(self.body)


class Sender:
    """Posts signed requests to the bot's ``/slack/events`` as Slack would."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url
        self.verifier = SignatureVerifier(signing_secret)

    def post(self, body: bytes, content_type: str, *, timestamp: int | None = None, signature: str | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or self.verifier.generate_signature(timestamp=ts, body=body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {}),
        }
        request = urllib.request.Request(self.url, data=body, headers=sent, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Answer(response.status, response.read(), time.monotonic() - started)
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read(), time.monotonic() - started)

    def event(self, event: dict, *, event_id: str, retry: int = 0, **kwargs) -> Answer:
        """An Events API ``event_callback``; ``retry`` > 0 adds Slack's retry headers."""
        body = json.dumps({
            "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": "A0POLICYTAG",
            "event": event, "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }).encode()
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.post(body, "application/json", headers=headers, **kwargs)

    def command(self, text: str, *, channel: str, user: str = "U0PERSON", response_url: str = "") -> Answer:
        body = urlencode({
            "token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": "test", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": "person", "command": "/policytag", "text": text,
            "api_app_id": "A0POLICYTAG", "response_url": response_url, "trigger_id": "1337.42.abcd",
        }).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def interaction(self, payload: dict) -> Answer:
        """A block action or view submission: Slack sends it as a form field ``payload``."""
        return self.post(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")
