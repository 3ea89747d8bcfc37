"""One page per meeting whatever crashes: killed processes, lost answers, a lost store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from notion_client.errors import RequestTimeoutError

from bot.notion.blocks import agenda_blocks
from bot.notion.errors import NotionUnavailable
from bot.notion.ledger import MemoryLedger
from bot.store import Repository, open_database
from tests.fakes import DatabaseRef, FakeNotion
from tests.notion.conftest import BOTH, PublisherFactory
from tests.notion.helpers import (
    MEETING,
    TITLE,
    Crash,
    Interrupting,
    assert_page_is,
    big_agenda,
    minimum_writes,
    small_agenda,
    votes_changed,
    writes,
)

APPEND = r"^blocks/[^/]+/children$"


def ok_writes(fake: FakeNotion) -> int:
    return sum(1 for r in writes(fake.requests) if r.status == 200)


def creates(fake: FakeNotion) -> int:
    return sum(1 for r in fake.requests if (r.method, r.path) == ("POST", "/v1/pages"))


class LosesPageId(Repository):
    """A store whose process dies right after Notion created the page."""

    def update_publication(self, meeting: dt.date, target: Any, **changes: Any) -> Any:
        if changes.get("external_id"):
            raise Crash
        return super().update_publication(meeting, target, **changes)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BOTH)
@pytest.mark.parametrize("deliver", [False, True], ids=["before-send", "after-send"])
def test_killed_between_appends_then_a_new_process_finishes(
    fake: FakeNotion,
    client: Any,
    db: DatabaseRef,
    repo: Repository,
    make_publisher: PublisherFactory,
    deliver: bool,
) -> None:
    agenda = big_agenda()
    dying = Interrupting(client, "PATCH", APPEND, 3, Crash(), deliver=deliver)
    with pytest.raises(Crash):
        make_publisher(api=dying).publish(agenda, "worker-1")
    record = repo.get_publication(MEETING, "notion")
    assert record is not None and record.state == "partial" and record.external_id

    page = make_publisher().publish(agenda, "worker-2")

    assert page.page_id == record.external_id
    assert [p["id"] for p in fake.pages_in(db.data_source_id)] == [page.page_id]
    assert_page_is(fake, page.page_id, agenda)  # every block exactly once, in order
    assert creates(fake) == 1
    final = repo.get_publication(MEETING, "notion")
    assert final is not None and final.state == "complete"


@pytest.mark.slow
@pytest.mark.parametrize("backend", BOTH)
def test_failed_append_resumes_where_it_stopped(
    fake: FakeNotion, client: Any, repo: Repository, make_publisher: PublisherFactory
) -> None:
    agenda = big_agenda()

    class Outage:
        def request(self, path: str, method: str, query: Any = None, body: Any = None) -> Any:
            if method == "PATCH" and path.endswith("/children"):
                self.seen = getattr(self, "seen", 0) + 1
                if self.seen == 5:
                    fake.fail_for(10_000, status=503)  # Notion goes down for good
            return client.request(path=path, method=method, query=query, body=body)

    with pytest.raises(NotionUnavailable):
        make_publisher(api=Outage()).publish(agenda, "w")
    record = repo.get_publication(MEETING, "notion")
    assert record is not None and record.state == "failed" and record.external_id
    assert record.last_error and "Notion" in record.last_error
    done = ok_writes(fake)
    assert 1 < done < minimum_writes(agenda_blocks(agenda, "ja"))

    fake.clear_faults()
    before = len(fake.requests)
    make_publisher().publish(agenda, "w")
    # The page was read back (memory is lost with the process): what was complete is
    # kept; only the one block whose deep subtree the outage cut is written again.
    assert_page_is(fake, str(record.external_id), agenda)
    deleted = [r for r in fake.requests[before:] if r.method == "DELETE"]
    assert len(deleted) <= 1
    assert creates(fake) == 1


@pytest.mark.parametrize("backend", BOTH)
def test_with_a_durable_ledger_a_resume_writes_only_the_rest(
    fake: FakeNotion, client: Any, repo: Repository, make_publisher: PublisherFactory
) -> None:
    agenda = big_agenda()
    ledger = MemoryLedger()  # stands for one kept in the database
    dying = Interrupting(client, "PATCH", APPEND, 6, Crash())
    with pytest.raises(Crash):
        make_publisher(api=dying, ledger=ledger).publish(agenda, "w")
    before = len(fake.requests)

    page = make_publisher(ledger=ledger).publish(agenda, "w")

    assert_page_is(fake, page.page_id, agenda)
    assert ok_writes(fake) == minimum_writes(agenda_blocks(agenda, "ja"))  # none redone
    resumed = fake.requests[before:]
    assert not [r for r in resumed if r.method == "DELETE"]
    # The crash hit while a deep subtree was being written: the page's top level is
    # listed once to see how far that got, and nothing else is read.
    listed = {r.path for r in resumed if r.method == "GET" and "/blocks/" in r.path}
    assert listed == {f"/v1/blocks/{page.page_id}/children"}


@pytest.mark.parametrize("backend", BOTH)
def test_killed_after_create_before_recording_adopts_the_page(
    fake: FakeNotion,
    db: DatabaseRef,
    repo: Repository,
    database: Any,
    make_publisher: PublisherFactory,
) -> None:
    agenda = small_agenda()
    with pytest.raises(Crash):
        make_publisher(store=LosesPageId(database)).publish(agenda, "worker-1")
    [orphan] = fake.pages_in(db.data_source_id)
    record = repo.get_publication(MEETING, "notion")
    assert record is not None and record.external_id is None

    page = make_publisher().publish(agenda, "worker-2")

    assert page.page_id == orphan["id"]
    assert [p["id"] for p in fake.pages_in(db.data_source_id)] == [page.page_id]
    assert_page_is(fake, page.page_id, agenda)
    assert creates(fake) == 1
    stored = repo.get_publication(MEETING, "notion")
    assert stored is not None and stored.external_id == page.page_id


@pytest.mark.parametrize("backend", BOTH)
def test_lost_answer_of_create_adopts_the_page(
    fake: FakeNotion, client: Any, db: DatabaseRef, make_publisher: PublisherFactory
) -> None:
    lossy = Interrupting(client, "POST", r"^pages$", 1, RequestTimeoutError(), deliver=True)
    page = make_publisher(api=lossy).publish(small_agenda(), "w")
    assert [p["id"] for p in fake.pages_in(db.data_source_id)] == [page.page_id]
    assert creates(fake) == 1
    assert_page_is(fake, page.page_id, small_agenda())


@pytest.mark.parametrize("backend", BOTH)
def test_lost_answer_of_append_is_not_sent_twice(
    fake: FakeNotion, client: Any, make_publisher: PublisherFactory
) -> None:
    agenda = big_agenda()
    lossy = Interrupting(client, "PATCH", APPEND, 2, RequestTimeoutError(), deliver=True)
    page = make_publisher(api=lossy).publish(agenda, "w")
    assert_page_is(fake, page.page_id, agenda)
    assert ok_writes(fake) == minimum_writes(agenda_blocks(agenda, "ja"))
    assert not [r for r in fake.requests if r.method == "DELETE"]


def test_a_lost_store_adopts_the_page(
    fake: FakeNotion, db: DatabaseRef, tmp_path: Path, make_publisher: PublisherFactory
) -> None:
    page = make_publisher().publish(small_agenda(), "w")
    with open_database(f"sqlite:///{tmp_path / 'restored.db'}") as empty:
        again = make_publisher(store=Repository(empty)).publish(
            votes_changed(small_agenda(), t4=9), "w"
        )
    assert again == page
    assert len(fake.pages_in(db.data_source_id)) == 1
    assert_page_is(fake, page.page_id, votes_changed(small_agenda(), t4=9))


def test_a_page_made_by_hand_is_left_alone(
    fake: FakeNotion, client: Any, db: DatabaseRef, make_publisher: PublisherFactory
) -> None:
    parent = {"type": "data_source_id", "data_source_id": db.data_source_id}
    by_hand = client.pages.create(
        parent=parent,
        properties={"名前": {"title": [{"text": {"content": TITLE}}]}},
        children=[
            {"type": "paragraph", "paragraph": {"rich_text": [{"text": {"content": "手書き"}}]}}
        ],
    )
    fake.pages[by_hand["id"]]["created_by"] = {"object": "user", "id": fake.add_user("Organiser")}
    page = make_publisher().publish(small_agenda(), "w")
    assert page.page_id != by_hand["id"]
    assert fake.plain_text(by_hand["id"]) == "手書き"
    assert_page_is(fake, page.page_id, small_agenda())
