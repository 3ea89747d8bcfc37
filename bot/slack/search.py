"""Pure Block Kit builder for `/topic search WORDS` results, with a "next page" button."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.archive.query import SearchQuery
from bot.archive.search import PAGE_SIZE, next_page_value, page_offset
from bot.core.i18n import Language, t
from bot.core.model import Topic
from bot.core.text import clip
from bot.slack import ids
from bot.slack.blocks import clip_mrkdwn, escape, link

BUTTON_VALUE_MAX = 2000  # Slack's limit on a button's value
SECTION_TEXT_MAX = 3000
WORDS_SHOWN_MAX = 100

Block = dict[str, Any]


def _result(topic: Topic, lang: Language) -> Block:
    title = clip(topic.title, 300)
    shown = link(topic.url, title) if topic.url else escape(title)
    meta = t(
        lang,
        "search_meta",
        date=topic.meeting.isoformat(),
        name=escape(clip(topic.presenter.name, 100)),
        votes=t(lang, "votes_suffix", votes=topic.votes),
    )
    return _text_section(f"{escape(f'[{topic.tag}]')} {shown}\n{meta}")


def search_blocks(
    topics: Sequence[Topic],
    total: int,
    page: int,
    words: str,
    lang: Language = "ja",
    *,
    page_size: int = PAGE_SIZE,
) -> list[Block]:
    """Results of one page (1-based): a header, one section per topic, a next button.

    ``topics`` is the page ``Repository.search(words, limit=page_size,
    offset=page_offset(page))`` returned and ``total`` its total count.
    """
    page = max(page, 1)
    shown_words = escape(clip(" ".join(words.split()), WORDS_SHOWN_MAX))
    if total <= 0:
        return [_text_section(t(lang, "search_none", words=shown_words))]
    if not topics:
        return [_text_section(t(lang, "search_page_empty", words=shown_words, total=total))]
    first = page_offset(page, page_size) + 1
    header = t(
        lang,
        "search_header",
        words=shown_words,
        total=total,
        first=first,
        last=first + len(topics) - 1,
    )
    blocks: list[Block] = [_text_section(header), {"type": "divider"}]
    blocks += [_result(topic, lang) for topic in topics[:page_size]]
    remaining = total - (first - 1) - len(topics)
    value = next_page_value(words, page + 1)
    if remaining > 0 and len(value) <= BUTTON_VALUE_MAX:
        button = {
            "type": "button",
            "action_id": ids.ACTION_SEARCH_NEXT,
            "text": {
                "type": "plain_text",
                "text": t(lang, "search_next", count=min(remaining, page_size)),
            },
            "value": value,
        }
        blocks.append({"type": "actions", "elements": [button]})
    return blocks


def search_problem(query: SearchQuery, lang: Language, tags: Sequence[str]) -> str:
    """Why a filter of ``query`` was refused, with an example and the member's own text."""
    return t(
        lang,
        f"search_{query.problem}",
        value=escape(clip(query.bad_value, WORDS_SHOWN_MAX)),
        tags=escape(" ".join(tags)),
        words=escape(clip(query.words, 1000)),
    )


def _text_section(text: str) -> Block:
    # mrkdwn with links: clipped by the shared helper, never through a <url|label>.
    text = clip_mrkdwn(text, SECTION_TEXT_MAX)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
