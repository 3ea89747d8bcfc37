"""Topic tags with aliases, and recognising them in any bracket form."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Brackets members actually use: ASCII, full-width and lenticular (【論文】).
_LEADING_TAG = re.compile(r"^\s*([\[［【])\s*([^\]］】\n]{1,40}?)\s*([\]］】])")


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag as shown (``name``) and the other spellings that mean it."""

    name: str
    aliases: tuple[str, ...] = ()


DEFAULT_TAGS: tuple[Tag, ...] = (
    Tag("論文", ("paper", "arxiv")),
    Tag("blog", ("ブログ", "記事", "article")),
    Tag("やってみた", ("tried", "hands-on")),
    Tag("アプデ", ("update", "release")),
    Tag("発表", ("talk", "資料")),
    Tag("その他", ("other",)),
)


def _key(text: str) -> str:
    """Folding used for matching: NFKC (full-width to ASCII), case-folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class TagSet:
    """The configured tags, matched ignoring case, width and bracket style."""

    def __init__(self, tags: Iterable[Tag] = DEFAULT_TAGS) -> None:
        self.tags: tuple[Tag, ...] = tuple(tags)
        self._index: dict[str, Tag] = {}
        for tag in self.tags:
            for spelling in (tag.name, *tag.aliases):
                self._index.setdefault(_key(spelling), tag)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Iterable[str]]) -> TagSet:
        return cls(Tag(name, tuple(aliases)) for name, aliases in mapping.items())

    def lookup(self, word: str) -> Tag | None:
        """The tag a bare word (no brackets) names, if any."""
        return self._index.get(_key(word))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(tag.name for tag in self.tags)


@dataclass(frozen=True, slots=True)
class LeadingTag:
    """A bracketed word found at the start of a text, and the rest of the text."""

    raw: str
    rest: str


def split_leading_tag(text: str) -> LeadingTag | None:
    """Split ``[論文] ConvNeXt`` into ``論文`` and ``ConvNeXt``; None if no bracket."""
    match = _LEADING_TAG.match(text)
    if match is None:
        return None
    return LeadingTag(raw=match.group(2), rest=text[match.end() :])
