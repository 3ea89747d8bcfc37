"""Link metadata and its resolver: a title, authors and year for each link, from the arXiv API,
a paper site's API or the page itself, through a cache; one bad link never sinks the others.

Page titles are read in :mod:`bot.links.pages`, the arXiv API in :mod:`bot.links.arxiv`, the
other paper sites in :mod:`bot.links.papers`; each answers with a ``PaperFacts``, which
:meth:`LinkMetadata.of` turns into this module's one answer per link.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Final, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.core.clock import utc_now
from bot.core.urls import arxiv_id
from bot.links.arxiv import ARXIV_API, ARXIV_BATCH, NOT_HTML, fetch_arxiv
from bot.links.fetcher import TIMEOUT
from bot.links.pages import PaperFacts, parse_page
from bot.links.papers import (
    ARXIV_PAGE,
    HF_PAPER,
    Fetcher,
    PaperEndpoints,
    PaperLookup,
    SourceRef,
    paper_source,
)

_log = logging.getLogger(__name__)

DEFAULT_WORKERS: Final = 32  # 30 slow sources finish in one wave
FAILURE_TTL: Final = dt.timedelta(minutes=10)
"""How long a failed lookup is remembered: retries stay cheap, a fixed page is seen soon."""

# Stable notes of LinkMetadata besides the fetcher's error codes (and arxiv's NOT_HTML).
NO_TITLE: Final = "no_title"
ARXIV_NOT_FOUND: Final = "arxiv_not_found"
INTERNAL_ERROR: Final = "internal_error"
CACHED_FAILURE: Final = "cached_failure"  # a recent failure remembered without its code


@dataclass(frozen=True, slots=True)
class LinkMetadata:
    """What the bot knows about one link; ``ok`` means a title was found.

    ``note`` is a stable code explaining a failure (``timeout``, ``private_address``,
    ``no_title``, ...); callers fall back to the URL as label.

    The database keeps the same facts as ``bot.store.records.LinkMeta``, with ``fetched_at``
    instead of ``note`` (a failure's code is not stored: it comes back as ``cached_failure``);
    ``bot.wiring.StoreLinkCache`` converts between the two. They stay two: the store imports
    nothing from ``bot.links``.
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

    @classmethod
    def of(cls, url: str, facts: PaperFacts, *, is_paper: bool) -> LinkMetadata:
        """What a source said about ``url``: ``ok`` when it named a title, else ``no_title``."""
        found = facts.title is not None
        return cls(
            url,
            title=facts.title,
            authors=facts.authors,
            year=facts.year,
            is_paper=is_paper,
            ok=found,
            note=None if found else NO_TITLE,
            venue=facts.venue,
            code_url=facts.code_url,
        )


def still_cached(ok: bool, fetched_at: dt.datetime, now: dt.datetime) -> bool:
    """A success is kept for good; a failure for :data:`FAILURE_TTL`."""
    return ok or now - fetched_at < FAILURE_TTL


class MetadataCache(Protocol):
    """Where resolved metadata is kept between runs (a repository, or memory).

    Failures are put too; ``get`` forgets them after :data:`FAILURE_TTL`
    (see :func:`still_cached`), so a hostile or slow page is not fetched and
    parsed again on every submission.
    """

    def get(self, url: str) -> LinkMetadata | None: ...

    def put(self, meta: LinkMetadata) -> None: ...


class MemoryCache:
    """Thread-safe in-process MetadataCache."""

    def __init__(self, clock: Callable[[], dt.datetime] = utc_now) -> None:
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
        return LinkMetadata.of(url, found, is_paper=True)

    def _plain_page(self, url: str) -> LinkMetadata:
        is_paper = paper_kind(url) is not None
        result = self._fetcher.fetch(url)
        if result.error is not None:
            return LinkMetadata(url, is_paper=is_paper, note=result.error)
        if result.text is None:
            return LinkMetadata(url, is_paper=is_paper, note=NOT_HTML)
        return LinkMetadata.of(url, parse_page(result.text), is_paper=is_paper)

    def _arxiv(self, batch: Mapping[str, str]) -> dict[str, LinkMetadata]:
        """One API call for a batch of ``url -> arXiv id``."""
        entries = fetch_arxiv(self._fetcher, self._arxiv_api, list(dict.fromkeys(batch.values())))
        if isinstance(entries, str):
            return {url: LinkMetadata(url, is_paper=True, note=entries) for url in batch}
        resolved: dict[str, LinkMetadata] = {}
        for url, aid in batch.items():
            entry = entries.get(aid)
            if entry is None:
                resolved[url] = LinkMetadata(url, is_paper=True, note=ARXIV_NOT_FOUND)
            else:
                resolved[url] = LinkMetadata.of(url, entry, is_paper=True)
        return resolved
