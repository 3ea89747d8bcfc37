"""Parsing past agenda pages: the seed's text export, the bot's Markdown, and junk."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.archive.parsing import (
    ParsedAgenda,
    SkippedLine,
    parse_agenda_text,
    parse_archive_text,
)
from bot.core.agenda import compile_agenda, render_markdown
from bot.core.i18n import Language, t
from bot.core.model import Note, Presenter, Topic
from tests.archive.conftest import SEED_001, SHARED_SEEDS

PRESENTERS = ["Naoto Shimakoshi", "Yuya Matsumura", "Yuta Kamikawa", "Shun Ito", "Yosuke Yoshida"]
CREPE = "CREPE: Coordinate-Aware End-to-End Document Parser"


def _topic(agenda: ParsedAgenda, title: str):  # type: ignore[no-untyped-def]
    return next(topic for _, topic in agenda.topics if topic.title == title)


def test_seed_copy_matches_the_shared_seed() -> None:
    shared = SHARED_SEEDS / SEED_001.name
    if not shared.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    assert SEED_001.read_bytes() == shared.read_bytes()


def test_seed_001_meeting_presenters_and_tags(seed_text: str) -> None:
    agenda = parse_agenda_text(seed_text)
    assert agenda.meeting == dt.date(2024, 5, 16)
    assert agenda.group_name == "機械学習勉強会"
    assert [p.name for p in agenda.presenters] == PRESENTERS
    assert agenda.skipped == ()  # title, heading and rules are recognised, not skipped
    by_presenter = {p.name: [(t.tag, t.title) for t in p.topics] for p in agenda.presenters}
    assert by_presenter["Naoto Shimakoshi"] == [
        ("blog", "高性能な日本語マルチモーダル基盤モデル「clip-japanese-base」を公開しました"),
        ("blog", "LLM に表データを読み解かせたかったので、ちょっと試してみた"),
    ]
    # No space after the tag, in an indented section.
    assert by_presenter["Yuya Matsumura"] == [("blog", "これまでの検索と生成AI時代の検索")]
    assert by_presenter["Yuta Kamikawa"] == [
        ("やってみた", "Detectron2でDocument Layout Analysisの学習し&推論してみた")
    ]
    assert by_presenter["Shun Ito"] == [("論文", CREPE)]
    # An untagged first line is a topic tagged その他.
    assert by_presenter["Yosuke Yoshida"] == [("その他", "Cursorはじめました")]
    assert all(topic.url is None and topic.votes == 0 for _, topic in agenda.topics)


def test_seed_001_nested_notes(seed_text: str) -> None:
    crepe = _topic(parse_agenda_text(seed_text), CREPE)
    assert crepe.notes[:7] == (
        Note("ICDAR2024採択", 0),
        Note("Documentの画像からparseした文字列とテキスト座標をE2Eで出力するモデル", 0),
        Note("画像をSwin Transformerでエンコード", 0),
        Note("Transformer Decoderで文字列を出力", 0),
        Note(", のような特殊トークンを含んだ文字列", 1),
        Note("項目と値との対応関係を構造化しやすい", 2),
        Note("で囲まれた部分は別ヘッドで座標を出力する(マルチヘッド)", 2),
    )
    assert Note("OCRタスク用の合成データ: パース+座標", 3) in crepe.notes
    assert crepe.notes[-1] == Note(
        "課題: 弱教師あり学習だと、bboxの境界の精度がやや低くなる(中心点はOK)", 0
    )
    assert len(crepe.notes) == 20
    # Notes indented by two spaces under an unindented title start at depth 0.
    llm = _topic(
        parse_agenda_text(seed_text), "LLM に表データを読み解かせたかったので、ちょっと試してみた"
    )
    assert [n.depth for n in llm.notes] == [0, 1, 0, 0, 0]


def test_seed_001_untagged_paragraphs_stay_notes(seed_text: str) -> None:
    cursor = _topic(parse_agenda_text(seed_text), "Cursorはじめました")
    texts = [note.text for note in cursor.notes]
    assert texts[:4] == [
        "業務で使う方法",
        "Privacy mode を enabled にする",
        "LayerX OrgのOpenAI API Keyを設定する",
        "をAdd modelする",
    ]
    assert "Intro to MLOps: Data and Model Versioning" in texts
    assert texts[-1] == "(e.g., best, release, etc.)."
    assert cursor.notes[-1].depth == 2


def test_bracket_forms_aliases_links_and_votes() -> None:
    text = "\n".join(
        [
            "2024/06/06 機械学習勉強会",
            "@山田",
            "【論文】 ConvNeXt V2 https://arxiv.org/abs/2301.00808",
            "- 要点",
            "［ブログ］ 記事のタイトル",
            "[Paper] [Attention](https://arxiv.org/abs/1706.03762) 👍 4",
            "[Kaggle] コンペ振り返り",
            "＠佐藤",
            "[article] <https://example.com/a|A Post> 👍 2（追加）",
        ]
    )
    agenda = parse_agenda_text(text)
    assert agenda.meeting == dt.date(2024, 6, 6)
    got = [(name, t.tag, t.title, t.url, t.votes, t.late) for name, t in agenda.topics]
    assert got == [
        ("山田", "論文", "ConvNeXt V2", "https://arxiv.org/abs/2301.00808", 0, False),
        ("山田", "blog", "記事のタイトル", None, 0, False),
        ("山田", "論文", "Attention", "https://arxiv.org/abs/1706.03762", 4, False),
        ("山田", "Kaggle", "コンペ振り返り", None, 0, False),  # unknown tags are kept
        ("佐藤", "blog", "A Post", "https://example.com/a", 2, True),
    ]
    assert agenda.topics[0][1].notes == (Note("要点"),)


def test_render_markdown_parses_back() -> None:
    meeting = dt.date(2024, 5, 16)
    at = dt.datetime(2024, 5, 13, tzinfo=dt.UTC)
    topics = [
        Topic(
            1,
            meeting,
            "論文",
            "A [bracketed] title",
            "https://arxiv.org/abs/2301.00808",
            Presenter("U1", "山田 花子"),
            at,
            (Note("see [the code](https://github.com/x/y)"), Note("deep", 1), Note("deeper", 2)),
            votes=3,
        ),
        Topic(2, meeting, "blog", "Post", "https://e.com/p", Presenter("U2", "Bob"), at, late=True),
    ]
    for lang in ("ja", "en"):
        markdown = render_markdown(compile_agenda(meeting, topics), lang)
        agenda = parse_agenda_text(markdown)
        assert agenda.meeting == meeting and agenda.skipped == ()
        got = [(n, t.tag, t.title, t.url, t.notes, t.votes, t.late) for n, t in agenda.topics]
        assert got == [
            ("山田 花子", "論文", *[topics[0].title, topics[0].url, topics[0].notes], 3, False),
            ("Bob", "blog", "Post", "https://e.com/p", (), 0, True),
        ]


def test_several_meetings_in_one_text() -> None:
    text = "# 2024-05-23 G\n\n### @A\n\n[blog] one 👍 1\n\n# 2024-05-16 G\n\n### @B\n\n[論文] two\n"
    agendas = parse_archive_text(text)
    assert [(a.meeting, [t.title for _, t in a.topics]) for a in agendas] == [
        (dt.date(2024, 5, 23), ["one"]),
        (dt.date(2024, 5, 16), ["two"]),
    ]
    first = parse_agenda_text(text)
    assert first.skipped == (SkippedLine(7, "# 2024-05-16 G", "other_meeting"),)


def test_junk_lines_are_reported_with_reasons() -> None:
    text = "\n".join(
        [
            "stray line",  # 1
            "2024-05-16 勉強会",  # 2
            "random preamble",  # 3
            "2024-02-30 not a date",  # 4
            "@A",  # 5
            "• orphan note",  # 6
            "[論文]",  # 7
            "[blog] ok 👍 99999",  # 8
            "@",  # 9
        ]
    )
    agenda = parse_agenda_text(text)
    assert agenda.meeting == dt.date(2024, 5, 16)
    assert [(s.line, s.reason) for s in agenda.skipped] == [
        (1, "before_title"),
        (3, "before_presenter"),
        (4, "bad_date"),
        (6, "note_without_topic"),
        (7, "no_title"),
        (8, "votes"),
        (9, "no_presenter_name"),
    ]
    assert [(t.title, t.votes) for _, t in agenda.topics] == [("ok", 0)]


def test_undated_text_takes_the_default_meeting() -> None:
    assert parse_agenda_text("@A\n[blog] x").meeting is None
    day = dt.date(2024, 1, 4)
    assert parse_agenda_text("@A\n[blog] x", default_meeting=day).meeting == day


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for agenda in parse_archive_text(text):
        assert isinstance(agenda.skipped, tuple)
    parse_agenda_text(text)


_pieces = st.sampled_from(
    [
        "2024-05-16 勉強会",
        "# 2024-05-16 G",
        "2024-13-40 x",
        "今週のTOPIC",
        "## 今週のTOPIC",
        "> ※ rules",
        "@Name",
        "### @Name",
        "@",
        "[論文] T",
        "【blog】",
        "[x](https://e.com) 👍 3",
        "[a] [t](https://e.com/(x)) 👍 1（追加）",
        "• note",
        "  • nested",
        "\t- tabbed",
        "\u3000・全角",
        "\xa0",
        "- ",
        "plain",
        "\\[esc\\] 👍 999999999",
        "<https://e.com|l>",
        "\x00\x01",
    ]
)


agenda_soup = st.lists(st.tuples(_pieces, st.text(max_size=8)), max_size=30).map(
    lambda parts: "\n".join(piece + noise for piece, noise in parts)
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(agenda_soup)
def test_never_raises_on_agenda_shaped_soup(text: str) -> None:
    for agenda in parse_archive_text(text):
        for _, topic in agenda.topics:
            assert topic.title and topic.tag
            assert all(note.depth >= 0 for note in topic.notes)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_agenda_with_time_slots_reads_back_with_clean_names(lang: Language) -> None:
    """`preview` and the demo write ``### 17:00 @Name (10分)`` and an "if time allows"
    section; importing that Markdown keeps names and topics, and skips no line."""
    meeting = dt.date(2026, 12, 3)
    topics = [
        Topic(
            id=n,
            meeting=meeting,
            tag="論文",
            title=f"Paper {n}",
            url=f"https://arxiv.org/abs/2301.{n:05d}",
            presenter=Presenter(f"U{n}", f"Member {n}"),
            submitted_at=dt.datetime(2026, 12, 1, 9, n, tzinfo=dt.UTC),
            notes=(Note("要点"),),
            minutes=15,
        )
        for n in range(6)
    ]
    markdown = render_markdown(compile_agenda(meeting, topics, meeting_minutes=60), lang)
    assert "17:00 @Member 0" in markdown and t(lang, "if_time_allows") in markdown

    agenda = parse_agenda_text(markdown)

    assert [p.name for p in agenda.presenters] == [f"Member {n}" for n in range(6)]
    assert [topic.title for _, topic in agenda.topics] == [f"Paper {n}" for n in range(6)]
    assert agenda.skipped == ()
