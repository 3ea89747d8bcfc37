"""TopicService's use cases against in-memory fakes of its ports: a submission from the
rules to the card and the late agenda, an edit, a withdrawal (no Slack, no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest

from bot.core.model import NewTopic, Note, Presenter, Topic, TopicStatus
from bot.core.submission import Draft, Problem, parse_submission
from bot.core.weeks import Cycle
from bot.services import topics as topics_module
from bot.services.topics import Member, Outcome, TopicService
from bot.store import DuplicateSourceError, NotFoundError

JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=JST)  # Tuesday: the agenda is not out yet
LATE = dt.datetime(2026, 11, 26, 11, 0, tzinfo=JST)  # Thursday, after the 10:00 publish
SHUN = Presenter("U04SHUN", "Shun Ito")
NAOTO = Presenter("U01NAOTO", "Naoto Shimakoshi")


class FakeTopics:
    """The TopicStore port in memory, refusing a source twice on a meeting like the store."""

    def __init__(self) -> None:
        self.topics: dict[int, Topic] = {}
        self.keys: dict[int, str] = {}

    def add_topic(self, new: NewTopic) -> Topic:
        for topic in self.topics_for_meeting(new.meeting):
            if self.keys[topic.id] == new.normalized_url:
                raise DuplicateSourceError(topic)
        topic_id = len(self.topics) + 1
        self.topics[topic_id] = Topic(
            topic_id,
            new.meeting,
            new.tag,
            new.title,
            new.url,
            new.presenter,
            new.submitted_at,
            new.notes,
            late=new.late,
            minutes=new.minutes,
        )
        self.keys[topic_id] = new.normalized_url
        return self.topics[topic_id]

    def get_topic(self, topic_id: int) -> Topic:
        if topic_id not in self.topics:
            raise NotFoundError(f"no topic {topic_id}")
        return self.topics[topic_id]

    def update_topic(
        self,
        topic_id: int,
        *,
        tag: str | None = None,
        title: str | None = None,
        url: str | None = None,
        normalized_url: str | None = None,
        notes: Sequence[Note] | None = None,
        minutes: int | None = None,
    ) -> Topic:
        topic = self.get_topic(topic_id)
        assert tag and title and url and normalized_url and notes is not None
        self.topics[topic_id] = dataclasses.replace(
            topic, tag=tag, title=title, url=url, notes=tuple(notes), minutes=minutes
        )
        self.keys[topic_id] = normalized_url
        return self.topics[topic_id]

    def set_status(self, topic_id: int, status: TopicStatus) -> Topic:
        self.topics[topic_id] = dataclasses.replace(self.get_topic(topic_id), status=status)
        return self.topics[topic_id]

    def set_card(self, topic_id: int, channel: str, ts: str) -> Topic:
        topic = dataclasses.replace(self.get_topic(topic_id), card_channel=channel, card_ts=ts)
        self.topics[topic_id] = topic
        return topic

    def earlier_topics_with_url(self, normalized_url: str, before: dt.date) -> list[Topic]:
        return [
            t
            for t in self.topics.values()
            if self.keys[t.id] == normalized_url and t.meeting < before
        ]

    def topics_for_meeting(self, date: dt.date) -> list[Topic]:
        return [
            t
            for t in self.topics.values()
            if t.meeting == date and t.status != TopicStatus.WITHDRAWN
        ]

    def topics_of_presenter(self, user_id: str, meeting: dt.date | None = None) -> list[Topic]:
        return [
            t
            for t in self.topics.values()
            if t.presenter.user_id == user_id and meeting in (None, t.meeting)
        ]

    def meeting_dates(self) -> list[dt.date]:
        return sorted({t.meeting for t in self.topics.values()})

    def search(
        self,
        words: str,
        *,
        limit: int = 10,
        offset: int = 0,
        tag: str | None = None,
        year: int | None = None,
    ) -> tuple[list[Topic], int]:
        found = [t for t in self.topics.values() if words in t.title and tag in (None, t.tag)]
        return found[offset : offset + limit], len(found)


class FakeCards:
    """The CardPoster port: remembers what it was asked; ``refuse`` plays a Slack refusal."""

    def __init__(self, log: list[str], *, refuse: bool = False) -> None:
        self.log = log
        self.refuse = refuse

    def send(self, topic: Topic) -> tuple[str, str] | None:
        self.log.append(f"send {topic.id}")
        return None if self.refuse else ("C1", f"{topic.id}.000")

    def refresh(self, topic_id: int) -> None:
        self.log.append(f"refresh {topic_id}")

    def delete(self, topic: Topic) -> None:
        self.log.append(f"delete {topic.id}")


def wired(
    store: FakeTopics, log: list[str], *, at: dt.datetime = NOW, refuse: bool = False
) -> TopicService:
    service = TopicService(store, Cycle(), clock=lambda: at)
    service.cards = FakeCards(log, refuse=refuse)
    service.on_late = lambda topic: log.append(f"late {topic.id}")
    service.on_change = lambda topic: log.append(f"changed {topic.id}")
    return service


def draft(text: str) -> Draft:
    return parse_submission(text, TopicService(FakeTopics(), Cycle()).tags)


def test_a_submission_is_stored_its_card_recorded_and_the_member_told() -> None:
    store, log = FakeTopics(), []
    told: list[Outcome] = []
    text = "[blog] One https://example.com/1"
    outcome = wired(store, log).submit(SHUN, draft(text), text, tell=told.append)
    assert outcome.topic is not None and outcome.topic.card_ts == "1.000"
    assert store.get_topic(1).card_channel == "C1"  # recorded by the service
    assert told == [outcome] and log == ["send 1"]  # on time: no late agenda


def test_a_late_topic_joins_the_agenda_after_the_member_has_their_receipt() -> None:
    store, log = FakeTopics(), []
    text = "[blog] Late https://example.com/late"
    service = wired(store, log, at=LATE)
    outcome = service.submit(SHUN, draft(text), text, tell=lambda o: log.append("told"))
    assert outcome.topic is not None and outcome.topic.late
    assert log == ["send 1", "told", "late 1"]


def test_a_refused_card_leaves_the_topic_stored_without_one() -> None:
    store, log = FakeTopics(), []
    text = "[blog] One https://example.com/1"
    outcome = wired(store, log, refuse=True).submit(SHUN, draft(text), text)
    assert outcome.topic is not None and outcome.topic.card_ts is None
    assert store.get_topic(1).card_ts is None


def test_a_refused_submission_is_told_and_neither_stored_nor_posted() -> None:
    store, log = FakeTopics(), []
    told: list[Outcome] = []
    text = "No tag https://example.com/1"
    outcome = wired(store, log).submit(SHUN, draft(text), text, tell=told.append)
    assert outcome.topic is None and outcome.problems[0].code == "tag_missing"
    assert told == [outcome] and outcome.text == text
    assert store.topics == {} and log == []


def test_the_form_hears_its_problems_first_and_validation_runs_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[Draft] = []
    real = topics_module.validate

    def counting(checked: Draft) -> list[Problem]:
        runs.append(checked)
        return real(checked)

    monkeypatch.setattr(topics_module, "validate", counting)
    store, log = FakeTopics(), []
    looked_up: list[str] = []

    def presenter() -> Presenter:
        looked_up.append("now")
        return SHUN

    answers: list[Sequence[Problem]] = []
    text = "[blog] One https://example.com/1"
    member = Member(SHUN.user_id, presenter)
    outcome = wired(store, log).submit(member, draft(text), text, answer=answers.append)
    assert outcome.topic is not None and len(runs) == 1
    assert answers == [[]] and looked_up == ["now"]

    # The same source again: the form says so under its field; nothing slow happens.
    again = wired(store, log).submit(member, draft(text), text, answer=answers.append)
    assert again.topic is None and [p.code for p in answers[-1]] == ["duplicate_same_meeting"]
    assert looked_up == ["now"] and len(runs) == 2 and len(store.topics) == 1


def test_an_edit_keeps_the_owner_rule_and_refreshes_the_card() -> None:
    store, log = FakeTopics(), []
    service = wired(store, log)
    text = "[blog] One https://example.com/1"
    first = service.submit(SHUN, draft(text), text).topic
    assert first is not None
    changed = "[blog] One, revised https://example.com/1"
    refused = service.submit(NAOTO, draft(changed), changed, topic_id=first.id)
    assert refused.topic is None and refused.problems[0].code == "not_yours"
    done = service.submit(SHUN, draft(changed), changed, topic_id=first.id)
    assert done.edited and done.topic is not None and done.topic.title == "One, revised"
    assert log == ["send 1", f"changed {first.id}", f"refresh {first.id}"]


def test_a_withdrawal_of_a_missing_topic_is_a_value_not_an_error() -> None:
    store, log = FakeTopics(), []
    service = wired(store, log)
    text = "[blog] One https://example.com/1"
    topic = service.submit(SHUN, draft(text), text).topic
    assert topic is not None
    assert service.withdraw(99, SHUN.user_id) is None
    assert service.withdraw(None, SHUN.user_id) is None
    assert service.withdraw(topic.id, NAOTO.user_id) is None
    undone = service.withdraw(topic.id, SHUN.user_id, undo=True)
    assert undone is not None and undone.status == TopicStatus.WITHDRAWN
    assert service.withdraw(topic.id, SHUN.user_id) is None  # already withdrawn
    assert log == ["send 1", f"changed {topic.id}", f"delete {topic.id}"]
