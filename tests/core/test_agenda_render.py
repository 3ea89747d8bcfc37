"""Agenda order, grouping, and the three renderers with their limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.core.agenda import agenda_order, compile_agenda, render_markdown
from bot.core.markup import link_label
from bot.core.model import Note, Presenter, Topic, TopicStatus
from bot.notion.blocks import TEXT_LIMIT, agenda_blocks, plain_text, split_text
from bot.slack.blocks import MAX_BLOCKS, SECTION_TEXT_MAX
from bot.slack.blocks import agenda_blocks as slack_blocks
from bot.slack.views import topic_card

MEETING = dt.date(2026, 11, 26)
T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def topic(n: int, user: str, votes: int, *, minutes: int = 0, **kw: object) -> Topic:
    values: dict[str, object] = {
        "id": n,
        "meeting": MEETING,
        "tag": "論文",
        "title": f"Title {n}",
        "url": f"https://arxiv.org/abs/2301.{n:05d}",
        "presenter": Presenter(user, f"Name {user}"),
        "submitted_at": T0 + dt.timedelta(minutes=minutes or n),
        "votes": votes,
    }
    values.update(kw)
    return Topic(**values)  # type: ignore[arg-type]


def test_order_by_votes_then_time_grouped_by_best_topic() -> None:
    topics = [
        topic(1, "A", 1),
        topic(2, "B", 5),
        topic(3, "A", 7),
        topic(4, "C", 5, minutes=0),
        topic(5, "B", 0),
        topic(6, "C", 2, status=TopicStatus.WITHDRAWN),
    ]
    agenda = compile_agenda(MEETING, topics)
    assert [s.presenter.user_id for s in agenda.sections] == ["A", "B", "C"]
    assert [t.id for t in agenda_order(agenda)] == [3, 1, 2, 5, 4]
    assert [t.id for t in agenda.ranked] == [3, 2, 4, 1, 5]


def test_markdown_reads_like_the_page() -> None:
    notes = (Note("point"), Note("detail with [a link](https://x.example)", 1))
    agenda = compile_agenda(MEETING, [topic(1, "A", 2, tag="blog", notes=notes)])
    md = render_markdown(agenda)
    lines = md.splitlines()
    assert lines[0] == "# 2026-11-26 機械学習勉強会"
    assert "## 今週のTOPIC" in lines
    assert "### @Name A" in lines
    assert "[blog] [Title 1](https://arxiv.org/abs/2301.00001) 👍 2" in lines
    assert "- point" in lines
    assert "  - detail with [a link](https://x.example)" in lines


def test_notion_notes_over_2000_characters_keep_every_character() -> None:
    long_note = "".join(chr(0x3042 + i % 80) for i in range(4500)) + "😀" * 1500
    agenda = compile_agenda(MEETING, [topic(1, "A", 0, notes=(Note(long_note),))])
    blocks = agenda_blocks(agenda)
    serialized = json.dumps(blocks, ensure_ascii=False)
    for block in _walk(blocks):
        for item in block[block["type"]].get("rich_text", []):
            content = item.get("text", {}).get("content", "")
            assert len(content.encode("utf-16-le")) // 2 <= TEXT_LIMIT
    assert long_note in plain_text(blocks).replace("\n", "")
    assert "😀" in serialized


def test_split_text_never_loses_or_cuts_surrogates() -> None:
    text = "a" * 1999 + "😀" + "b"
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert pieces[0] == "a" * 1999


def test_sixty_topics_fit_in_fifty_slack_blocks() -> None:
    topics = [topic(n, f"U{n % 20}", n % 7) for n in range(1, 61)]
    agenda = compile_agenda(MEETING, topics)
    blocks = slack_blocks(agenda, notion_url="https://notion.so/page")
    assert len(blocks) <= MAX_BLOCKS
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(text) <= SECTION_TEXT_MAX for text in texts)
    folded = next(b for b in blocks if b["type"] == "context")
    shown = len(texts)
    assert f"{60 - shown} 件" in folded["elements"][0]["text"]
    assert blocks[-1]["type"] == "actions"


def test_slack_escapes_user_text() -> None:
    evil = topic(1, "A", 0, title="<!channel> & <@U1> <https://evil|x>")
    blocks = slack_blocks(compile_agenda(MEETING, [evil]))
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt;" in dumped


def _walk(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for block in blocks:
        out.append(block)
        body = block[block["type"]]  # type: ignore[index]
        out += _walk(body.get("children", []))  # type: ignore[union-attr]
    return out


SPOOF = topic(
    90,
    "A",
    1,
    title="https://arxiv.org/abs/2301.00808",
    url="https://evil.example/phish",
    notes=(
        Note("[arxiv.org/abs/1706.03762](https://evil.example/x) and [code](https://github.com/a)"),
    ),
)


def test_a_label_naming_another_site_shows_the_real_host_everywhere() -> None:
    agenda = compile_agenda(MEETING, [SPOOF])

    slack = json.dumps(slack_blocks(agenda), ensure_ascii=False)
    notion = plain_text(agenda_blocks(agenda))
    markdown = render_markdown(agenda)
    card = json.dumps(topic_card(SPOOF, "ja"), ensure_ascii=False)

    for shown in (slack, card):
        assert "|https://arxiv.org/abs/2301.00808 (→ evil.example)>" in shown
        assert "|arxiv.org/abs/1706.03762 (→ evil.example)>" in card
    assert "https://arxiv.org/abs/2301.00808 (→ evil.example)" in notion
    assert "arxiv.org/abs/1706.03762 (→ evil.example)" in notion
    assert "[https://arxiv.org/abs/2301.00808 (→ evil.example)](https://evil.example/phish)" in (
        markdown
    )
    assert "[arxiv.org/abs/1706.03762 (→ evil.example)](https://evil.example/x)" in markdown
    # A plain label is left alone.
    assert "[code](https://github.com/a)" in markdown


@pytest.mark.parametrize(
    ("label", "url", "shown"),
    [
        ("ConvNeXt V2", "https://evil.example/", "ConvNeXt V2"),
        ("https://arxiv.org/abs/1", "https://arxiv.org/abs/2", "https://arxiv.org/abs/1"),
        ("arxiv.org", "https://export.arxiv.org/api", "arxiv.org"),
        ("www.arxiv.org/abs/1", "https://arxiv.org/abs/1", "www.arxiv.org/abs/1"),
        (
            "HTTPS://ARXIV.ORG/abs/1",
            "https://evil.example",
            "HTTPS://ARXIV.ORG/abs/1 (→ evil.example)",
        ),
        ("arxiv.org", "https://arxiv.org.evil.example/", "arxiv.org (→ arxiv.org.evil.example)"),
        ("v1.2 release", "https://evil.example", "v1.2 release"),
    ],
)
def test_link_label(label: str, url: str, shown: str) -> None:
    assert link_label(label, url) == shown
