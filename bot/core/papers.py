"""What a reading list shows of a paper: authors, venue, year and its code, as one line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MAX_AUTHORS: Final = 3
BYLINE_MAX: Final = 300  # venue names from metadata can be paragraphs; one line stays a line
ET_AL: Final = "et al."


@dataclass(frozen=True, slots=True)
class Paper:
    """Bibliographic facts of a topic's source, as far as its metadata names them."""

    authors: tuple[str, ...] = ()
    venue: str | None = None
    year: int | None = None
    code_url: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.authors or self.venue or self.year or self.code_url)


def short_authors(authors: tuple[str, ...]) -> str:
    """The first three names, then ``et al.`` when there are more."""
    shown = ", ".join(authors[:MAX_AUTHORS])
    return f"{shown} {ET_AL}" if len(authors) > MAX_AUTHORS else shown


def byline(paper: Paper) -> str:
    """``authors — venue year``; a missing part is left out, "" when nothing is known."""
    venue = paper.venue or ""
    # OpenReview venues already carry the year ("ICLR 2024 oral"): say it once.
    year = str(paper.year) if paper.year and str(paper.year) not in venue else ""
    where = " ".join(part for part in (venue, year) if part)
    return " — ".join(part for part in (short_authors(paper.authors), where) if part)


def shown_byline(paper: Paper) -> str:
    """:func:`byline` on one line, clipped to :data:`BYLINE_MAX` characters."""
    line = " ".join(byline(paper).split())
    return line if len(line) <= BYLINE_MAX else line[: BYLINE_MAX - 1] + "…"
