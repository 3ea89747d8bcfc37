"""Importing pages into the archive, exporting it, and the round trip between the two."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.archive.exporter import (
    CSV_COLUMNS,
    export_csv,
    export_markdown,
    render_meeting_markdown,
)
from bot.archive.importer import import_files, import_text, presenter_id
from bot.core.agenda import compile_agenda, render_markdown
from bot.core.model import NewTopic, Note, Presenter, Topic, TopicStatus
from bot.core.urls import normalize_url
from bot.store import Repository, open_database
from tests.archive.conftest import RepoFactory
from tests.archive.test_parsing import CREPE, PRESENTERS, agenda_soup

MEETING = dt.date(2024, 5, 16)

Snapshot = dict[dt.date, dict[str, list[tuple[str, str, str, tuple[Note, ...], int]]]]


def snapshot(repo: Repository) -> Snapshot:
    """What must survive a round trip: meetings, presenters, tags, titles, links, notes, votes."""
    out: Snapshot = {}
    for topic in repo.all_topics():
        meeting = out.setdefault(topic.meeting, {})
        meeting.setdefault(topic.presenter.name, []).append(
            (topic.tag, topic.title, topic.url, topic.notes, topic.votes)
        )
    for meeting in out.values():
        for topics in meeting.values():
            topics.sort(key=lambda item: item[1])
    return out


def test_import_seed_001(repo: Repository, seed_path: Path) -> None:
    report = import_files(repo, [seed_path])
    [file] = report.files
    assert file.error is None and file.skipped == ()
    assert [(m.meeting, m.imported, m.present) for m in file.meetings] == [(MEETING, 6, 0)]
    topics = repo.topics_for_meeting(MEETING)
    assert len(topics) == 6
    assert {t.presenter.name for t in topics} == set(PRESENTERS)
    assert all(t.presenter.user_id == presenter_id(t.presenter.name) for t in topics)
    assert all(t.presenter.user_id.startswith("import:") for t in topics)
    assert all(t.url == "" and t.status == TopicStatus.PRESENTED for t in topics)
    crepe = next(t for t in topics if t.title == CREPE)
    assert (crepe.tag, crepe.presenter.name) == ("論文", "Shun Ito")
    assert crepe.notes[4] == Note(", のような特殊トークンを含んだ文字列", 1)
    # Page order is kept as submission order.
    assert [t.presenter.name for t in topics] == [PRESENTERS[0], *PRESENTERS]
    total = repo.search("CREPE")[1]
    assert total == 1


def test_importing_twice_adds_nothing(repo: Repository, seed_path: Path) -> None:
    import_files(repo, [seed_path])
    before = snapshot(repo)
    again = import_files(repo, [seed_path, str(seed_path)])
    assert [(f.imported, f.present) for f in again.files] == [(0, 6), (0, 6)]
    assert snapshot(repo) == before
    assert len(repo.all_topics()) == 6


def test_markdown_export_round_trips(make_repo: RepoFactory, seed_path: Path) -> None:
    first = make_repo()
    import_files(first, [seed_path])
    markdown = export_markdown(first)
    assert markdown.startswith("# 2024-05-16 機械学習勉強会\n")
    assert "[論文] CREPE: Coordinate-Aware End-to-End Document Parser 👍 0" in markdown
    assert "]()" not in markdown  # no empty links for topics without a source
    second = make_repo()
    report = import_text(second, markdown)
    assert report.skipped == () and report.imported == 6
    assert snapshot(second) == snapshot(first)
    ids = {t.presenter.user_id for t in second.all_topics()}
    assert ids == {t.presenter.user_id for t in first.all_topics()}
    assert export_markdown(second) == markdown


def _add(
    repo: Repository, meeting: dt.date, title: str, url: str, user: str, **kw: object
) -> Topic:
    at = dt.datetime.combine(meeting, dt.time(1), tzinfo=dt.UTC)
    new = NewTopic(
        meeting=meeting,
        tag=str(kw.get("tag", "論文")),
        title=title,
        url=url,
        normalized_url=normalize_url(url),
        presenter=Presenter(user, f"Name {user}"),
        submitted_at=at,
        notes=(Note("see [code](https://github.com/a/b)"), Note("n", 1), Note("deep", 2)),
        late=bool(kw.get("late", False)),
    )
    return repo.add_topic(new)


def test_votes_links_and_meetings_round_trip(make_repo: RepoFactory) -> None:
    source = make_repo()
    week1, week2 = dt.date(2024, 5, 9), dt.date(2024, 5, 16)
    a = _add(source, week1, "Attention [is] all", "https://arxiv.org/abs/1706.03762", "U1")
    _add(source, week1, "Back\\slash\\", "https://example.com/p?x=1", "U2", tag="blog", late=True)
    b = _add(source, week2, "Newer", "https://example.com/new", "U1")
    for member in ("M1", "M2", "M3"):
        source.apply_reaction(f"e-{member}", a.id, member, "+1", True)
    source.apply_reaction("e-b", b.id, "M1", "+1", True)
    markdown = export_markdown(source)
    assert markdown.index("# 2024-05-16") < markdown.index("# 2024-05-09")  # newest first
    target = make_repo()
    report = import_text(target, markdown)
    assert [(m.meeting, m.imported, m.votes_restored) for m in report.meetings] == [
        (week2, 1, 1),
        (week1, 2, 3),
    ]
    assert snapshot(target) == snapshot(source)
    assert {t.title: t.late for t in target.all_topics()}["Back\\slash\\"] is True
    # Re-importing does not add topics or votes.
    import_text(target, markdown)
    assert snapshot(target) == snapshot(source)
    # A topic present by URL under another title is not duplicated either.
    changed = markdown.replace("[Newer]", "[Renamed]")
    assert import_text(target, changed).present == 3


def test_export_matches_render_markdown_for_linked_topics(repo: Repository) -> None:
    _add(repo, MEETING, "Linked [title]", "https://arxiv.org/abs/2301.00808", "U1")
    _add(repo, MEETING, "Other", "https://example.com/x", "U2", late=True)
    agenda = compile_agenda(MEETING, repo.topics_for_meeting(MEETING))
    for lang in ("ja", "en"):
        assert render_meeting_markdown(agenda, lang) == render_markdown(agenda, lang)


def test_csv_export(repo: Repository, seed_path: Path) -> None:
    import_files(repo, [seed_path])
    linked = _add(repo, dt.date(2024, 5, 23), "Linked", "https://example.com/l", "U9")
    repo.apply_reaction("e1", linked.id, "M1", "+1", True)
    rows = list(csv.DictReader(io.StringIO(export_csv(repo), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 7
    assert rows[0]["meeting"] == "2024-05-23"  # newest meeting first
    assert (rows[0]["url"], rows[0]["votes"], rows[0]["status"]) == (
        "https://example.com/l",
        "1",
        "active",
    )
    # A leading "-" would start a spreadsheet formula: the cell is quoted (see the CSV test).
    assert rows[0]["notes"] == "'- see [code](https://github.com/a/b)\n  - n\n    - deep"
    crepe = next(row for row in rows if row["title"] == CREPE)
    assert crepe["tag"] == "論文" and crepe["presenter"] == "Shun Ito"
    assert crepe["presenter_id"] == presenter_id("Shun Ito")
    assert crepe["url"] == "" and crepe["status"] == "presented"
    assert crepe["notes"].split("\n")[4] == "  - , のような特殊トークンを含んだ文字列"
    assert dt.datetime.fromisoformat(crepe["submitted_at"]).tzinfo is not None
    since = list(csv.DictReader(io.StringIO(export_csv(repo, dt.date(2024, 5, 20)))))
    assert [row["title"] for row in since] == ["Linked"]


def test_unreadable_and_undated_files_are_reported(repo: Repository, tmp_path: Path) -> None:
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02")
    undated = tmp_path / "notes.txt"
    undated.write_text("@A\n[blog] x\n", encoding="utf-8")
    named = tmp_path / "2024-06-06.txt"
    named.write_text("@A\n[blog] x\n", encoding="utf-8")
    sjis = tmp_path / "sjis.txt"
    sjis.write_bytes("2024-06-13 勉強会\n@佐藤\n[論文] 日本語\n".encode("cp932"))
    seen: list[tuple[int, int]] = []
    report = import_files(
        repo,
        [tmp_path / "missing.txt", binary, undated, named, sjis],
        progress=lambda i, n, _: seen.append((i, n)),
    )
    assert seen == [(i, 5) for i in range(1, 6)]
    errors = [(f.error, f.undated, f.imported) for f in report.files]
    assert errors == [
        ("error_not_found", False, 0),
        ("error_binary", False, 0),
        (None, True, 0),
        (None, False, 1),
        (None, False, 1),
    ]
    assert report.failed == 2
    assert {t.meeting for t in repo.all_topics()} == {dt.date(2024, 6, 6), dt.date(2024, 6, 13)}


def test_import_on_postgresql(pg_repo: Repository, seed_text: str) -> None:
    assert import_text(pg_repo, seed_text).imported == 6
    assert import_text(pg_repo, seed_text).present == 6
    markdown = export_markdown(pg_repo)
    assert "### @Shun Ito" in markdown
    assert len(pg_repo.topics_for_meeting(MEETING)) == 6


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(agenda_soup, st.text(max_size=300)))
def test_import_never_raises_on_junk(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.getbasetemp() / "junk" / "x.db"
    with open_database(f"sqlite:///{path}") as database:
        repo = Repository(database)
        first = import_text(repo, text, default_meeting=MEETING)
        again = import_text(repo, text, default_meeting=MEETING)
    assert again.imported == 0
    assert again.present == first.imported + first.present


def test_csv_cells_that_could_start_a_formula_are_quoted(repo: Repository) -> None:
    meeting = dt.date(2024, 6, 6)
    new = NewTopic(
        meeting=meeting,
        tag="論文",
        title='=HYPERLINK("https://evil.example","click")',
        url="https://example.com/f",
        normalized_url=normalize_url("https://example.com/f"),
        presenter=Presenter("U1", "+cmd|' /C calc'!A0"),
        submitted_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        notes=(Note("@SUM(1+1)"),),
    )
    repo.add_topic(new)
    for title, name in (("\tx", "-2+3"), ("\rcr", "@me"), ("Plain = title", "Ann")):
        repo.add_topic(
            dataclasses.replace(
                new,
                title=title,
                url=f"https://example.com/{name}",
                normalized_url=normalize_url(f"https://example.com/{name}"),
                presenter=Presenter(f"U-{name}", name),
            )
        )

    rows = list(csv.DictReader(io.StringIO(export_csv(repo), newline="")))

    by_title = {row["title"]: row for row in rows}
    formula = by_title['\'=HYPERLINK("https://evil.example","click")']
    assert formula["presenter"] == "'+cmd|' /C calc'!A0"
    assert formula["notes"] == "'- @SUM(1+1)"
    assert by_title["'\tx"]["presenter"] == "'-2+3"
    assert by_title["'\rcr"]["presenter"] == "'@me"
    assert by_title["Plain = title"]["presenter"] == "Ann"  # only a leading sign counts


HOSTILE_NOTES = (
    Note("[x](javascript:alert(1))"),
    Note("<img src=x onerror=alert(1)>"),
    Note("![pixel](https://tracker.example/p.gif)"),
    Note("<javascript:alert(2)>", 1),
    Note("see [code](https://github.com/a/b) and https://example.com/x"),
)


def test_markdown_export_escapes_notes_and_links_only_http(make_repo: RepoFactory) -> None:
    source = make_repo()
    meeting = dt.date(2024, 6, 13)
    source.add_topic(
        NewTopic(
            meeting=meeting,
            tag="blog",
            title="<b>bold</b> [x](javascript:alert(3))",
            url="https://example.com/n",
            normalized_url=normalize_url("https://example.com/n"),
            presenter=Presenter("U1", "Ann <img src=x onerror=alert(4)>"),
            submitted_at=dt.datetime(2024, 6, 10, tzinfo=dt.UTC),
            notes=HOSTILE_NOTES,
        )
    )

    markdown = export_markdown(source)

    lines = markdown.splitlines()
    assert r"- \[x\](javascript:alert(1))" in lines
    assert r"- \<img src=x onerror=alert(1)\>" in lines
    assert r"- \![pixel](https://tracker.example/p.gif)" in lines  # a link, not an image
    assert r"  - \<javascript:alert(2)\>" in lines
    assert "- see [code](https://github.com/a/b) and https://example.com/x" in lines
    assert r"### @Ann \<img src=x onerror=alert(4)\>" in lines
    assert r"[blog] [\<b\>bold\</b\> \[x\](javascript:alert(3))](https://example.com/n)" in markdown
    for unsafe in (r"[^\\]\]\(javascript", r"[^\\]<(?:img|b|javascript)", r"[^\\]!\[pixel\]\("):
        assert re.search(unsafe, markdown) is None, unsafe
    # What was escaped reads back as the member wrote it.
    target = make_repo()
    import_text(target, markdown)
    [back] = target.all_topics()
    assert back.notes == HOSTILE_NOTES
    assert back.title == "<b>bold</b> [x](javascript:alert(3))"
    assert back.presenter.name == "Ann <img src=x onerror=alert(4)>"
