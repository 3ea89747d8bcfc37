"""Paper metadata beyond arXiv: each source served by a local fake with the API's shape.

The fixtures follow the documented responses (OpenReview API v2 ``GET /notes?id=``,
Crossref ``GET /works/{doi}``, an ACL Anthology paper page's Highwire meta tags,
Hugging Face ``GET /api/papers/{arxiv id}``, the arXiv Atom API); the names in them
are made up.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.core.papers import Paper, byline
from bot.core.weeks import Cycle
from bot.links.metadata import LinkResolver, paper_kind
from bot.links.papers import (
    PaperEndpoints,
    github_repo,
    paper_source,
    parse_crossref,
    parse_hf_paper,
    parse_openreview,
)
from bot.notion.blocks import plain_text, topic_blocks
from bot.services.topics import TopicService
from bot.slack.views import topic_card
from bot.store import Repository, open_database
from bot.wiring import StoreLinkCache

from ._support import (
    Handler,
    LocalServer,
    Route,
    StubResolver,
    finishes,
    html_route,
    local_fetcher,
)

FIXTURES = Path(__file__).parent / "fixtures"
JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=JST)

ARXIV_URL = "https://arxiv.org/abs/2301.00808"
OPENREVIEW_URL = "https://openreview.net/forum?id=Fx7Kq2LmNo"
ACL_URL = "https://aclanthology.org/2023.acl-long.100/"
DOI_URL = "https://doi.org/10.1145/3580305.3599999"
HF_URL = "https://huggingface.co/papers/2305.18290"

# source -> (what the member typed after the tag, the byline the card and page must show)
EXPECTED = {
    ARXIV_URL: (
        "ConvNeXt V2: Co-designing and Scaling ConvNets with Masked Autoencoders",
        "Sanghyun Woo, Shoubhik Debnath, Ronghang Hu et al. — arXiv 2023",
        "https://github.com/facebookresearch/ConvNeXt-V2",
    ),
    OPENREVIEW_URL: (
        "Registers for Study Groups: A Fixture Paper",
        "Aiko Tanaka, Ben Carter, Chen Wei et al. — ICLR 2024 oral",
        "https://github.com/fixture-lab/registers",
    ),
    ACL_URL: (
        "Fixture Parsing for Low-Resource Languages",
        "Gen Mori, Hana Ito, Ivan Petrov et al. — Proceedings of the 61st Annual Meeting of the"
        " Association for Computational Linguistics (Volume 1: Long Papers) 2023",
        "https://github.com/fixture-lab/parsing",
    ),
    DOI_URL: (
        "Fixture Graphs at Scale",
        "Emi Sato, Farid Haddad — Proceedings of the 29th ACM SIGKDD Conference on Knowledge"
        " Discovery and Data Mining 2023",
        "https://github.com/fixture-lab/graphs",
    ),
    HF_URL: (
        "A Fixture Paper Found Through Hugging Face",
        "Kai Nakamura, Lena Roth — NeurIPS 2023",
        "https://github.com/fixture-lab/hf-paper",
    ),
}


def _file(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _arxiv(handler: Handler) -> None:
    wanted = "2305.18290" if "2305.18290" in handler.path else "2301.00808"
    handler.send_bytes(_file(f"arxiv_{wanted}.xml"), content_type="application/atom+xml")


def _json(name: str) -> Route:
    return html_route(_file(name), content_type="application/json; charset=utf-8")


def _openreview(handler: Handler) -> None:
    if handler.path != "/notes?id=Fx7Kq2LmNo":
        handler.send_bytes(b'{"notes": [], "count": 0}', content_type="application/json")
        return
    handler.send_bytes(_file("openreview_note.json"), content_type="application/json")


ROUTES: dict[str, Route] = {
    "/api/query": _arxiv,
    "/notes": _openreview,
    "/works/10.1145/3580305.3599999": _json("crossref_work.json"),
    "/2023.acl-long.100/": html_route(_file("acl_page.html")),
    "/api/papers/2305.18290": _json("hf_paper.json"),
}


@pytest.fixture
def sources(serve: Callable[[dict[str, Route]], LocalServer]) -> LocalServer:
    return serve(dict(ROUTES))


def resolver(
    server: LocalServer, cache: StoreLinkCache | None = None, **kwargs: object
) -> LinkResolver:
    base = server.url("")
    return LinkResolver(
        local_fetcher(server, **kwargs),
        cache=cache,
        arxiv_api=server.url("/api/query"),
        papers=PaperEndpoints(base, base, base, base),
    )


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    database = open_database(f"sqlite:///{tmp_path}/papers.db")
    yield Repository(database)
    database.dispose()


@pytest.mark.parametrize("url", list(EXPECTED))
def test_each_source_gives_title_authors_venue_year_and_code(
    sources: LocalServer, url: str
) -> None:
    meta = resolver(sources).resolve(url)

    title, line, code = EXPECTED[url]
    assert meta.ok and meta.is_paper
    assert meta.title == title
    assert byline(Paper(meta.authors, meta.venue, meta.year)) == line
    assert meta.code_url == code


def test_card_page_and_export_show_the_paper_line_for_every_source(
    sources: LocalServer, repo: Repository
) -> None:
    """The must-show of issue #17: arXiv, OpenReview, ACL Anthology, a DOI and a Hugging
    Face page, each submitted with the member's own title and shown with its byline."""
    from bot.core.model import Presenter

    lookup = resolver(sources, StoreLinkCache(repo))  # the database cache the bot uses
    service = TopicService(
        repo,
        Cycle(),
        lookup=lookup,
        is_paper_url=lambda url: paper_kind(url) is not None,
        clock=lambda: NOW,
    )
    for index, url in enumerate(EXPECTED):
        outcome = service.submit_text(
            Presenter(f"U{index}", f"Member {index}"), f"[論文] 私の題 {url}"
        )
        assert outcome.accepted, outcome.problems
    topics = {topic.url: topic for topic in repo.topics_for_meeting(service.coming_meeting())}
    assert set(topics) == set(EXPECTED)

    from bot.archive.exporter import export_markdown

    exported = export_markdown(repo)
    for url, (_, line, code) in EXPECTED.items():
        topic = topics[url]
        assert topic.title == "私の題"  # what the member typed is kept
        _, card = topic_card(topic, "ja")
        card_text = json.dumps(card, ensure_ascii=False)
        assert line in card_text and f"<{code}|コード>" in card_text
        page = plain_text(topic_blocks(topic, "ja"))
        assert line in page and "コード" in page
        assert f"> {line} · [コード]({code})" in exported


def test_a_failed_source_falls_back_to_what_the_member_typed(
    serve: Callable[[dict[str, Route]], LocalServer], repo: Repository
) -> None:
    from bot.core.model import Presenter

    broken = serve({"/notes": html_route("oops", status=503, content_type="text/plain")})
    # The fallback fetch of the page itself meets a private address: refused, no socket.
    lookup = resolver(
        broken, StoreLinkCache(repo), resolver=StubResolver({"openreview.net": ["10.0.0.7"]})
    )
    service = TopicService(repo, Cycle(), lookup=lookup, clock=lambda: NOW)

    outcome = service.submit_text(Presenter("U1", "Aki"), f"[論文] 手書きの題 {OPENREVIEW_URL}")

    assert outcome.topic is not None
    assert outcome.topic.title == "手書きの題"
    assert outcome.topic.paper is None
    _, card = topic_card(outcome.topic, "ja")
    assert "コード" not in json.dumps(card, ensure_ascii=False)
    assert broken.requests == ["/notes?id=Fx7Kq2LmNo"]


def test_sources_are_recognised_only_in_their_paper_forms() -> None:
    assert paper_source(OPENREVIEW_URL) is not None
    assert paper_source("https://openreview.net/pdf?id=Fx7Kq2LmNo") is not None
    assert paper_source("https://openreview.net/group?id=ICLR.cc") is None
    assert paper_source("https://www.aclweb.org/anthology/P19-1001.pdf") is not None
    assert paper_source("https://aclanthology.org/events/acl-2023/") is None
    assert paper_source("https://dx.doi.org/10.18653/v1/2023.acl-long.100") is not None
    assert paper_source("https://doi.org/help") is None
    assert paper_source("https://huggingface.co/papers/2305.18290") is not None
    assert paper_source("https://huggingface.co/papers/trending") is None
    assert paper_source("ftp://doi.org/10.1/x") is None


@pytest.mark.parametrize(
    "body",
    [
        "",
        "null",
        "[]",
        '{"notes": {}}',
        '{"notes": [{"id": "Fx7Kq2LmNo"}]}',
        "{bad",
        "[" * 200_000 + "]" * 200_000,
    ],
)
def test_unexpected_answers_give_nothing_rather_than_crash(body: str) -> None:
    assert parse_openreview(body, "Fx7Kq2LmNo") is None
    assert parse_crossref(body) is None
    assert parse_hf_paper(body) is None


def test_openreview_api_v1_shape_and_crossref_without_venue() -> None:
    v1 = {
        "notes": [
            {"id": "abc", "cdate": 1600000000000, "content": {"title": "Old", "authors": ["A"]}}
        ]
    }
    facts = parse_openreview(json.dumps(v1), "abc")
    assert facts is not None and (facts.title, facts.authors, facts.year) == ("Old", ("A",), 2020)
    bare = parse_crossref(json.dumps({"message": {"title": ["T"], "author": [{"name": "Org"}]}}))
    assert bare is not None and (bare.authors, bare.venue, bare.year) == (("Org",), None, None)


def test_code_link_ignores_the_sites_own_repositories() -> None:
    assert github_repo(["https://github.com/acl-org/acl-anthology"]) is None
    assert github_repo(["see https://github.com/a-b/c.d.git."]) == "https://github.com/a-b/c.d"


def test_a_hugging_face_page_unknown_to_arxiv_falls_back_to_the_page(
    serve: Callable[[dict[str, Route]], LocalServer],
) -> None:
    empty = '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'
    server = serve({"/api/query": html_route(empty, content_type="application/atom+xml")})
    # The page itself is tried next; here it resolves to a private address and is refused.
    stub = StubResolver({"huggingface.co": ["10.0.0.8"]})

    meta = resolver(server, resolver=stub).resolve(HF_URL)

    assert (meta.ok, meta.is_paper, meta.note) == (False, True, "private_address")
    assert stub.calls == [("huggingface.co", 443)]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.alphaxiv.org/abs/2305.18290",
        "https://ar5iv.labs.arxiv.org/html/2305.18290v2",
        "https://www.semanticscholar.org/arxiv/2305.18290",
        "https://doi.org/10.48550/arXiv.2305.18290",
    ],
)
def test_other_pages_of_an_arxiv_paper_read_it_from_arxiv(sources: LocalServer, url: str) -> None:
    meta = resolver(sources).resolve(url)

    assert meta.ok and meta.title == "A Fixture Paper Found Through Hugging Face"
    assert (
        byline(Paper(meta.authors, meta.venue, meta.year))
        == "Kai Nakamura, Lena Roth — NeurIPS 2023"
    )
    assert paper_kind(url) is not None  # counts as a paper link (strict mode, hints)
    assert not any(path.startswith("/api/papers/") for path in sources.requests)


def test_a_source_that_times_out_is_not_followed_by_a_second_wait(
    serve: Callable[[dict[str, Route]], LocalServer],
) -> None:
    slow = serve({"/notes": html_route("{}", content_type="application/json", delay=60)})
    # StubResolver fails the test if the page itself (openreview.net) is looked up.
    lookup = resolver(slow, timeout=0.3, resolver=StubResolver())

    meta = finishes(lambda: lookup.resolve(OPENREVIEW_URL))

    assert (meta.ok, meta.is_paper, meta.note) == (False, True, "timeout")
