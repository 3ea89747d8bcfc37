"""Titles from HTML, paper-site recognition, the arXiv API and the concurrent resolver."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.core.urls import arxiv_id
from bot.links.arxiv import parse_arxiv_feed
from bot.links.fetcher import FetchResult, SafeFetcher
from bot.links.metadata import (
    FAILURE_TTL,
    LinkMetadata,
    LinkResolver,
    MemoryCache,
    paper_kind,
)
from bot.links.pages import HEAD_CHARS, extract_title, parse_page
from bot.store import Repository, open_database
from bot.store.records import LinkMeta
from bot.wiring import StoreLinkCache

from ._support import (
    PUBLIC_IP,
    Handler,
    LocalServer,
    Route,
    StubResolver,
    html_route,
    local_fetcher,
    mock_factory,
)

Serve = Callable[[dict[str, Route]], LocalServer]

CONVNEXT_FEED = (Path(__file__).parent / "fixtures" / "arxiv_2301.00808.xml").read_text("utf-8")
CONVNEXT_TITLE = "ConvNeXt V2: Co-designing and Scaling ConvNets with Masked Autoencoders"
CONVNEXT_AUTHORS = (
    "Sanghyun Woo",
    "Shoubhik Debnath",
    "Ronghang Hu",
    "Xinlei Chen",
    "Zhuang Liu",
    "In So Kweon",
    "Saining Xie",
)
EMPTY_FEED = '<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title></feed>'
ERROR_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>
    <title>Error</title>
    <summary>incorrect id format for 1234</summary>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>"""


@pytest.mark.parametrize(
    ("html", "title"),
    [
        (
            '<meta name="twitter:title" content="T"><meta property="og:title" content="O">'
            "<title>P</title>",
            "O",
        ),
        ('<meta name="twitter:title" content="T"><title>P</title>', "T"),
        ('<meta property="twitter:title" content="T2">', "T2"),
        ('<META PROPERTY="OG:TITLE" CONTENT="Upper">', "Upper"),
        ('<meta property="og:title" content="  "><title>Fallback</title>', "Fallback"),
        ('<meta name="citation_title" content="Cited"><title>Site | Cited</title>', "Cited"),
        ("<title>\n  Spread\n\tover   lines \n</title>", "Spread over lines"),
        ("<title>Q&amp;A &#8212; &quot;x&quot; &lt;y&gt;</title>", 'Q&A — "x" <y>'),
        ('<meta property="og:title" content="Tom &amp; Jerry &#x2764;">', "Tom & Jerry ❤"),
        ("<title>First</title><title>Second</title>", "First"),
        ("<html><head><title>Unclosed", "Unclosed"),
        ("<title>a <b>bold</b> move</title>", "a bold move"),
        ("<div><p>no head at all<title>Late</title>", "Late"),
        ("<![if !IE]><title>Odd markup</title><![endif]>", "Odd markup"),
        ("<svg><title>icon</title></svg>", None),
        ("<svg><title>icon</title></svg><title>Page</title>", "Page"),
        ("", None),
        ("<html><head></head><body>nothing</body></html>", None),
        ("<title>   </title>", None),
        ("<script>var t = '<title>not me</title>';</script>", None),
        ("<<<>>><title>Robust</title>", "Robust"),
        ("<title>Cut off at the cap", "Cut off at the cap"),
    ],
)
def test_extract_title(html: str, title: str | None) -> None:
    assert extract_title(html) == title


def test_page_citation_tags_give_authors_and_year() -> None:
    page = parse_page(
        '<meta name="citation_title" content="Attention Is All You Need">'
        '<meta name="citation_author" content="Vaswani, Ashish">'
        '<meta name="citation_author" content="Shazeer,  Noam">'
        '<meta name="citation_author" content="Vaswani, Ashish">'
        '<meta name="citation_publication_date" content="2017/12/04">'
    )
    assert page.title == "Attention Is All You Need"
    assert page.authors == ("Vaswani, Ashish", "Shazeer, Noam")
    assert page.year == 2017


PAPERS = [
    ("https://arxiv.org/abs/2301.00808", "arxiv", "2301.00808"),
    ("https://arxiv.org/abs/2301.00808v2", "arxiv", "2301.00808"),
    ("http://arxiv.org/pdf/2301.00808", "arxiv", "2301.00808"),
    ("https://arxiv.org/pdf/2301.00808v1.pdf", "arxiv", "2301.00808"),
    ("https://arxiv.org/html/2301.00808v1", "arxiv", "2301.00808"),
    ("https://arxiv.org/html/2301.00808v1/#S3", "arxiv", "2301.00808"),
    ("https://www.arxiv.org/abs/1706.03762?context=cs", "arxiv", "1706.03762"),
    ("https://export.arxiv.org/abs/1409.0473", "arxiv", "1409.0473"),
    ("https://arxiv.org/abs/0704.0001", "arxiv", "0704.0001"),
    ("https://arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001"),
    ("https://arxiv.org/abs/hep-th/9901001v3", "arxiv", "hep-th/9901001"),
    ("https://arxiv.org/pdf/math.GT/0309136", "arxiv", "math.GT/0309136"),
    ("arXiv:2301.00808", "arxiv", "2301.00808"),
    ("arxiv: 2301.00808v2", "arxiv", "2301.00808"),
    ("https://openreview.net/forum?id=YicbFdNTTy", "openreview", None),
    ("https://openreview.net/pdf?id=YicbFdNTTy", "openreview", None),
    ("https://aclanthology.org/2023.acl-long.1/", "acl_anthology", None),
    ("https://aclanthology.org/P19-1001.pdf", "acl_anthology", None),
    ("https://www.aclweb.org/anthology/N19-1423/", "acl_anthology", None),
    ("https://doi.org/10.1145/3292500.3330701", "doi", None),
    ("http://dx.doi.org/10.1038/nature14539", "doi", None),
    (
        "https://proceedings.neurips.cc/paper_files/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
        "neurips",
        None,
    ),
    ("https://proceedings.mlr.press/v202/kirchenbauer23a.html", "pmlr", None),
    (
        "https://openaccess.thecvf.com/content/CVPR2023/html/Woo_ConvNeXt_V2_CVPR_2023_paper.html",
        "cvf",
        None,
    ),
    ("https://ojs.aaai.org/index.php/AAAI/article/view/25745", "aaai", None),
    ("https://dl.acm.org/doi/10.1145/3534678.3539257", "acm", None),
    ("https://dl.acm.org/doi/abs/10.1145/3534678.3539257", "acm", None),
    ("https://ieeexplore.ieee.org/document/9578646", "ieee", None),
    ("https://ieeexplore.ieee.org/abstract/document/9578646/", "ieee", None),
    ("https://www.ijcai.org/proceedings/2023/0001.pdf", "ijcai", None),
]

NOT_PAPERS = [
    "https://arxiv.org/",
    "https://arxiv.org/list/cs.LG/recent",
    "https://arxiv.org/abs/not-an-id",
    "https://notarxiv.org/abs/2301.00808",
    "https://arxiv.org.evil.example/abs/2301.00808",
    "ftp://arxiv.org/abs/2301.00808",
    "https://openreview.net/group?id=ICLR.cc/2024/Conference",
    "https://openreview.net/forum",
    "https://aclanthology.org/",
    "https://doi.org/",
    "https://dl.acm.org/",
    "https://ieeexplore.ieee.org/Xplore/home.jsp",
    "https://proceedings.mlr.press/",
    "https://example.com/paper.pdf",
    "https://github.com/facebookresearch/ConvNeXt-V2",
    "not a url",
    "http://[::1",
]


@pytest.mark.parametrize(("url", "kind", "identifier"), PAPERS)
def test_paper_kind_and_arxiv_id(url: str, kind: str, identifier: str | None) -> None:
    assert paper_kind(url) == kind
    assert arxiv_id(url) == identifier


@pytest.mark.parametrize("url", NOT_PAPERS)
def test_not_papers(url: str) -> None:
    assert paper_kind(url) is None
    assert arxiv_id(url) is None


def test_arxiv_feed_parsing() -> None:
    entries = parse_arxiv_feed(CONVNEXT_FEED)
    assert list(entries) == ["2301.00808"]
    entry = entries["2301.00808"]
    assert (entry.title, entry.authors, entry.year) == (CONVNEXT_TITLE, CONVNEXT_AUTHORS, 2023)
    assert parse_arxiv_feed(ERROR_FEED) == {}
    assert parse_arxiv_feed(EMPTY_FEED) == {}
    assert parse_arxiv_feed("<feed><entry>") == {}
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaa">]><feed xmlns="http://www.w3.org/2005/Atom"/>'
    assert parse_arxiv_feed(bomb) == {}


class ArxivApi:
    """A recorded arXiv API behind MockTransport; counts the calls it gets."""

    def __init__(self, feed: str = CONVNEXT_FEED) -> None:
        self.feed = feed
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(
            200,
            headers={"Content-Type": "application/atom+xml; charset=UTF-8"},
            content=self.feed.encode("utf-8"),
        )

    def resolver(self, cache: MemoryCache | None = None) -> LinkResolver:
        fetcher = SafeFetcher(
            resolver=StubResolver({"export.arxiv.org": [PUBLIC_IP]}),
            transport_factory=mock_factory(httpx.MockTransport(self)),
        )
        return LinkResolver(fetcher, cache=cache)


def test_arxiv_link_resolves_through_the_api() -> None:
    api = ArxivApi()

    meta = api.resolver().resolve("https://arxiv.org/pdf/2301.00808v1.pdf")

    assert meta == LinkMetadata(
        url="https://arxiv.org/pdf/2301.00808v1.pdf",
        title=CONVNEXT_TITLE,
        authors=CONVNEXT_AUTHORS,
        year=2023,
        is_paper=True,
        ok=True,
        note=None,
        venue="arXiv",
        code_url="https://github.com/facebookresearch/ConvNeXt-V2",  # named in arxiv:comment
    )
    (request,) = api.requests
    assert request.url.host == PUBLIC_IP
    assert request.url.path == "/api/query"
    assert request.url.params["id_list"] == "2301.00808"
    assert request.headers["Host"] == "export.arxiv.org"
    assert request.extensions["sni_hostname"] == "export.arxiv.org"


def test_arxiv_unknown_id_and_api_failure_fall_back() -> None:
    missing = ArxivApi(ERROR_FEED).resolver().resolve("https://arxiv.org/abs/9912.99999")
    assert (missing.ok, missing.title, missing.note, missing.is_paper) == (
        False,
        None,
        "arxiv_not_found",
        True,
    )

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="busy")

    fetcher = SafeFetcher(
        resolver=StubResolver({"export.arxiv.org": [PUBLIC_IP]}),
        transport_factory=mock_factory(httpx.MockTransport(down)),
    )
    failed = LinkResolver(fetcher).resolve("https://arxiv.org/abs/2301.00808")
    assert (failed.ok, failed.note) == (False, "http_error")


def test_cache_is_consulted_first_and_filled_with_successes() -> None:
    api = ArxivApi()
    cache = MemoryCache()
    resolver = api.resolver(cache)

    first = resolver.resolve("https://arxiv.org/abs/2301.00808")
    second = resolver.resolve("https://arxiv.org/abs/2301.00808")
    many = resolver.resolve_many(["https://arxiv.org/abs/2301.00808"])

    assert first == second == many["https://arxiv.org/abs/2301.00808"]
    assert cache.get("https://arxiv.org/abs/2301.00808") == first
    assert len(api.requests) == 1


def test_failures_are_cached_briefly() -> None:
    api = ArxivApi(ERROR_FEED)
    now = [dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)]
    cache = MemoryCache(clock=lambda: now[0])
    resolver = api.resolver(cache)
    url = "https://arxiv.org/abs/9912.99999"

    first = resolver.resolve(url)
    again = resolver.resolve(url)
    assert resolver.resolve_many([url]) == {url: first}
    assert first == again and not first.ok
    assert len(api.requests) == 1  # the failure was remembered

    now[0] += FAILURE_TTL - dt.timedelta(seconds=1)
    resolver.resolve(url)
    assert len(api.requests) == 1
    now[0] += dt.timedelta(seconds=1)
    resolver.resolve(url)
    assert len(api.requests) == 2  # and forgotten after the TTL


def test_database_cache_keeps_failures_for_the_ttl_only(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/links.db")
    try:
        repo = Repository(database)
        cache = StoreLinkCache(repo)
        now = dt.datetime.now(dt.UTC)
        for url, ok, age in [
            ("https://example.com/fresh-failure", False, dt.timedelta(minutes=1)),
            ("https://example.com/old-failure", False, FAILURE_TTL + dt.timedelta(minutes=1)),
            ("https://example.com/old-success", True, dt.timedelta(days=400)),
        ]:
            repo.put_link_meta(LinkMeta(url, "T" if ok else None, (), None, False, ok, now - age))

        fresh = cache.get("https://example.com/fresh-failure")
        assert fresh is not None and (fresh.ok, fresh.note) == (False, "cached_failure")
        assert cache.get("https://example.com/old-failure") is None
        old = cache.get("https://example.com/old-success")
        assert old is not None and old.ok and old.title == "T"

        cache.put(LinkMetadata("https://example.com/new-failure", note="timeout"))
        assert cache.get("https://example.com/new-failure") is not None
    finally:
        database.dispose()


def test_resolve_many_batches_arxiv_ids_into_one_call() -> None:
    api = ArxivApi()
    urls = [
        "https://arxiv.org/abs/2301.00808",
        "https://arxiv.org/pdf/2301.00808v1",
        "https://arxiv.org/abs/9912.99999",
        "https://arxiv.org/abs/2301.00808",  # duplicates collapse
    ]

    found = api.resolver().resolve_many(urls)

    assert list(found) == urls[:3]
    assert found[urls[0]].title == found[urls[1]].title == CONVNEXT_TITLE
    assert found[urls[2]].note == "arxiv_not_found"
    (request,) = api.requests
    assert request.url.params["id_list"] == "2301.00808,9912.99999"
    assert request.url.params["max_results"] == "2"


def test_resolve_many_fetches_concurrently(serve: Serve) -> None:
    # Every source answers only once ten requests are in flight at the same time: a
    # resolver that fetched one by one would see each wait run out and get no titles.
    together = threading.Barrier(10)

    def gathered(n: int) -> Route:
        def route(handler: Handler) -> None:
            try:
                together.wait(timeout=30)
            except threading.BrokenBarrierError:
                handler.send_bytes(b"alone", status=503, content_type="text/plain")
                return
            html_route(f"<title>Source {n}</title>")(handler)

        return route

    server = serve({f"/slow/{i}": gathered(i) for i in range(30)})
    resolver = LinkResolver(local_fetcher(server, timeout=60))
    urls = [server.url(f"/slow/{i}") for i in range(30)]

    found = resolver.resolve_many(urls)

    assert [found[url].title for url in urls] == [f"Source {i}" for i in range(30)]
    assert server.connections == 30


def test_one_crashing_fetch_does_not_sink_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    class Flaky:
        def fetch(self, url: str) -> FetchResult:
            if "boom" in url:
                raise RuntimeError("bug")
            return FetchResult(url, url, 200, "text/html", text="<title>fine</title>")

    found = LinkResolver(Flaky()).resolve_many(
        ["https://example.com/boom", "https://example.com/ok"]
    )

    assert found["https://example.com/boom"].note == "internal_error"
    assert found["https://example.com/ok"].title == "fine"
    assert "link_resolve_crashed" in caplog.text


def test_page_without_title_is_reported(serve: Serve) -> None:
    server = serve({"/": html_route("<p>just text</p>")})
    meta = LinkResolver(local_fetcher(server)).resolve(server.url("/"))
    assert (meta.ok, meta.title, meta.note, meta.is_paper) == (False, None, "no_title", False)


HOSTILE = ["</", "<!--", "<a ", "<a b='", "<", "<svg>", "<script>"]


@pytest.mark.parametrize("unit", HOSTILE)
def test_a_huge_hostile_page_is_scanned_only_to_its_head(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#13.3: the scanner is handed at most HEAD_CHARS, whatever the page's size."""
    import bot.links.pages as metadata

    handed: list[int] = []
    real_scan = metadata._scan

    def recording(html: str) -> object:
        handed.append(len(html))
        return real_scan(html)

    monkeypatch.setattr(metadata, "_scan", recording)
    page = unit * (1024 * 1024 // len(unit))

    class Hostile:
        def fetch(self, url: str) -> FetchResult:
            return FetchResult(url, url, 200, "text/html", text=page, bytes_read=len(page))

    meta = LinkResolver(Hostile()).resolve("https://example.com/hostile")

    assert (meta.ok, meta.note) == (False, "no_title")
    assert handed and max(handed) <= HEAD_CHARS <= 128 * 1024


def test_only_the_head_of_a_page_is_looked_at() -> None:
    assert extract_title(" " * (HEAD_CHARS - 100) + "<title>Near</title>") == "Near"
    assert extract_title(" " * HEAD_CHARS + "<title>Too late</title>") is None


@pytest.mark.parametrize(
    ("html", "title"),
    [
        ("</" * 5000 + "><title>After end tags</title>", "After end tags"),
        ("<!-- <title>no</title> --><title>After a comment</title>", "After a comment"),
        ("<a " * 5000 + "><title>After a long tag</title>", "After a long tag"),
        ("<a b='x' " * 2000 + "><title>Quoted</title>", "Quoted"),
        ("<a b='" + "<title>in a value</title>", None),
        ("<p>" + "<" * 5000 + "<title>After lone brackets</title>", "After lone brackets"),
        ("<svg/><title>After an empty svg</title>", "After an empty svg"),
        ("<STYLE>p{}</Style ><TITLE>Mixed case</TITLE>", "Mixed case"),
        ('<meta content="C" property=og:title><title>T</title>', "C"),
        ("<title>One</title><body><meta property='og:title' content='Late'>", "One"),
    ],
)
def test_scanner_reads_markup_after_hostile_runs(html: str, title: str | None) -> None:
    assert extract_title(html) == title
