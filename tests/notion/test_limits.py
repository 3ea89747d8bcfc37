"""Notion's request limits: 500 KB bodies, 529 service_overload, the workspace block limit."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client.errors import APIResponseError

from bot.core.agenda import Agenda, compile_agenda
from bot.core.model import Note
from bot.notion.errors import NotionRejected
from bot.store import Repository
from tests.fakes import FakeNotion
from tests.fakes.notion import MAX_BODY_BYTES
from tests.notion.conftest import PublisherFactory
from tests.notion.helpers import MEETING, assert_page_is, member, small_agenda, topic

APPEND = r"/children$"


def heavy_agenda(count: int = 40) -> Agenda:
    """Forty topics whose notes are at the 3,000-character limit, in 4-byte characters.

    1,000 emoji are 2,000 UTF-16 units (one rich text object) and 4,000 bytes of UTF-8:
    a body of some 500 KB per 40 topics, well under 100 top-level and 1,000 blocks.
    """
    people = [member(k) for k in range(2)]
    line = "🎉" * 1000
    notes = (Note(line), Note(line, depth=1), Note(line, depth=1))
    topics = [topic(n, people[n % 2], votes=n % 5, notes=notes) for n in range(count)]
    return compile_agenda(MEETING, topics)


def test_appends_are_packed_under_500_kb(
    fake: FakeNotion, make_publisher: PublisherFactory
) -> None:
    agenda = heavy_agenda()
    page = make_publisher().publish(agenda, "w")
    appends = [r for r in fake.requests if r.method == "PATCH" and r.path.endswith("/children")]
    assert all(r.status == 200 for r in appends), [r.status for r in appends]
    assert len(appends) >= 2  # one request could not carry it
    assert_page_is(fake, page.page_id, agenda)


def test_fake_refuses_a_body_over_500_kb(fake: FakeNotion, client: Any) -> None:
    parent = fake.add_page("parent")
    text = {"type": "text", "text": {"content": "x" * 2000}}
    paragraph = {"object": "block", "type": "paragraph", "paragraph": {"rich_text": [text] * 3}}
    with pytest.raises(APIResponseError) as exc:
        client.blocks.children.append(block_id=parent, children=[paragraph] * 100)
    assert exc.value.status == 400
    assert exc.value.code == "validation_error"
    assert str(MAX_BODY_BYTES) in str(exc.value)
    assert client.blocks.children.append(block_id=parent, children=[paragraph] * 50)


def test_529_waits_for_retry_after(
    fake: FakeNotion, sleeps: list[float], make_publisher: PublisherFactory
) -> None:
    agenda = small_agenda()
    fake.fail_on("PATCH", APPEND, status=529, retry_after="2.5")
    page = make_publisher().publish(agenda, "w")
    assert_page_is(fake, page.page_id, agenda)
    assert pytest.approx(2.5) in sleeps
    # Like a 429, an overload refusal was not applied: no read-back before resending.
    assert not [r for r in fake.requests if r.method == "GET" and "/blocks/" in r.path]


def test_block_limit_is_named_for_the_organisers(
    fake: FakeNotion, repo: Repository, make_publisher: PublisherFactory
) -> None:
    fake.set_block_limit(fake.blocks_created)  # the workspace is already at its limit
    with pytest.raises(NotionRejected) as exc:
        make_publisher().publish(small_agenda(), "w")
    assert "ブロック数の上限" in exc.value.hint
    assert "1,000" in exc.value.hint
    record = repo.get_publication(MEETING, "notion")
    assert record is not None
    assert "ブロック数の上限" in str(record.last_error)


def test_block_limit_message_in_english(fake: FakeNotion, make_publisher: PublisherFactory) -> None:
    fake.set_block_limit(fake.blocks_created)
    with pytest.raises(NotionRejected) as exc:
        make_publisher(lang="en").publish(small_agenda(), "w")
    assert "block limit" in exc.value.hint
    assert "1,000 blocks" in exc.value.hint


def test_a_link_notion_would_refuse_is_kept_as_text(
    fake: FakeNotion, make_publisher: PublisherFactory
) -> None:
    long_url = "https://example.com/" + "a" * 2100
    notes = (Note(f"長いURL {long_url} おわり"), Note(f"[ラベル]({long_url})"))
    people = [member(0)]
    agenda = compile_agenda(MEETING, [topic(1, people[0], notes=notes)])
    page = make_publisher().publish(agenda, "w")
    text = fake.plain_text(page.page_id)
    assert long_url in text and "ラベル" in text
    assert all(r.status == 200 for r in fake.requests if r.method == "PATCH")
