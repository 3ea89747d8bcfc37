"""The submission service: duplicates, paper hints, strict mode, meeting choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.model import NewTopic, Presenter
from bot.core.submission import parse_submission
from bot.core.weeks import Cycle
from bot.links.metadata import paper_kind
from bot.services.topics import TopicService
from bot.store import Repository, open_database

JST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=JST)
SHUN = Presenter("U04SHUN", "Shun Ito")
NAOTO = Presenter("U01NAOTO", "Naoto Shimakoshi")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    database = open_database(f"sqlite:///{tmp_path}/t.db")
    yield Repository(database)
    database.dispose()


def service(repo: Repository, **kw: object) -> TopicService:
    return TopicService(
        repo,
        Cycle(),
        clock=lambda: NOW,
        is_paper_url=lambda url: paper_kind(url) is not None,
        **kw,  # type: ignore[arg-type]
    )


def test_same_source_twice_for_one_meeting_is_refused(repo: Repository) -> None:
    svc = service(repo)
    first = svc.submit_text(SHUN, "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808")
    assert first.topic is not None
    again = svc.submit_text(NAOTO, "[論文] ConvNeXt https://arxiv.org/pdf/2301.00808v2.pdf")
    assert again.topic is None
    (problem,) = again.problems
    assert problem.code == "duplicate_same_meeting"
    assert "Shun Ito" in svc.problem_text(problem)
    assert again.duplicate_of is not None and again.duplicate_of.id == first.topic.id


def test_source_presented_earlier_is_accepted_with_a_note(repo: Repository) -> None:
    past = dt.date(2024, 5, 16)
    old = repo.add_topic(
        NewTopic(
            meeting=past,
            tag="論文",
            title="ConvNeXt V2",
            url="https://arxiv.org/abs/2301.00808",
            normalized_url="arxiv:2301.00808",
            presenter=NAOTO,
            submitted_at=dt.datetime(2024, 5, 10, tzinfo=dt.UTC),
        )
    )
    repo.apply_reaction("Ev1", old.id, "U9", "+1", True)
    outcome = service(repo).submit_text(
        SHUN, "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808v1"
    )
    assert outcome.topic is not None
    assert "2024-05-16 に Naoto Shimakoshi が発表済み (1票)" in outcome.hints


def test_paper_tag_with_a_blog_link_hints_or_refuses_when_strict(repo: Repository) -> None:
    text = "[論文] Great blog https://example.com/blog"
    gentle = service(repo).submit_text(SHUN, text)
    assert gentle.topic is not None and any("論文ページ" in h for h in gentle.hints)
    strict = service(repo, strict_paper_links=True).submit_text(NAOTO, text + "2")
    assert strict.topic is None and strict.problems[0].code == "not_a_paper"
    ok = service(repo, strict_paper_links=True).submit_text(
        NAOTO, "[論文] X https://openreview.net/forum?id=abc"
    )
    assert ok.topic is not None and not ok.hints


def test_next_week_target_and_late_flag(repo: Repository) -> None:
    svc = service(repo)
    nxt = svc.submit_text(SHUN, "[blog] Next https://example.com/n", target="next")
    assert nxt.topic is not None and nxt.topic.meeting == dt.date(2026, 12, 3)
    late_svc = TopicService(
        repo, Cycle(), clock=lambda: dt.datetime(2026, 11, 26, 11, 0, tzinfo=JST)
    )
    late = late_svc.submit_text(SHUN, "[blog] Late https://example.com/l")
    assert (
        late.topic is not None and late.topic.late and late.topic.meeting == dt.date(2026, 11, 26)
    )


def test_withdraw_only_your_own(repo: Repository) -> None:
    svc = service(repo)
    topic = svc.submit_text(SHUN, "[blog] Mine https://example.com/m").topic
    assert topic is not None
    assert svc.withdraw(topic.id, NAOTO.user_id) is None
    withdrawn = svc.withdraw(topic.id, SHUN.user_id)
    assert withdrawn is not None and withdrawn.status.value == "withdrawn"
    again = svc.submit_text(NAOTO, "[blog] Mine too https://example.com/m")
    assert again.topic is not None  # a withdrawn topic does not block its source


def test_an_edit_meets_every_rule_of_a_new_topic(repo: Repository) -> None:
    svc = service(repo, strict_paper_links=True)
    topic = svc.submit_text(SHUN, "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808").topic
    assert topic is not None
    cases = {
        "[論文] A blog https://example.com/blog": "not_a_paper",
        "ConvNeXt V2 https://arxiv.org/abs/2301.00808": "tag_missing",
        "[Kaggle] ConvNeXt V2 https://arxiv.org/abs/2301.00808": "tag_unknown",
        "[論文] ConvNeXt V2 ftp://example.com/x.pdf": "url_scheme",
        "[論文] " + "x" * 201 + " https://arxiv.org/abs/2301.00808": "title_too_long",
    }
    for text, code in cases.items():
        outcome = svc.edit(topic.id, SHUN.user_id, parse_submission(text, svc.tags), text)
        assert outcome.topic is None and outcome.problems[0].code == code, text
        assert outcome.text == text  # the member's text comes back
    assert repo.get_topic(topic.id) == topic


def test_an_edit_to_a_source_already_on_the_meeting_is_refused(repo: Repository) -> None:
    svc = service(repo)
    first = svc.submit_text(SHUN, "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808").topic
    second = svc.submit_text(NAOTO, "[blog] Other https://example.com/other").topic
    assert first is not None and second is not None
    text = "[論文] Same https://arxiv.org/pdf/2301.00808v2"
    outcome = svc.edit(second.id, NAOTO.user_id, parse_submission(text, svc.tags), text)
    assert [p.code for p in outcome.problems] == ["duplicate_same_meeting"]
    assert outcome.duplicate_of is not None and outcome.duplicate_of.id == first.id
    assert repo.get_topic(second.id) == second


def test_an_edit_of_a_missing_or_foreign_topic_is_refused_without_raising(
    repo: Repository,
) -> None:
    svc = service(repo)
    topic = svc.submit_text(SHUN, "[blog] Mine https://example.com/m").topic
    assert topic is not None
    draft = parse_submission("[blog] Changed https://example.com/m", svc.tags)
    assert svc.edit(topic.id, NAOTO.user_id, draft).problems[0].code == "not_yours"
    assert svc.edit(topic.id + 99, SHUN.user_id, draft).problems[0].code == "not_yours"
    emptied = parse_submission("[blog] https://example.com/m", svc.tags)
    kept = svc.edit(topic.id, SHUN.user_id, emptied)
    assert kept.topic is not None and kept.topic.title == "Mine"  # emptied title: kept
