"""arXiv: the API that answers for a batch of identifiers, and its Atom feed.

Which links are arXiv papers, and their identifiers, is :func:`bot.core.urls.arxiv_id`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

import httpx

from bot.core.urls import arxiv_id
from bot.links.pages import PaperFacts, collapse, year_in
from bot.links.papers import Fetcher, github_repo

ARXIV_API: Final = "https://export.arxiv.org/api/query"
ARXIV_BATCH: Final = 50
"""At most this many identifiers go in one API call."""

NOT_HTML: Final = "not_html"  # the fetcher answered with something that is not text

_ARXIV_NS: Final = "http://arxiv.org/schemas/atom"
_ATOM: Final = {"atom": "http://www.w3.org/2005/Atom", "arxiv": _ARXIV_NS}


def parse_arxiv_feed(feed: str) -> dict[str, PaperFacts]:
    """Entries of an arXiv API Atom answer by version-less id; error entries skipped."""
    if "<!DOCTYPE" in feed or "<!ENTITY" in feed:
        return {}  # the API never sends them; entity tricks are not worth parsing
    try:
        root = ET.fromstring(feed)
    except ET.ParseError:
        return {}
    entries: dict[str, PaperFacts] = {}
    for entry in root.findall("atom:entry", _ATOM):
        identifier = arxiv_id(entry.findtext("atom:id", default="", namespaces=_ATOM))
        title = collapse(entry.findtext("atom:title", default=None, namespaces=_ATOM))
        if identifier is None or title is None:
            continue
        names = (
            collapse(author.findtext("atom:name", default=None, namespaces=_ATOM))
            for author in entry.findall("atom:author", _ATOM)
        )
        published = entry.findtext("atom:published", default=None, namespaces=_ATOM)
        journal = collapse(entry.findtext("arxiv:journal_ref", default=None, namespaces=_ATOM))
        code = github_repo(
            entry.findtext(path, default=None, namespaces=_ATOM)
            for path in ("arxiv:comment", "atom:summary")
        )
        entries[identifier] = PaperFacts(
            title,
            tuple(n for n in names if n),
            journal or "arXiv",
            year_in(published),
            code,
        )
    return entries


def fetch_arxiv(fetcher: Fetcher, api: httpx.URL, ids: list[str]) -> dict[str, PaperFacts] | str:
    """One API call for ``ids``: the papers found by id, or the fetcher's note on failure."""
    query = api.copy_merge_params({"id_list": ",".join(ids), "max_results": str(len(ids))})
    result = fetcher.fetch(str(query))
    if result.error is not None or result.text is None:
        return result.error or NOT_HTML
    return parse_arxiv_feed(result.text)
