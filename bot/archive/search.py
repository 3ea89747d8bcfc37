"""Paging of `/topic search WORDS`: offsets and the "next page" value (the blocks are
built in ``bot.slack.search``)."""

from __future__ import annotations

import json

PAGE_SIZE = 10


def page_offset(page: int, page_size: int = PAGE_SIZE) -> int:
    """The ``offset`` to pass to ``Repository.search`` for a 1-based page."""
    return (max(page, 1) - 1) * page_size


def next_page_value(words: str, page: int) -> str:
    """The button value that asks for ``page`` of ``words`` (JSON)."""
    return json.dumps({"words": words, "page": page}, ensure_ascii=False)


def parse_next_page_value(value: str) -> tuple[str, int] | None:
    """(words, page) from a ``search_next`` button value; None if it is not one of ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    words, page = data.get("words"), data.get("page")
    if not isinstance(words, str) or not words.strip():
        return None
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= 10_000:
        return None
    return words, page
