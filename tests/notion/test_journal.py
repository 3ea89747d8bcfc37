"""The publisher reports to a journal it is handed and needs no store: the port's contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.notion.errors import NotionUnavailable
from bot.notion.publisher import NotionPublisher
from tests.fakes import DatabaseRef, FakeClock, FakeNotion
from tests.notion.helpers import assert_page_is, small_agenda

APPEND_SUFFIX = "/children"


class Journal:
    """An in-memory NotionJournal that notes each report and how many requests preceded it."""

    def __init__(self, fake: FakeNotion) -> None:
        self.fake = fake
        self.page_id: str | None = None
        self.bodies: dict[dt.date, str] = {}
        self.calls: list[tuple[str, int, Any]] = []

    def _note(self, name: str, value: Any = None) -> None:
        self.calls.append((name, len(self.fake.requests), value))

    def begin(self, meeting: dt.date, owner: str) -> str | None:
        self._note("begin", owner)
        return self.page_id

    def page_found(self, meeting: dt.date, page_id: str) -> None:
        self._note("page_found", page_id)
        self.page_id = page_id

    def writing(self, meeting: dt.date) -> None:
        self._note("writing")

    def progress(self, meeting: dt.date, blocks: int) -> None:
        self._note("progress", blocks)

    def completed(self, meeting: dt.date, blocks: int) -> None:
        self._note("completed", blocks)

    def failed(self, meeting: dt.date, error: str) -> None:
        self._note("failed", error)

    def load_body(self, meeting: dt.date) -> str | None:
        return self.bodies.get(meeting)

    def save_body(self, meeting: dt.date, state: str) -> None:
        self.bodies[meeting] = state

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]


@pytest.fixture
def journal(fake: FakeNotion) -> Journal:
    return Journal(fake)


@pytest.fixture
def publisher(client: Any, journal: Journal, db: DatabaseRef, clock: FakeClock) -> NotionPublisher:
    return NotionPublisher(
        client,
        journal,
        database_id=db.database_id,
        parent_page_id=None,
        date_property=None,
        lang="ja",
        sleep=clock.advance,
        monotonic=clock,
    )


def test_the_page_is_reported_before_any_block_is_written(
    fake: FakeNotion, journal: Journal, publisher: NotionPublisher
) -> None:
    agenda = small_agenda()
    page = publisher.publish(agenda, "worker-1")

    assert_page_is(fake, page.page_id, agenda)
    names = journal.names()
    assert names[0] == "begin" and journal.calls[0][2] == "worker-1"
    assert names[-1] == "completed" and "failed" not in names
    [(_, before, found)] = [c for c in journal.calls if c[0] == "page_found"]
    assert found == page.page_id
    appends = [
        k
        for k, r in enumerate(fake.requests)
        if r.method == "PATCH" and r.path.endswith(APPEND_SUFFIX)
    ]
    assert appends and min(appends) >= before  # resumable: the id is kept first
    assert names.index("page_found") < names.index("writing") < names.index("progress")


def test_a_recorded_page_is_reused_and_a_failure_is_reported(
    fake: FakeNotion, journal: Journal, publisher: NotionPublisher
) -> None:
    page = publisher.publish(small_agenda(), "w")
    journal.calls.clear()
    creates = sum(1 for r in fake.requests if (r.method, r.path) == ("POST", "/v1/pages"))

    assert publisher.publish(small_agenda(), "w") == page
    assert journal.names() == ["begin", "completed"]  # nothing to change, nothing found anew
    assert sum(1 for r in fake.requests if (r.method, r.path) == ("POST", "/v1/pages")) == creates

    journal.calls.clear()
    fake.fail_for(10_000, status=503)
    with pytest.raises(NotionUnavailable) as caught:
        publisher.publish(small_agenda(votes={5: 20}), "w")  # a change to write
    names = journal.names()
    assert names[0] == "begin" and names[-1] == "failed" and "completed" not in names
    assert journal.calls[-1][2] == caught.value.hint
