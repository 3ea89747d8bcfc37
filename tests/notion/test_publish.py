"""Publishing agendas to the fake Notion: body, properties, targets, mentions, re-publishing."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest

from bot.core.agenda import compile_agenda
from bot.notion.blocks import agenda_blocks
from bot.notion.errors import NotionRejected, page_url
from bot.notion.publisher import NotionPublisher
from bot.services.publications import NotionRecord
from bot.store import Repository
from tests.fakes import DatabaseRef, FakeClock, FakeNotion
from tests.notion.conftest import TOKEN, PublisherFactory
from tests.notion.helpers import (
    MEETING,
    TITLE,
    assert_page_is,
    big_agenda,
    member,
    minimum_writes,
    requests_for,
    small_agenda,
    topic,
    votes_changed,
    whole,
    with_topics,
    writes,
)

READS_FIRST_PUBLISH = 4  # database, data source, users, query for an earlier page


def test_sixty_topics_make_one_page_in_the_fewest_requests(
    fake: FakeNotion, db: DatabaseRef, repo: Repository, make_publisher: PublisherFactory
) -> None:
    agenda = big_agenda()
    blocks = agenda_blocks(agenda, "ja")
    assert len(agenda.ranked) == 60 and len(agenda.sections) == 20
    assert any(not whole(b) for b in blocks)  # some notes nest deeper than one request allows
    assert requests_for(blocks) >= 3  # more than 200 top-level blocks

    page = make_publisher().publish(agenda, "worker-1")

    assert [p["id"] for p in fake.pages_in(db.data_source_id)] == [page.page_id]
    assert page.url == page_url(page.page_id)
    assert_page_is(fake, page.page_id, agenda)
    text = fake.plain_text(page.page_id)
    for t in agenda.ranked:
        assert t.title in text
        assert all(note.text.split("[")[0] in text for note in t.notes)
    hrefs = {
        item["href"]
        for node in _walk(fake.page_tree(page.page_id))
        for item in node[node["type"]].get("rich_text", [])
    }
    assert {t.url for t in agenda.ranked} <= hrefs
    assert len(writes(fake.requests)) == minimum_writes(blocks)
    assert len(fake.requests) == minimum_writes(blocks) + READS_FIRST_PUBLISH
    assert fake.rate_limited == 0
    record = repo.get_publication(MEETING, "notion")
    assert record is not None
    assert (record.state, record.external_id, record.progress) == (
        "complete",
        page.page_id,
        len(blocks),
    )
    assert fake.page_title(page.page_id) == TITLE
    assert fake.pages[page.page_id]["properties"]["日付"]["date"]["start"] == "2024-05-16"


def _walk(tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for node in tree:
        out.append(node)
        out += _walk(node["children"])
    return out


def test_pacing_keeps_under_the_rate_limit(
    fake: FakeNotion, clock: FakeClock, make_publisher: PublisherFactory
) -> None:
    fake.rate_limit(3.0, burst=1.0)  # no burst at all: only steady pacing passes
    start = clock()
    make_publisher().publish(big_agenda(), "w")
    assert fake.rate_limited == 0
    assert clock() - start == pytest.approx((len(fake.requests) - 1) / 3.0)


def test_republish_changes_only_what_changed(
    fake: FakeNotion, db: DatabaseRef, make_publisher: PublisherFactory
) -> None:
    publisher = make_publisher()
    first = small_agenda()
    page = publisher.publish(first, "w")
    blocks_before = {n["id"] for n in _walk(fake.page_tree(page.page_id))}

    sent = len(fake.requests)
    assert publisher.publish(first, "w") == page
    assert len(fake.requests) == sent  # nothing changed, nothing sent

    late = topic(90, member(7), votes=0, notes=[])
    late = dataclasses.replace(late, late=True)
    second = votes_changed(small_agenda(extra=[late]), t5=6)  # 5 keeps its place
    sent = len(fake.requests)
    assert publisher.publish(second, "w") == page

    assert_page_is(fake, page.page_id, second)
    assert [p["id"] for p in fake.pages_in(db.data_source_id)] == [page.page_id]
    done = fake.requests[sent:]
    # The vote count rewritten in place, the late topic appended after the last block.
    assert [(r.method, r.path.split("/")[2]) for r in done] == [
        ("PATCH", "blocks"),
        ("PATCH", "blocks"),
    ]
    assert done[1].body["after"] in blocks_before
    untouched = blocks_before & {n["id"] for n in _walk(fake.page_tree(page.page_id))}
    assert len(untouched) == len(blocks_before)


def test_republish_after_reordering_and_withdrawal(
    fake: FakeNotion, db: DatabaseRef, make_publisher: PublisherFactory
) -> None:
    publisher = make_publisher()
    page = publisher.publish(small_agenda(), "w")
    reordered = votes_changed(small_agenda(), t5=20, t0=0)
    publisher.publish(reordered, "w")
    assert_page_is(fake, page.page_id, reordered)
    withdrawn = with_topics(reordered, lambda t: None if t.id in (1, 4) else t)
    publisher.publish(withdrawn, "w")
    assert_page_is(fake, page.page_id, withdrawn)
    empty = compile_agenda(MEETING, [])
    publisher.publish(empty, "w")
    assert_page_is(fake, page.page_id, empty)
    publisher.publish(reordered, "w")
    assert_page_is(fake, page.page_id, reordered)
    assert len(fake.pages_in(db.data_source_id)) == 1


def test_republish_by_a_new_process_reads_the_page_back(
    fake: FakeNotion, db: DatabaseRef, make_publisher: PublisherFactory
) -> None:
    page = make_publisher().publish(small_agenda(), "w")
    second = votes_changed(small_agenda(), t0=1, t3=30)
    sent = len(fake.requests)
    assert make_publisher().publish(second, "w2") == page
    assert_page_is(fake, page.page_id, second)
    done = fake.requests[sent:]
    assert not [r for r in done if r.method == "POST" and r.path == "/v1/pages"]
    # Unchanged blocks were verified and kept, not deleted and written again.
    deletes = [r for r in done if r.method == "DELETE"]
    assert len(deletes) <= 8
    assert len(fake.pages_in(db.data_source_id)) == 1


def test_a_block_deleted_by_hand_is_repaired(
    fake: FakeNotion, client: Any, make_publisher: PublisherFactory
) -> None:
    publisher = make_publisher()
    page = publisher.publish(small_agenda(), "w")
    paragraph = next(n for n in fake.page_tree(page.page_id) if n["type"] == "paragraph")
    client.blocks.delete(paragraph["id"])
    gone_topic = int(paragraph["paragraph"]["rich_text"][1]["text"]["content"].split()[1][:-1])
    second = votes_changed(small_agenda(), **{f"t{gone_topic}": 10 - gone_topic})
    publisher.publish(second, "w")  # same agenda: nothing to write, the gap stays unknown
    third = votes_changed(small_agenda(), **{f"t{gone_topic}": 11 - gone_topic})
    publisher.publish(third, "w")  # the rewrite finds the block gone, reads the page again
    assert_page_is(fake, page.page_id, third)


@pytest.mark.parametrize(
    ("date_property", "filled", "empty"),
    [(None, "開催日", "締切"), ("締切", "締切", "開催日")],
)
def test_properties_found_by_type_whatever_their_names(
    fake: FakeNotion,
    make_publisher: PublisherFactory,
    date_property: str | None,
    filled: str,
    empty: str,
) -> None:
    ref = fake.add_database(
        "議事録",
        {"メモ": "rich_text", "名前": "title", "開催日": "date", "締切": "date"},
    )
    publisher = make_publisher(database_id=ref.database_id, date_property=date_property)
    page = publisher.publish(small_agenda(), "w")
    props = fake.pages[page.page_id]["properties"]
    assert fake.page_title(page.page_id) == TITLE
    assert props[filled]["date"]["start"] == "2024-05-16"
    assert props[empty]["date"] is None


def test_no_date_property_is_fine(fake: FakeNotion, make_publisher: PublisherFactory) -> None:
    ref = fake.add_database("議事録", {"Title": "title", "Tags": "multi_select"})
    page = make_publisher(database_id=ref.database_id).publish(small_agenda(), "w")
    assert fake.page_title(page.page_id) == TITLE


@pytest.mark.parametrize(
    ("name", "words"),
    [("メモ", ["メモ", "rich_text"]), ("開催", ["開催", "開催日"])],
)
def test_wrong_date_property_is_rejected_by_name(
    fake: FakeNotion,
    repo: Repository,
    make_publisher: PublisherFactory,
    name: str,
    words: list[str],
) -> None:
    ref = fake.add_database("議事録", {"名前": "title", "メモ": "rich_text", "開催日": "date"})
    publisher = make_publisher(database_id=ref.database_id, date_property=name)
    with pytest.raises(NotionRejected) as caught:
        publisher.publish(small_agenda(), "w")
    assert all(word in caught.value.hint for word in words)
    assert "NOTION_DATE_PROPERTY" in caught.value.hint
    assert fake.pages_in(ref.data_source_id) == []
    record = repo.get_publication(MEETING, "notion")
    assert record is not None and (record.state, record.last_error) == ("failed", caught.value.hint)


def test_unshared_database_is_rejected_with_a_fix(
    fake: FakeNotion, db: DatabaseRef, repo: Repository, make_publisher: PublisherFactory
) -> None:
    fake.share(db.database_id, False)
    publisher = make_publisher()
    with pytest.raises(NotionRejected) as caught:
        publisher.publish(small_agenda(), "w")
    assert caught.value.status == 404 and caught.value.code == "object_not_found"
    assert db.database_id in caught.value.hint and "接続" in caught.value.hint
    english = make_publisher(lang="en")
    with pytest.raises(NotionRejected) as caught:
        english.publish(small_agenda(), "w")
    assert "Connections" in caught.value.hint and "share" not in caught.value.code
    fake.share(db.database_id, True)
    page = publisher.publish(small_agenda(), "w")  # fixed: the next run goes through
    assert_page_is(fake, page.page_id, small_agenda())


def test_bad_token_is_rejected(fake: FakeNotion, make_publisher: PublisherFactory) -> None:
    from bot.notion.client import make_client

    bad = make_client("secret_wrong", fake.url)
    with pytest.raises(NotionRejected) as caught:
        make_publisher(api=bad).publish(small_agenda(), "w")
    assert caught.value.status == 401 and "NOTION_TOKEN" in caught.value.hint


def test_parent_page_mode(
    fake: FakeNotion, repo: Repository, make_publisher: PublisherFactory
) -> None:
    parent = fake.add_page("勉強会ノート")
    publisher = make_publisher(database_id=None, parent_page_id=parent)
    page = publisher.publish(small_agenda(), "w")
    assert [p["id"] for p in fake.pages_in(parent)] == [page.page_id]
    assert fake.page_title(page.page_id) == TITLE
    assert_page_is(fake, page.page_id, small_agenda())
    second = votes_changed(small_agenda(), t2=40)
    assert make_publisher(database_id=None, parent_page_id=parent).publish(second, "w") == page
    assert_page_is(fake, page.page_id, second)
    assert len(fake.pages_in(parent)) == 1


def test_unshared_parent_page_is_rejected(
    fake: FakeNotion, make_publisher: PublisherFactory
) -> None:
    parent = fake.add_page("勉強会ノート", shared=False)
    with pytest.raises(NotionRejected) as caught:
        make_publisher(database_id=None, parent_page_id=parent).publish(small_agenda(), "w")
    assert parent in caught.value.hint and "NOTION_PARENT_PAGE_ID" in caught.value.hint


def test_presenters_are_mentioned_when_emails_match(
    fake: FakeNotion, make_publisher: PublisherFactory
) -> None:
    yamada = fake.add_user("Yamada", "Member0@Example.com")
    fake.add_user("Someone", "someone@example.com")
    fake.add_user("No email")
    agenda = small_agenda()
    page = make_publisher().publish(agenda, "w")
    assert_page_is(fake, page.page_id, agenda, {"U000": yamada})
    headings = [n for n in fake.page_tree(page.page_id) if n["type"] == "heading_3"]
    first = headings[0]["heading_3"]["rich_text"][0]
    assert first["type"] == "mention" and first["mention"]["user"]["id"] == yamada
    assert [h["heading_3"]["rich_text"][0]["plain_text"] for h in headings[1:]] == [
        "@Member 1",
        "@Member 2",
    ]


def test_users_not_listable_means_plain_names(
    fake: FakeNotion, make_publisher: PublisherFactory
) -> None:
    fake.add_user("Yamada", "member0@example.com")
    fake.fail_on("GET", r"^/v1/users$", status=403, code="restricted_resource")
    page = make_publisher().publish(small_agenda(), "w")
    assert_page_is(fake, page.page_id, small_agenda())


def test_logs_have_event_names_and_never_the_token(
    caplog: pytest.LogCaptureFixture, fake: FakeNotion, make_publisher: PublisherFactory
) -> None:
    fake.fail_next(1, status=503)
    with caplog.at_level(logging.DEBUG):
        make_publisher().publish(small_agenda(), "w")
    events = {r.getMessage() for r in caplog.records if r.name.startswith("bot.notion")}
    assert {"notion_publish_started", "notion_page_created", "notion_publish_completed"} <= events
    assert "notion_request_retry" in events
    assert all(e.replace("_", "").isalnum() and e.islower() for e in events)
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(vars(record))


def test_constructor_refuses_impossible_settings(client: Any, repo: Repository) -> None:
    with pytest.raises(ValueError, match="database_id"):
        NotionPublisher(
            client,
            NotionRecord(repo),
            database_id=None,
            parent_page_id=None,
            date_property=None,
            lang="ja",
        )
    with pytest.raises(ValueError):
        NotionPublisher(
            client,
            NotionRecord(repo),
            database_id="x",
            parent_page_id=None,
            date_property=None,
            lang="ja",
            max_rate=0,
        )
