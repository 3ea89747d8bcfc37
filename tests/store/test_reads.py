"""The Core reads of ``studybot preview`` (bot.store.reads.Reader) answer as Repository.

Both call the same functions of bot.store.reads; this keeps them one contract on SQLite
and PostgreSQL: topics with votes, withdrawn ones left out or kept, paper facts, skips.
"""

from __future__ import annotations

import datetime as dt

from bot.core.model import TopicStatus
from bot.store import Database, LinkMeta, Repository
from bot.store.reads import Reader
from tests.store.conftest import MEETING, NewTopicFactory


def test_reader_answers_as_the_repository(
    database: Database, repo: Repository, new_topic: NewTopicFactory
) -> None:
    reader = Reader(database)
    assert reader.topics_for_meeting(MEETING) == [] == repo.topics_for_meeting(MEETING)
    assert reader.get_meeting(MEETING) is None is repo.get_meeting(MEETING)
    assert reader.skipped_dates() == set() == repo.skipped_dates()

    paper = repo.add_topic(new_topic(url="https://arxiv.org/abs/1706.03762"))
    plain = repo.add_topic(new_topic())
    gone = repo.add_topic(new_topic())
    repo.set_status(gone.id, TopicStatus.WITHDRAWN)
    assert repo.apply_reaction("Ev1", paper.id, "U2", "+1", True)
    assert repo.apply_reaction("Ev2", paper.id, "U3", "+1", True)
    assert repo.apply_reaction("Ev3", plain.id, "U2", "+1", True)
    fetched = dt.datetime(2024, 5, 13, 3, 0, tzinfo=dt.UTC)
    meta = LinkMeta(paper.url, "Attention", ("Vaswani",), 2017, True, True, fetched, "NeurIPS")
    repo.put_link_meta(meta)
    skipped = MEETING + dt.timedelta(weeks=1)
    repo.set_skipped(skipped, True, "夏休み")

    shown = reader.topics_for_meeting(MEETING)
    assert shown == repo.topics_for_meeting(MEETING)
    assert [(t.id, t.votes) for t in shown] == [(paper.id, 2), (plain.id, 1)]
    assert shown[0].paper is not None and shown[0].paper.year == 2017
    assert shown[1].paper is None
    every = reader.topics_for_meeting(MEETING, include_withdrawn=True)
    assert every == repo.topics_for_meeting(MEETING, include_withdrawn=True)
    assert [t.id for t in every] == [paper.id, plain.id, gone.id]
    assert reader.get_meeting(MEETING) == repo.get_meeting(MEETING)
    assert reader.get_meeting(skipped) == repo.get_meeting(skipped)
    assert reader.get_meeting(skipped) is not None
    assert reader.skipped_dates() == {skipped} == repo.skipped_dates()
