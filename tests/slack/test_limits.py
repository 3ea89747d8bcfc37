"""Slack's size limits: clipping that never breaks markup, and the total-text budget."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.core.agenda import compile_agenda
from bot.core.model import Presenter, Topic
from bot.slack.blocks import (
    MAX_BLOCKS,
    SECTION_TEXT_MAX,
    TOTAL_TEXT_MAX,
    agenda_blocks,
    agenda_fallback_text,
    clip_mrkdwn,
    text_size,
)
from bot.slack.views import list_blocks, rejection, topic_card
from tests.fakes import FakeClock, FakeSlack
from tests.fakes.slack import check_message_blocks

MEETING = dt.date(2026, 11, 26)
T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
TOKEN = "xoxb-test-token"


def topic(n: int, *, title: str | None = None, url: str | None = None) -> Topic:
    return Topic(
        id=n,
        meeting=MEETING,
        tag="論文",
        title=title or f"Title {n}",
        url=url or f"https://arxiv.org/abs/2301.{n:05d}",
        presenter=Presenter(f"U{n:04d}", f"Name {n}"),
        submitted_at=T0 + dt.timedelta(minutes=n),
        votes=n % 7,
    )


def long_url(n: int) -> str:
    # Under the 2,000 characters the submission path accepts.
    return f"https://example.com/{n}/" + "a" * 1900 + "?q=1&x=<y>"


def markup_intact(text: str) -> bool:
    """Every ``<`` is closed and every ``&`` starts one of mrkdwn's three entities."""
    if re.search(r"<[^>]*$", text):
        return False
    outside = re.sub(r"<[^<>]*>", "", text)  # a URL may carry a bare & of its own
    return all(m.group(1) in ("amp", "lt", "gt") for m in re.finditer(r"&(\w*);?", outside))


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN, clock=FakeClock()) as fake:
        fake.add_channel("C0STUDY01", "study")
        yield fake


# ------------------------------------------------------------------ item 9: clipping
def test_clip_never_splits_an_entity() -> None:
    text = "a" * 8 + "&amp;" + "b" * 10
    for limit in range(5, len(text)):
        clipped = clip_mrkdwn(text, limit)
        assert len(clipped) <= limit
        assert markup_intact(clipped), clipped


def test_clip_keeps_a_link_whole_or_keeps_only_its_label() -> None:
    text = "see <https://example.com/" + "x" * 100 + "|the label &amp; more> after"
    for limit in range(2, len(text)):
        clipped = clip_mrkdwn(text, limit)
        assert len(clipped) <= limit
        assert markup_intact(clipped), clipped
        assert "https://example.com/x" not in clipped or clipped.count("<") == 1
    assert clip_mrkdwn(text, 20) == "see the label &amp;…"


def test_topic_list_sections_are_clipped_and_accepted() -> None:
    # 200 characters that escape to 1,000, plus a 1,900-character URL: over 3,000.
    topics = [topic(n, title="<&>" * 66 + "題名", url=long_url(n)) for n in range(1, 4)]
    _, blocks = list_blocks(topics, "ja", MEETING)
    assert check_message_blocks(blocks) == []
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT_MAX
            assert markup_intact(block["text"]["text"])


def test_card_clipping_does_not_cut_a_link() -> None:
    # A headline just over 3,000 characters: the old clip cut inside the URL.
    item = topic(1, title="t" * 200, url="https://example.com/" + "u" * 2790)
    _, blocks = topic_card(item, "ja")
    headline = blocks[0]["text"]["text"]
    assert len(headline) <= SECTION_TEXT_MAX
    assert markup_intact(headline), headline[-80:]


# ------------------------------------------------------------------ item 10: the total
def forty_eight() -> list[Topic]:
    return [topic(n, title=f"{n:02d} " + "題" * 197, url=long_url(n)) for n in range(1, 49)]


def test_agenda_folds_by_text_budget_as_well_as_blocks() -> None:
    agenda = compile_agenda(MEETING, forty_eight(), "勉強会")
    blocks = agenda_blocks(agenda, "en", notion_url="https://www.notion.so/abc", note="x")
    assert len(blocks) <= MAX_BLOCKS
    assert text_size(blocks) <= TOTAL_TEXT_MAX
    folds = [b for b in blocks if b["type"] == "context" and "more in Notion" in str(b)]
    assert len(folds) == 1
    shown = sum(1 for b in blocks if b["type"] == "section")
    assert f"and {48 - shown} more in Notion" in str(folds[0])


def test_agenda_in_time_slots_folds_counting_topics_not_headings() -> None:
    topics = [topic(n) for n in range(1, 61)]  # 5 minutes each: 12 fit the hour
    agenda = compile_agenda(MEETING, topics, "勉強会", meeting_minutes=60)
    blocks = agenda_blocks(agenda, "en", notion_url="https://www.notion.so/abc")
    assert len(blocks) <= MAX_BLOCKS
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    timed = [x for x in texts if x.startswith("*1")]
    assert len(timed) == 12 and timed[0].startswith("*17:00* (5 min) ")
    assert texts[12] == "*If time allows*"
    shown = len(texts) - 1  # topic lines, the heading not counted
    fold = next(b for b in blocks if b["type"] == "context" and "more in Notion" in str(b))
    assert f"and {60 - shown} more in Notion" in str(fold)


def test_agenda_of_48_long_topics_in_slots_is_accepted_by_slack(slack: FakeSlack) -> None:
    agenda = compile_agenda(MEETING, forty_eight(), "勉強会", meeting_minutes=60)
    web = WebClient(token=TOKEN, base_url=slack.api_url)
    blocks = agenda_blocks(agenda, "ja", notion_url="https://www.notion.so/abc")
    assert text_size(blocks) <= TOTAL_TEXT_MAX
    answer = web.chat_postMessage(
        channel="C0STUDY01", text=agenda_fallback_text(agenda, "ja"), blocks=blocks
    )
    assert answer["ok"]


def test_agenda_of_48_long_topics_is_accepted_by_slack(slack: FakeSlack) -> None:
    agenda = compile_agenda(MEETING, forty_eight(), "勉強会")
    web = WebClient(token=TOKEN, base_url=slack.api_url)
    answer = web.chat_postMessage(
        channel="C0STUDY01",
        text=agenda_fallback_text(agenda, "ja"),
        blocks=agenda_blocks(agenda, "ja", notion_url="https://www.notion.so/abc"),
    )
    assert answer["ok"]


def test_fake_refuses_blocks_over_the_total(slack: FakeSlack) -> None:
    web = WebClient(token=TOKEN, base_url=slack.api_url)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2500}} for _ in range(5)
    ]
    with pytest.raises(Exception, match="msg_blocks_too_long"):
        web.chat_postMessage(channel="C0STUDY01", text="t", blocks=blocks)
    assert web.chat_postMessage(channel="C0STUDY01", text="t", blocks=blocks[:4])["ok"]


def test_rejection_of_a_huge_text_stays_within_slack_limits() -> None:
    text = "\n".join(f"- note line {n} " + "&<>" * 200 for n in range(400))
    _, blocks = rejection(["bad tag"], text, "ja")
    assert len(blocks) <= MAX_BLOCKS
    assert text_size(blocks) <= TOTAL_TEXT_MAX
    assert check_message_blocks(blocks) == []
    assert "表示できません" in str(blocks[-1])
    missing = int(re.search(r"約 (\d+) 文字", str(blocks[-1])).group(1))  # type: ignore[union-attr]
    echoed = "".join(b["text"]["text"] for b in blocks[2:-1])
    assert 0 < missing < len(text)
    assert "note line 1 " in echoed and "note line 399" not in echoed
    for block in blocks:
        if block["type"] == "section":
            assert markup_intact(block["text"]["text"])


def test_search_result_clipping_keeps_the_link_whole() -> None:
    from bot.slack.search import search_blocks

    # 300 characters of "&" escape to 1,500; with a 1,900-character URL the section is
    # over 3,000 and the old clip cut it inside the link.
    item = topic(1, title="&" * 300, url=long_url(1))
    for block in search_blocks([item], 1, 1, "x", "ja"):
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT_MAX
            assert markup_intact(block["text"]["text"]), block["text"]["text"][-60:]
