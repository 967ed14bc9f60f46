"""Fetching strangers' URLs: the address rules in every spelling, pinned connections,
redirects, the deadline, the size cap, content types and error statuses.

Everything is served on 127.0.0.1; :func:`loopback_only` fails any test that tries to
connect elsewhere or to use real DNS.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import time
import tracemalloc

import httpcore
import pytest

from policytag.errors import (
    AddressRefused, BadStatus, BadURL, FetchError, FetchTimeout, PolicytagError, TooLarge, TooManyRedirects,
    Unreachable, UnsupportedContent,
)
from policytag.fetch import USER_AGENT, Deadline, _PinnedBackend, fetch
from policytag.netpolicy import check_url

from .servers import RecordingServer, Response, loopback_only, redirect, trickle

PAGE = b"<html><head><title>A page</title></head><body><p>Hello.</p></body></html>"
FAKE_DNS = {
    "internal.example": ["10.0.0.5"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": ["93.184.215.14", "10.0.0.5"],
    "public.example": ["93.184.215.14"],
    "v6.example": ["2606:2800:220:1::1"],
    "mapped.example": ["::ffff:192.168.0.1"],
    "localhost": ["127.0.0.1", "::1"],
    "news.example": ["127.0.0.1"],
    "other.example": ["127.0.0.1"],
}


@pytest.fixture(autouse=True)
def dns(monkeypatch) -> list[str]:
    """Fake DNS for every test here, and no connection outside loopback."""
    return loopback_only(monkeypatch, FAKE_DNS)


@pytest.fixture
def allow_loopback(monkeypatch) -> None:
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1")


@pytest.fixture
def server():
    with RecordingServer() as running:
        yield running


# -- which addresses may be fetched -------------------------------------------------

REFUSED = [  # (url, the one-line message)
    ("http://127.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
    ("http://0x7f.1/", "refused: 0x7f.1 is 127.0.0.1, a loopback address"),
    ("http://0x7f000001/", "refused: 0x7f000001 is 127.0.0.1, a loopback address"),
    ("http://2130706433/", "refused: 2130706433 is 127.0.0.1, a loopback address"),
    ("http://017700000001/", "refused: 017700000001 is 127.0.0.1, a loopback address"),
    ("http://0177.0.0.1/", "refused: 0177.0.0.1 is 127.0.0.1, a loopback address"),
    ("http://127.1/", "refused: 127.1 is 127.0.0.1, a loopback address"),
    ("http://127.0.0.1./", "refused: 127.0.0.1. is 127.0.0.1, a loopback address"),
    ("http://[::1]/", "refused: ::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]/", "refused: ::ffff:127.0.0.1 is a loopback address (IPv4-mapped 127.0.0.1)"),
    ("http://[::ffff:7f00:1]:8080/", "refused: ::ffff:7f00:1 is a loopback address (IPv4-mapped 127.0.0.1)"),
    ("http://[2002:7f00:1::]/", "refused: 2002:7f00:1:: is a loopback address (6to4 127.0.0.1)"),
    ("http://[64:ff9b::a00:5]/", "refused: 64:ff9b::a00:5 is a private address (NAT64 10.0.0.5)"),
    ("http://[fe80::1%25eth0]/", "refused: fe80::1%eth0 is a link-local address"),
    ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
    ("http://10.0.0.5/", "refused: 10.0.0.5 is a private address"),
    ("http://172.16.3.4/", "refused: 172.16.3.4 is a private address"),
    ("http://192.168.1.1/", "refused: 192.168.1.1 is a private address"),
    ("http://[fd12:3456::1]/", "refused: fd12:3456::1 is a private address"),
    ("http://100.64.0.1/", "refused: 100.64.0.1 is a shared (carrier-grade NAT) address"),
    ("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"),
    ("http://0/", "refused: 0 is 0.0.0.0, an unspecified address"),
    ("http://[::]/", "refused: :: is an unspecified address"),
    ("http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address"),
    ("http://[ff02::1]/", "refused: ff02::1 is a multicast address"),
    ("http://240.0.0.1/", "refused: 240.0.0.1 is a reserved address"),
    ("http://255.255.255.255/", "refused: 255.255.255.255 is a reserved address"),
    ("http://internal.example/", "refused: internal.example resolves to 10.0.0.5, a private address"),
    ("http://metadata.example/", "refused: metadata.example resolves to 169.254.169.254, a link-local address"),
    ("http://mixed.example/", "refused: mixed.example resolves to 10.0.0.5, a private address"),
    ("http://mapped.example/", "refused: mapped.example resolves to ::ffff:c0a8:1, a private address (IPv4-mapped 192.168.0.1)"),
    ("http://LOCALHOST/", "refused: localhost resolves to 127.0.0.1, a loopback address"),
]


@pytest.mark.parametrize(("url", "message"), REFUSED, ids=[u for u, _ in REFUSED])
def test_non_public_addresses_are_refused_in_every_spelling(url, message):
    with pytest.raises(AddressRefused) as caught:
        check_url(url, timeout=2)
    assert str(caught.value) == message


@pytest.mark.parametrize(("url", "address"), [
    ("https://public.example/article", "93.184.215.14"),
    ("http://v6.example/", "2606:2800:220:1::1"),
    ("http://8.8.8.8/", "8.8.8.8"),
    ("http://134744072/", "8.8.8.8"),
    ("http://[::ffff:8.8.8.8]/", "::ffff:808:808"),
    ("http://[2002:808:808::1]/", "2002:808:808::1"),
    ("http://[64:ff9b::808:808]/", "64:ff9b::808:808"),
])
def test_public_addresses_are_allowed(url, address):
    assert str(check_url(url, timeout=2).address) == address


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://public.example/file", "refused: only http and https links can be fetched, not ftp"),
    ("file:///etc/passwd", "refused: only http and https links can be fetched, not file"),
    ("javascript:alert(1)", "refused: only http and https links can be fetched, not javascript"),
    ("http:///path", "not a valid URL: it names no host"),
    ("http://public.example:0/", "not a valid URL: port 0"),
    ("http://public.example:99999/", "not a valid URL: its port or host is malformed"),
    ("http://[::1/", "not a valid URL: its host is malformed"),
    ("http://1.2.3.4.5/", "1.2.3.4.5 is not a valid IPv4 address"),
    ("http://256.0.0.1/", "256.0.0.1 is not a valid IPv4 address"),
    ("http://0x100000000/", "0x100000000 is not a valid IPv4 address"),
    ("http://08.0.0.1/", "08.0.0.1 is not a valid IPv4 address"),
    ("http://a b.example/", "not a valid URL: it contains spaces, control characters or backslashes"),
    ("http://127.0.0.1\\@public.example/", "not a valid URL: it contains spaces, control characters or backslashes"),
])
def test_malformed_urls_are_bad_urls(url, message, dns):
    with pytest.raises(BadURL) as caught:
        check_url(url, timeout=2)
    assert str(caught.value) == message
    assert dns == []


def test_literal_addresses_never_touch_dns(dns):
    check_url("http://8.8.8.8/", timeout=2)
    with pytest.raises(AddressRefused):
        check_url("http://0x7f.1/", timeout=2)
    assert dns == []


def test_unknown_host_is_unreachable():
    with pytest.raises(Unreachable, match="could not find the server nowhere.example"):
        check_url("http://nowhere.example/", timeout=2)


def test_credentials_and_fragment_are_dropped_and_idn_hosts_encoded(dns):
    target = check_url("https://user:secret@public.example:8443/a/b?q=1#part", timeout=2)
    assert target.url == "https://public.example:8443/a/b?q=1"
    assert target.request_url() == "https://93.184.215.14:8443/a/b?q=1"
    with pytest.raises(Unreachable, match="xn--bcher-kva.example"):
        check_url("http://bücher.example/", timeout=2)
    assert dns[-1] == "xn--bcher-kva.example"


@pytest.mark.parametrize(("allowed", "url"), [
    ("10.0.0.5", "http://10.0.0.5/"),
    ("10.0.0.0/8", "http://internal.example/"),
    ("internal.example", "http://internal.example/"),
    (" other.example , 127.0.0.0/8 ", "http://0x7f.1/"),
    ("127.0.0.1", "http://[::ffff:127.0.0.1]/"),
    ("fe80::/10", "http://[fe80::1%25eth0]/"),
])
def test_allow_list_admits_hosts_addresses_and_networks(monkeypatch, allowed, url):
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", allowed)
    assert check_url(url, timeout=2).address


def test_allow_list_admits_only_what_it_names(monkeypatch):
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1,news.example")
    with pytest.raises(AddressRefused, match="10.0.0.5 is a private address"):
        check_url("http://10.0.0.5/", timeout=2)
    with pytest.raises(AddressRefused, match="127.0.0.2 is a loopback address"):
        check_url("http://127.0.0.2/", timeout=2)


def test_a_malformed_allow_list_is_reported(monkeypatch):
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "10.0.0.0/8,not a host!")
    with pytest.raises(FetchError, match="POLICYTAG_ALLOW_HOSTS: 'not a host!' is not a hostname"):
        check_url("http://public.example/", timeout=2)


# -- refused URLs never reach the server ----------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "0x7f.1", "2130706433", "127.1", "[::ffff:127.0.0.1]", "localhost"])
def test_without_allow_list_loopback_is_refused_before_any_connection(server, host):
    server.routes["/page.html"] = Response(body=PAGE)
    with pytest.raises(AddressRefused, match="loopback address"):
        fetch(server.url("/page.html", host=host))
    assert server.requests == []
    assert server.connections == 0


@pytest.mark.parametrize("host", ["10.0.0.5", "public.example"])
def test_pinned_backend_connects_only_to_the_checked_address(host, dns):
    backend = _PinnedBackend(check_url("http://public.example/", timeout=2).address, Deadline(5))
    with pytest.raises(httpcore.ConnectError, match="not the address that was checked"):
        backend.connect_tcp(host, 80)
    assert dns == ["public.example"]  # the check's lookup only


# -- fetching -------------------------------------------------------------------------

def test_fetch_returns_body_and_sends_identifying_headers(server, allow_loopback):
    server.routes["/page.html"] = Response(body=PAGE, content_type="text/html; charset=iso-8859-1")
    page = fetch(server.url("/page.html?ref=slack"))
    assert (page.url, page.kind, page.charset, page.body) == (server.url("/page.html?ref=slack"), "html", "iso-8859-1", PAGE)
    [request] = server.requests
    assert request.path == "/page.html?ref=slack"
    assert request.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("policytag/0.") and "(+https://github.com/policytag)" in USER_AGENT
    assert request.headers["host"] == f"127.0.0.1:{server.port}"
    assert "gzip" in request.headers["accept-encoding"]


def test_a_name_is_resolved_once_and_the_checked_address_is_used(server, monkeypatch, allow_loopback):
    """DNS rebinding: a second lookup would answer 10.0.0.5; there is no second lookup."""
    answers, lookups, fake = iter(["127.0.0.1", "10.0.0.5", "10.0.0.5"]), [], socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return fake(host, port, *args, **kwargs)
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    server.routes["/"] = Response(body=PAGE)
    page = fetch(server.url("/", host="rebind.example"))
    assert page.url == f"http://rebind.example:{server.port}/"
    assert lookups == ["rebind.example"]
    assert server.requests[0].headers["host"] == f"rebind.example:{server.port}"


@pytest.mark.parametrize(("media", "kind"), [
    ("text/html", "html"), ("application/xhtml+xml", "html"), ("text/plain; charset=utf-8", "text"), ("application/pdf", "pdf"),
])
def test_supported_content_types(server, allow_loopback, media, kind):
    server.routes["/doc"] = Response(body=b"content", content_type=media)
    assert fetch(server.url("/doc")).kind == kind


@pytest.mark.parametrize(("media", "shown"), [
    ("image/png", "image/png"), ("application/octet-stream", "application/octet-stream"), (None, "no content type"),
])
def test_other_content_types_are_refused(server, allow_loopback, media, shown):
    server.routes["/file"] = Response(body=b"\x89PNG\r\n\x1a\n" + bytes(100), content_type=media)
    with pytest.raises(UnsupportedContent) as caught:
        fetch(server.url("/file"))
    assert str(caught.value) == f"cannot read {shown}: policytag reads HTML, plain text and PDF pages"


@pytest.mark.parametrize(("status", "message"), [(404, "404 Not Found"), (500, "500 Internal Server Error"), (403, "403 Forbidden")])
def test_error_statuses_are_reported_and_not_retried(server, allow_loopback, status, message):
    server.routes["/gone"] = Response(status=status, body=b"error page")
    with pytest.raises(BadStatus) as caught:
        fetch(server.url("/gone"))
    assert (str(caught.value), caught.value.status) == (message, status)
    assert server.paths() == ["/gone"]


def test_connection_refused_is_unreachable(allow_loopback):
    with RecordingServer() as stopped:
        url = stopped.url("/")
    with pytest.raises(Unreachable, match="^could not connect to 127.0.0.1: Connection refused$"):
        fetch(url)


# -- redirects ------------------------------------------------------------------------

def test_redirect_chain_is_followed_to_the_final_url(server, allow_loopback):
    server.routes.update({
        "/old": redirect(server.url("/older"), 301),
        "/older": redirect("/moved?x=1", 308),
        "/moved": redirect("final", 303),
        "/final": Response(body=PAGE),
    })
    page = fetch(server.url("/old"))
    assert page.url == server.url("/final")
    assert server.paths() == ["/old", "/older", "/moved?x=1", "/final"]


def test_five_redirects_are_followed_and_a_sixth_is_refused(server, allow_loopback):
    server.routes.update({f"/r{i}": redirect(f"/r{i + 1}") for i in range(6)})
    server.routes["/r5"] = Response(body=PAGE)
    assert fetch(server.url("/r0")).url == server.url("/r5")
    server.routes["/r5"] = redirect("/r6")
    server.requests.clear()
    with pytest.raises(TooManyRedirects) as caught:
        fetch(server.url("/r0"))
    assert str(caught.value) == "too many redirects (more than 5)"
    assert server.paths() == [f"/r{i}" for i in range(6)]


def test_redirect_loop_is_stopped_at_once(server, allow_loopback):
    server.routes.update({"/a": redirect("/b"), "/b": redirect("/a")})
    with pytest.raises(TooManyRedirects, match="redirects in a loop"):
        fetch(server.url("/a"))
    assert server.paths() == ["/a", "/b"]


@pytest.mark.parametrize(("location", "error", "message"), [
    ("http://169.254.169.254/latest/meta-data/", AddressRefused, "refused: 169.254.169.254 is a link-local address"),
    ("http://internal.example/admin", AddressRefused, "refused: internal.example resolves to 10.0.0.5, a private address"),
    ("http://[::ffff:10.0.0.5]/", AddressRefused, "refused: ::ffff:10.0.0.5 is a private address (IPv4-mapped 10.0.0.5)"),
    ("file:///etc/passwd", BadURL, "refused: only http and https links can be fetched, not file"),
])
def test_every_redirect_is_checked_again(server, allow_loopback, location, error, message):
    server.routes["/go"] = redirect(location)
    with pytest.raises(error) as caught:
        fetch(server.url("/go"))
    assert str(caught.value) == message


# -- limits ---------------------------------------------------------------------------

def test_a_body_trickling_a_byte_a_second_stops_at_the_deadline(server, allow_loopback):
    server.routes["/slow"] = Response(body=trickle(b"<html>" + b"x" * 60, every=1.0))
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as caught:
        fetch(server.url("/slow"), timeout=2)
    took = time.monotonic() - started
    assert str(caught.value) == "gave up after 2 s"
    assert 1.9 < took < 2.5


def test_a_server_that_stalls_mid_body_is_cut_off_at_the_deadline(server, allow_loopback):
    def stall():
        yield b"<html><body><p>The first paragraph arrives, then nothing."
        time.sleep(5)
        yield b"</p></body></html>"

    server.routes["/stall"] = Response(body=stall())
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="^gave up after 1 s$"):
        fetch(server.url("/stall"), timeout=1)
    assert time.monotonic() - started < 1.4


def test_headers_trickling_stop_at_the_deadline_from_the_environment(server, allow_loopback, monkeypatch):
    monkeypatch.setenv("POLICYTAG_FETCH_TIMEOUT", "1.5")
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"y" * 60
    server.routes["/slow-headers"] = Response(raw=True, body=trickle(head, every=0.2))
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"^gave up after 1.5 s$"):
        fetch(server.url("/slow-headers"))
    assert 1.4 < time.monotonic() - started < 2.0


def test_the_deadline_covers_the_whole_redirect_chain(server, allow_loopback):
    def slowly(target):
        def answer(request):
            time.sleep(0.4)
            return redirect(target)
        return answer

    server.routes.update({f"/s{i}": slowly(f"/s{i + 1}") for i in range(4)})
    server.routes["/s4"] = Response(body=PAGE)
    with pytest.raises(FetchTimeout, match="gave up after 1 s"):
        fetch(server.url("/s0"), timeout=1)
    assert len(server.requests) <= 3


def test_an_oversized_body_is_refused(server, allow_loopback):
    server.routes["/big"] = Response(body=b"<p>" + b"x" * (5 * 1024 * 1024))
    with pytest.raises(TooLarge) as caught:
        fetch(server.url("/big"))
    assert str(caught.value) == "the page is larger than 5 MB"


def test_an_oversized_body_without_length_is_stopped_while_streaming(server, allow_loopback, monkeypatch):
    monkeypatch.setenv("POLICYTAG_FETCH_MAX_BYTES", str(64 * 1024))
    sent = []

    def chunks():
        for _ in range(1000):  # 16 MB if it were all read
            sent.append(1)
            yield b"x" * 16384

    server.routes["/endless"] = Response(body=chunks())
    with pytest.raises(TooLarge, match="^the page is larger than 64 KB$"):
        fetch(server.url("/endless"))
    assert len(sent) < 1000


def test_a_gzip_bomb_stops_early(server, allow_loopback):
    bomb = gzip.compress(bytes(50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    server.routes["/bomb"] = Response(body=bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge, match="larger than 5 MB"):
            fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, f"decoded {peak / 1e6:.0f} MB before stopping"


def test_a_small_gzip_body_is_decoded(server, allow_loopback):
    server.routes["/gz"] = Response(body=gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
    assert fetch(server.url("/gz")).body == PAGE


@pytest.mark.parametrize(("name", "value"), [("POLICYTAG_FETCH_TIMEOUT", "soon"), ("POLICYTAG_FETCH_MAX_BYTES", "-1")])
def test_bad_limit_settings_are_reported(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(FetchError, match=f"{name} must be a positive number, not '{value}'"):
        fetch("http://public.example/")


# -- https: connect to the IP, verify the certificate against the name ---------------

def test_https_connects_to_the_ip_but_verifies_the_name(certificate, monkeypatch):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("POLICYTAG_ALLOW_HOSTS", "127.0.0.1")
    with RecordingServer({"/": Response(body=PAGE)}, tls=context) as tls_server:
        page = fetch(tls_server.url("/", host="news.example"))
        assert page.url == f"https://news.example:{tls_server.port}/"
        assert tls_server.requests[0].headers["host"] == f"news.example:{tls_server.port}"
        mismatch = r"^could not connect to other.example: \[SSL: CERTIFICATE_VERIFY_FAILED\] .*'other.example'\.$"
        with pytest.raises(Unreachable, match=mismatch):
            fetch(tls_server.url("/", host="other.example"))


# -- every failure is one line --------------------------------------------------------

def test_failures_are_policytag_errors_with_one_line_messages(server, allow_loopback):
    server.routes.update({"/404": Response(status=404), "/png": Response(content_type="image/png"), "/loop": redirect("/loop")})
    for path in ("/404", "/png", "/loop"):
        with pytest.raises(PolicytagError) as caught:
            fetch(server.url(path))
        assert "\n" not in str(caught.value) and str(caught.value)
