"""Hostile URLs are refused before any socket opens, directly, via DNS and via redirects."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from bot.links.fetcher import SafeFetcher
from bot.links.metadata import LinkResolver

from ._support import (
    PUBLIC_IP,
    LocalServer,
    Route,
    StubResolver,
    forbidden_transport,
    html_route,
    loopback_only_transport,
    mock_factory,
    redirect_route,
)

# (url, what the stub resolver answers for names in it, expected refusal)
HOSTILE: list[tuple[str, dict[str, list[str]], str]] = [
    ("http://localhost/", {}, "localhost_name"),
    ("http://sub.localhost/", {}, "localhost_name"),
    ("http://127.0.0.1/", {}, "loopback_address"),
    ("http://127.1/", {}, "loopback_address"),
    ("http://2130706433/", {}, "loopback_address"),
    ("http://0x7f000001/", {}, "loopback_address"),
    ("http://0177.0.0.1/", {}, "loopback_address"),
    ("http://[::1]/", {}, "loopback_address"),
    ("http://[::ffff:127.0.0.1]/", {}, "loopback_address"),
    ("http://[64:ff9b::127.0.0.1]/", {}, "loopback_address"),
    ("http://0.0.0.0/", {}, "unspecified_address"),
    ("http://169.254.169.254/latest/meta-data/", {}, "metadata_address"),
    ("http://[fd00:ec2::254]/", {}, "metadata_address"),
    ("http://[2002:a9fe:a9fe::]/", {}, "metadata_address"),
    ("http://169.254.1.1/", {}, "link_local_address"),
    ("http://10.0.0.1/", {}, "private_address"),
    ("http://172.16.0.1/", {}, "private_address"),
    ("http://192.168.1.1/", {}, "private_address"),
    ("http://100.64.0.1/", {}, "shared_address"),
    ("http://224.0.0.1/", {}, "multicast_address"),
    ("http://intranet.example.com/", {"intranet.example.com": ["10.1.2.3"]}, "private_address"),
    ("http://loopy.example.com/", {"loopy.example.com": ["127.0.0.1"]}, "loopback_address"),
    ("http://v6loop.example.com/", {"v6loop.example.com": ["::1"]}, "loopback_address"),
    (
        "http://mixed.example.com/",
        {"mixed.example.com": [PUBLIC_IP, "10.0.0.7"]},
        "private_address",
    ),
    ("http://imds.example.com/", {"imds.example.com": ["169.254.169.254"]}, "metadata_address"),
    ("http://mapped.example.com/", {"mapped.example.com": ["::ffff:10.0.0.1"]}, "private_address"),
    ("http://junk.example.com/", {"junk.example.com": ["not-an-address"]}, "dns_error"),
    ("http://empty.example.com/", {"empty.example.com": []}, "dns_no_address"),
    ("file:///etc/passwd", {}, "scheme_not_allowed"),
    ("gopher://x/", {}, "scheme_not_allowed"),
    ("javascript:alert(1)", {}, "scheme_not_allowed"),
    ("data:text/html,hi", {}, "scheme_not_allowed"),
    ("ftp://x/", {}, "scheme_not_allowed"),
    ("http://user:secret@example.com/", {}, "userinfo_not_allowed"),
]


@pytest.mark.parametrize(("url", "answers", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_url_is_refused_before_any_connection(
    url: str, answers: dict[str, list[str]], reason: str
) -> None:
    resolver = StubResolver(answers)
    fetcher = SafeFetcher(resolver=resolver, transport_factory=forbidden_transport)

    result = fetcher.fetch(url)

    assert result.error == reason
    assert (result.status, result.text) == (None, None)
    # Literal hosts are judged without asking DNS at all.
    assert len(resolver.calls) == (1 if answers else 0)


def _on_port(url: str, port: int) -> str:
    """Point an http URL at ``port`` so a broken fetcher would hit the counting server."""
    return re.sub(r"^(https?://[^/]+)", rf"\g<1>:{port}", url)


def test_counting_server_sees_no_connection_for_any_hostile_url(
    serve: Callable[[dict[str, Route]], LocalServer],
) -> None:
    server = serve({"/": html_route("<title>should never be read</title>")})
    answers: dict[str, list[str]] = {}
    for _, names, _ in HOSTILE:
        answers.update(names)
    # Real sockets, but only towards loopback, and no escape hatch.
    fetcher = SafeFetcher(
        resolver=StubResolver(answers), transport_factory=loopback_only_transport, timeout=2
    )

    verdicts = {url: fetcher.fetch(_on_port(url, server.port)).error for url, _, _ in HOSTILE}

    assert verdicts == {url: reason for url, _, reason in HOSTILE}
    assert server.connections == 0
    assert server.requests == []


def test_counting_server_does_count_when_the_hatch_is_open(
    serve: Callable[[dict[str, Route]], LocalServer],
) -> None:
    server = serve({"/": html_route("<title>hello</title>")})
    fetcher = SafeFetcher(
        resolver=StubResolver(),
        transport_factory=loopback_only_transport,
        allow_loopback_for_tests=server.hatch,
    )

    result = fetcher.fetch(server.url("/"))

    assert result.error is None
    assert server.connections == 1


def test_hatch_is_exact_about_port_and_host(
    serve: Callable[[dict[str, Route]], LocalServer],
) -> None:
    server = serve({"/": html_route("<title>hello</title>")})
    other_port = frozenset({("127.0.0.1", server.port + 1)})
    other_host = frozenset({("127.1", server.port)})
    for hatch in (other_port, other_host):
        fetcher = SafeFetcher(
            resolver=StubResolver(),
            transport_factory=loopback_only_transport,
            allow_loopback_for_tests=hatch,
        )
        assert fetcher.fetch(server.url("/")).error == "loopback_address"
    assert server.connections == 0


def test_hatch_never_opens_private_addresses() -> None:
    fetcher = SafeFetcher(
        resolver=StubResolver({"lan.example": ["10.0.0.1"]}),
        transport_factory=forbidden_transport,
        allow_loopback_for_tests=frozenset({("10.0.0.1", 80), ("lan.example", 80)}),
    )
    assert fetcher.fetch("http://10.0.0.1/").error == "private_address"
    assert fetcher.fetch("http://lan.example/").error == "private_address"


REDIRECT_TARGETS = [
    ("http://169.254.169.254/latest/meta-data/", "metadata_address"),
    ("http://localhost/admin", "localhost_name"),
    ("http://127.1:8080/", "loopback_address"),
    ("http://[::ffff:10.0.0.1]/", "private_address"),
    ("http://rebind.example/", "private_address"),
    ("file:///etc/passwd", "scheme_not_allowed"),
    ("gopher://x/", "scheme_not_allowed"),
]


@pytest.mark.parametrize(("location", "reason"), REDIRECT_TARGETS)
def test_redirect_to_internal_target_is_refused_without_second_hop(
    location: str, reason: str
) -> None:
    seen: list[httpx.Request] = []

    def public_site(request: httpx.Request) -> httpx.Response:
        if seen:
            pytest.fail(f"second hop requested: {request.url}")
        seen.append(request)
        return httpx.Response(302, headers={"Location": location})

    resolver = StubResolver({"public.example": [PUBLIC_IP], "rebind.example": ["10.9.8.7"]})
    fetcher = SafeFetcher(
        resolver=resolver, transport_factory=mock_factory(httpx.MockTransport(public_site))
    )

    result = fetcher.fetch("http://public.example/start")

    assert result.error == reason
    assert result.redirects == 1
    assert result.final_url == str(httpx.URL("http://public.example/start").join(location))
    assert len(seen) == 1
    assert seen[0].url.host == PUBLIC_IP
    assert seen[0].headers["Host"] == "public.example"


def test_redirect_from_local_server_to_unhatched_server_is_refused(
    serve: Callable[[dict[str, Route]], LocalServer],
) -> None:
    target = serve({"/": html_route("<title>internal</title>")})
    entry = serve({"/go": redirect_route(target.url("/"))})
    fetcher = SafeFetcher(
        resolver=StubResolver(),
        transport_factory=loopback_only_transport,
        allow_loopback_for_tests=entry.hatch,
    )

    result = fetcher.fetch(entry.url("/go"))

    assert result.error == "loopback_address"
    assert entry.connections == 1
    assert target.connections == 0


def test_dns_is_asked_once_per_hop_and_the_checked_ip_is_used() -> None:
    """DNS rebinding: a second, different answer must never be consulted."""
    answers = iter([[PUBLIC_IP], ["127.0.0.1"], ["127.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    seen: list[httpx.Request] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, html="<title>public</title>")

    fetcher = SafeFetcher(
        resolver=rebinding, transport_factory=mock_factory(httpx.MockTransport(site))
    )
    result = fetcher.fetch("http://rebinding.example/page?q=1")

    assert result.error is None
    assert calls == ["rebinding.example"]
    assert [str(r.url) for r in seen] == [f"http://{PUBLIC_IP}/page?q=1"]
    assert seen[0].headers["Host"] == "rebinding.example"


def test_resolver_failure_is_a_value() -> None:
    def broken(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    fetcher = SafeFetcher(resolver=broken, transport_factory=forbidden_transport)
    assert fetcher.fetch("http://nowhere.example/").error == "dns_error"


def test_link_resolver_reports_refusal_as_note() -> None:
    fetcher = SafeFetcher(resolver=StubResolver(), transport_factory=forbidden_transport)
    meta = LinkResolver(fetcher).resolve("http://169.254.169.254/latest/meta-data/")
    assert (meta.ok, meta.title, meta.note) == (False, None, "metadata_address")
