"""Paper metadata beyond arXiv: OpenReview, ACL Anthology, DOIs (Crossref), Hugging Face pages.

Each source is read through the safe fetcher (same limits as any link). The parsers are
pure functions on the documented response shapes, so a fake server can stand in for
each API in tests; anything unexpected gives ``None`` and the caller falls back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import parse_qs, quote, urlsplit

from bot.links.fetcher import FetchResult
from bot.links.pages import HEAD_CHARS, PaperFacts, scan_head

OPENREVIEW_API: Final = "https://api2.openreview.net"
CROSSREF_API: Final = "https://api.crossref.org"
ACL_ANTHOLOGY: Final = "https://aclanthology.org"
HUGGING_FACE: Final = "https://huggingface.co"

OPENREVIEW: Final = "openreview"
ACL: Final = "acl_anthology"
DOI: Final = "doi"
HF_PAPER: Final = "hf_paper"
ARXIV_PAGE: Final = "arxiv_page"
ARXIV_DOI_PREFIX: Final = "10.48550/arxiv."  # another site's page of an arXiv paper, id in its path

# Sites that show an arXiv paper under its id: path prefixes before the id.
_ARXIV_MIRRORS: Final = {
    "alphaxiv.org": ("/abs/", "/overview/"),
    "ar5iv.labs.arxiv.org": ("/html/",),
    "ar5iv.org": ("/abs/", "/html/"),
    "arxiv-vanity.com": ("/papers/",),
    "semanticscholar.org": ("/arxiv/",),
}

_GITHUB: Final = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9-]{1,39})/([A-Za-z0-9_.-]{1,100})"
)
# Sites link their own repositories from every page; those are not the paper's code.
_NOT_PAPER_CODE: Final = frozenset({"acl-org", "openreview", "huggingface", "crossref", "arxiv"})
_YEAR: Final = re.compile(r"\b(19[5-9]\d|2\d{3})\b")
_ARXIV_NEW_ID: Final = re.compile(r"\d{4}\.\d{4,5}")
_DOI: Final = re.compile(r"10\.\d{4,9}/\S+")
_ACL_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{2,60}")


@dataclass(frozen=True, slots=True)
class PaperEndpoints:
    """Where each source's API lives; tests point them at local fakes."""

    openreview: str = OPENREVIEW_API
    crossref: str = CROSSREF_API
    acl_anthology: str = ACL_ANTHOLOGY
    hugging_face: str = HUGGING_FACE


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A link recognised as a paper source, and the key its API is asked with."""

    kind: str
    key: str


class Fetcher(Protocol):
    def fetch(self, url: str) -> FetchResult: ...


def _host_path(url: str) -> tuple[str, str, str] | None:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"}:
        return None
    return host, parts.path, parts.query


def paper_source(url: str) -> SourceRef | None:
    """Which metadata API describes ``url`` (arXiv itself is handled by the resolver)."""
    found = _host_path(url)
    if found is None:
        return None
    host, path, query = found
    if host == "openreview.net" and path.rstrip("/") in {"/forum", "/pdf"}:
        ids = parse_qs(query).get("id")
        return SourceRef(OPENREVIEW, ids[0]) if ids and ids[0] else None
    if host in {"aclanthology.org", "aclweb.org"}:
        name = path.removeprefix("/anthology").strip("/").removesuffix(".pdf").removesuffix(".bib")
        if _ACL_ID.fullmatch(name) and ("." in name or "-" in name):
            return SourceRef(ACL, name)
        return None
    if host in {"doi.org", "dx.doi.org"} and _DOI.fullmatch(path.lstrip("/")):
        doi = path.lstrip("/")
        # arXiv's own DOIs are registered with DataCite, not Crossref: ask arXiv.
        arxiv = doi.lower().removeprefix(ARXIV_DOI_PREFIX)
        if arxiv != doi.lower():
            return SourceRef(ARXIV_PAGE, arxiv) if _ARXIV_NEW_ID.fullmatch(arxiv) else None
        return SourceRef(DOI, doi)
    for prefix in _ARXIV_MIRRORS.get(host, ()):
        if path.startswith(prefix):
            paper = re.sub(r"v\d+$", "", path.removeprefix(prefix).strip("/"))
            return SourceRef(ARXIV_PAGE, paper) if _ARXIV_NEW_ID.fullmatch(paper) else None
    if host == "huggingface.co" and path.startswith("/papers/"):
        paper = path.removeprefix("/papers/").strip("/")
        return SourceRef(HF_PAPER, paper) if _ARXIV_NEW_ID.fullmatch(paper) else None
    return None


def github_repo(texts: Iterable[str | None]) -> str | None:
    """The first GitHub repository named in ``texts``, as ``https://github.com/owner/repo``."""
    for text in texts:
        for match in _GITHUB.finditer(text or ""):
            owner, repo = match.group(1), match.group(2).rstrip(".").removesuffix(".git")
            if owner.lower() in _NOT_PAPER_CODE or not repo:
                continue
            return f"https://github.com/{owner}/{repo}"
    return None


def _clean(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


def _names(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(dict.fromkeys(name for value in values if (name := _clean(value))))


def _year_in(text: str | None) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # a hostile answer may nest a million deep
        return None


def _or_value(field: object) -> object:
    """OpenReview API v2 wraps every content field as ``{"value": ...}``; v1 does not."""
    return field.get("value") if isinstance(field, dict) else field


def parse_openreview(body: str, forum: str) -> PaperFacts | None:
    """A ``GET /notes?id=FORUM`` answer: ``{"notes": [{"id", "content": {...}, "pdate"}]}``."""
    data = _json(body)
    notes = data.get("notes") if isinstance(data, dict) else None
    if not isinstance(notes, list):
        return None
    note = next((n for n in notes if isinstance(n, dict) and n.get("id") == forum), None)
    if note is None or not isinstance(note.get("content"), dict):
        return None
    content: dict[str, object] = note["content"]
    title = _clean(_or_value(content.get("title")))
    if title is None:
        return None
    venue = _clean(_or_value(content.get("venue")))
    year = None
    for stamp in (note.get("pdate"), note.get("odate"), note.get("cdate")):
        if isinstance(stamp, int) and stamp > 0:
            year = dt.datetime.fromtimestamp(stamp / 1000, dt.UTC).year
            break
    code_fields = (_or_value(content.get(key)) for key in ("code", "abstract", "TLDR"))
    return PaperFacts(
        title,
        _names(_or_value(content.get("authors"))),
        venue,
        _year_in(venue) or year,
        github_repo(text for text in code_fields if isinstance(text, str)),
    )


def _crossref_year(message: Mapping[str, object]) -> int | None:
    for key in ("published-print", "published", "issued", "published-online", "created"):
        stamp = message.get(key)
        parts = stamp.get("date-parts") if isinstance(stamp, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0][0]
            if isinstance(first, int):
                return first
    return None


def _crossref_author(author: object) -> str | None:
    if not isinstance(author, dict):
        return None
    name = " ".join(p for p in (_clean(author.get("given")), _clean(author.get("family"))) if p)
    return name or _clean(author.get("name"))


def _first(values: object) -> str | None:
    if isinstance(values, list):
        return next((text for value in values if (text := _clean(value))), None)
    return _clean(values)


def parse_crossref(body: str) -> PaperFacts | None:
    """A ``GET /works/DOI`` answer: ``{"status": "ok", "message": {"title": [...], ...}}``."""
    data = _json(body)
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        return None
    title = _first(message.get("title"))
    if title is None:
        return None
    authors = message.get("author")
    names = tuple(
        name
        for a in (authors if isinstance(authors, list) else [])
        if (name := _crossref_author(a))
    )
    event = message.get("event")
    venue = (
        _first(message.get("short-container-title"))
        or _first(message.get("container-title"))
        or (_clean(event.get("name")) if isinstance(event, dict) else None)
        or _clean(message.get("publisher"))
    )
    related: list[str] = []
    relations = message.get("relation")
    if isinstance(relations, dict):
        for items in relations.values():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    related.append(item["id"])
    links = message.get("link")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and isinstance(link.get("URL"), str):
            related.append(link["URL"])
    return PaperFacts(title, names, venue, _crossref_year(message), github_repo(related))


def parse_acl_page(html: str) -> PaperFacts | None:
    """An ACL Anthology paper page: Highwire ``citation_*`` meta tags, and its code link."""
    meta, authors = scan_head(html)
    title = _clean(meta.get("citation_title")) or _clean(meta.get("og:title"))
    if title is None:
        return None
    venue = _clean(meta.get("citation_conference_title")) or _clean(
        meta.get("citation_journal_title")
    )
    year = None
    for key in ("citation_publication_date", "citation_date", "citation_year"):
        year = _year_in(meta.get(key))
        if year is not None:
            break
    # The page's "Code" link sits in the body, past the head the scanner reads.
    return PaperFacts(title, authors, venue, year, github_repo([html[: HEAD_CHARS * 4]]))


def parse_hf_paper(body: str) -> str | None:
    """The code link of a ``GET /api/papers/ID`` answer (``{"id", "githubRepo", ...}``)."""
    data = _json(body)
    if not isinstance(data, dict):
        return None
    return github_repo(
        [data.get("githubRepo") if isinstance(data.get("githubRepo"), str) else None]
    )


def source_request(ref: SourceRef, endpoints: PaperEndpoints) -> str:
    """The URL the fetcher asks for ``ref``."""
    if ref.kind == OPENREVIEW:
        return f"{endpoints.openreview.rstrip('/')}/notes?id={quote(ref.key, safe='')}"
    if ref.kind == DOI:
        return f"{endpoints.crossref.rstrip('/')}/works/{quote(ref.key, safe='/')}"
    if ref.kind == ACL:
        return f"{endpoints.acl_anthology.rstrip('/')}/{quote(ref.key, safe='')}/"
    return f"{endpoints.hugging_face.rstrip('/')}/api/papers/{quote(ref.key, safe='')}"


class PaperLookup:
    """Reads one recognised paper source; ``None`` means "fall back to the page"."""

    def __init__(self, fetcher: Fetcher, endpoints: PaperEndpoints | None = None) -> None:
        self._fetcher = fetcher
        self._endpoints = endpoints or PaperEndpoints()

    def facts(self, ref: SourceRef) -> PaperFacts | str:
        """The source's facts, or the stable note explaining why there are none."""
        result = self._fetcher.fetch(source_request(ref, self._endpoints))
        if result.error is not None:
            return result.error
        if result.text is None:
            return "not_html"  # the same note as for a page that is not text
        if ref.kind == OPENREVIEW:
            found = parse_openreview(result.text, ref.key)
        elif ref.kind == DOI:
            found = parse_crossref(result.text)
        elif ref.kind == ACL:
            found = parse_acl_page(result.text)
        else:
            code = parse_hf_paper(result.text)
            found = PaperFacts(None, code_url=code) if code else None
        return found if found is not None else "no_metadata"
