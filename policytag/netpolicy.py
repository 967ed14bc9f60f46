"""Which addresses a URL pasted by a stranger may make policytag connect to.

A URL's host is read the way socket libraries and browsers read it (``0x7f.1``,
``2130706433`` and ``017700000001`` are all 127.0.0.1), names are resolved once, and
every resolved address must be public: not private, loopback, link-local (cloud
metadata at 169.254.169.254), multicast, reserved, unspecified or shared (100.64/10),
nor an IPv4-mapped, 6to4 or NAT64 wrapping of one. The fetcher then connects to the
checked address itself, so DNS cannot answer differently the second time.

``POLICYTAG_ALLOW_HOSTS`` (comma list of hostnames, IPs or CIDRs) lets an operator
allow some hosts or networks anyway.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import threading
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

from .errors import AddressRefused, BadURL, FetchError, FetchTimeout, Unreachable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = {"http": 80, "https": 443}
SHARED = ipaddress.ip_network("100.64.0.0/10")
# IETF protocol assignments (RFC 6890): not globally reachable, but Python before 3.12.4
# counts 192.0.0.8 and most of the block as global.
IETF = ipaddress.ip_network("192.0.0.0/24")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
HOSTNAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$")
NUMBER = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``address``, but speak to ``host``."""

    scheme: str
    host: str  # ASCII host for the Host header and TLS (IPv6 without brackets)
    port: int
    address: Address
    path: str  # path and query, as sent

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL without credentials or fragment: the page's address."""
        return f"{self.scheme}://{self.netloc}{self.path}"

    @property
    def is_name(self) -> bool:
        return parse_ip(self.host) is None

    def request_url(self) -> str:
        """The URL with the checked address in place of the host name."""
        literal = str(self.address).replace("%", "%25")
        literal = f"[{literal}]" if self.address.version == 6 else literal
        return f"{self.scheme}://{literal}:{self.port}{self.path}"


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any spelling ``inet_aton`` and browsers accept, or None for a
    name; a host that ends in a number but is no valid address is a :class:`BadURL`."""
    parts = host.lower().split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not NUMBER.match(parts[-1]):
        return None
    if len(parts) > 4 or not all(NUMBER.match(p) for p in parts):
        raise BadURL(f"{host} is not a valid IPv4 address")
    values = []
    for part in parts:
        if part.startswith("0x"):
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise BadURL(f"{host} is not a valid IPv4 address")
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        raise BadURL(f"{host} is not a valid IPv4 address")
    number = last
    for index, value in enumerate(head):
        number += value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def parse_ip(host: str) -> Address | None:
    """The address a host spells, or None when it is a name to resolve."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(unquote(host))
        except ValueError:
            raise BadURL(f"{host} is not a valid IPv6 address") from None
    return parse_ipv4(host)


def embedded_ipv4(address: Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if address.version == 4:
        return None
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address in NAT64:
        return "NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def why_refused(address: Address) -> str | None:
    """What kind of non-public address this is ("a loopback address"), or None if public."""
    inner = embedded_ipv4(address)
    if inner is not None:
        kind, ipv4 = inner
        reason = why_refused(ipv4)
        return f"{reason} ({kind} {ipv4})" if reason else None
    for test, kind in (
        (address.is_unspecified, "an unspecified"),
        (address.is_loopback, "a loopback"),
        (address.is_link_local, "a link-local"),
        (address.is_multicast, "a multicast"),
        (address.version == 4 and address in SHARED, "a shared (carrier-grade NAT)"),
        (address.version == 4 and address in IETF, "an IETF protocol-assignment"),
        (address.is_reserved, "a reserved"),
        (address.is_private, "a private"),
        (not address.is_global, "a non-public"),
    ):
        if test:
            return f"{kind} address"
    return None


@dataclass(frozen=True)
class AllowList:
    """Hosts and networks an operator allows despite the rules."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def from_env(cls) -> AllowList:
        hosts, networks = set(), []
        for entry in os.environ.get("POLICYTAG_ALLOW_HOSTS", "").split(","):
            entry = entry.strip().lower().strip("[]")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if not HOSTNAME.match(entry):
                    raise FetchError(f"POLICYTAG_ALLOW_HOSTS: {entry!r} is not a hostname, IP address or network") from None
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: Address) -> bool:
        if host.rstrip(".") in self.hosts:
            return True
        inner = embedded_ipv4(address)
        candidates = [address] + ([inner[1]] if inner else [])
        return any(a in n for a in candidates for n in self.networks if a.version == n.version)


def check_address(address: Address, host: str, allow: AllowList) -> None:
    """Raise :class:`AddressRefused` unless ``address`` is public or allowed; ``host`` is
    the host as the URL spelled it, for the message."""
    if allow.allows(host, address):
        return
    reason = why_refused(address)
    if reason is None:
        return
    if host == str(address) or ":" in host:  # IPv6 has no odd spellings worth spelling out
        raise AddressRefused(f"refused: {unquote(host)} is {reason}")
    verb = "resolves to" if parse_ip(host) is None else "is"
    raise AddressRefused(f"refused: {host} {verb} {address}, {reason}")


def resolve(host: str, port: int, timeout: float) -> list[Address]:
    """Every address ``host`` resolves to, within ``timeout`` seconds."""
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True, name=f"resolve {host}")
    worker.start()
    worker.join(max(timeout, 0))
    if worker.is_alive():
        raise FetchTimeout(f"gave up resolving {host}: the name server did not answer in time")
    if "error" in outcome:
        raise Unreachable(f"could not find the server {host} (no such host name)")
    addresses = []
    for *_, sockaddr in outcome["infos"]:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unreachable(f"could not find the server {host} (no addresses)")
    return addresses


def split_url(url: str) -> tuple[SplitResult, str, int]:
    """The parts of an http(s) URL with its ASCII host and port; :class:`BadURL` otherwise."""
    if any(ch.isspace() or not ch.isprintable() for ch in url.strip()) or "\\" in url:
        raise BadURL("not a valid URL: it contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise BadURL("not a valid URL: its host is malformed") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BadURL("refused: only http and https links can be fetched" + (f", not {scheme}" if scheme else ""))
    try:
        port = SCHEMES[scheme] if parts.port is None else parts.port
        host = parts.hostname or ""
    except ValueError:
        raise BadURL("not a valid URL: its port or host is malformed") from None
    if not host:
        raise BadURL("not a valid URL: it names no host")
    if port == 0:
        raise BadURL("not a valid URL: port 0")
    if ":" not in host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise BadURL(f"not a valid host name: {host}") from None
    return parts, host, port


def check_url(url: str, *, timeout: float, allow: AllowList | None = None) -> Target:
    """Parse, resolve and check ``url``; the returned :class:`Target` names the one address
    to connect to. Raises :class:`BadURL`, :class:`AddressRefused`, :class:`Unreachable`."""
    allow = AllowList.from_env() if allow is None else allow
    parts, host, port = split_url(url)
    literal = parse_ip(host)
    if literal is None:
        if not HOSTNAME.match(host):
            raise BadURL(f"not a valid host name: {host}")
        addresses = resolve(host, port, timeout)
    else:
        addresses = [literal]
    for address in addresses:
        check_address(address, host, allow)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    shown = host.rstrip(".") if literal is None else str(literal)
    return Target(scheme=parts.scheme.lower(), host=shown, port=port, address=addresses[0], path=path)
