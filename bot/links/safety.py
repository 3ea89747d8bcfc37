"""Pure address policy for outgoing fetches: which URLs and IP addresses may be contacted."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Stable refusal codes; they end up in logs and in LinkMetadata.note.
INVALID_URL: Final = "invalid_url"
SCHEME_NOT_ALLOWED: Final = "scheme_not_allowed"
USERINFO_NOT_ALLOWED: Final = "userinfo_not_allowed"
MISSING_HOST: Final = "missing_host"
INVALID_HOST: Final = "invalid_host"
LOCALHOST_NAME: Final = "localhost_name"
INVALID_ADDRESS: Final = "invalid_address"
METADATA_ADDRESS: Final = "metadata_address"
UNSPECIFIED_ADDRESS: Final = "unspecified_address"
LOOPBACK_ADDRESS: Final = "loopback_address"
LINK_LOCAL_ADDRESS: Final = "link_local_address"
PRIVATE_ADDRESS: Final = "private_address"
SHARED_ADDRESS: Final = "shared_address"
MULTICAST_ADDRESS: Final = "multicast_address"
RESERVED_ADDRESS: Final = "reserved_address"

ALLOWED_SCHEMES: Final = frozenset({"http", "https"})
DEFAULT_PORTS: Final = {"http": 80, "https": 443}

_LOCALHOST_NAMES: Final = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
)

# Cloud instance-metadata endpoints. Most sit in ranges refused anyway; they are
# named first so the log says what was attempted.
_METADATA: Final = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer (inside a public range)
    )
)

_V4_RULES: Final = (
    (ipaddress.ip_network("0.0.0.0/8"), UNSPECIFIED_ADDRESS),
    (ipaddress.ip_network("127.0.0.0/8"), LOOPBACK_ADDRESS),
    (ipaddress.ip_network("169.254.0.0/16"), LINK_LOCAL_ADDRESS),
    (ipaddress.ip_network("10.0.0.0/8"), PRIVATE_ADDRESS),
    (ipaddress.ip_network("172.16.0.0/12"), PRIVATE_ADDRESS),
    (ipaddress.ip_network("192.168.0.0/16"), PRIVATE_ADDRESS),
    (ipaddress.ip_network("100.64.0.0/10"), SHARED_ADDRESS),
    (ipaddress.ip_network("224.0.0.0/4"), MULTICAST_ADDRESS),
    (ipaddress.ip_network("240.0.0.0/4"), RESERVED_ADDRESS),
)

_V6_RULES: Final = (
    (ipaddress.ip_network("::/128"), UNSPECIFIED_ADDRESS),
    (ipaddress.ip_network("::1/128"), LOOPBACK_ADDRESS),
    (ipaddress.ip_network("fe80::/10"), LINK_LOCAL_ADDRESS),
    (ipaddress.ip_network("fec0::/10"), PRIVATE_ADDRESS),  # deprecated site-local
    (ipaddress.ip_network("fc00::/7"), PRIVATE_ADDRESS),
    (ipaddress.ip_network("ff00::/8"), MULTICAST_ADDRESS),
    (ipaddress.ip_network("64:ff9b:1::/48"), RESERVED_ADDRESS),  # local-use NAT64
)

_MAPPED: Final = ipaddress.ip_network("::ffff:0:0/96")
_TRANSLATED: Final = ipaddress.ip_network("::ffff:0:0:0/96")
_COMPATIBLE: Final = ipaddress.ip_network("::/96")
_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR: Final = ipaddress.ip_network("2002::/16")

_HEX_PART: Final = re.compile(r"0[xX]([0-9a-fA-F]+)")
_OCT_PART: Final = re.compile(r"0([0-7]*)")
_DEC_PART: Final = re.compile(r"[1-9][0-9]*")
_NUMERIC_LABEL: Final = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)")
_NAME_LABEL: Final = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


@dataclass(frozen=True, slots=True)
class UrlTarget:
    """What a URL asks to contact, as the network layer will see it.

    ``host`` is the name to resolve and to present as SNI (lower-case, IDNA-encoded,
    no trailing dot); ``address`` is set when the host is an IP literal, including the
    historic IPv4 spellings a C resolver accepts (``127.1``, ``0x7f000001``, ...).
    """

    url: httpx.URL
    scheme: str
    host: str
    port: int
    address: IPAddress | None


def parse_ipv4_loose(text: str) -> ipaddress.IPv4Address | None:
    """Parse ``text`` the way ``inet_aton(3)`` does, or return None.

    One to four dot-separated parts, each decimal, octal (leading ``0``) or hex
    (``0x``); the last part fills the remaining bytes, so ``127.1`` and
    ``2130706433`` are both 127.0.0.1.
    """
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        if (m := _HEX_PART.fullmatch(part)) is not None:
            values.append(int(m.group(1), 16))
        elif (m := _OCT_PART.fullmatch(part)) is not None:
            values.append(int(m.group(1) or "0", 8))
        elif _DEC_PART.fullmatch(part) is not None:
            values.append(int(part))
        else:
            return None
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    number = last
    for index, value in enumerate(head):
        number |= value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def parse_address(text: str | IPAddress) -> IPAddress | None:
    """Parse an address as returned by a resolver (scope ids and brackets allowed)."""
    if isinstance(text, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return text
    candidate = text.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition form would deliver to, if any."""
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if any(address in network for network in (_MAPPED, _TRANSLATED, _NAT64, _COMPATIBLE)):
        return low32
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    return None


def check_address(address: str | IPAddress) -> str | None:
    """Return why connecting to ``address`` is refused, or None when it is public."""
    ip = parse_address(address)
    if ip is None:
        return INVALID_ADDRESS
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id is not None:
        ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
    if ip in _METADATA:
        return METADATA_ADDRESS
    if isinstance(ip, ipaddress.IPv4Address):
        for network, reason in _V4_RULES:
            if ip in network:
                return reason
    else:
        for network6, reason in _V6_RULES:
            if ip in network6:
                return reason
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return check_address(embedded)
    # Documentation, benchmarking, protocol-assignment and other special ranges.
    if not ip.is_global or ip.is_reserved:
        return RESERVED_ADDRESS
    return None


def _check_name(name: str) -> str | None:
    if name in _LOCALHOST_NAMES or name.endswith(".localhost"):
        return LOCALHOST_NAME
    labels = name.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]) is not None:
        # A C resolver would read this as a (malformed) IPv4 literal; never send it to DNS.
        return INVALID_HOST
    if len(name) > 253 or not all(_NAME_LABEL.fullmatch(label) for label in labels):
        return INVALID_HOST
    return None


def _unparsable_reason(url: str) -> str:
    """Name the danger of a URL httpx rejects, e.g. ``http://0177.0.0.1/`` (octal)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return INVALID_URL
    address = parse_ipv4_loose(host.removesuffix("."))
    reason = check_address(address) if address is not None else None
    return reason or INVALID_URL


def parse_target(url: str) -> UrlTarget | str:
    """Parse ``url`` into what it asks to contact, or return a refusal code.

    Literal addresses are parsed but not judged here; see :func:`check_url`.
    """
    try:
        parsed = httpx.URL(url)
        scheme = parsed.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            return SCHEME_NOT_ALLOWED
        if parsed.userinfo:
            return USERINFO_NOT_ALLOWED
        raw_host = parsed.raw_host.decode("ascii").lower()
        port = parsed.port or DEFAULT_PORTS[scheme]
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return _unparsable_reason(url)
    if not 0 < port < 65536:
        return INVALID_URL
    if not raw_host:
        return MISSING_HOST
    if ":" in raw_host:
        address: IPAddress | None = parse_address(raw_host)
        if address is None:
            return INVALID_HOST
        return UrlTarget(parsed, scheme, raw_host, port, address)
    name = raw_host[:-1] if raw_host.endswith(".") else raw_host
    if not name:
        return INVALID_HOST
    address = parse_ipv4_loose(name)
    if address is not None:
        return UrlTarget(parsed, scheme, name, port, address)
    reason = _check_name(name)
    if reason is not None:
        return reason
    return UrlTarget(parsed, scheme, name, port, None)


def check_url(url: str) -> str | None:
    """Return why ``url`` is refused before any lookup, or None if it may be resolved."""
    target = parse_target(url)
    if isinstance(target, str):
        return target
    if target.address is not None:
        return check_address(target.address)
    return None
