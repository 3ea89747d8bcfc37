"""The cycle with the real Notion publisher against the fake Notion: one page, one message."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.model import Presenter
from bot.notion.ledger import RepoLedger
from bot.notion.publisher import NotionPublisher, make_client
from bot.slack.blocks import MAX_BLOCKS
from bot.store import Repository
from tests.fakes import FakeClock, FakeNotion
from tests.slack.harness import Bot, Clock, agenda_messages, running_bot

JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2026, 12, 3)
NOTION_TOKEN = "secret_fake_notion_token"


@pytest.fixture
def wall() -> FakeClock:
    """Notion's fake clock, and the publisher's monotonic clock and sleep."""
    return FakeClock()


@pytest.fixture
def notion(wall: FakeClock) -> Iterator[FakeNotion]:
    with FakeNotion(NOTION_TOKEN, clock=wall) as fake:
        yield fake


@pytest.fixture
def bot(tmp_path: Path, notion: FakeNotion, wall: FakeClock) -> Iterator[Bot]:
    ref = notion.add_database("勉強会アジェンダ", {"名前": "title", "開催日": "date"})
    clients: list[Any] = []

    def publisher(repo: Repository) -> NotionPublisher:
        client = make_client(NOTION_TOKEN, notion.url, timeout=5.0)
        clients.append(client)
        return NotionPublisher(
            client,
            repo,
            database_id=ref.database_id,
            parent_page_id=None,
            date_property=None,
            lang="ja",
            sleep=wall.advance,
            monotonic=wall,
            ledger=RepoLedger(repo),
        )

    clock = Clock()
    with running_bot(tmp_path, clock=clock, notion=publisher, ORGANIZERS="U01NAOTO") as running:
        running.clock = clock  # type: ignore[attr-defined]
        yield running
    for client in clients:
        client.close()


def _submit_many(bot: Bot, count: int, members: int) -> None:
    for n in range(count):
        user = f"UM{n % members:03d}"
        notes = "\n".join(
            [f"- 要点 {n}-{k} " + "あ" * 40 for k in range(3)]
            + [f"  - 詳細 {n} [リンク](https://example.com/d/{n})"]
        )
        outcome = bot.runtime.topics.submit_text(
            Presenter(user, f"Member {n % members}"),
            f"[blog] Topic number {n} https://example.com/t/{n}\n{notes}",
        )
        assert outcome.topic is not None, outcome.problems
        bot.runtime.deps.cards.post(outcome.topic)


@pytest.mark.slow
def test_sixty_topics_one_complete_page_and_one_message(bot: Bot, notion: FakeNotion) -> None:
    _submit_many(bot, 60, 20)
    bot.clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)  # type: ignore[attr-defined]
    report = bot.runtime.cycle.scheduled_publish()
    assert report is not None and report.notion_url and not report.notion_error
    pages = [
        p for p in notion.pages.values() if p.get("parent", {}).get("type") == "data_source_id"
    ]
    assert len(pages) == 1
    text = notion.plain_text(pages[0]["id"])
    for n in range(60):
        assert f"Topic number {n}" in text and f"詳細 {n} リンク" in text
    tree = json.dumps(notion.page_tree(pages[0]["id"]), ensure_ascii=False)
    assert all(f"https://example.com/t/{n}" in tree for n in range(60))
    messages = agenda_messages(bot.slack)
    assert len(messages) == 1 and len(messages[0]["blocks"]) <= MAX_BLOCKS
    # Publishing again changes nothing: still one page and one message.
    bot.runtime.cycle.publish(MEETING)
    pages = [
        p for p in notion.pages.values() if p.get("parent", {}).get("type") == "data_source_id"
    ]
    assert len(pages) == 1
    assert len(agenda_messages(bot.slack)) == 1


def test_notion_down_for_thirty_seconds(bot: Bot, notion: FakeNotion, wall: FakeClock) -> None:
    _submit_many(bot, 5, 3)
    bot.clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)  # type: ignore[attr-defined]
    notion.fail_for(30, status=503)
    report = bot.runtime.cycle.scheduled_publish()
    assert report is not None and report.notion_error
    (message,) = agenda_messages(bot.slack)
    assert "Notion への書き込みに失敗しました" in json.dumps(message["blocks"], ensure_ascii=False)
    told = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == "U01NAOTO"]
    assert len(told) == 1
    # The retry job runs every few minutes; Notion is back after 30 s.
    for _ in range(3):
        wall.advance(31)
        bot.runtime.cycle.retry_pending()
    pages = [
        p for p in notion.pages.values() if p.get("parent", {}).get("type") == "data_source_id"
    ]
    assert len(pages) == 1
    assert "Topic number 4" in notion.plain_text(pages[0]["id"])
    record = bot.runtime.repo.get_publication(MEETING, "notion")
    assert record is not None and record.state == "complete"
    told = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == "U01NAOTO"]
    assert len(told) == 2  # the incident once, then the recovery
    (message,) = agenda_messages(bot.slack)
    assert "Notion で開く" in json.dumps(message["blocks"], ensure_ascii=False)
