"""Socket Mode that notices a dead link: a ping every 2 s, a new connection after 5 s of silence.

The SDK's built-in client calls a connection stale only after four ping intervals
without a pong, and gives up on one whose pings fail only at the fifth failure: with
Bolt's 10 s interval, a silently dropped TCP connection (a NAT or firewall forgetting
it, a laptop's Wi-Fi) deafened the bot for about 44 s while it logged BrokenPipeError
every 10 s. Here a connection that has answered no ping for :data:`STALE_AFTER` seconds,
or on which a ping cannot be sent, is closed at once and the client's monitor opens a
new one, so a dead link is replaced within about 7 s.
"""

from __future__ import annotations

import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode import builtin
from slack_sdk.socket_mode.request import SocketModeRequest

PING_INTERVAL = 2.0  # seconds between pings, and between checks of the connection
STALE_AFTER = 5.0  # seconds without a pong before the connection is given up: two pings unanswered


def one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class SocketModeClient(builtin.SocketModeClient):
    """Slack's client with a stricter watch on its connection (see the module docstring)."""

    connected_at = 0.0
    reconnecting = False

    def connect(self) -> None:
        self.connected_at = time.time()  # before: connecting starts the monitor, which reads it
        super().connect()

    def _monitor_current_session(self) -> None:
        session = self.current_session
        if session is not None and session.is_active():
            try:
                session.ping(f"{session.session_id}:{time.time()}")  # the pong echoes the time: see last_ping_pong_time
                silent = time.time() - (session.last_ping_pong_time or self.connected_at)
                stale = f"no pong for {silent:.0f} s" if silent > STALE_AFTER else None
            except OSError as exc:
                stale = f"a ping could not be sent ({type(exc).__name__})"
            if stale:
                self.logger.warning("the Socket Mode connection is dead (%s): connecting again", stale)
                session.disconnect()
        if self.auto_reconnect_enabled and not self.is_connected():
            try:
                self.connect_to_new_endpoint()
            except Exception as exc:
                if not self.reconnecting:  # once per outage, not every PING_INTERVAL
                    self.logger.warning("could not reach Slack (%s): trying every %g s", one_line(exc), PING_INTERVAL)
                self.reconnecting = True
            else:
                self.reconnecting = False


class SocketModeHandler(BaseSocketModeHandler):
    """Bolt's built-in Socket Mode adapter, around :class:`SocketModeClient`."""

    def __init__(self, app: App, app_token: str, wss_url: str) -> None:
        self.app = app
        self.client = SocketModeClient(app_token=app_token, logger=app.logger, web_client=app.client,
                                       ping_interval=PING_INTERVAL)
        self.client.wss_uri = wss_url  # from the apps.connections.open call that checked the app token
        self.client.socket_mode_request_listeners.append(self.handle)

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        started = time.time()
        send_response(client, req, run_bolt_app(self.app, req), started)
