"""Rate limits, outages and time-outs: waits go through the injected clock, retries are bounded."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.notion.blocks import agenda_blocks
from bot.notion.client import MAX_RETRY_AFTER, _retry_after, make_client
from bot.notion.errors import NotionUnavailable
from bot.notion.publisher import NotionPublisher
from bot.services.publications import NotionRecord
from bot.store import Repository
from tests.fakes import DatabaseRef, FakeClock, FakeNotion
from tests.notion.conftest import TOKEN, PublisherFactory
from tests.notion.helpers import (
    MEETING,
    Interrupting,
    assert_page_is,
    big_agenda,
    minimum_writes,
    small_agenda,
    writes,
)

APPEND = r"/children$"


def test_retry_after_is_honoured_even_fractional(
    fake: FakeNotion, sleeps: list[float], make_publisher: PublisherFactory
) -> None:
    agenda = small_agenda()
    fake.fail_on("PATCH", APPEND, status=429, retry_after="0.7")
    page = make_publisher().publish(agenda, "w")
    assert_page_is(fake, page.page_id, agenda)
    assert pytest.approx(0.7) in sleeps
    assert len(writes(fake.requests)) == minimum_writes(agenda_blocks(agenda, "ja")) + 1
    # A 429 is never applied: the append is sent again without looking first.
    assert not [r for r in fake.requests if r.method == "GET" and "/blocks/" in r.path]


def test_being_too_fast_is_slowed_down_by_retry_after(
    fake: FakeNotion, sleeps: list[float], make_publisher: PublisherFactory
) -> None:
    fake.rate_limit(3.0, burst=3.0, retry_after=None)  # Retry-After: seconds to a token
    agenda = big_agenda()
    page = make_publisher(max_rate=100.0, max_attempts=10).publish(agenda, "w")
    assert fake.rate_limited > 0
    assert sleeps.count(1.0) >= fake.rate_limited  # each 429 waited its Retry-After
    assert_page_is(fake, page.page_id, agenda)
    assert sum(1 for r in writes(fake.requests) if r.status == 200) == minimum_writes(
        agenda_blocks(agenda, "ja")
    )


def test_a_long_retry_after_hands_back_to_the_scheduler(
    fake: FakeNotion, repo: Repository, make_publisher: PublisherFactory
) -> None:
    fake.fail_next(1, status=429, retry_after=str(int(MAX_RETRY_AFTER) + 60))
    with pytest.raises(NotionUnavailable) as caught:
        make_publisher().publish(small_agenda(), "w")
    assert caught.value.retry_after == MAX_RETRY_AFTER + 60
    record = repo.get_publication(MEETING, "notion")
    assert record is not None and record.state == "failed"


def test_service_unavailable_bursts_are_retried(
    fake: FakeNotion, sleeps: list[float], make_publisher: PublisherFactory
) -> None:
    agenda = small_agenda()
    fake.fail_next(3, status=503)  # the first read, three times
    fake.fail_on("PATCH", APPEND, 2, status=503)  # the first append, twice
    page = make_publisher().publish(agenda, "w")
    assert_page_is(fake, page.page_id, agenda)
    assert [s for s in sleeps if s in (0.5, 1.0, 2.0)][:3] == [0.5, 1.0, 2.0]  # back-off
    minimum = minimum_writes(agenda_blocks(agenda, "ja"))
    assert len(writes(fake.requests)) == minimum + 2
    # A 503 may hide an applied write: before each resend the page is looked at once.
    looks = [r for r in fake.requests if r.method == "GET" and "/blocks/" in r.path]
    assert len(looks) == 2
    assert len(fake.requests) == minimum + 4 + 3 + 2 + 2


def test_persistent_outage_raises_unavailable_after_bounded_attempts(
    fake: FakeNotion,
    clock: FakeClock,
    repo: Repository,
    sleeps: list[float],
    make_publisher: PublisherFactory,
) -> None:
    fake.fail_for(10_000, status=503)
    start = clock()
    with pytest.raises(NotionUnavailable) as caught:
        make_publisher(max_attempts=6).publish(small_agenda(), "w")
    assert len(fake.requests) == 6
    assert [s for s in sleeps if s > 0.4] == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert clock() - start == pytest.approx(15.5)
    assert "503" in caught.value.hint
    record = repo.get_publication(MEETING, "notion")
    assert record is not None and (record.state, record.last_error) == ("failed", caught.value.hint)


def test_outage_after_create_then_recovery(
    fake: FakeNotion, db: DatabaseRef, make_publisher: PublisherFactory
) -> None:
    agenda = big_agenda()
    publisher = make_publisher()
    fake.fail_on("PATCH", APPEND, 100, status=502)
    with pytest.raises(NotionUnavailable):
        publisher.publish(agenda, "w")
    fake.clear_faults()
    page = publisher.publish(agenda, "w")
    assert [p["id"] for p in fake.pages_in(db.data_source_id)] == [page.page_id]
    assert_page_is(fake, page.page_id, agenda)


def test_connection_errors_are_retried(
    fake: FakeNotion, client: Any, make_publisher: PublisherFactory
) -> None:
    flaky = Interrupting(client, "GET", r"^databases/", 1, httpx.ConnectError("refused"))
    page = make_publisher(api=flaky).publish(small_agenda(), "w")
    assert_page_is(fake, page.page_id, small_agenda())


def test_slow_answers_time_out_and_are_retried(
    fake: FakeNotion, db: DatabaseRef, repo: Repository, clock: FakeClock
) -> None:
    # Real time here: the client's time-out is short and the fake answers late once.
    quick = make_client(TOKEN, fake.url, timeout=0.2)
    fake.slow(0.6, n=1)
    publisher = NotionPublisher(
        quick,
        NotionRecord(repo),
        database_id=db.database_id,
        parent_page_id=None,
        date_property=None,
        lang="ja",
        sleep=clock.advance,
        monotonic=clock,
    )
    page = publisher.publish(small_agenda(), "w")
    assert_page_is(fake, page.page_id, small_agenda())
    quick.close()


def test_retry_after_forms() -> None:
    assert _retry_after(httpx.Headers({"Retry-After": "2"})) == 2.0
    assert _retry_after(httpx.Headers({"Retry-After": "0.25"})) == 0.25
    assert _retry_after(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
    assert _retry_after(httpx.Headers({"Retry-After": "soon"})) is None
    assert _retry_after(httpx.Headers()) is None
