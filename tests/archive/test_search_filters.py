"""`/topic search` filters: ``tag:論文`` and ``year:2023`` (paper's year, else meeting's)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.archive.query import SearchQuery, parse_query
from bot.core.model import NewTopic, Presenter
from bot.core.tags import TagSet
from bot.core.urls import normalize_url
from bot.store import LinkMeta, Repository
from tests.slack.harness import running_bot

JST = dt.timezone(dt.timedelta(hours=9))
NAOTO = Presenter("U01NAOTO", "Naoto Shimakoshi")


def _add(repo: Repository, meeting: dt.date, tag: str, title: str, url: str) -> None:
    repo.add_topic(
        NewTopic(
            meeting=meeting,
            tag=tag,
            title=title,
            url=url,
            normalized_url=normalize_url(url),
            presenter=NAOTO,
            submitted_at=dt.datetime.combine(meeting, dt.time(9), JST),
        ),
        source="import",
    )


def _paper_year(repo: Repository, url: str, year: int) -> None:
    fetched = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    repo.put_link_meta(LinkMeta(url, "t", ("A",), year, True, True, fetched, venue="ICLR"))


def _fill(repo: Repository) -> None:
    # Presented in 2024, published in 2023: a 2023 paper for the reading list.
    _add(repo, dt.date(2024, 5, 16), "論文", "拡散モデル A", "https://arxiv.org/abs/2301.00001")
    _paper_year(repo, "https://arxiv.org/abs/2301.00001", 2023)
    # No metadata: the meeting's year stands in.
    _add(repo, dt.date(2023, 11, 9), "論文", "拡散モデル B", "https://example.com/b.pdf")
    _add(repo, dt.date(2023, 11, 9), "blog", "拡散モデル C", "https://example.com/c")
    _add(repo, dt.date(2024, 6, 13), "論文", "言語モデル D", "https://arxiv.org/abs/2406.00002")
    _paper_year(repo, "https://arxiv.org/abs/2406.00002", 2024)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tag:論文 拡散", SearchQuery("拡散", "論文")),
        ("tag:[paper] year:２０２３", SearchQuery("", "論文", 2023)),
        ("TAG:Blog 拡散 year:2024", SearchQuery("拡散", "blog", 2024)),
        ("タグ:【論文】", SearchQuery("", "論文")),
        ("http://x.test/tag:論文", SearchQuery("http://x.test/tag:論文")),
    ],
)
def test_filters_are_taken_out_of_the_words(text: str, expected: SearchQuery) -> None:
    assert parse_query(text, TagSet()) == expected


@pytest.mark.parametrize(
    ("text", "problem", "value"),
    [("tag:小説 x", "bad_tag", "小説"), ("tag:", "bad_tag", ""), ("year:23", "bad_year", "23")],
)
def test_a_filter_that_makes_no_sense_is_named(text: str, problem: str, value: str) -> None:
    query = parse_query(text, TagSet())
    assert (query.problem, query.bad_value, query.words) == (problem, value, text)


def test_help_names_the_filters() -> None:
    from bot.core.i18n import t

    assert "`tag:論文`" in t("ja", "help_body", tags="論文") and "`year:2023`" in t(
        "en", "help_body", tags="paper"
    )


def test_repository_filters_by_tag_and_year(tmp_path: Path) -> None:
    from bot.store import open_database

    database = open_database(f"sqlite:///{tmp_path}/s.db")
    try:
        repo = Repository(database)
        _fill(repo)

        def titles(words: str, **kw: object) -> list[str]:
            found, total = repo.search(words, **kw)  # type: ignore[arg-type]
            assert total == len(found)
            return [topic.title for topic in found]

        assert titles("拡散", tag="論文") == ["拡散モデル A", "拡散モデル B"]
        assert titles("", tag="論文", year=2023) == ["拡散モデル A", "拡散モデル B"]
        assert titles("", year=2024) == ["言語モデル D"]
        assert titles("", tag="blog") == ["拡散モデル C"]
        assert titles("") == []
        found, _ = repo.search("", tag="論文", year=2023)
        assert found[0].paper is not None and found[0].paper.year == 2023
    finally:
        database.dispose()


@pytest.mark.e2e
def test_slash_search_with_filters_and_a_bad_year(tmp_path: Path) -> None:
    with running_bot(tmp_path) as bot:
        _fill(bot.runtime.repo)

        _, url = bot.command("search tag:paper year:2023")
        shown = json.dumps(bot.replies(url), ensure_ascii=False)
        assert "拡散モデル A" in shown and "拡散モデル B" in shown
        assert "拡散モデル C" not in shown and "言語モデル D" not in shown

        _, url = bot.command("search year:二千 拡散")
        refused = json.dumps(bot.replies(url), ensure_ascii=False)
        assert "「二千」は年として読めません" in refused
        assert "入力: year:二千 拡散" in refused  # the member's own text comes back
