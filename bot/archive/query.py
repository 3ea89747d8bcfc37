"""`/topic search` filters: ``tag:論文`` and ``year:2023`` taken out of the words, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.core.tags import TagSet

_FILTER: Final = re.compile(r"(?i)^(tag|year|タグ|年):(.*)$")
_BRACKETS: Final = "[]［］【】"
YEAR_MIN: Final = 1900
YEAR_MAX: Final = 2999


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """The words to match and the filters; ``problem`` names a filter that makes no sense."""

    words: str
    tag: str | None = None
    year: int | None = None
    problem: str | None = None  # "bad_tag" or "bad_year"
    bad_value: str = ""

    @property
    def empty(self) -> bool:
        return not self.words.strip() and self.tag is None and self.year is None


def parse_query(text: str, tags: TagSet) -> SearchQuery:
    """Split ``text`` into words and filters; an alias names its tag (``tag:paper`` = 論文).

    Year means the paper's year when its metadata gives one, else the meeting's.
    """
    words: list[str] = []
    tag: str | None = None
    year: int | None = None
    for token in text.split():
        found = _FILTER.match(token)
        if found is None:
            words.append(token)
            continue
        kind, value = found.group(1).lower(), found.group(2).strip(_BRACKETS)
        if kind in {"tag", "タグ"}:
            named = tags.lookup(value) if value else None
            if named is None:
                return SearchQuery(text, problem="bad_tag", bad_value=found.group(2))
            tag = named.name
        else:
            ascii_value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
            if not (ascii_value.isascii() and ascii_value.isdigit()):
                return SearchQuery(text, problem="bad_year", bad_value=found.group(2))
            year = int(ascii_value)
            if not YEAR_MIN <= year <= YEAR_MAX:
                return SearchQuery(text, problem="bad_year", bad_value=found.group(2))
    return SearchQuery(" ".join(words), tag, year)
