"""Publications, job runs and the link cache."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.store import LinkMeta, NotFoundError, Publication, Repository

from .conftest import FakeClock

MEETING = dt.date(2024, 5, 16)


def test_claim_publication_insert_or_get(repo: Repository, clock: FakeClock) -> None:
    assert repo.get_publication(MEETING, "notion") is None
    first = repo.claim_publication(MEETING, "notion", "replica-a")
    assert first == Publication(
        meeting=MEETING,
        target="notion",
        state="claimed",
        claimed_by="replica-a",
        claimed_at=clock.now,
        updated_at=clock.now,
    )
    clock.advance(minutes=1)
    assert repo.claim_publication(MEETING, "notion", "replica-b") == first
    assert repo.get_publication(MEETING, "notion") == first
    other = repo.claim_publication(MEETING, "slack", "replica-b")
    assert (other.target, other.claimed_by) == ("slack", "replica-b")
    assert repo.meeting_dates() == [MEETING]


def test_update_publication(repo: Repository, clock: FakeClock) -> None:
    claimed = repo.claim_publication(MEETING, "notion", "replica-a")
    clock.advance(seconds=5)
    partial = repo.update_publication(
        MEETING, "notion", external_id="page-1", state="partial", progress=100
    )
    assert partial == dataclasses.replace(
        claimed, external_id="page-1", state="partial", progress=100, updated_at=clock.now
    )
    failed = repo.update_publication(
        MEETING, "notion", state="failed", last_error="HTTP 502", incident_notified=True
    )
    assert (failed.external_id, failed.progress, failed.last_error) == ("page-1", 100, "HTTP 502")
    assert failed.incident_notified
    done = repo.update_publication(MEETING, "notion", state="complete", last_error=None)
    assert (done.state, done.last_error) == ("complete", None)
    assert repo.get_publication(MEETING, "notion") == done


def test_update_slack_publication_channel(repo: Repository) -> None:
    repo.claim_publication(MEETING, "slack", "replica-a")
    updated = repo.update_publication(
        MEETING, "slack", channel="C1", external_id="1715.0001", state="complete"
    )
    assert (updated.channel, updated.external_id) == ("C1", "1715.0001")


def test_update_unclaimed_publication(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        repo.update_publication(MEETING, "notion", state="complete")


def test_invalid_publication_values(repo: Repository) -> None:
    with pytest.raises(ValueError, match="target"):
        repo.claim_publication(MEETING, "mail", "a")  # type: ignore[arg-type]  # the point
    repo.claim_publication(MEETING, "slack", "a")
    with pytest.raises(ValueError, match="state"):
        repo.update_publication(MEETING, "slack", state="done")  # type: ignore[arg-type]  # the point


def test_claim_job_run(repo: Repository) -> None:
    assert repo.claim_job_run("publish", "2024-05-16", "replica-a")
    assert not repo.claim_job_run("publish", "2024-05-16", "replica-b")
    assert repo.claim_job_run("publish", "2024-05-23", "replica-b")
    assert repo.claim_job_run("remind", "2024-05-16", "replica-b")


def test_link_cache(repo: Repository) -> None:
    assert repo.get_link_meta("https://arxiv.org/abs/2301.00808") is None
    meta = LinkMeta(
        url="https://arxiv.org/abs/2301.00808",
        title="ConvNeXt V2: Co-designing and Scaling ConvNets with Masked Autoencoders",
        authors=("Sanghyun Woo", "Shoubhik Debnath", "山田 太郎"),
        year=2023,
        is_paper=True,
        ok=True,
        fetched_at=dt.datetime(2024, 5, 13, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
    )
    repo.put_link_meta(meta)
    assert repo.get_link_meta(meta.url) == meta
    failed = LinkMeta(meta.url, None, (), None, False, False, meta.fetched_at)
    repo.put_link_meta(failed)
    assert repo.get_link_meta(meta.url) == failed


def test_link_cache_refuses_naive_time(repo: Repository) -> None:
    meta = LinkMeta("https://x.test", "x", (), None, False, True, dt.datetime(2024, 5, 13))
    with pytest.raises(ValueError, match="naive"):
        repo.put_link_meta(meta)
