"""Meetings and topics: storing, reading, editing, moving and the duplicate-source rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from bot.core.model import Meeting, NewTopic, Note, Presenter, Topic, TopicStatus
from bot.store import DuplicateSourceError, NotFoundError, Repository

MEETING = dt.date(2024, 5, 16)
NEXT = dt.date(2024, 5, 23)
JST = dt.timezone(dt.timedelta(hours=9))

NewTopicFactory = Callable[..., NewTopic]


def test_meetings(repo: Repository) -> None:
    assert repo.get_meeting(MEETING) is None
    assert repo.ensure_meeting(MEETING) == Meeting(MEETING)
    assert repo.ensure_meeting(MEETING) == Meeting(MEETING)
    assert repo.set_skipped(NEXT, True, "祝日") == Meeting(NEXT, True, "祝日")
    assert repo.get_meeting(NEXT) == Meeting(NEXT, True, "祝日")
    assert repo.skipped_dates() == {NEXT}
    assert repo.meeting_dates() == [MEETING, NEXT]
    assert repo.set_skipped(NEXT, False, "ignored") == Meeting(NEXT)
    assert repo.skipped_dates() == set()


def test_add_and_get_topic(repo: Repository, new_topic: NewTopicFactory) -> None:
    new = new_topic(late=True)
    topic = repo.add_topic(new)
    expected = Topic(
        id=topic.id,
        meeting=MEETING,
        tag=new.tag,
        title=new.title,
        url=new.url,
        presenter=new.presenter,
        submitted_at=new.submitted_at,
        notes=new.notes,
        late=True,
    )
    assert topic == expected
    assert repo.get_topic(topic.id) == expected
    assert repo.get_meeting(MEETING) == Meeting(MEETING)


def test_get_missing_topic(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        repo.get_topic(12345)


def test_unknown_source_refused(repo: Repository, new_topic: NewTopicFactory) -> None:
    with pytest.raises(ValueError, match="source"):
        repo.add_topic(new_topic(), source="mail")  # type: ignore[arg-type]  # the point


def test_datetimes_round_trip_as_aware_utc(repo: Repository, new_topic: NewTopicFactory) -> None:
    submitted = dt.datetime(2024, 5, 16, 9, 59, 59, 123456, tzinfo=JST)
    topic = repo.get_topic(repo.add_topic(new_topic(submitted_at=submitted)).id)
    assert topic.submitted_at == submitted
    assert topic.submitted_at.utcoffset() == dt.timedelta(0)
    assert topic.submitted_at.hour == 0


def test_naive_datetime_refused(repo: Repository, new_topic: NewTopicFactory) -> None:
    with pytest.raises(ValueError, match="naive"):
        repo.add_topic(new_topic(submitted_at=dt.datetime(2024, 5, 16, 9, 0)))


def test_duplicate_source_same_meeting_refused(
    repo: Repository, new_topic: NewTopicFactory
) -> None:
    first = repo.add_topic(new_topic(url="https://arxiv.org/abs/2301.00808"))
    other = Presenter("U2", "佐藤")
    with pytest.raises(DuplicateSourceError) as caught:
        repo.add_topic(new_topic(url="https://arxiv.org/abs/2301.00808", presenter=other))
    assert caught.value.existing == first
    assert [t.id for t in repo.topics_for_meeting(MEETING)] == [first.id]


def test_duplicate_source_other_meeting_allowed(
    repo: Repository, new_topic: NewTopicFactory
) -> None:
    url = "https://arxiv.org/abs/2301.00808"
    first = repo.add_topic(new_topic(url=url))
    second = repo.add_topic(new_topic(url=url, meeting=NEXT))
    assert repo.earlier_topics_with_url(url, NEXT) == [first]
    assert repo.earlier_topics_with_url(url, MEETING) == []
    assert second.meeting == NEXT


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(TopicStatus.WITHDRAWN, True), (TopicStatus.PRESENTED, False)],
)
def test_duplicate_rule_by_status(
    repo: Repository, new_topic: NewTopicFactory, status: TopicStatus, allowed: bool
) -> None:
    first = repo.add_topic(new_topic(url="https://x.test/a"))
    repo.set_status(first.id, status)
    if allowed:
        repo.add_topic(new_topic(url="https://x.test/a"))
    else:
        with pytest.raises(DuplicateSourceError):
            repo.add_topic(new_topic(url="https://x.test/a"))


def test_restoring_withdrawn_topic_rechecks_duplicates(
    repo: Repository, new_topic: NewTopicFactory
) -> None:
    first = repo.add_topic(new_topic(url="https://x.test/a"))
    repo.set_status(first.id, TopicStatus.WITHDRAWN)
    repo.add_topic(new_topic(url="https://x.test/a"))
    with pytest.raises(DuplicateSourceError):
        repo.set_status(first.id, TopicStatus.ACTIVE)
    assert repo.get_topic(first.id).status is TopicStatus.WITHDRAWN


def test_topics_for_meeting(repo: Repository, new_topic: NewTopicFactory) -> None:
    late = repo.add_topic(new_topic(submitted_at=dt.datetime(2024, 5, 15, tzinfo=dt.UTC)))
    early = repo.add_topic(new_topic(submitted_at=dt.datetime(2024, 5, 14, tzinfo=dt.UTC)))
    gone = repo.add_topic(new_topic(submitted_at=dt.datetime(2024, 5, 13, tzinfo=dt.UTC)))
    repo.add_topic(new_topic(meeting=NEXT))
    repo.set_status(gone.id, TopicStatus.WITHDRAWN)
    repo.apply_reaction("Ev1", late.id, "U9", "+1", added=True)
    topics = repo.topics_for_meeting(MEETING)
    assert [(t.id, t.votes) for t in topics] == [(early.id, 0), (late.id, 1)]
    with_withdrawn = repo.topics_for_meeting(MEETING, include_withdrawn=True)
    assert [t.id for t in with_withdrawn] == [gone.id, early.id, late.id]
    assert repo.topics_for_meeting(dt.date(2030, 1, 3)) == []


def test_topics_of_presenter(repo: Repository, new_topic: NewTopicFactory) -> None:
    mine_now = repo.add_topic(new_topic())
    mine_next = repo.add_topic(new_topic(meeting=NEXT))
    withdrawn = repo.add_topic(new_topic())
    repo.set_status(withdrawn.id, TopicStatus.WITHDRAWN)
    repo.add_topic(new_topic(presenter=Presenter("U2", "佐藤")))
    assert [t.id for t in repo.topics_of_presenter("U1")] == [mine_next.id, mine_now.id]
    assert [t.id for t in repo.topics_of_presenter("U1", MEETING)] == [mine_now.id]
    everything = repo.topics_of_presenter("U1", MEETING, include_withdrawn=True)
    assert [t.id for t in everything] == [mine_now.id, withdrawn.id]
    assert repo.topics_of_presenter("U3") == []


def test_update_topic(repo: Repository, new_topic: NewTopicFactory) -> None:
    topic = repo.add_topic(new_topic())
    repo.apply_reaction("Ev1", topic.id, "U9", "+1", added=True)
    notes = (Note("新しいメモ"), Note("[リンク](https://x.test/n)", depth=2))
    updated = repo.update_topic(
        topic.id,
        tag="blog",
        title="新タイトル",
        url="https://x.test/B?utm_source=s",
        normalized_url="https://x.test/b",
        notes=notes,
        meeting=NEXT,
    )
    expected = dataclasses.replace(
        topic,
        tag="blog",
        title="新タイトル",
        url="https://x.test/B?utm_source=s",
        notes=notes,
        meeting=NEXT,
        votes=1,
    )
    assert updated == expected == repo.get_topic(topic.id)
    assert repo.earlier_topics_with_url("https://x.test/b", dt.date(2030, 1, 1)) == [expected]
    assert repo.update_topic(topic.id) == expected
    assert repo.update_topic(topic.id, notes=()).notes == ()


def test_update_topic_url_needs_normalized_url(
    repo: Repository, new_topic: NewTopicFactory
) -> None:
    topic = repo.add_topic(new_topic())
    with pytest.raises(ValueError, match="normalized_url"):
        repo.update_topic(topic.id, url="https://x.test/other")


def test_update_topic_refuses_duplicate(repo: Repository, new_topic: NewTopicFactory) -> None:
    repo.add_topic(new_topic(url="https://x.test/a"))
    later = repo.add_topic(new_topic(url="https://x.test/a", meeting=NEXT))
    other = repo.add_topic(new_topic(url="https://x.test/b"))
    with pytest.raises(DuplicateSourceError):
        repo.update_topic(later.id, meeting=MEETING)
    with pytest.raises(DuplicateSourceError):
        repo.update_topic(other.id, url="https://x.test/a", normalized_url="https://x.test/a")
    assert repo.get_topic(later.id) == later
    assert repo.get_topic(other.id) == other


def test_update_missing_topic(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        repo.update_topic(1, title="x")
    with pytest.raises(NotFoundError):
        repo.set_status(1, TopicStatus.PRESENTED)
    with pytest.raises(NotFoundError):
        repo.set_card(1, "C1", "1.0")


def test_set_status(repo: Repository, new_topic: NewTopicFactory) -> None:
    topic = repo.add_topic(new_topic())
    assert repo.set_status(topic.id, TopicStatus.PRESENTED).status is TopicStatus.PRESENTED
    assert repo.get_topic(topic.id).status is TopicStatus.PRESENTED


def test_cards(repo: Repository, new_topic: NewTopicFactory) -> None:
    topic = repo.add_topic(new_topic())
    other = repo.add_topic(new_topic())
    assert repo.topic_by_card("C1", "1715000000.000100") is None
    carded = repo.set_card(topic.id, "C1", "1715000000.000100")
    assert (carded.card_channel, carded.card_ts) == ("C1", "1715000000.000100")
    assert repo.topic_by_card("C1", "1715000000.000100") == carded
    assert repo.topic_by_card("C2", "1715000000.000100") is None
    assert repo.get_topic(other.id).card_ts is None


def test_move_open_topics_keeps_votes(repo: Repository, new_topic: NewTopicFactory) -> None:
    active = repo.add_topic(new_topic())
    presented = repo.add_topic(new_topic())
    withdrawn = repo.add_topic(new_topic())
    repo.set_status(presented.id, TopicStatus.PRESENTED)
    repo.set_status(withdrawn.id, TopicStatus.WITHDRAWN)
    repo.apply_reaction("Ev1", active.id, "U8", "+1", added=True)
    repo.apply_reaction("Ev2", active.id, "U9", "+1", added=True)
    assert repo.move_open_topics(MEETING, NEXT) == 1
    assert [(t.id, t.votes) for t in repo.topics_for_meeting(NEXT)] == [(active.id, 2)]
    assert [t.id for t in repo.topics_for_meeting(MEETING)] == [presented.id]
    assert repo.get_meeting(NEXT) == Meeting(NEXT)
    assert repo.move_open_topics(MEETING, NEXT) == 0


def test_all_topics(repo: Repository, new_topic: NewTopicFactory) -> None:
    old = repo.add_topic(new_topic(meeting=dt.date(2024, 5, 9)))
    now = repo.add_topic(new_topic())
    later = repo.add_topic(new_topic(meeting=NEXT))
    gone = repo.add_topic(new_topic())
    repo.set_status(gone.id, TopicStatus.WITHDRAWN)
    assert [t.id for t in repo.all_topics()] == [old.id, now.id, later.id]
    assert [t.id for t in repo.all_topics(MEETING)] == [now.id, later.id]
    assert [t.id for t in repo.all_topics(MEETING, include_withdrawn=True)] == [
        now.id,
        gone.id,
        later.id,
    ]


def test_chosen_length_is_stored_changed_and_reset(
    repo: Repository, new_topic: NewTopicFactory
) -> None:
    chosen = repo.add_topic(new_topic(minutes=15))
    even = repo.add_topic(new_topic())
    assert repo.get_topic(chosen.id).minutes == 15
    assert repo.get_topic(even.id).minutes is None
    assert repo.update_topic(chosen.id, title="renamed").minutes == 15  # untouched
    assert repo.update_topic(chosen.id, minutes=5).minutes == 5
    assert repo.update_topic(chosen.id, minutes=None).minutes is None
    assert [t.minutes for t in repo.topics_for_meeting(MEETING)] == [None, None]
