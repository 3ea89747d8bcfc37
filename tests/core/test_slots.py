"""Time slots: never overlapping, never past the meeting, every topic once, in agenda order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.agenda import agenda_order, compile_agenda, render_markdown, timed_sections
from bot.core.model import Presenter, Topic
from bot.core.slots import MIN_SLOT, SLOT_CHOICES, build_schedule, even_share, plan_slots

MEETING = dt.date(2026, 11, 26)
T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)

requests = st.lists(st.one_of(st.none(), st.sampled_from(SLOT_CHOICES)), max_size=30)
lengths = st.integers(min_value=MIN_SLOT, max_value=240)


def topic(n: int, user: str, votes: int, minutes: int | None = None) -> Topic:
    return Topic(
        id=n,
        meeting=MEETING,
        tag="blog",
        title=f"Title {n}",
        url=f"https://example.com/{n}",
        presenter=Presenter(user, f"Name {user}"),
        submitted_at=T0 + dt.timedelta(minutes=n),
        votes=votes,
        minutes=minutes,
    )


@settings(max_examples=300, deadline=None)
@given(requests, lengths)
def test_slots_fit_the_meeting_without_overlap(requested: list[int | None], total: int) -> None:
    slots = plan_slots(requested, total)
    # Every topic exactly once, in agenda order.
    assert [slot.index for slot in slots] == list(range(len(requested)))
    fitted = [slot for slot in slots if slot.start is not None]
    cursor = 0
    for slot in fitted:
        assert slot.start is not None
        assert slot.start >= cursor  # starts in order, never overlapping the one before
        cursor = slot.start + slot.minutes
    assert cursor <= total
    assert sum(slot.minutes for slot in fitted) <= total
    # What fits is the head of the agenda; the rest waits, none of it lost.
    assert all(slot.fits for slot in slots[: len(fitted)])
    assert not any(slot.fits for slot in slots[len(fitted) :])
    # A chosen length is kept; the others share evenly, never under the shortest choice.
    share = even_share(requested, total)
    assert share >= MIN_SLOT
    for slot, chosen in zip(slots, requested, strict=True):
        assert slot.minutes == (chosen if chosen is not None else share)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDE"), st.integers(0, 9), requests), max_size=12))
def test_schedule_of_an_agenda_keeps_every_topic_once(
    rows: list[tuple[str, int, list[int | None]]],
) -> None:
    topics = [
        topic(n, user, votes, (chosen or [None])[0])
        for n, (user, votes, chosen) in enumerate(rows, start=1)
    ]
    agenda = compile_agenda(MEETING, topics, meeting_minutes=60)
    assert agenda.schedule is not None
    assert [item.topic.id for item in agenda.schedule.items] == [t.id for t in agenda_order(agenda)]
    assert agenda.schedule.used_minutes <= 60
    fitted, overflow = timed_sections(agenda)
    shown = [t.id for s in [*fitted, *overflow] for t in s.topics]
    assert sorted(shown) == sorted(t.id for t in topics)
    assert all(s.start is not None for s in fitted)
    assert all(s.start is None for s in overflow)


def test_even_share_of_an_hour() -> None:
    assert [s.minutes for s in plan_slots([None] * 4, 60)] == [15, 15, 15, 15]
    assert [s.start for s in plan_slots([None] * 4, 60)] == [0, 15, 30, 45]
    # Chosen lengths first take their time; the rest share what is left.
    assert even_share([15, 15, None, None], 60) == 15
    # Too many topics: five minutes each, and the tail waits.
    slots = plan_slots([None] * 14, 60)
    assert [s.fits for s in slots] == [True] * 12 + [False] * 2


def test_first_topic_that_does_not_fit_sends_the_rest_to_if_time_allows() -> None:
    slots = plan_slots([15, 15, 15, 10, 15, 5], 60)
    assert [s.start for s in slots] == [0, 15, 30, 45, None, None]


def test_presenter_start_times_in_the_markdown() -> None:
    topics = [
        topic(1, "A", 5, 10),
        topic(2, "A", 1, 5),
        topic(3, "B", 4, 15),
        topic(4, "C", 3, 15),
        topic(5, "D", 2, 15),
        topic(6, "E", 0, 10),
    ]
    agenda = compile_agenda(MEETING, topics, meeting_minutes=60, start=dt.time(17, 0))
    md = render_markdown(agenda)
    assert "### 17:00 @Name A (15分)" in md
    assert "### 17:15 @Name B (15分)" in md
    assert "### 17:30 @Name C (15分)" in md
    assert "### 17:45 @Name D (15分)" in md
    tail = md.split("## 時間があれば", 1)[1]
    assert "### @Name E" in tail and "Title 6" in tail
    assert "Title 6" not in md.split("## 時間があれば", 1)[0]
    en = render_markdown(agenda, "en")
    assert "### 17:00 @Name A (15 min)" in en and "## If time allows" in en


def test_no_schedule_without_a_meeting_length() -> None:
    agenda = compile_agenda(MEETING, [topic(1, "A", 0)])
    assert agenda.schedule is None
    assert "### @Name A" in render_markdown(agenda)


def test_an_unknown_stored_length_counts_as_no_choice() -> None:
    schedule = build_schedule([topic(1, "A", 0, 7), topic(2, "B", 0)], 60)
    assert [item.minutes for item in schedule.items] == [30, 30]
