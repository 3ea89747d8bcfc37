"""The address policy alone: URL schemes, odd IPv4 spellings, special ranges, IPv6 wrappers."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.links.safety import (
    check_address,
    check_url,
    parse_ipv4_loose,
    parse_target,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f.0.0.0x1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("10.0x10.0377.1", "10.16.255.1"),
        ("192.168.65535", "192.168.255.255"),
        ("4294967295", "255.255.255.255"),
    ],
)
def test_inet_aton_forms(text: str, expected: str) -> None:
    assert parse_ipv4_loose(text) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize(
    "text",
    [
        *("", "1.2.3.4.5", "4294967296", "256.1.1.1", "1.256.1.1", "1.2.65536", "08.0.0.1"),
        *("0x", "1..1", "a.b.c.d", "1.2.3.", "example.com", "1e3", "١٢٧.0.0.1", " 127.0.0.1"),
        "-1",
    ],
)
def test_not_inet_aton_forms(text: str) -> None:
    assert parse_ipv4_loose(text) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_spelling_of_an_address_is_the_address(number: int) -> None:
    address = ipaddress.IPv4Address(number)
    octets = [int(part) for part in str(address).split(".")]
    assert parse_ipv4_loose(str(number)) == address
    assert parse_ipv4_loose(hex(number)) == address
    assert parse_ipv4_loose(".".join(f"0{o:o}" for o in octets)) == address
    assert parse_ipv4_loose(f"{octets[0]}.{(number & 0xFFFFFF)}") == address


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv6_wrappers_inherit_the_ipv4_verdict(number: int) -> None:
    v4 = ipaddress.IPv4Address(number)
    verdict = check_address(v4)
    assert check_address(f"::ffff:{v4}") == verdict
    assert check_address(f"64:ff9b::{v4}") == verdict
    assert check_address(f"2002:{number >> 16:x}:{number & 0xFFFF:x}::1") == verdict


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback_address"),
        ("127.255.255.254", "loopback_address"),
        ("::1", "loopback_address"),
        ("0.0.0.0", "unspecified_address"),
        ("0.1.2.3", "unspecified_address"),
        ("::", "unspecified_address"),
        ("10.0.0.1", "private_address"),
        ("172.16.0.1", "private_address"),
        ("172.31.255.255", "private_address"),
        ("192.168.1.1", "private_address"),
        ("fc00::1", "private_address"),
        ("fd12:3456::1", "private_address"),
        ("fec0::1", "private_address"),
        ("169.254.1.1", "link_local_address"),
        ("fe80::1", "link_local_address"),
        ("fe80::1%eth0", "link_local_address"),
        ("169.254.169.254", "metadata_address"),
        ("169.254.170.2", "metadata_address"),
        ("fd00:ec2::254", "metadata_address"),
        ("100.100.100.200", "metadata_address"),
        ("100.64.0.1", "shared_address"),
        ("100.127.255.255", "shared_address"),
        ("224.0.0.1", "multicast_address"),
        ("239.255.255.250", "multicast_address"),
        ("ff02::1", "multicast_address"),
        ("240.0.0.1", "reserved_address"),
        ("255.255.255.255", "reserved_address"),
        ("192.0.2.1", "reserved_address"),
        ("198.18.0.1", "reserved_address"),
        ("2001:db8::1", "reserved_address"),
        ("::ffff:127.0.0.1", "loopback_address"),
        ("::ffff:0:127.0.0.1", "loopback_address"),
        ("::127.0.0.1", "loopback_address"),
        ("::10.0.0.1", "private_address"),
        ("::ffff:169.254.169.254", "metadata_address"),
        ("64:ff9b::10.0.0.1", "private_address"),
        ("64:ff9b:1::1", "reserved_address"),
        ("2002:7f00:1::", "loopback_address"),
        ("2002:a9fe:a9fe::1", "metadata_address"),
        ("[::1]", "loopback_address"),
        ("not-an-ip", "invalid_address"),
    ],
)
def test_refused_addresses(address: str, reason: str) -> None:
    assert check_address(address) == reason


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "2606:4700::6810:85e5",
        "::ffff:8.8.8.8",
        "2002:808:808::",
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert check_address(address) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme_not_allowed"),
        ("gopher://x/", "scheme_not_allowed"),
        ("javascript:alert(1)", "scheme_not_allowed"),
        ("JavaScript:alert(1)", "scheme_not_allowed"),
        ("data:text/html,hi", "scheme_not_allowed"),
        ("ftp://x/", "scheme_not_allowed"),
        ("ws://example.com/", "scheme_not_allowed"),
        ("example.com/no-scheme", "scheme_not_allowed"),
        ("http://localhost/", "localhost_name"),
        ("http://LOCALHOST./", "localhost_name"),
        ("http://api.localhost:8080/", "localhost_name"),
        ("http://localhost.localdomain/", "localhost_name"),
        ("http://127.0.0.1/", "loopback_address"),
        ("http://127.1/", "loopback_address"),
        ("http://2130706433/", "loopback_address"),
        ("http://0x7f000001/", "loopback_address"),
        ("http://0177.0.0.1/", "loopback_address"),
        ("http://127.0.0.1./", "loopback_address"),
        ("http://[::1]/", "loopback_address"),
        ("http://[::ffff:127.0.0.1]/", "loopback_address"),
        ("http://0.0.0.0/", "unspecified_address"),
        ("http://169.254.169.254/latest/meta-data/", "metadata_address"),
        ("http://[fd00:ec2::254]/", "metadata_address"),
        ("http://10.0.0.1/", "private_address"),
        ("http://172.16.0.1/", "private_address"),
        ("http://192.168.1.1/", "private_address"),
        ("http://100.64.0.1/", "shared_address"),
        ("http://[fe80::1%25eth0]/", "link_local_address"),
        ("http://1.2.3.4.5/", "invalid_host"),
        ("http://example.123/", "invalid_host"),
        ("http://%31%32%37.0.0.1/", "invalid_host"),
        ("http://exa_mple..com/", "invalid_host"),
        ("http://user:pw@example.com/", "userinfo_not_allowed"),
        ("http:///path", "missing_host"),
        ("http://example.com:99999/", "invalid_url"),
        ("http://[::1/", "invalid_url"),
    ],
)
def test_refused_urls(url: str, reason: str) -> None:
    assert check_url(url) == reason


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://arxiv.org/abs/2301.00808",
        "https://EXAMPLE.com.:8443/x?y=1#z",
        "https://bücher.example/",
        "http://8.8.8.8/",
        "http://[2606:4700::6810:85e5]/",
        "https://my_host.example.org/",
    ],
)
def test_allowed_urls(url: str) -> None:
    assert check_url(url) is None


def test_target_normalises_what_the_network_layer_sees() -> None:
    target = parse_target("https://EXAMPLE.com.:8443/x")
    assert not isinstance(target, str)
    assert (target.scheme, target.host, target.port, target.address) == (
        "https",
        "example.com",
        8443,
        None,
    )
    literal = parse_target("http://0x7f.1/")
    assert not isinstance(literal, str)
    assert literal.address == ipaddress.IPv4Address("127.0.0.1")
    assert literal.port == 80
    idn = parse_target("https://bücher.example/")
    assert not isinstance(idn, str)
    assert idn.host == "xn--bcher-kva.example"
