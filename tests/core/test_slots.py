"""Time slots: never overlapping, never past the meeting, every topic once, in agenda order."""

from __future__ import annotations

import datetime as dt

import pytest
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


agenda_rows = st.lists(
    st.tuples(st.sampled_from("ABCDEF"), st.one_of(st.none(), st.sampled_from(SLOT_CHOICES))),
    max_size=30,
).map(lambda rows: sorted(rows, key=lambda row: "ABCDEF".index(row[0])))  # grouped


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(agenda_rows, lengths)
def test_slots_fit_the_meeting_without_overlap(
    rows: list[tuple[str, int | None]], total: int
) -> None:
    presenters = [row[0] for row in rows]
    requested = [row[1] for row in rows]
    slots = plan_slots(requested, total, presenters)
    # Every topic exactly once, in agenda order.
    assert [slot.index for slot in slots] == list(range(len(requested)))
    fitted = [slot for slot in slots if slot.start is not None]
    cursor = 0
    for slot in fitted:
        assert slot.start is not None
        assert slot.start == cursor  # back to back in agenda order: no overlap, no gap
        cursor = slot.start + slot.minutes
    assert cursor <= total  # never past the end of the meeting
    # A chosen length is kept; the others share evenly, never under the shortest choice.
    share = even_share(requested, total)
    assert share >= MIN_SLOT
    for slot, chosen in zip(slots, requested, strict=True):
        assert slot.minutes == (chosen if chosen is not None else share)
    # Nothing that waits would still fit in the minutes left over.
    left = total - cursor
    assert all(slot.minutes > left for slot in slots if not slot.fits)
    # Each presenter's first topic goes before anyone's second: when all the first
    # topics fit together, every presenter has a start time.
    firsts = [presenters.index(p) for p in dict.fromkeys(presenters)]
    if sum(slots[i].minutes for i in firsts) <= total:
        assert all(slots[i].fits for i in firsts)
    # A first topic waits only when it was longer than what the other first topics left.
    after_firsts = total - sum(slots[i].minutes for i in firsts if slots[i].fits)
    assert all(slots[i].minutes > after_firsts for i in firsts if not slots[i].fits)


@pytest.mark.slow
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


def test_a_topic_that_does_not_fit_waits_and_a_shorter_one_takes_the_rest() -> None:
    slots = plan_slots([15, 15, 15, 10, 15, 5], 60)
    assert [s.start for s in slots] == [0, 15, 30, 45, None, 55]


def test_every_presenter_first_then_second_topics() -> None:
    # A has three 15-minute topics; B and C one each: B and C are not pushed out.
    slots = plan_slots([15, 15, 15, 15, 15], 60, ["A", "A", "A", "B", "C"])
    assert [s.start for s in slots] == [0, 15, None, 30, 45]


def test_presenter_start_times_in_the_markdown() -> None:
    topics = [
        topic(1, "A", 5, 10),
        topic(2, "A", 4, 10),
        topic(3, "B", 3, 15),
        topic(4, "C", 2, 15),
        topic(5, "D", 1, 15),
    ]
    agenda = compile_agenda(MEETING, topics, meeting_minutes=60, start=dt.time(17, 0))
    md = render_markdown(agenda)
    assert "### 17:00 @Name A (10分)" in md
    assert "### 17:10 @Name B (15分)" in md
    assert "### 17:25 @Name C (15分)" in md
    assert "### 17:40 @Name D (15分)" in md
    head, tail = md.split("## 時間があれば", 1)
    assert "### @Name A" in tail and "Title 2" in tail  # A's second topic waits
    assert "Title 2" not in head
    en = render_markdown(agenda, "en")
    assert "### 17:00 @Name A (10 min)" in en and "## If time allows" in en


def test_no_schedule_without_a_meeting_length() -> None:
    agenda = compile_agenda(MEETING, [topic(1, "A", 0)])
    assert agenda.schedule is None
    assert "### @Name A" in render_markdown(agenda)


def test_an_unknown_stored_length_counts_as_no_choice() -> None:
    schedule = build_schedule([topic(1, "A", 0, 7), topic(2, "B", 0)], 60)
    assert [item.minutes for item in schedule.items] == [30, 30]


def test_notion_headings_carry_the_slot_around_the_mention() -> None:
    from bot.notion.blocks import agenda_blocks

    topics = [topic(1, "A", 3, 15), topic(2, "B", 2, 15), topic(3, "A", 1, 15)]
    agenda = compile_agenda(MEETING, topics, meeting_minutes=30, start=dt.time(9, 45))
    blocks = agenda_blocks(agenda, "en", {"A": "notion-user-a"})
    headings = [b[b["type"]]["rich_text"] for b in blocks if b["type"].startswith("heading")]
    first = headings[1]
    assert first[0]["text"]["content"] == "09:45 "
    assert first[1]["mention"]["user"]["id"] == "notion-user-a"
    assert first[2]["text"]["content"] == " (15 min)"
    assert [x["text"]["content"] for x in headings[2]] == ["10:00 ", "@Name B", " (15 min)"]
    assert [h[0].get("text", {}).get("content") for h in headings[3:]] == ["If time allows", None]
    assert headings[4][0]["mention"]["user"]["id"] == "notion-user-a"  # A's second topic waits
