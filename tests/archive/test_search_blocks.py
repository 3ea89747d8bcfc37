"""The `/topic search` result blocks: pure, escaped, paginated with a JSON button value."""

from __future__ import annotations

import datetime as dt
import json

from bot.archive.search import PAGE_SIZE, next_page_value, page_offset, parse_next_page_value
from bot.core.model import Presenter, Topic
from bot.slack.ids import ACTION_SEARCH_NEXT
from bot.slack.search import search_blocks

AT = dt.datetime(2024, 5, 13, tzinfo=dt.UTC)


def topic(
    n: int, *, url: str = "https://e.com/x", title: str = "Title", name: str = "山田"
) -> Topic:
    return Topic(
        n, dt.date(2024, 5, 16), "論文", f"{title} {n}", url, Presenter("U1", name), AT, votes=n
    )


def _texts(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_results_with_next_button() -> None:
    topics = [topic(n) for n in range(1, PAGE_SIZE + 1)]
    blocks = search_blocks(topics, 25, 1, "検索 語", "ja")
    assert blocks[0]["text"]["text"] == "「検索 語」の検索結果: 25 件（1〜10 件目）"
    results = [b for b in blocks if b["type"] == "section"][1:]
    assert len(results) == PAGE_SIZE
    assert results[0]["text"]["text"] == (
        "[論文] <https://e.com/x|Title 1>\n2024-05-16 の回 · 山田 · 👍 1"
    )
    [actions] = [b for b in blocks if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["action_id"] == ACTION_SEARCH_NEXT == "search_next"
    assert json.loads(button["value"]) == {"words": "検索 語", "page": 2}
    assert parse_next_page_value(button["value"]) == ("検索 語", 2)
    assert button["text"]["text"] == "次の 10 件"


def test_last_page_has_no_button_and_english() -> None:
    blocks = search_blocks([topic(21), topic(22)], 22, 3, "x", "en")
    assert blocks[0]["text"]["text"] == "Results for “x”: 22 (21–22)"
    assert not [b for b in blocks if b["type"] == "actions"]
    assert page_offset(3) == 20


def test_user_text_is_escaped_and_unlinked_titles_stay_plain() -> None:
    evil = topic(1, url="", title="<!channel> & <@U1>", name="<b>")
    blocks = search_blocks([evil], 1, 1, "<!here>", "ja")
    text = _texts(blocks)
    assert "<!channel>" not in text and "<!here>" not in text and "<@U1>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt; 1" in blocks[2]["text"]["text"]
    assert "&lt;b&gt;" in blocks[2]["text"]["text"]
    linked = topic(2, url="https://e.com/a|b>c")
    assert (
        "<https://e.com/a%7Cb%3Ec|Title 2>" in search_blocks([linked], 1, 1, "t")[2]["text"]["text"]
    )


def test_no_results_and_past_the_end() -> None:
    assert search_blocks([], 0, 1, "none", "en")[0]["text"]["text"] == (
        "No past topic matches “none”."
    )
    assert "これ以上" in search_blocks([], 5, 9, "x")[0]["text"]["text"]


def test_button_values() -> None:
    assert parse_next_page_value(next_page_value("a b", 4)) == ("a b", 4)
    for bad in (
        "",
        "[]",
        "{}",
        '{"words": "x", "page": 0}',
        '{"words": " ", "page": 2}',
        '{"words": "x", "page": true}',
        "not json",
    ):
        assert parse_next_page_value(bad) is None
    huge = "w" * 3000
    blocks = search_blocks([topic(1)], 50, 1, huge)
    assert not [b for b in blocks if b["type"] == "actions"]  # value would exceed 2,000
    assert len(blocks[0]["text"]["text"]) < 300
