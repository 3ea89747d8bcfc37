"""Time slots: each topic's length and start within the meeting, and what does not fit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.model import Presenter, Topic

# The lengths a member may choose in the form; the shortest is also the least a topic
# gets by default, so a crowded week overflows instead of shrinking talks to nothing.
SLOT_CHOICES: tuple[int, ...] = (5, 10, 15)
MIN_SLOT = SLOT_CHOICES[0]
DEFAULT_MEETING_MINUTES = 60


@dataclass(frozen=True, slots=True)
class Slot:
    """One topic's place: ``index`` in agenda order, ``start`` minutes after the meeting
    starts (None when it does not fit: "if time allows"), and its length."""

    index: int
    start: int | None
    minutes: int

    @property
    def fits(self) -> bool:
        return self.start is not None


def even_share(requested: Sequence[int | None], meeting_minutes: int) -> int:
    """Whole minutes each topic without a chosen length gets: the time the chosen lengths
    leave, shared evenly, but never less than the shortest choice."""
    unchosen = sum(1 for minutes in requested if minutes is None)
    if unchosen == 0:
        return MIN_SLOT
    chosen = sum(minutes for minutes in requested if minutes is not None)
    return max(MIN_SLOT, (meeting_minutes - chosen) // unchosen)


def plan_slots(
    requested: Sequence[int | None],
    meeting_minutes: int,
    presenters: Sequence[str] | None = None,
) -> tuple[Slot, ...]:
    """One slot per topic, in agenda order, back to back from minute 0.

    Each presenter's first topic is placed first, so everyone who submitted gets a start
    time when the hour allows it; the other topics then take the time left, best first.
    A topic that does not fit waits for "if time allows", and a shorter one after it may
    still take the leftover minutes. ``presenters`` names each topic's presenter (by
    default every topic is its own).
    """
    share = even_share(requested, meeting_minutes)
    lengths = [chosen if chosen is not None else share for chosen in requested]
    owners = list(presenters) if presenters is not None else [str(i) for i in range(len(lengths))]
    seen: set[str] = set()
    leads = []
    for owner in owners:
        leads.append(owner not in seen)
        seen.add(owner)
    chosen_ones: set[int] = set()
    used = 0
    for lead_round in (True, False):
        for index, minutes in enumerate(lengths):
            if leads[index] == lead_round and used + minutes <= meeting_minutes:
                chosen_ones.add(index)
                used += minutes
    slots: list[Slot] = []
    cursor = 0
    for index, minutes in enumerate(lengths):
        if index in chosen_ones:
            slots.append(Slot(index, cursor, minutes))
            cursor += minutes
        else:
            slots.append(Slot(index, None, minutes))
    return tuple(slots)


@dataclass(frozen=True, slots=True)
class TimedTopic:
    """A topic with its slot."""

    topic: Topic
    start: int | None
    minutes: int


@dataclass(frozen=True, slots=True)
class PresenterSlot:
    """A presenter's consecutive topics that fit: when they start and for how long."""

    presenter: Presenter
    start: int
    minutes: int
    topics: tuple[Topic, ...]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A meeting's time slots: every topic of the agenda once, in agenda order."""

    meeting_minutes: int
    start: dt.time
    items: tuple[TimedTopic, ...]

    @property
    def fitted(self) -> tuple[TimedTopic, ...]:
        return tuple(item for item in self.items if item.start is not None)

    @property
    def overflow(self) -> tuple[TimedTopic, ...]:
        """What does not fit ("if time allows"), in agenda order."""
        return tuple(item for item in self.items if item.start is None)

    @property
    def used_minutes(self) -> int:
        return sum(item.minutes for item in self.fitted)

    def clock(self, offset: int) -> str:
        """``HH:MM`` of the wall clock ``offset`` minutes after the meeting starts."""
        base = dt.datetime.combine(dt.date(2000, 1, 1), self.start)
        return (base + dt.timedelta(minutes=offset)).strftime("%H:%M")

    def presenter_slots(self) -> tuple[PresenterSlot, ...]:
        """Consecutive fitted topics of one presenter merged into that presenter's slot."""
        merged: list[PresenterSlot] = []
        for item in self.fitted:
            assert item.start is not None
            last = merged[-1] if merged else None
            if last is not None and last.presenter.user_id == item.topic.presenter.user_id:
                merged[-1] = PresenterSlot(
                    last.presenter,
                    last.start,
                    last.minutes + item.minutes,
                    (*last.topics, item.topic),
                )
            else:
                merged.append(
                    PresenterSlot(item.topic.presenter, item.start, item.minutes, (item.topic,))
                )
        return tuple(merged)


def build_schedule(
    ordered: Sequence[Topic], meeting_minutes: int, start: dt.time = dt.time(17, 0)
) -> Schedule:
    """The slots of topics already in agenda order (their chosen lengths respected)."""
    requested = [topic.minutes if topic.minutes in SLOT_CHOICES else None for topic in ordered]
    slots = plan_slots(requested, meeting_minutes, [t.presenter.user_id for t in ordered])
    items = tuple(
        TimedTopic(topic, slot.start, slot.minutes)
        for topic, slot in zip(ordered, slots, strict=True)
    )
    return Schedule(meeting_minutes=meeting_minutes, start=start, items=items)


def slots_json(schedule: Schedule | None) -> list[dict[str, object]]:
    """The slots as plain values (``preview --format json``): one entry per topic in
    agenda order; ``start`` and ``end`` are None for a topic under "if time allows"."""
    if schedule is None:
        return []
    return [
        {
            "start": None if item.start is None else schedule.clock(item.start),
            "end": None if item.start is None else schedule.clock(item.start + item.minutes),
            "minutes": item.minutes,
            "chosen": item.topic.minutes in SLOT_CHOICES,
            "fits": item.start is not None,
            "presenter": item.topic.presenter.name,
            "presenter_id": item.topic.presenter.user_id,
            "title": item.topic.title,
        }
        for item in schedule.items
    ]
