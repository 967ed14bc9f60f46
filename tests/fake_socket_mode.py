"""A fake Slack Socket Mode server on 127.0.0.1: a WebSocket server speaking Slack's envelopes.

    with FakeSlack() as slack, FakeSocketMode() as sockets:
        slack.socket_mode_url = sockets.url          # what apps.connections.open answers
        ...start the bot with SLACK_APP_TOKEN...
        link = sockets.wait_for_link()               # connected, "hello" sent
        envelope = sockets.send_event(event, event_id="Ev1")
        sockets.wait_for_ack(envelope)               # seconds from sending to the ack

Each connection (a :class:`Link`) gets ``hello``, answers pings with pongs and records
acks. A test can ask Slack's ``disconnect`` (the client should connect anew), drop a
link abruptly (no close frame, a TCP reset) or make it go silent: it then stops reading
and answering pings but keeps the TCP connection open, as a connection dropped by a NAT
or a dead Wi-Fi looks to the client.

The WebSocket framing is the minimum RFC 6455 needs for one client: unfragmented
frames, masked from the client, unmasked from the server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
APP_ID = "A0POLICYTAG"


def frame(opcode: int, payload: bytes) -> bytes:
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


@dataclass
class Link:
    """One WebSocket connection from the bot."""

    number: int
    sock: socket.socket
    opened: float = field(default_factory=time.monotonic)
    silent: bool = False
    closed: bool = False

    def send(self, message: dict) -> None:
        self.sock.sendall(frame(TEXT, json.dumps(message).encode()))

    def read_exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def read_frame(self) -> tuple[int, bytes]:
        first, second = self.read_exactly(2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self.read_exactly(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self.read_exactly(8))
        mask = self.read_exactly(4) if second & 0x80 else b"\0\0\0\0"
        data = self.read_exactly(size)
        return first & 0x0F, bytes(byte ^ mask[n % 4] for n, byte in enumerate(data))


class FakeSocketMode:
    """The server; ``links`` lists every connection accepted, ``acks`` every envelope acknowledged."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self.acks: dict[str, float] = {}  # envelope id -> when its ack arrived
        self.sent: dict[str, float] = {}  # envelope id -> when it was sent
        self._lock = threading.Condition()
        self._listener: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/?ticket={uuid.uuid4()}"

    def start(self) -> FakeSocketMode:
        self._listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._listener.close()
        for link in self.links:
            self.drop(link)

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                sock.close()
                return
            request += chunk
        headers = dict(line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line)
        accept = base64.b64encode(hashlib.sha1((headers["Sec-WebSocket-Key"] + GUID).encode()).digest()).decode()
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        with self._lock:
            link = Link(len(self.links) + 1, sock)
            link.send({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID},
                       "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 3600}})
            self.links.append(link)
            self._lock.notify_all()
        self._read(link)

    def _read(self, link: Link) -> None:
        try:
            while not link.silent:
                opcode, payload = link.read_frame()
                if link.silent:
                    break
                if opcode == PING:
                    link.sock.sendall(frame(PONG, payload))
                elif opcode == TEXT:
                    envelope_id = json.loads(payload).get("envelope_id")
                    with self._lock:
                        self.acks.setdefault(envelope_id, time.monotonic())
                        self._lock.notify_all()
                elif opcode == CLOSE:
                    link.sock.sendall(frame(CLOSE, payload[:2]))
                    break
        except (OSError, ValueError):
            pass
        if not link.silent:  # a silent link keeps its TCP connection open, unread
            link.closed = True
            link.sock.close()

    def wait_for_link(self, number: int = 1, timeout: float = 30.0) -> Link | None:
        """The ``number``-th connection, once it has been greeted."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.links) < number and time.monotonic() < deadline:
                self._lock.wait(0.05)
            return self.links[number - 1] if len(self.links) >= number else None

    def current(self) -> Link:
        return self.links[-1]

    def send(self, message: dict, link: Link | None = None) -> str:
        envelope_id = message["envelope_id"]
        with self._lock:
            self.sent[envelope_id] = time.monotonic()
        (link or self.current()).send(message)
        return envelope_id

    def send_event(self, event: dict, *, event_id: str, retry_attempt: int = 0, link: Link | None = None) -> str:
        """An ``events_api`` envelope around an ``event_callback``; returns its envelope id."""
        payload = {"token": "legacy", "team_id": "T0TESTTEAM", "api_app_id": APP_ID, "event": event,
                   "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                   "authorizations": [{"team_id": "T0TESTTEAM", "user_id": "UBOTPOLICY", "is_bot": True}]}
        return self.send({"envelope_id": str(uuid.uuid4()), "type": "events_api", "payload": payload,
                          "accepts_response_payload": False, "retry_attempt": retry_attempt,
                          "retry_reason": "timeout" if retry_attempt else ""}, link)

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> float | None:
        """Seconds from sending an envelope to its ack, or None if none came in time."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while envelope_id not in self.acks and time.monotonic() < deadline:
                self._lock.wait(0.05)
            return self.acks[envelope_id] - self.sent[envelope_id] if envelope_id in self.acks else None

    def disconnect(self, link: Link | None = None) -> None:
        """Slack's own request to connect anew (it sends this before retiring a server)."""
        (link or self.current()).send({"type": "disconnect", "reason": "refresh_requested",
                                       "debug_info": {"host": "fake-socket-mode"}})

    def drop(self, link: Link | None = None) -> None:
        """Close abruptly: no close frame, and a TCP reset instead of a goodbye."""
        link = link or self.current()
        link.silent, link.closed = True, True
        try:
            link.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            link.sock.shutdown(socket.SHUT_RD)  # wakes the reading thread without a FIN
            link.sock.close()  # with a zero linger: a reset
        except OSError:
            pass

    def go_silent(self, link: Link | None = None) -> None:
        """Stop reading and answering on a link, keeping its TCP connection open."""
        (link or self.current()).silent = True
