"""Fetching that should work: titles, charsets, caps, redirects, deadlines, TLS with SNI."""

from __future__ import annotations

import gzip
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.links.fetcher import SafeFetcher, system_resolver
from bot.links.metadata import LinkResolver
from bot.links.pages import extract_title

from ._support import (
    PUBLIC_IP,
    Handler,
    LocalServer,
    Route,
    StubResolver,
    finishes,
    forbidden_transport,
    html_route,
    local_fetcher,
    mock_factory,
    redirect_route,
)

Serve = Callable[[dict[str, Route]], LocalServer]

JA_TITLE = "機械学習勉強会：トランスフォーマー入門 ①"
EUC_TITLE = "機械学習勉強会：拡散モデルの基礎と応用"


def _page(title: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}<title>{title}</title></head><body>本文</body></html>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<meta property="og:title" content="OG wins"><meta name="twitter:title" content="TW">',
            "OG wins",
        ),
        ('<meta name="twitter:title" content="Twitter title">', "Twitter title"),
        ("", "Plain <title>"),
    ],
)
def test_title_sources_over_http(serve: Serve, head: str, expected: str) -> None:
    server = serve({"/": html_route(_page("Plain &lt;title&gt;", head))})

    result = local_fetcher(server).fetch(server.url("/"))

    assert result.error is None
    assert result.status == 200
    assert result.final_url == server.url("/")
    assert result.text is not None
    assert extract_title(result.text) == expected


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_page(JA_TITLE).encode("cp932"), "text/html; charset=Shift_JIS"),
        (_page(JA_TITLE, '<meta charset="shift_jis">').encode("cp932"), "text/html"),
        (
            _page(
                JA_TITLE,
                '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            ).encode("cp932"),
            "text/html",
        ),
        (_page(JA_TITLE).encode("cp932"), "text/html"),
        (_page(EUC_TITLE).encode("euc_jp"), "text/html; charset=EUC-JP"),
        (_page(EUC_TITLE, "<meta charset='euc-jp'>").encode("euc_jp"), None),
        (_page(EUC_TITLE).encode("euc_jp"), "text/html"),
        (_page(JA_TITLE).encode("utf-8"), "text/html"),
    ],
    ids=[
        "sjis-header",
        "sjis-meta-charset",
        "sjis-meta-http-equiv",
        "sjis-undeclared",
        "eucjp-header",
        "eucjp-meta-only",
        "eucjp-undeclared",
        "utf8-undeclared",
    ],
)
def test_japanese_pages_decode_intact(serve: Serve, body: bytes, content_type: str | None) -> None:
    server = serve({"/ja": html_route(body, content_type=content_type)})
    resolver = LinkResolver(local_fetcher(server))

    meta = resolver.resolve(server.url("/ja"))

    expected = EUC_TITLE if EUC_TITLE.encode("euc_jp") in body else JA_TITLE
    assert meta.ok
    assert meta.title == expected


def test_non_html_content_type_gives_no_title(serve: Serve) -> None:
    pdf = b"%PDF-1.7\n<title>not a title</title>" + b"\0" * 100
    server = serve({"/paper.pdf": html_route(pdf, content_type="application/pdf")})

    result = local_fetcher(server).fetch(server.url("/paper.pdf"))
    meta = LinkResolver(local_fetcher(server)).resolve(server.url("/paper.pdf"))

    assert (result.error, result.text, result.content_type) == (None, None, "application/pdf")
    assert result.bytes_read == 0
    assert (meta.ok, meta.title, meta.note) == (False, None, "not_html")


def test_http_error_status_is_a_value(serve: Serve) -> None:
    server = serve({})
    result = local_fetcher(server).fetch(server.url("/missing"))
    assert (result.error, result.status, result.text) == ("http_error", 404, None)


def _endless(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.end_headers()  # HTTP/1.0 without Content-Length: body runs until close
    handler.wfile.write(b"<html><head><title>Big</title></head><body>")
    chunk = b"x" * 65536
    for _ in range(1024):  # 64 MiB at most, long after the client has hung up
        if handler.stop.is_set():
            return
        handler.wfile.write(chunk)


def test_body_is_cut_at_the_byte_cap(serve: Serve) -> None:
    server = serve({"/big": _endless})

    result = local_fetcher(server).fetch(server.url("/big"))

    assert result.error is None
    assert result.bytes_read == 1024 * 1024
    assert result.truncated
    assert result.text is not None and len(result.text) == 1024 * 1024
    assert extract_title(result.text) == "Big"


def test_small_cap_is_respected(serve: Serve) -> None:
    server = serve({"/": html_route("<title>t</title>" + "y" * 5000)})
    result = local_fetcher(server, max_bytes=100).fetch(server.url("/"))
    assert (result.bytes_read, result.truncated) == (100, True)
    exact = local_fetcher(server, max_bytes=5016).fetch(server.url("/"))
    assert (exact.bytes_read, exact.truncated) == (5016, False)


def _chain(server_url: Callable[[str], str], hops: int) -> dict[str, Route]:
    routes = {f"/r{n}": redirect_route(server_url(f"/r{n - 1}")) for n in range(1, hops + 1)}
    routes["/r1"] = redirect_route("/r0", status=301)  # relative Location too
    routes["/r0"] = html_route("<title>End of chain</title>")
    return routes


def test_three_redirects_are_followed_four_are_refused(serve: Serve) -> None:
    server = serve({})
    server.routes.update(_chain(server.url, 4))
    fetcher = local_fetcher(server)

    three = fetcher.fetch(server.url("/r3"))
    four = fetcher.fetch(server.url("/r4"))

    assert three.error is None
    assert three.redirects == 3
    assert three.final_url == server.url("/r0")
    assert three.text is not None and extract_title(three.text) == "End of chain"
    assert four.error == "too_many_redirects"
    assert four.redirects == 3
    assert server.requests[-4:] == ["/r4", "/r3", "/r2", "/r1"]  # /r0 never requested


def _silent(handler: Handler) -> None:
    handler.stop.wait()  # accept, read the request, never answer (until the test ends)


def _drip_headers(handler: Handler) -> None:
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    while not handler.stop.wait(0.05):
        handler.wfile.write(b"X-Slow: .\r\n")  # each read is quick, the whole never ends


def _drip_body(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    while not handler.stop.wait(0.05):
        handler.wfile.write(b"<")


@pytest.mark.slow
@pytest.mark.parametrize("route", [_silent, _drip_headers, _drip_body])
def test_a_stalling_server_costs_at_most_the_deadline(serve: Serve, route: Route) -> None:
    server = serve({"/stall": route})
    fetcher = local_fetcher(server, timeout=0.5)

    # The server never finishes on its own: only the fetcher's deadline can end this.
    # (How close to 0.5 s it ends is measured in bench/links.py, not asserted here.)
    result = finishes(lambda: fetcher.fetch(server.url("/stall")))

    assert result.error == "timeout"


def test_the_deadline_covers_a_hanging_resolver() -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        release.wait()  # until the test ends
        return [PUBLIC_IP]

    fetcher = SafeFetcher(resolver=hanging, transport_factory=forbidden_transport, timeout=0.3)
    try:
        result = finishes(lambda: fetcher.fetch("http://slow-dns.example/"))
    finally:
        release.set()
    assert result.error == "timeout"


@pytest.mark.slow
def test_the_deadline_covers_all_redirect_hops(serve: Serve) -> None:
    server = serve({})

    def slow_redirect(target: str) -> Route:
        def route(handler: Handler) -> None:
            handler.stop.wait(0.25)
            redirect_route(target)(handler)

        return route

    server.routes.update(
        {
            "/a": slow_redirect("/b"),
            "/b": slow_redirect("/c"),
            "/c": slow_redirect("/d"),
            "/d": html_route("<title>late</title>"),
        }
    )
    # Each hop alone is within the deadline; only a deadline over all hops refuses this.
    result = finishes(lambda: local_fetcher(server, timeout=0.6).fetch(server.url("/a")))
    assert result.error == "timeout"


def test_connection_refused_is_a_value(serve: Serve) -> None:
    server = serve({})
    port = server.port
    server.close()  # nothing listens there any more
    fetcher = SafeFetcher(
        resolver=StubResolver(),
        allow_loopback_for_tests=frozenset({("127.0.0.1", port)}),
    )
    assert fetcher.fetch(f"http://127.0.0.1:{port}/").error == "connect_error"


def test_system_resolver_handles_numeric_hosts_without_dns() -> None:
    assert system_resolver("127.0.0.1", 80) == ["127.0.0.1"]


# --- Through httpx.MockTransport: public addresses, never a real socket ---------------------


def _mock_fetcher(
    handler: Callable[[httpx.Request], httpx.Response],
    answers: dict[str, list[str]] | None = None,
    **kwargs: object,
) -> SafeFetcher:
    resolver = StubResolver(answers or {"public.example": [PUBLIC_IP]})
    factory = mock_factory(httpx.MockTransport(handler))
    return SafeFetcher(resolver=resolver, transport_factory=factory, **kwargs)  # type: ignore[arg-type]


def test_https_connects_to_the_ip_and_keeps_name_for_host_and_sni() -> None:
    seen: list[httpx.Request] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, html='<meta property="og:title" content="Public">')

    result = _mock_fetcher(site).fetch("https://public.example:8443/a/b?c=d")

    assert result.error is None
    assert result.final_url == "https://public.example:8443/a/b?c=d"
    (request,) = seen
    assert str(request.url) == f"https://{PUBLIC_IP}:8443/a/b?c=d"
    assert request.headers["Host"] == "public.example:8443"
    assert request.extensions["sni_hostname"] == "public.example"
    assert request.headers["Accept-Encoding"] == "identity"


def test_ipv6_answers_are_pinned_too() -> None:
    seen: list[httpx.Request] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, html="<title>v6</title>")

    answers = {"six.example": ["2606:4700::6810:85e5"]}
    result = _mock_fetcher(site, answers).fetch("http://six.example/")

    assert result.error is None
    assert seen[0].url.host == "2606:4700::6810:85e5"
    assert seen[0].headers["Host"] == "six.example"


def test_next_checked_address_is_tried_when_one_refuses() -> None:
    tried: list[str] = []

    def site(request: httpx.Request) -> httpx.Response:
        tried.append(request.url.host)
        if request.url.host == "2606:4700::1":
            raise httpx.ConnectError("Network is unreachable", request=request)
        return httpx.Response(200, html="<title>v4</title>")

    answers = {"dual.example": ["2606:4700::1", PUBLIC_IP]}
    result = _mock_fetcher(site, answers).fetch("http://dual.example/")

    assert result.error is None
    assert tried == ["2606:4700::1", PUBLIC_IP]


def test_gzip_bomb_is_inflated_only_up_to_the_cap() -> None:
    bomb = gzip.compress(b"<title>bomb</title>" + b"\0" * (64 * 1024 * 1024))

    def site(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(bomb))

    result = _mock_fetcher(site).fetch("http://public.example/")

    assert result.error is None
    assert (result.bytes_read, result.truncated) == (1024 * 1024, True)


def test_unknown_content_encoding_is_refused() -> None:
    def site(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "br"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b"\x1b\x00"))

    result = _mock_fetcher(site).fetch("http://public.example/")
    assert result.error == "unsupported_content_encoding"


def test_transport_errors_become_values() -> None:
    def site(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("malformed", request=request)

    assert _mock_fetcher(site).fetch("http://public.example/").error == "protocol_error"


# --- Real TLS on 127.0.0.1: the certificate is checked against the name, not the IP --------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not available")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=studybot.test",
        "-addext",
        "subjectAltName=DNS:studybot.test",
    ]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_uses_sni_and_verifies_the_real_name(
    serve: Serve, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    names: list[str | None] = []
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    server_context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = LocalServer({"/": html_route("<title>Over TLS</title>")}).start(
        lambda s: setattr(s, "socket", server_context.wrap_socket(s.socket, server_side=True))
    )
    try:
        client_context = ssl.create_default_context(cafile=str(cert))
        answers = {"studybot.test": ["127.0.0.1"], "wrong.test": ["127.0.0.1"]}
        fetcher = SafeFetcher(
            resolver=StubResolver(answers),
            ssl_context=client_context,
            allow_loopback_for_tests=frozenset(
                {("studybot.test", server.port), ("wrong.test", server.port)}
            ),
        )

        good = fetcher.fetch(f"https://studybot.test:{server.port}/")
        bad = fetcher.fetch(f"https://wrong.test:{server.port}/")
    finally:
        server.close()

    assert good.error is None
    assert good.text is not None and extract_title(good.text) == "Over TLS"
    assert bad.error == "tls_error"
    assert names == ["studybot.test", "wrong.test"]


@pytest.mark.parametrize(
    "label", ["base64", "zlib", "idna", "undefined", "unicode_escape", "x-bogus"]
)
def test_hostile_charset_labels_fall_back_to_guessing(serve: Serve, label: str) -> None:
    body = _page("Charset games").encode("utf-8")
    server = serve({"/": html_route(body, content_type=f"text/html; charset={label}")})
    meta = LinkResolver(local_fetcher(server)).resolve(server.url("/"))
    assert meta.title == "Charset games"
