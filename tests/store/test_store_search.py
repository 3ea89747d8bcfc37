"""Searching past topics: substrings, Japanese, every word, newest first, paging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from bot.core.model import NewTopic, Note, Presenter, TopicStatus
from bot.store import Repository

NewTopicFactory = Callable[..., NewTopic]
OLD, MID, NEW = dt.date(2024, 5, 2), dt.date(2024, 5, 9), dt.date(2024, 5, 16)


@pytest.fixture
def ids(repo: Repository, new_topic: NewTopicFactory) -> dict[str, int]:
    def add(name: str, **fields: object) -> tuple[str, int]:
        return name, repo.add_topic(new_topic(**fields)).id

    return dict(
        [
            add("mm", meeting=OLD, title="マルチモーダルLLMの評価手法", tag="論文"),
            add(
                "convnext",
                meeting=MID,
                title="ConvNeXt V2",
                notes=(Note("Masked Autoencoder と組み合わせ"),),
            ),
            add(
                "kaggle",
                meeting=NEW,
                title="LLM コンペ振り返り",
                tag="Kaggle",
                presenter=Presenter("U2", "佐藤 花子"),
            ),
            add("pct", meeting=NEW, title="精度 100% への道", tag="blog"),
            add("gone", meeting=NEW, title="マルチモーダル 取り下げ"),
        ]
    )


def _ids(repo: Repository, words: str, **kw: int) -> list[int]:
    return [t.id for t in repo.search(words, **kw)[0]]


def test_japanese_substring(repo: Repository, ids: dict[str, int]) -> None:
    repo.set_status(ids["gone"], TopicStatus.WITHDRAWN)
    assert _ids(repo, "マルチモーダル") == [ids["mm"]]
    assert _ids(repo, "評価") == [ids["mm"]]


def test_case_and_width_insensitive(repo: Repository, ids: dict[str, int]) -> None:
    assert _ids(repo, "convnext") == [ids["convnext"]]
    assert _ids(repo, "ＣＯＮＶＮＥＸＴ") == [ids["convnext"]]
    assert _ids(repo, "masked autoencoder") == [ids["convnext"]]


def test_every_word_must_match(repo: Repository, ids: dict[str, int]) -> None:
    assert _ids(repo, "LLM") == [ids["kaggle"], ids["mm"]]
    assert _ids(repo, "llm　マルチ") == [ids["mm"]]  # ideographic space separates words
    assert _ids(repo, "llm 存在しない") == []


def test_tag_presenter_and_notes(repo: Repository, ids: dict[str, int]) -> None:
    assert _ids(repo, "kaggle") == [ids["kaggle"]]
    assert _ids(repo, "佐藤") == [ids["kaggle"]]
    assert _ids(repo, "組み合わせ") == [ids["convnext"]]


def test_like_wildcards_are_literal(repo: Repository, ids: dict[str, int]) -> None:
    assert _ids(repo, "100%") == [ids["pct"]]
    assert _ids(repo, "%") == [ids["pct"]]
    assert _ids(repo, "_") == []
    assert _ids(repo, "\\") == []


def test_newest_first_and_paging(repo: Repository, ids: dict[str, int]) -> None:
    # every topic but "convnext" keeps the factory's default note "要点"
    newest_first = [ids["kaggle"], ids["pct"], ids["gone"], ids["mm"]]
    assert repo.search("要点")[1] == 4
    assert _ids(repo, "要点") == newest_first
    assert repo.search("要点", limit=2) == repo.search("要点", limit=2, offset=0)
    assert _ids(repo, "要点", limit=2, offset=0) == newest_first[:2]
    assert _ids(repo, "要点", limit=2, offset=2) == newest_first[2:]
    assert repo.search("要点", limit=2, offset=4) == ([], 4)


def test_blank_query_finds_nothing(repo: Repository, ids: dict[str, int]) -> None:
    assert repo.search("") == ([], 0)
    assert repo.search(" 　 ") == ([], 0)


def test_search_returns_votes(repo: Repository, ids: dict[str, int]) -> None:
    repo.apply_reaction("Ev1", ids["mm"], "U9", "+1", added=True)
    topics, total = repo.search("llmの評価")
    assert total == 1
    assert topics[0].votes == 1
