"""The archive's papers as BibTeX: one entry per paper, keys that stay the same run after run."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from bot.core.model import Topic
from bot.core.urls import normalize_url
from bot.store import Repository

PAPER_TAG: Final = "論文"
_KEY_WORDS: Final = re.compile(r"[a-z0-9]+")
_STOP_WORDS: Final = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with"})
# BibTeX counts braces even after a backslash, so they are spelt as commands with
# balanced braces; the other LaTeX specials are escaped the usual way.
_LATEX: Final = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
)


def is_paper(topic: Topic) -> bool:
    """A topic of the reading list: tagged as a paper, or its source named a paper."""
    return topic.tag == PAPER_TAG or topic.paper is not None


def latex(text: str) -> str:
    """Text made safe inside a braced BibTeX value (one line, specials escaped)."""
    return " ".join(text.split()).translate(_LATEX)


def _url_value(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _KEY_WORDS.findall(folded)


def _digest(topic: Topic) -> str:
    return hashlib.sha1(normalize_url(topic.url or topic.title).encode()).hexdigest()[:6]


def base_key(topic: Topic) -> str:
    """``surname + year + first title word`` in ASCII; a hash of the source when none is."""
    paper = topic.paper
    surname = ""
    if paper is not None and paper.authors:
        names = _ascii_words(paper.authors[0])
        surname = names[-1] if names else ""
    year = str(paper.year) if paper is not None and paper.year else ""
    words = [w for w in _ascii_words(topic.title) if w not in _STOP_WORDS]
    key = f"{surname}{year}{words[0] if words else ''}"
    return key if surname or words else f"paper{year}{_digest(topic)}"


def _entry(key: str, topic: Topic) -> str:
    paper = topic.paper
    fields: list[tuple[str, str]] = [("title", f"{{{latex(topic.title)}}}")]
    if paper is not None and paper.authors:
        fields.append(("author", " and ".join(latex(name) for name in paper.authors)))
    venue = paper.venue if paper is not None else None
    arxiv = venue is None or venue.lower() == "arxiv"
    if venue and not arxiv:
        fields.append(("booktitle", latex(venue)))
    if paper is not None and paper.year:
        fields.append(("year", str(paper.year)))
    if topic.url:
        fields.append(("url", _url_value(topic.url)))
    if paper is not None and paper.code_url:
        fields.append(("code", _url_value(paper.code_url)))
    presented = f"{topic.meeting.isoformat()}, {topic.presenter.name}"
    fields.append(("note", latex(f"Presented {presented}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    kind = "misc" if arxiv else "inproceedings"
    return f"@{kind}{{{key},\n{body}\n}}\n"


def render_bibtex(topics: Iterable[Topic]) -> str:
    """One entry per paper (the first presentation of a source), oldest first.

    A key is the paper's own (``woo2023convnext``); a paper whose key another took
    first gets the source's hash appended, so adding papers never renames older keys.
    """
    seen_sources: set[str] = set()
    taken: set[str] = set()
    entries: list[str] = []
    for topic in topics:
        if not is_paper(topic):
            continue
        source = normalize_url(topic.url) if topic.url else f"title:{topic.title}"
        if source in seen_sources:
            continue
        seen_sources.add(source)
        key = base_key(topic)
        if key in taken:
            key = f"{key}-{_digest(topic)}"
        taken.add(key)
        entries.append(_entry(key, topic))
    return "\n".join(entries)


def export_bibtex(repo: Repository, since: dt.date | None = None) -> str:
    """Every paper of the archive (meetings on or after ``since``) as BibTeX."""
    return render_bibtex(repo.all_topics(since))
