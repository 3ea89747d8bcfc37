"""`studybot status` and its JSON, the organisers' App Home summary, job-run logs (#18)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from bot.core.model import NewTopic, Presenter
from bot.core.weeks import upcoming_meeting
from bot.jobs import Jobs
from bot.settings import load_settings
from bot.store import Repository, open_database
from tests.conftest import Cli

ROSTER = ("U01SHUN", "U02AKI", "U03MIKA")
ERROR = "Notion API 503: service_unavailable"
STATUS_KEYS = {
    "meeting", "meeting_start", "skipped", "topics", "missing", "next_reminder",
    "next_publish", "last_publish", "notion_retries", "leases",
}  # fmt: skip


def _week(tmp_path: Path) -> tuple[dict[str, str], dt.date]:
    """A week: this week's meeting skipped by an organiser, one of three members has
    submitted for the next one, and the last Notion publish failed."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
        "SKIP_JP_HOLIDAYS": "false",
        "ROSTER": ",".join(ROSTER),
        "NOTION_TOKEN": "secret_notion_token_for_status",
        "NOTION_DATABASE_ID": "0123456789abcdef0123456789abcdef",
    }
    cycle = load_settings(env).cycle()
    skipped = upcoming_meeting(dt.datetime.now(dt.UTC), cycle)
    coming = skipped + dt.timedelta(weeks=1)
    database = open_database(env["DATABASE_URL"])
    try:
        repo = Repository(database)
        repo.set_skipped(skipped, True, "年末年始")
        repo.add_topic(
            NewTopic(
                meeting=coming,
                tag="論文",
                title="ConvNeXt V2",
                url="https://arxiv.org/abs/2301.00808",
                normalized_url="arxiv:2301.00808",
                presenter=Presenter("U01SHUN", "Shun"),
                submitted_at=dt.datetime.now(dt.UTC),
            )
        )
        last = skipped - dt.timedelta(weeks=1)
        repo.claim_publication(last, "slack", "host:1")
        repo.update_publication(last, "slack", state="complete", external_id="1700.1")
        repo.claim_publication(last, "notion", "host:1")
        repo.update_publication(last, "notion", state="failed", last_error=ERROR)
        repo.acquire_lease(f"publish:{coming.isoformat()}", "host-b:42:ab", dt.timedelta(minutes=5))
    finally:
        database.dispose()
    return env, skipped


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_status_text_names_skip_missing_members_and_failed_notion(
    cli: Cli, tmp_path: Path, lang: str
) -> None:
    env, skipped = _week(tmp_path)
    result = cli({**env, "LANGUAGE": lang}, "status")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    coming = (skipped + dt.timedelta(weeks=1)).isoformat()
    if lang == "ja":
        assert f"次の勉強会: {coming} 17:00" in out
        assert f"お休み: {skipped.isoformat()}（年末年始）" in out
        assert "未提出 2 人: U02AKI, U03MIKA" in out
        assert "前回の公開（notion）: " in out and f"エラー: {ERROR}" in out
        assert "処理中のロック: publish:" in out and "host-b:42:ab" in out
    else:
        assert f"Coming meeting: {coming} 17:00" in out
        assert f"Skipped: {skipped.isoformat()} (年末年始)" in out
        assert "Not submitted yet (2): U02AKI, U03MIKA" in out
        assert f"error: {ERROR}" in out
        assert f"Pending Notion retries: {(skipped - dt.timedelta(weeks=1)).isoformat()}" not in out
        assert "Lease held: publish:" in out
    assert "[論文] ConvNeXt V2 — Shun · 👍 0" in out
    assert "secret_notion_token_for_status" not in out + result.stderr


def test_status_json_has_the_documented_keys(cli: Cli, tmp_path: Path) -> None:
    env, skipped = _week(tmp_path)
    result = cli({**env, "LANGUAGE": "en"}, "status", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == STATUS_KEYS
    assert data["skipped"] == [{"date": skipped.isoformat(), "reason": "年末年始"}]
    assert data["missing"] == ["U02AKI", "U03MIKA"]
    assert data["topics"][0]["title"] == "ConvNeXt V2" and data["topics"][0]["votes"] == 0
    notion = data["last_publish"]["notion"]
    assert notion["state"] == "failed" and notion["error"] == ERROR
    assert data["last_publish"]["slack"]["state"] == "complete"
    assert [lease["holder"] for lease in data["leases"]] == ["host-b:42:ab"]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for key in STATUS_KEYS:
        assert f"`{key}`" in readme, key


def test_every_job_run_logs_the_next_run_of_every_job(caplog: pytest.LogCaptureFixture) -> None:
    from bot.core.weeks import Cycle

    class Service:
        clock = staticmethod(lambda: dt.datetime(2026, 12, 1, tzinfo=dt.UTC))

        def scheduled_publish(self) -> None:
            raise RuntimeError("boom")

        def remind(self) -> None: ...

        def retry_pending(self) -> None: ...

    counted: list[tuple[str, bool]] = []

    class Metrics:
        def job_run(self, job: str, ok: bool) -> None:
            counted.append((job, ok))

    jobs = Jobs(Service(), None, Cycle(), "wed 12:00", dt.timedelta(hours=2), metrics=Metrics())  # type: ignore[arg-type]
    jobs.scheduler.start(paused=True)  # next run times computed, nothing fires by itself
    try:
        by_id = {job.id: job for job in jobs.scheduler.get_jobs()}
        with caplog.at_level(logging.INFO, logger="bot.jobs"):
            by_id["studybot.publish"].func()
            by_id["studybot.reminder"].func()
    finally:
        jobs.shutdown()
    done = [r for r in caplog.records if r.getMessage() == "job_done"]
    assert [(r.job, r.outcome) for r in done] == [  # type: ignore[attr-defined]
        ("studybot.publish", "failed"),
        ("studybot.reminder", "ok"),
    ]
    for record in done:
        for job in ("publish", "reminder", "notion_retry", "housekeeping"):
            assert str(getattr(record, f"next_{job}")).startswith("20"), job
    assert counted == [("studybot.publish", False), ("studybot.reminder", True)]


def test_app_home_shows_the_week_to_organisers_only(tmp_path: Path) -> None:
    from tests.slack.harness import running_bot, wait_for

    with running_bot(
        tmp_path, ORGANIZERS="U01NAOTO", ROSTER="U04SHUN,U01NAOTO,U05KEI", LANGUAGE="en"
    ) as bot:
        bot.command("[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808")
        wait_for(lambda: bot.slack.calls_to("chat.postMessage"), timeout=60)
        for user in ("U01NAOTO", "U04SHUN"):
            bot.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
        calls = wait_for(lambda: len(bot.slack.calls_to("views.publish")) == 2, timeout=60)
        assert calls
        views = {
            c.params["user_id"]: json.dumps(c.params) for c in bot.slack.calls_to("views.publish")
        }
    organiser, member = views["U01NAOTO"], views["U04SHUN"]
    assert "This week (organisers)" in organiser
    assert "Not submitted yet (2): <@U01NAOTO>, <@U05KEI>" in organiser
    assert "Next reminder: " in organiser and "Last publish (slack): none yet" in organiser
    assert "This week (organisers)" not in member and "Not submitted" not in member


def test_status_lines_escape_what_people_typed_but_keep_mentions() -> None:
    from bot.slack.blocks import escape
    from bot.status import Status

    start = dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC)
    status = Status(
        now=start,
        meeting=start.date(),
        meeting_start=start,
        skipped=(),
        topics=(
            {
                "tag": "blog",
                "title": "<!channel> & co",
                "presenter": "A<b>",
                "presenter_id": "U1",
                "votes": 2,
            },
        ),
        missing=("U02AKI",),
        next_reminder=None,
        next_publish=start,
        last_publish={
            "slack": {
                "meeting": "2026-12-03",
                "state": "failed",
                "error": "<https://evil|x>",
                "updated_at": "",
            }
        },
    )
    text = "\n".join(status.lines("en", mention=True, escape=escape))
    assert "&lt;!channel&gt; &amp; co — A&lt;b&gt;" in text
    assert "<@U02AKI>" in text and "&lt;https://evil|x&gt;" in text
    assert "<!channel>" not in text
