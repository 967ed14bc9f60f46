"""A threaded HTTP server on 127.0.0.1 for tests: routes in, recorded requests out.

    with RecordingServer({"/page.html": Response(body=html)}) as server:
        fetch(server.url("/page.html"))
        assert server.requests[0].path == "/page.html"

A route maps a path (query included, if the route names one) to a :class:`Response`
or to a function of the :class:`Request` returning one. Unknown paths get a 404.
``requests`` records every request received, ``connections`` every connection
accepted, so a test can prove that nothing reached the server at all. Pass an
``ssl.SSLContext`` as ``tls`` to serve https.

:func:`loopback_only` makes a test fail if anything tries to leave 127.0.0.0/8.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased


@dataclass
class Response:
    """What a route answers. ``body`` may be bytes, or an iterable of chunks written and
    flushed one at a time (the connection then closes to end the body). With
    ``raw=True`` the body is written as is, status line and headers included."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    raw: bool = False


Route = Response | Callable[[Request], Response]


def redirect(location: str, status: int = 302) -> Response:
    return Response(status=status, headers={"Location": location}, content_type=None)


def trickle(data: bytes, every: float = 1.0) -> Iterator[bytes]:
    """``data`` one byte at a time, ``every`` seconds apart."""
    for byte in data:
        yield bytes([byte])
        time.sleep(every)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._connected()

    def _answer(self) -> None:
        owner = self.server.owner
        request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        owner.requests.append(request)
        route = owner.routes.get(self.path) or owner.routes.get(self.path.split("?")[0])
        response = route(request) if callable(route) else route
        response = response or Response(status=404, body=b"not found", content_type="text/plain")
        try:
            self._write(response)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as fetch limits are meant to make it

    do_GET = do_HEAD = do_POST = _answer

    def _write(self, response: Response) -> None:
        if response.raw:
            chunks = [response.body] if isinstance(response.body, bytes) else response.body
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
            return
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if isinstance(response.body, bytes):
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            return
        self.send_header("Connection", "close")
        self.end_headers()
        for chunk in response.body:
            self.wfile.write(chunk)
            self.wfile.flush()

    def log_message(self, format, *args) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: RecordingServer


class RecordingServer:
    """An HTTP server on 127.0.0.1 (a free port) serving ``routes``; use it in a ``with``."""

    def __init__(self, routes: dict[str, Route] | None = None, *, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.tls = tls
        self.requests: list[Request] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port it listens (or last listened) on."""
        if self._port is None:
            raise RuntimeError("the server has not been started")
        return self._port

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [r.path for r in self.requests]

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1

    def start(self) -> RecordingServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._port = self._server.server_address[1]
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> RecordingServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _literal(host) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return None


def loopback_only(monkeypatch, names: dict[str, list[str]] | None = None) -> list[str]:
    """Keep a test on the loopback interface: connecting outside 127.0.0.0/8 (or ::1)
    fails, and so does resolving any name not in ``names`` (name -> addresses, the
    fake DNS). Returns the list of names looked up, in order.

    The fake answers may name any address, so tests can check what would be refused;
    the connect guard still stops anything from being sent there.
    """
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    table = {name.lower(): list(addresses) for name, addresses in (names or {}).items()}
    looked_up: list[str] = []

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(address[0].split("%")[0]).is_loopback:
            raise AssertionError(f"a test tried to connect to {address[0]}")
        return real_connect(sock, address)

    def getaddrinfo(host, port, *args, **kwargs):
        literal = _literal(host)
        if literal is not None and literal.is_loopback:
            return real_getaddrinfo(host, port, *args, **kwargs)  # numeric: no DNS involved
        looked_up.append(host)
        if str(host).lower().rstrip(".") not in table:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the test's fake DNS")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port))
            for a in table[str(host).lower().rstrip(".")]
        ]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up
