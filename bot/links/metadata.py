"""Titles, authors and years for links: page metadata, paper-site recognition, the arXiv API."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from html import unescape
from typing import Final, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.links.fetcher import TIMEOUT, FetchResult
from bot.links.papers import (
    ARXIV_PAGE,
    HF_PAPER,
    PaperEndpoints,
    PaperLookup,
    SourceRef,
    github_repo,
    paper_source,
)

_log = logging.getLogger(__name__)

ARXIV_API: Final = "https://export.arxiv.org/api/query"
ARXIV_BATCH: Final = 50
DEFAULT_WORKERS: Final = 32  # 30 slow sources finish in one wave
FAILURE_TTL: Final = dt.timedelta(minutes=10)
"""How long a failed lookup is remembered: retries stay cheap, a fixed page is seen soon."""

# Stable notes of LinkMetadata besides the fetcher's error codes.
NOT_HTML: Final = "not_html"
NO_TITLE: Final = "no_title"
ARXIV_NOT_FOUND: Final = "arxiv_not_found"
INTERNAL_ERROR: Final = "internal_error"
CACHED_FAILURE: Final = "cached_failure"  # a recent failure remembered without its code

_ARXIV_NS: Final = "http://arxiv.org/schemas/atom"
_ATOM: Final = {"atom": "http://www.w3.org/2005/Atom", "arxiv": _ARXIV_NS}
_YEAR: Final = re.compile(r"\b(1[89]\d{2}|2\d{3})\b")

_ARXIV_ID: Final = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_PATH: Final = re.compile(rf"/(?:abs|pdf|html|format|ps)/{_ARXIV_ID}(?:\.pdf)?(?:/.*)?")
_ARXIV_LABEL: Final = re.compile(rf"arxiv:\s*{_ARXIV_ID}", re.IGNORECASE)
_ARXIV_HOSTS: Final = frozenset({"arxiv.org", "export.arxiv.org"})


@dataclass(frozen=True, slots=True)
class LinkMetadata:
    """What the bot knows about one link; ``ok`` means a title was found.

    ``note`` is a stable code explaining a failure (``timeout``, ``private_address``,
    ``no_title``, ...); callers fall back to the URL as label.
    """

    url: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    is_paper: bool = False
    ok: bool = False
    note: str | None = None
    venue: str | None = None
    code_url: str | None = None


def still_cached(ok: bool, fetched_at: dt.datetime, now: dt.datetime) -> bool:
    """A success is kept for good; a failure for :data:`FAILURE_TTL`."""
    return ok or now - fetched_at < FAILURE_TTL


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class MetadataCache(Protocol):
    """Where resolved metadata is kept between runs (a repository, or memory).

    Failures are put too; ``get`` forgets them after :data:`FAILURE_TTL`
    (see :func:`still_cached`), so a hostile or slow page is not fetched and
    parsed again on every submission.
    """

    def get(self, url: str) -> LinkMetadata | None: ...

    def put(self, meta: LinkMetadata) -> None: ...


class Fetcher(Protocol):
    def fetch(self, url: str) -> FetchResult: ...


class MemoryCache:
    """Thread-safe in-process MetadataCache."""

    def __init__(self, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self._items: dict[str, tuple[LinkMetadata, dt.datetime]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, url: str) -> LinkMetadata | None:
        with self._lock:
            found = self._items.get(url)
        if found is None or not still_cached(found[0].ok, found[1], self._clock()):
            return None
        return found[0]

    def put(self, meta: LinkMetadata) -> None:
        with self._lock:
            self._items[meta.url] = (meta, self._clock())


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


def _year(text: str | None) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """Metadata found in an HTML document."""

    title: str | None
    authors: tuple[str, ...]
    year: int | None


HEAD_CHARS: Final = 128 * 1024
"""At most this much of a page is scanned: ``<title>`` and ``og:title`` live in its head."""

_TAG_NAME: Final = re.compile(r"[a-zA-Z][^\s/>\x00]*")
_GAP: Final = re.compile(r"[\s/]*")
_ATTR_NAME: Final = re.compile(r"[^\s/>][^\s/>=]*")
_EQUALS: Final = re.compile(r"\s*=\s*")
_UNQUOTED: Final = re.compile(r"[^\s>]*")
_INNER_TAG: Final = re.compile(r"<[^<>]*>")
_RAW_TEXT: Final = frozenset(
    {"script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "title"}
)


def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{name}[\s/>]", re.IGNORECASE)


_CLOSERS: Final = {name: _closing(name) for name in _RAW_TEXT}


def _attributes(html: str, pos: int) -> tuple[dict[str, str], int] | None:
    """The attributes of a start tag from ``pos``, and where the tag ends; None if it never does.

    Every step consumes what it looked at, so a tag costs time linear in its length.
    """
    attrs: dict[str, str] = {}
    size = len(html)
    while True:
        gap = _GAP.match(html, pos)
        assert gap is not None  # [\s/]* always matches
        pos = gap.end()
        if pos >= size:
            return None
        if html[pos] == ">":
            return attrs, pos + 1
        name = _ATTR_NAME.match(html, pos)
        assert name is not None  # html[pos] is neither a gap nor ">"
        pos = name.end()
        value = ""
        equals = _EQUALS.match(html, pos)
        if equals is not None:
            pos = equals.end()
            if pos < size and html[pos] in "\"'":
                close = html.find(html[pos], pos + 1)
                if close < 0:
                    return None  # the rest of the page is inside the value
                value, pos = html[pos + 1 : close], close + 1
            else:
                bare = _UNQUOTED.match(html, pos)
                assert bare is not None  # [^\s>]* always matches
                value, pos = bare.group(), bare.end()
        attrs.setdefault(name.group().lower(), unescape(value))


class _HeadScan:
    """Collects ``<meta>`` titles, Highwire ``citation_*`` tags and the first ``<title>``.

    A single forward pass with ``str.find`` and anchored, non-backtracking patterns:
    each step moves past what it examined, so any input costs linear time. (The
    stdlib ``HTMLParser`` rescans its buffer and takes seconds on a hostile 64 KiB.)
    """

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.authors: list[str] = []
        self.title: str | None = None
        self.svg_depth = 0  # an inline icon's <title> is not the page's
        self.head_done = False

    def scan(self, html: str) -> None:
        pos = 0
        while not (self.head_done and (self.meta or self.title is not None)):
            opened = html.find("<", pos)
            if opened < 0:
                return
            after = opened + 1
            if html.startswith("!--", after):
                close = html.find("-->", after + 3)
                if close < 0:
                    return
                pos = close + 3
            elif html.startswith(("!", "?", "/"), after):
                close = html.find(">", after)
                if close < 0:
                    return
                name = _TAG_NAME.match(html, after + 1)
                if html[after] == "/" and name is not None:
                    self._end(name.group().lower())
                pos = close + 1
            elif (name := _TAG_NAME.match(html, after)) is None:
                pos = after  # a lone "<" is text
            else:
                tag = name.group().lower()
                found = _attributes(html, name.end())
                if found is None:
                    return
                attrs, pos = found
                self._start(tag, attrs, self_closing=html[pos - 2] == "/")
                if tag in _RAW_TEXT:
                    closer = _CLOSERS[tag].search(html, pos)
                    content = html[pos : closer.start() if closer else len(html)]
                    if tag == "title" and self.title is None and not self.svg_depth:
                        self.title = unescape(_INNER_TAG.sub("", content))
                    if closer is None:
                        return
                    pos = closer.start()

    def _start(self, tag: str, attrs: dict[str, str], *, self_closing: bool) -> None:
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            content = attrs.get("content")
            if key and content is not None:
                if key == "citation_author":
                    if (author := _collapse(content)) is not None:
                        self.authors.append(author)
                else:
                    self.meta.setdefault(key, content)
        elif tag == "svg" and not self_closing:
            self.svg_depth += 1
        elif tag == "body":
            self.head_done = True

    def _end(self, tag: str) -> None:
        if tag == "svg":
            self.svg_depth = max(0, self.svg_depth - 1)
        elif tag == "head":
            self.head_done = True


def _scan(html: str) -> _HeadScan:
    """Scan the head of a page (the caller has cut it to :data:`HEAD_CHARS`)."""
    scan = _HeadScan()
    scan.scan(html)
    return scan


def scan_head(html: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The ``<meta>`` name -> content map and the ``citation_author`` names of a page's head."""
    scan = _scan(html[:HEAD_CHARS])
    return scan.meta, tuple(dict.fromkeys(scan.authors))


def parse_page(html: str) -> PageMetadata:
    """Title (``og:title``, ``twitter:title``, ``citation_title``, ``<title>``), authors, year.

    Only the first :data:`HEAD_CHARS` characters are looked at, and scanning stops
    after the head once a title was found.
    """
    scan = _scan(html[:HEAD_CHARS])
    meta = scan.meta
    title = None
    for key in ("og:title", "twitter:title", "citation_title"):
        title = _collapse(meta.get(key))
        if title is not None:
            break
    if title is None:
        title = _collapse(scan.title)
    year = None
    for key in ("citation_publication_date", "citation_date", "citation_year", "dc.date"):
        year = _year(meta.get(key))
        if year is not None:
            break
    return PageMetadata(title, tuple(dict.fromkeys(scan.authors)), year)


def extract_title(html: str) -> str | None:
    """The page title: ``og:title``, ``twitter:title``, ``citation_title``, then ``<title>``."""
    return parse_page(html).title


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier (without version) of an arXiv URL or ``arXiv:`` label."""
    text = url.strip()
    label = _ARXIV_LABEL.fullmatch(text)
    if label is not None:
        return label.group("id")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or host not in _ARXIV_HOSTS:
        return None
    match = _ARXIV_PATH.fullmatch(parts.path)
    return match.group("id") if match else None


def _path_kind(host: str, path: str, query: str) -> str | None:
    if host == "openreview.net":
        has_id = bool(parse_qs(query).get("id"))
        return "openreview" if path.rstrip("/") in {"/forum", "/pdf"} and has_id else None
    if host == "aclanthology.org":
        return "acl_anthology" if path.strip("/") else None
    if host == "aclweb.org":
        return "acl_anthology" if path.startswith("/anthology/") else None
    if host in {"doi.org", "dx.doi.org"}:
        return "doi" if path.startswith("/10.") else None
    if host in {"proceedings.neurips.cc", "papers.nips.cc"}:
        return "neurips" if path.startswith("/paper") else None
    if host == "proceedings.mlr.press":
        return "pmlr" if re.match(r"/v\d+/.", path) else None
    if host == "openaccess.thecvf.com":
        return "cvf" if path.startswith("/content") else None
    if host == "ojs.aaai.org":
        return "aaai" if "/article/" in path else None
    if host == "dl.acm.org":
        return "acm" if path.startswith("/doi/") else None
    if host == "ieeexplore.ieee.org":
        return "ieee" if re.match(r"/(?:abstract/)?document/\d+", path) else None
    if host == "ijcai.org":
        return "ijcai" if path.startswith("/proceedings/") else None
    return None


def paper_kind(url: str) -> str | None:
    """Which paper site ``url`` points into (``arxiv``, ``openreview``, ``doi``, ...)."""
    if arxiv_id(url) is not None:
        return "arxiv"
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"}:
        return None
    kind = _path_kind(host, parts.path, parts.query)
    if kind is None and (ref := paper_source(url)) is not None:
        kind = ref.kind  # a page of an arXiv paper elsewhere (Hugging Face, alphaXiv, ...)
    return kind


@dataclass(frozen=True, slots=True)
class ArxivEntry:
    """One paper from an arXiv API answer."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str = "arXiv"
    code_url: str | None = None


def parse_arxiv_feed(feed: str) -> dict[str, ArxivEntry]:
    """Entries of an arXiv API Atom answer by version-less id; error entries skipped."""
    if "<!DOCTYPE" in feed or "<!ENTITY" in feed:
        return {}  # the API never sends them; entity tricks are not worth parsing
    try:
        root = ET.fromstring(feed)
    except ET.ParseError:
        return {}
    entries: dict[str, ArxivEntry] = {}
    for entry in root.findall("atom:entry", _ATOM):
        identifier = arxiv_id(entry.findtext("atom:id", default="", namespaces=_ATOM))
        title = _collapse(entry.findtext("atom:title", default=None, namespaces=_ATOM))
        if identifier is None or title is None:
            continue
        names = (
            _collapse(author.findtext("atom:name", default=None, namespaces=_ATOM))
            for author in entry.findall("atom:author", _ATOM)
        )
        published = entry.findtext("atom:published", default=None, namespaces=_ATOM)
        journal = _collapse(entry.findtext("arxiv:journal_ref", default=None, namespaces=_ATOM))
        code = github_repo(
            entry.findtext(path, default=None, namespaces=_ATOM)
            for path in ("arxiv:comment", "atom:summary")
        )
        entries[identifier] = ArxivEntry(
            identifier,
            title,
            tuple(n for n in names if n),
            _year(published),
            journal or "arXiv",
            code,
        )
    return entries


class LinkResolver:
    """Resolves links to LinkMetadata through a fetcher, the arXiv API and a cache."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        cache: MetadataCache | None = None,
        arxiv_api: str = ARXIV_API,
        max_workers: int = DEFAULT_WORKERS,
        papers: PaperEndpoints | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._papers = PaperLookup(fetcher, papers)
        self._cache = cache
        self._arxiv_api = httpx.URL(arxiv_api)
        self._max_workers = max_workers

    def resolve(self, url: str) -> LinkMetadata:
        """Metadata for one link; failures come back with ``ok=False`` and a note."""
        cached = self._cache.get(url) if self._cache is not None else None
        if cached is not None:
            return cached
        aid = arxiv_id(url)
        meta = self._guarded_arxiv({url: aid})[url] if aid else self._guarded_page(url)
        if self._cache is not None:
            self._cache.put(meta)
        return meta

    def resolve_many(self, urls: Iterable[str]) -> dict[str, LinkMetadata]:
        """Metadata for each distinct link, fetched concurrently; arXiv ids are batched."""
        unique = list(dict.fromkeys(urls))
        found: dict[str, LinkMetadata] = {}
        pending: list[str] = []
        for url in unique:
            cached = self._cache.get(url) if self._cache is not None else None
            if cached is not None:
                found[url] = cached
            else:
                pending.append(url)
        arxiv = {url: aid for url in pending if (aid := arxiv_id(url)) is not None}
        pages = [url for url in pending if url not in arxiv]
        batches = [
            dict(list(arxiv.items())[i : i + ARXIV_BATCH])
            for i in range(0, len(arxiv), ARXIV_BATCH)
        ]
        if pending:
            workers = max(1, min(self._max_workers, len(pages) + len(batches)))
            with ThreadPoolExecutor(workers, thread_name_prefix="link-resolve") as pool:
                batch_jobs = [pool.submit(self._guarded_arxiv, batch) for batch in batches]
                page_jobs = [pool.submit(self._guarded_page, url) for url in pages]
                for job in batch_jobs:
                    found.update(job.result())
                for url, page_job in zip(pages, page_jobs, strict=True):
                    found[url] = page_job.result()
        for url in pending:
            if self._cache is not None:
                self._cache.put(found[url])
        return {url: found[url] for url in unique}

    def _guarded_page(self, url: str) -> LinkMetadata:
        try:
            return self._page(url)
        except Exception:  # one bad link must not sink the whole agenda
            _log.exception("link_resolve_crashed url=%s", url)
            return LinkMetadata(url, is_paper=paper_kind(url) is not None, note=INTERNAL_ERROR)

    def _guarded_arxiv(self, batch: Mapping[str, str]) -> dict[str, LinkMetadata]:
        try:
            return self._arxiv(batch)
        except Exception:
            _log.exception("link_resolve_crashed urls=%s", list(batch))
            return {url: LinkMetadata(url, is_paper=True, note=INTERNAL_ERROR) for url in batch}

    def _page(self, url: str) -> LinkMetadata:
        ref = paper_source(url)
        if ref is not None:
            return self._paper(url, ref)
        return self._plain_page(url)

    def _paper(self, url: str, ref: SourceRef) -> LinkMetadata:
        """A paper from its source's API; a Hugging Face page is its arXiv paper plus the
        code link Hugging Face knows. Anything missing falls back to the page itself."""
        if ref.kind in {HF_PAPER, ARXIV_PAGE}:
            meta = self._arxiv({url: ref.key})[url]
            if not meta.ok:  # the page's own title is still better than the bare URL
                return replace(self._plain_page(url), is_paper=True)
            if meta.code_url is None and ref.kind == HF_PAPER:
                found = self._papers.facts(ref)
                code = None if isinstance(found, str) else found.code_url
                meta = replace(meta, code_url=code)
            return meta
        found = self._papers.facts(ref)
        if isinstance(found, str) or found.title is None:
            _log.info("paper_source_failed url=%s source=%s note=%s", url, ref.kind, found)
            if found == TIMEOUT:  # a second wait of the same length would only delay the reply
                return LinkMetadata(url, is_paper=True, note=TIMEOUT)
            fallback = self._plain_page(url)
            return replace(fallback, is_paper=True)
        return LinkMetadata(
            url,
            title=found.title,
            authors=found.authors,
            year=found.year,
            is_paper=True,
            ok=True,
            venue=found.venue,
            code_url=found.code_url,
        )

    def _plain_page(self, url: str) -> LinkMetadata:
        is_paper = paper_kind(url) is not None
        result = self._fetcher.fetch(url)
        if result.error is not None:
            return LinkMetadata(url, is_paper=is_paper, note=result.error)
        if result.text is None:
            return LinkMetadata(url, is_paper=is_paper, note=NOT_HTML)
        page = parse_page(result.text)
        return LinkMetadata(
            url,
            title=page.title,
            authors=page.authors,
            year=page.year,
            is_paper=is_paper,
            ok=page.title is not None,
            note=None if page.title is not None else NO_TITLE,
        )

    def _arxiv(self, batch: Mapping[str, str]) -> dict[str, LinkMetadata]:
        """One API call for a batch of ``url -> arXiv id``."""
        ids = list(dict.fromkeys(batch.values()))
        query = self._arxiv_api.copy_merge_params(
            {"id_list": ",".join(ids), "max_results": str(len(ids))}
        )
        result = self._fetcher.fetch(str(query))
        if result.error is not None or result.text is None:
            note = result.error or NOT_HTML
            return {url: LinkMetadata(url, is_paper=True, note=note) for url in batch}
        entries = parse_arxiv_feed(result.text)
        resolved: dict[str, LinkMetadata] = {}
        for url, aid in batch.items():
            entry = entries.get(aid)
            if entry is None:
                resolved[url] = LinkMetadata(url, is_paper=True, note=ARXIV_NOT_FOUND)
            else:
                resolved[url] = LinkMetadata(
                    url,
                    entry.title,
                    entry.authors,
                    entry.year,
                    is_paper=True,
                    ok=True,
                    venue=entry.venue,
                    code_url=entry.code_url,
                )
        return resolved
