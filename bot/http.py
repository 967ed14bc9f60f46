"""HTTP mode's front door: a request is capped, its signature checked on the raw bytes,
and only then parsed and handed to Bolt.

Bolt's WSGI adapter reads a whole body and parses it before its middleware checks the
signature, so an unsigned 150 MB JSON body cost the bot 1.4 GB and seconds of parsing
for a stranger, and malformed JSON was a 500 with a traceback. Here waitress refuses a
body over :data:`MAX_BODY` before reading it (413); a request whose signature does not
match its raw bytes gets 401 and is never parsed; a signed one that cannot be parsed,
or whose fields Bolt routes on have types Slack never sends, gets 400. Each refusal is
one log line.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from http import HTTPStatus

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import parse_body
from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's payloads are a few KB (a modal's state, the largest, stays far below)
MAX_AGE = 5 * 60  # seconds: an older timestamp is a replay (Slack's own rule)

log = logging.getLogger("policytag.bot.http")


class Endpoint:
    """The WSGI application serving ``POST /slack/events`` for a Bolt app."""

    def __init__(self, app: App, signing_secret: str) -> None:
        self.app = app
        self.secret = signing_secret.encode("utf-8")

    def __call__(self, environ, start_response):
        status, headers, body = self.answer(environ)
        start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def answer(self, environ) -> tuple[int, list[tuple[str, str]], bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return 404, TEXT, b"Not Found"
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(environ, 400, "a Content-Length that is not a number")
        if length > MAX_BODY:  # waitress refuses these first; this holds whatever serves the app
            return refuse(environ, 413, f"a body of {length} bytes")
        raw = environ["wsgi.input"].read(length)
        headers = {key[5:].lower().replace("_", "-"): value for key, value in environ.items() if key.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        if not self.signed(raw, headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")):
            return refuse(environ, 401, "no valid Slack signature")
        try:
            text = raw.decode("utf-8")
            payload = parse_body(text, headers["content-type"])
            why = unreadable(payload)
            if why:
                raise ValueError(why)
            request = BoltRequest(body=text, query=environ.get("QUERY_STRING", ""), headers=headers)
            response = self.app.dispatch(request)
        except Exception as exc:  # Bolt trusts Slack's shapes; what slips past the check above is refused too
            return refuse(environ, 400, f"a signed body that cannot be read ({type(exc).__name__}: {one_line(exc)})")
        sent = [(name, value) for name, values in response.headers.items() if name.lower() != "content-length"
                for value in values]
        return response.status, sent, (response.body or "").encode("utf-8")

    def signed(self, raw: bytes, timestamp: str, signature: str) -> bool:
        """Slack's HMAC-SHA256 of ``v0:<timestamp>:<raw bytes>``, compared in constant time, with a fresh timestamp."""
        try:
            fresh = abs(time.time() - int(timestamp)) <= MAX_AGE
        except ValueError:
            return False
        expected = b"v0=" + hmac.new(self.secret, b"v0:" + timestamp.encode("latin-1") + b":" + raw, hashlib.sha256).hexdigest().encode()
        # WSGI hands header values over as latin-1 text: encoding them back gives the bytes that were sent.
        return fresh and hmac.compare_digest(expected, signature.encode("latin-1"))


# The fields Bolt routes on and the listeners read, with the types Slack sends them as.
IDS = ("user", "team", "channel", "enterprise")  # an object holding an id, or the id itself
OBJECTS = ("event", "view", "message", "previous_message", "container", "item", "assistant_thread", "state")
PROSE = ("event", "message", "previous_message")  # objects whose 'text' is a string (elsewhere it is Block Kit)
LISTS = ("actions", "authorizations")  # lists of objects
STRINGS = ("type", "subtype", "ts", "thread_ts", "event_id", "callback_id", "command", "channel_type", "bot_id",
           "trigger_id", "response_url", "user_id", "team_id", "channel_id", "enterprise_id", "private_metadata",
           "action_id", "block_id", "value")


def unreadable(payload, depth: int = 0, prose: bool = True) -> str | None:
    """Why a parsed body is not what Slack sends, judged on the fields that are read; None when it is."""
    if not isinstance(payload, dict):
        return "not an object"
    for name in STRINGS + (("text",) if prose else ()):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            return f"{name} is not a string"
    for name in IDS:
        if payload.get(name) is not None and not isinstance(payload[name], (str, dict)):
            return f"{name} is neither an id nor an object"
    nested = [(name, payload.get(name)) for name in OBJECTS if payload.get(name) is not None]
    for name in LISTS:
        if payload.get(name) is not None and not isinstance(payload[name], list):
            return f"{name} is not a list"
        nested += [(f"{name}[{n}]", item) for n, item in enumerate(payload.get(name) or [])]
    if depth == 0 and payload.get("type") == "block_actions" and not (
            payload.get("actions") and isinstance(payload["actions"][0], dict) and "action_id" in payload["actions"][0]):
        return "a button click without an action id"  # Bolt's matchers read actions[0]["action_id"] unguarded
    for name, value in nested if depth < 3 else ():
        why = unreadable(value, depth + 1, prose=name in PROSE)
        if why:
            return f"{name}: {why}"
    return None


TEXT = [("Content-Type", "text/plain; charset=utf-8")]


def one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]


def refuse(environ, status: int, why: str) -> tuple[int, list[tuple[str, str]], bytes]:
    log.warning("refused a request from %s with %d: %s", environ.get("REMOTE_ADDR", "?"), status, why)
    return status, TEXT, HTTPStatus(status).phrase.encode()


class LoggedRefusal(ErrorTask):
    """Waitress's own refusals (a body over the cap, a malformed request) get one log line too."""

    def execute(self) -> None:
        error = self.request.error
        log.warning("refused a request from %s with %d: %s", self.channel.addr[0], error.code, one_line(error.body))
        super().execute()


class Channel(HTTPChannel):
    error_task_class = LoggedRefusal


def make_server(app: App, signing_secret: str, *, host: str, port: int, threads: int):
    """A waitress server for the endpoint that reads no body over :data:`MAX_BODY`."""
    server = create_server(Endpoint(app, signing_secret), host=host, port=port, threads=threads,
                           max_request_body_size=MAX_BODY + 1)  # waitress refuses a body of at least this
    server.channel_class = Channel
    return server
