"""What a stranger's link can make policytag do: the full fetch path (and the bot's) against
hostile servers, all on 127.0.0.0/8.

Each refused spelling is tried against a live server that counts its connections, so
"refused" means "nothing reached it", not merely "an exception was raised". The
figures go to report/reliability-security.json for the README's Reliability section.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import tracemalloc
import zlib

import pytest

from policytag.errors import AddressRefused, BadURL, FetchError, FetchTimeout, TooLarge, TooManyRedirects, Unreachable, UnsupportedContent
from policytag.fetch import fetch

from .servers import RecordingServer, Response, loopback_only, redirect, trickle
from .test_reliability import write_figures

PAGE = b"<html><head><title>A page</title></head><body><p>Hello.</p></body></html>"
FAKE_DNS = {  # the test's resolver: names that resolve to addresses that must be refused
    "localhost": ["127.0.0.1", "::1"],
    "intranet.example": ["10.1.2.3"],
    "metadata.example": ["169.254.169.254"],
    "v6-private.example": ["fd00::1"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "loopback.example": ["127.0.0.1"],
    "half-public.example": ["93.184.215.14", "127.0.0.1"],
    "cgnat.example": ["100.64.1.1"],
    "allowed.example": ["127.0.0.1"],  # POLICYTAG_ALLOW_HOSTS names it in the redirect test
}
FIGURES = {"address_spellings_refused": 0, "redirects_refused": 0, "hostile_servers": 0}


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    write_figures("security", FIGURES)


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    return loopback_only(monkeypatch, FAKE_DNS)


@pytest.fixture
def server():
    with RecordingServer({"/page.html": Response(body=PAGE)}) as running:
        yield running


def spellings(port: int) -> list[str]:
    """Every way we know to name a non-public address, each on the live server's port."""
    return [
        f"http://127.0.0.1:{port}/page.html", f"http://127.1:{port}/page.html", f"http://127.0.1:{port}/page.html",
        f"http://0x7f.1:{port}/page.html", f"http://0x7f000001:{port}/page.html", f"http://0X7F.0.0.1:{port}/page.html",
        f"http://2130706433:{port}/page.html", f"http://017700000001:{port}/page.html", f"http://0177.0.0.1:{port}/page.html",
        f"http://0177.0x0.00.1:{port}/page.html", f"http://127.0.0.1.:{port}/page.html", f"http://127.0.0.2:{port}/page.html",
        f"http://127.255.255.254:{port}/page.html",
        f"http://[::1]:{port}/page.html", f"http://[0:0:0:0:0:0:0:1]:{port}/page.html",
        f"http://[::ffff:127.0.0.1]:{port}/page.html", f"http://[::ffff:7f00:1]:{port}/page.html",
        f"http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/page.html", f"http://[2002:7f00:1::]:{port}/page.html",
        f"http://[64:ff9b::7f00:1]:{port}/page.html", f"http://[::127.0.0.1]:{port}/page.html",
        f"http://localhost:{port}/page.html", f"http://LOCALHOST.:{port}/page.html", f"http://loopback.example:{port}/page.html",
        f"http://mapped.example:{port}/page.html", f"http://half-public.example:{port}/page.html",
        f"https://127.0.0.1:{port}/page.html", f"http://user:pass@127.0.0.1:{port}/page.html",
        f"HTTP://127.0.0.1:{port}/page.html", f"http://%31%32%37.0.0.1:{port}/page.html",
        f"http://0.0.0.0:{port}/page.html", f"http://0:{port}/page.html", f"http://[::]:{port}/page.html",
    ]


ELSEWHERE = [  # not the test server, but never to be connected to (loopback_only fails any attempt)
    "http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.0.1/", "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://169.254.169.254/computeMetadata/v1/", "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/", "http://[fd00::1]/", "http://[fc00::1]/", "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[2002:a9fe:a9fe::]/", "http://[64:ff9b::a9fe:a9fe]/",
    "http://0xa9fea9fe/", "http://2852039166/", "http://0251.0376.0251.0376/", "http://169.254.43518/",
    "http://intranet.example/", "http://metadata.example/", "http://v6-private.example/", "http://cgnat.example/",
    "http://224.0.0.1/", "http://[ff02::1]/", "http://240.0.0.1/", "http://255.255.255.255/", "http://192.0.0.8/",
    "http://198.18.0.1/", "http://[::ffff:192.168.0.1]/", "http://[100::1]/", "http://[2001:db8::1]/",
]
NOT_HTTP = ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/", "dict://127.0.0.1:11211/", "ldap://127.0.0.1/",
            "javascript:alert(1)", "data:text/html,<p>hi</p>", "//127.0.0.1/", "http://127.0.0.1\\@example.com/",
            "http:/127.0.0.1/", "http://[::1/", "http:// 127.0.0.1/", "http://127.0.0.1\t/", "http://127.0.0.1\n.example.com/"]


def test_every_spelling_of_a_non_public_address_is_refused_before_connecting(server):
    urls = spellings(server.port)
    for url in urls:
        with pytest.raises((AddressRefused, BadURL)) as caught:
            fetch(url)
        assert "\n" not in str(caught.value)
    FIGURES["address_spellings_refused"] += len(urls)
    assert server.connections == 0 and server.requests == []


@pytest.mark.parametrize("url", ELSEWHERE)
def test_private_link_local_and_metadata_addresses_are_refused(url):
    FIGURES["address_spellings_refused"] += 1
    with pytest.raises((AddressRefused, BadURL)) as caught:
        fetch(url)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("url", NOT_HTTP)
def test_other_schemes_and_malformed_urls_are_bad_urls(server, url):
    FIGURES["address_spellings_refused"] += 1
    with pytest.raises(BadURL):
        fetch(url)
    assert server.connections == 0


def test_redirects_into_any_of_them_are_refused(server, monkeypatch):
    """The first hop is a name the operator allowed (it resolves to the test server); every
    redirect from it is checked again, and none may lead to a non-public address."""
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "allowed.example")
    targets = spellings(server.port) + ELSEWHERE + NOT_HTTP[:5]
    for n, target in enumerate(targets):
        server.routes[f"/go/{n}"] = redirect(target, (301, 302, 303, 307, 308)[n % 5])
    for n, target in enumerate(targets):
        # httpx itself rejects a few Location spellings (0177.0.0.1) before we see them: Unreachable.
        with pytest.raises((AddressRefused, BadURL, Unreachable)):
            fetch(server.url(f"/go/{n}", host="allowed.example"))
    FIGURES["redirects_refused"] += len(targets)
    assert server.paths() == [f"/go/{n}" for n in range(len(targets))]  # nothing but the first hop reached us


def test_the_bot_reports_a_refused_link_in_one_line_and_fetches_nothing(server, tmp_path):
    from policytag import Tagger
    from policytag.bot.answer import Answerer
    from policytag.bot.storage import Store

    answerer = Answerer(Tagger(summarize=False), Store(tmp_path / "bot.sqlite3"), 0)
    for url in (f"http://0x7f.1:{server.port}/page.html", "http://169.254.169.254/latest/meta-data/", "http://intranet.example/"):
        item = answerer.link(url)
        assert item.result is None and item.error.startswith("that address is private, not fetched (") and "\n" not in item.error
    assert server.connections == 0


# -- hostile servers ----------------------------------------------------------------

@pytest.fixture
def allow_loopback(monkeypatch):
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1")


def peak_memory(call) -> tuple[BaseException, int]:
    tracemalloc.start()
    try:
        try:
            call()
        except BaseException as exc:  # returned for the test to check
            raised = exc
        else:
            raise AssertionError("expected the fetch to fail")
        return raised, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


ZEROS = bytes(100 * 1024 * 1024)
BOMBS = {  # name -> (body, Content-Encoding, the error): each inflates to 100 MB (or far more) from under 1 MB
    "gzip": (gzip.compress(ZEROS, 9), "gzip", "the page is larger than 5 MB"),
    "deflate (zlib)": (zlib.compress(ZEROS, 9), "deflate", "the page is larger than 5 MB"),
    "deflate (raw)": (raw_deflate(ZEROS), "deflate", "the page is larger than 5 MB"),
    "gzip inside gzip": (gzip.compress(gzip.compress(ZEROS, 9), 9), "gzip, gzip", "compressed 2 times over (gzip, gzip)"),
    "deflate inside gzip": (gzip.compress(zlib.compress(ZEROS, 9), 9), "deflate, gzip", "compressed 2 times over"),
    "gzip in two header lines": (gzip.compress(gzip.compress(ZEROS, 9), 9), None, "compressed 2 times over"),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_compression_bombs_stop_at_the_cap_in_bounded_memory(server, allow_loopback, name):
    FIGURES["hostile_servers"] += 1
    body, encoding, says = BOMBS[name]
    assert len(body) < 1024 * 1024
    if encoding:
        server.routes["/bomb"] = Response(body=body, headers={"Content-Encoding": encoding})
    else:
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Encoding: gzip\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body))
        server.routes["/bomb"] = Response(raw=True, body=head + body)
    raised, peak = peak_memory(lambda: fetch(server.url("/bomb")))
    assert isinstance(raised, (TooLarge, UnsupportedContent)) and says in str(raised), raised
    assert peak < 40 * 1024 * 1024, f"{peak / 1e6:.0f} MB held while refusing a {name} bomb"


def test_a_body_without_end_stops_at_the_cap(server, allow_loopback, monkeypatch):
    FIGURES["hostile_servers"] += 1
    monkeypatch.setenv("POLICYTAG_FETCH_MAX_BYTES", str(256 * 1024))
    server.routes["/endless"] = Response(body=(b"<p>" + b"x" * 65536 for _ in range(100_000)))
    with pytest.raises(TooLarge, match="larger than 256 KB"):
        fetch(server.url("/endless"))


def test_a_lying_content_length_is_not_trusted(server, allow_loopback):
    FIGURES["hostile_servers"] += 1
    body = b"<html><body>" + b"<p>Talks resumed.</p>" * 300_000 + b"</body></html>"  # 6 MB
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
    server.routes["/liar"] = Response(raw=True, body=head + body)
    page = fetch(server.url("/liar"))
    assert len(page.body) == 100  # read as declared, never more


def test_a_redirect_loop_and_a_long_chain_stop(server, allow_loopback):
    FIGURES["hostile_servers"] += 2
    server.routes.update({"/a": redirect("/b"), "/b": redirect("/c"), "/c": redirect("/a")})
    server.routes.update({f"/r{n}": redirect(f"/r{n + 1}") for n in range(100)})
    with pytest.raises(TooManyRedirects, match="loop"):
        fetch(server.url("/a"))
    with pytest.raises(TooManyRedirects, match="more than 5"):
        fetch(server.url("/r0"))
    assert len(server.requests) == 3 + 6


def test_a_server_trickling_a_byte_a_second_is_cut_off(server, allow_loopback):
    FIGURES["hostile_servers"] += 1
    server.routes["/slow"] = Response(body=trickle(b"<html><body>" + b"x" * 100, every=1.0))
    with pytest.raises(FetchTimeout, match="^gave up after 1.5 s$"):
        fetch(server.url("/slow"), timeout=1.5)


class Silent:
    """A TCP listener on 127.0.0.1 that accepts (or only queues) connections and never says a word."""

    def __init__(self, accept: bool = True) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepting = accept
        self.stop = threading.Event()
        if accept:
            threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.mark.parametrize(("scheme", "accept"), [("http", True), ("http", False), ("https", True)],
                         ids=["accepts-and-says-nothing", "never-accepts", "never-finishes-the-tls-handshake"])
def test_a_server_that_never_answers_is_given_up_at_the_deadline(allow_loopback, scheme, accept):
    FIGURES["hostile_servers"] += 1
    silent = Silent(accept)
    try:
        with pytest.raises(FetchTimeout, match="^gave up after 1 s$"):
            fetch(f"{scheme}://127.0.0.1:{silent.port}/", timeout=1)
    finally:
        silent.close()


def test_a_server_that_hangs_up_is_unreachable(allow_loopback):
    FIGURES["hostile_servers"] += 1
    sock = socket.create_server(("127.0.0.1", 0))

    def hang_up():
        conn, _ = sock.accept()
        conn.recv(1024)
        conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    try:
        with pytest.raises(Unreachable) as caught:
            fetch(f"http://127.0.0.1:{sock.getsockname()[1]}/")
        assert "\n" not in str(caught.value)
    finally:
        sock.close()


def test_tls_errors_are_one_line_unreachable_errors(certificate, allow_loopback):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with RecordingServer({"/": Response(body=PAGE)}, tls=context) as tls_server:  # self-signed: nobody vouches for it
        with pytest.raises(Unreachable, match="CERTIFICATE_VERIFY_FAILED") as untrusted:
            fetch(f"https://127.0.0.1:{tls_server.port}/")
    with RecordingServer({"/": Response(body=PAGE)}) as plain:  # https to a server speaking plain HTTP
        with pytest.raises(Unreachable, match="SSL") as not_tls:
            fetch(f"https://127.0.0.1:{plain.port}/")
    for caught in (untrusted, not_tls):
        assert "\n" not in str(caught.value) and str(caught.value).startswith("could not connect to 127.0.0.1: ")
    FIGURES["hostile_servers"] += 2


def test_fetch_errors_are_all_fetch_errors(server, allow_loopback):
    """Whatever a server does, the caller catches one type."""
    server.routes.update({"/png": Response(body=b"\x89PNG", content_type="image/png"), "/500": Response(status=500),
                          "/empty-redirect": Response(status=302, content_type=None, headers={"Location": ""})})
    for path in ("/png", "/500", "/empty-redirect", "/missing"):
        with pytest.raises(FetchError):
            fetch(server.url(path))


# -- secrets and storage ------------------------------------------------------------

def test_settings_keep_secrets_out_of_repr_and_logs():
    from policytag.bot.config import Settings

    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_SIGNING_SECRET": "sign-secret-2",
                                  "SLACK_APP_TOKEN": "xapp-secret-3"})
    shown = repr(settings) + str(settings)
    assert "secret" not in shown and settings.bot_token == "xoxb-secret-1"


def test_sqlite_holds_exactly_what_security_md_says(tmp_path):
    """SECURITY.md lists the stored columns; this fails when the schema and the document part ways."""
    import sqlite3

    from policytag.bot.storage import Store

    Store(tmp_path / "bot.sqlite3")
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        tables = {name: [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
                  for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'")}
    assert tables == {
        "seen": ["key", "at", "run", "done"],
        "runs": ["run", "lease"],
        "results": ["key", "url", "text", "result", "at"],
        "feedback": ["id", "result_key", "url", "text", "user", "verdict", "region", "topic", "stance", "at"],
    }
    from .conftest import REPO

    security = (REPO / "SECURITY.md").read_text()
    for name, columns in tables.items():
        assert f"`{name}`" in security and all(f"`{c}`" in security for c in columns), name
