"""Whatever the input, the link code answers with values, never with an exception."""

from __future__ import annotations

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.urls import arxiv_id
from bot.links.arxiv import parse_arxiv_feed
from bot.links.decoding import decode_body
from bot.links.fetcher import SafeFetcher
from bot.links.metadata import paper_kind
from bot.links.pages import extract_title
from bot.links.safety import check_url

from ._support import PUBLIC_IP, mock_factory

CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "text/html",
            "text/html; charset=shift_jis",
            "text/html; charset=base64",
            "text/html; charset=",
            "application/atom+xml; charset=utf-8",
            'text/plain; charset="euc-jp',
            "application/pdf",
            ";;;",
        ]
    ),
    st.text(max_size=40),
)
URL_PIECES = st.sampled_from(
    ["http://", "https://", "//", "[", "]", ":", "@", "%", "0x", ".", "/", "?", "#", "\\", "a", "1"]
)
URLS = st.one_of(st.text(max_size=60), st.lists(URL_PIECES, max_size=12).map("".join))


@given(st.binary(max_size=2000), CONTENT_TYPES)
def test_decode_body_always_returns_text(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_body(body, content_type), str)


@given(st.text(max_size=500))
def test_html_helpers_never_raise(text: str) -> None:
    title = extract_title(text)
    assert title is None or (title == title.strip() and title)
    assert parse_arxiv_feed(text) == {} or "<" in text
    paper_kind(text)
    arxiv_id(text)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    URLS,
    st.binary(max_size=300),
    CONTENT_TYPES,
    st.sampled_from([200, 301, 404, 500]),
    URLS,
)
def test_fetch_never_raises(
    url: str, body: bytes, content_type: str | None, status: int, location: str
) -> None:
    def site(request: httpx.Request) -> httpx.Response:
        headers = [(b"Location", location.encode("utf-8", "replace"))] if status == 301 else []
        if content_type is not None:  # raw bytes, as a server may send anything
            headers.append((b"Content-Type", content_type.encode("utf-8", "replace")))
        return httpx.Response(status, headers=headers, content=body)

    fetcher = SafeFetcher(
        resolver=lambda host, port: [PUBLIC_IP],
        transport_factory=mock_factory(httpx.MockTransport(site)),
    )
    result = fetcher.fetch(url)
    assert result.error is None or isinstance(result.error, str)
    if check_url(url) is not None:
        assert result.error == check_url(url)
