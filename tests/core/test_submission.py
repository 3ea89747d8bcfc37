"""The inline parser and the rules: every link form, tag spelling and failure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.i18n import Language, t
from bot.core.model import Note, Presenter
from bot.core.submission import parse_submission, validate
from bot.core.tags import TagSet
from bot.core.weeks import Cycle
from bot.services.topics import TopicService
from bot.store import Repository, open_database

TAGS = TagSet()
URL = "https://arxiv.org/abs/2301.00808"


def codes(text: str, *, require_title: bool = False) -> list[str]:
    return [p.code for p in validate(parse_submission(text, TAGS), require_title=require_title)]


@pytest.mark.parametrize(
    ("text", "title", "url"),
    [
        (f"[論文] ConvNeXt V2 {URL}", "ConvNeXt V2", URL),
        (f"[論文] ConvNeXt V2 <{URL}>", "ConvNeXt V2", URL),
        (f"[論文] <{URL}|ConvNeXt V2>", "ConvNeXt V2", URL),
        (f"[論文] [ConvNeXt V2]({URL})", "ConvNeXt V2", URL),
        (f"[論文] [ConvNeXt V2](<{URL}>)", "ConvNeXt V2", URL),
        (f"[論文] {URL} ConvNeXt V2", "ConvNeXt V2", URL),
        (f"[論文] ConvNeXt V2\n{URL}", "ConvNeXt V2", URL),
        (
            "[blog] A &amp; B <https://x.example/p?a=1&amp;b=2>",
            "A & B",
            "https://x.example/p?a=1&b=2",
        ),
    ],
)
def test_every_link_form(text: str, title: str, url: str) -> None:
    draft = parse_submission(text, TAGS)
    assert (draft.title, draft.url) == (title, url)
    assert validate(draft) == []


@pytest.mark.parametrize(
    ("spelling", "tag"),
    [
        ("[論文]", "論文"),
        ("【論文】", "論文"),
        ("［論文］", "論文"),
        ("[blog]", "blog"),
        ("[BLOG]", "blog"),
        ("【ブログ】", "blog"),
        ("[記事]", "blog"),
        ("[やってみた]", "やってみた"),
        ("【アプデ】", "アプデ"),
        ("[paper]", "論文"),
        ("[ Paper ]", "論文"),
        ("［ａｒｘｉｖ］", "論文"),
        ("[hands-on]", "やってみた"),
        ("[talk]", "発表"),
        ("[other]", "その他"),
    ],
)
def test_every_tag_spelling(spelling: str, tag: str) -> None:
    draft = parse_submission(f"{spelling} Title {URL}", TAGS)
    assert draft.tag == tag
    assert draft.title == "Title"


def test_notes_markers_and_nesting() -> None:
    text = (
        f"[論文] ConvNeXt V2 {URL}\n"
        "- top\n"
        "  - child\n"
        "    * grandchild\n"
        "・second top\n"
        "\t• tab child\n"
        "　・ideographic-space child\n"
        "- back to top"
    )
    draft = parse_submission(text, TAGS)
    assert draft.notes == (
        Note("top", 0),
        Note("child", 1),
        Note("grandchild", 2),
        Note("second top", 0),
        Note("tab child", 1),
        Note("ideographic-space child", 1),
        Note("back to top", 0),
    )


def test_note_links_keep_their_labels() -> None:
    text = (
        f"[論文] X {URL}\n- see <https://twitter.com/a/status/1|the tweet>\n"
        "- and [docs](https://d.example/x) and https://bare.example/y."
    )
    draft = parse_submission(text, TAGS)
    assert draft.notes[0].text == "see [the tweet](https://twitter.com/a/status/1)"
    assert draft.notes[1].text == "and [docs](https://d.example/x) and https://bare.example/y."


def test_title_brackets_that_are_not_tags_stay_in_the_title() -> None:
    draft = parse_submission("[論文] [2301.05579] A survey https://arxiv.org/abs/2301.05579", TAGS)
    assert draft.tag == "論文"
    assert draft.title == "[2301.05579] A survey"


def test_mentions_become_plain_text() -> None:
    draft = parse_submission(f"[blog] hi <!channel> <!here> <@U123|bob> <#C1|general> {URL}", TAGS)
    assert draft.title == "hi @channel @here @bob #general"


def test_missing_title_is_allowed_until_required() -> None:
    assert codes(f"[論文] {URL}") == []
    assert codes(f"[論文] {URL}", require_title=True) == ["title_missing"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"ConvNeXt V2 {URL}", ["tag_missing"]),
        (f"[Kaggle] ConvNeXt V2 {URL}", ["tag_unknown"]),
        (f"[論文][blog] ConvNeXt V2 {URL}", ["tag_multiple"]),
        ("[論文] ConvNeXt V2", ["url_missing"]),
        ("[論文] ConvNeXt V2 javascript:alert(1)", ["url_scheme"]),
        ("[論文] ConvNeXt V2 <javascript:alert(1)|click>", ["url_scheme"]),
        ("[論文] ConvNeXt V2 ftp://files.example/paper.pdf", ["url_scheme"]),
        ("[論文] ConvNeXt V2 data:text/html,hi", ["url_scheme"]),
        (f"[論文] {'x' * 201} {URL}", ["title_too_long"]),
        ("", ["tag_missing", "url_missing"]),
        ("nothing at all", ["tag_missing", "url_missing"]),
    ],
)
def test_each_failure(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_title_of_exactly_200_is_fine() -> None:
    assert codes(f"[論文] {'x' * 200} {URL}") == []


def test_too_many_note_lines_and_characters() -> None:
    many = "\n".join(f"- note {i}" for i in range(31))
    assert codes(f"[論文] T {URL}\n{many}") == ["notes_too_many_lines"]
    thirty = "\n".join(f"- note {i}" for i in range(30))
    assert codes(f"[論文] T {URL}\n{thirty}") == []
    long = "\n".join("- " + "あ" * 200 for _ in range(16))
    assert codes(f"[論文] T {URL}\n{long}") == ["notes_too_long"]


def test_every_problem_has_a_message_in_both_languages() -> None:
    draft = parse_submission("[x] " + "y" * 300 + " ftp://a.b", TAGS)
    for problem in validate(draft):
        for lang in ("ja", "en"):
            message = t(lang, problem.code, tags="論文 blog", **problem.params)
            assert message and "{" not in message


def test_source_url_over_notions_limit_is_refused_at_submit() -> None:
    long_url = "https://example.com/" + "a" * (2500 - len("https://example.com/"))
    assert len(long_url) == 2500

    draft = parse_submission(f"[blog] Long link {long_url}", TAGS)
    problems = validate(draft)

    assert [p.code for p in problems] == ["url_too_long"]
    params = {str(k): v for k, v in problems[0].params.items()}
    ja, en = t("ja", "url_too_long", **params), t("en", "url_too_long", **params)
    assert "2500" in ja and "2000" in ja and "Notion" in ja
    assert "2500" in en and "2000" in en and "Notion" in en


def test_source_url_limit_counts_the_url_that_is_stored() -> None:
    at_limit = "https://example.com/" + "a" * (2000 - len("https://example.com/"))
    assert codes(f"[blog] At the limit {at_limit}") == []
    assert codes(f"[blog] One over {at_limit}b") == ["url_too_long"]
    # Tracking parameters are dropped before storing, so they do not count.
    tracked = f"{at_limit}?utm_source={'x' * 600}"
    assert codes(f"[blog] Tracked {tracked}") == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (f"[論文] <{URL}|ConvNeXt V2> の紹介", "ConvNeXt V2 の紹介"),
        (f"[論文] 今週は <{URL}|ConvNeXt V2> の紹介", "今週は ConvNeXt V2 の紹介"),
        (f"[論文] [ConvNeXt V2]({URL}) の紹介", "ConvNeXt V2 の紹介"),
        (f"[論文] <{URL}|ConvNeXt V2> by <@U04SHUN|shun>", "ConvNeXt V2 by @shun"),
        ("[blog] <https://x.example/p|A &amp; B> と C", "A & B と C"),
        (f"[論文] <{URL}|{URL}> の紹介", "の紹介"),
    ],
)
def test_labelled_link_on_the_title_line_keeps_its_label_in_place(text: str, title: str) -> None:
    """Issue #14 item 1: the label is the title's text, where the member drew it."""
    draft = parse_submission(text, TAGS)
    assert draft.title == title
    assert draft.url is not None and validate(draft) == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (f"[論文] ConvNeXt V2 :fire: {URL}", "ConvNeXt V2 :fire:"),
        (f"[論文] :fire: ConvNeXt V2 {URL}", ":fire: ConvNeXt V2"),
        (
            f"[論文] <{URL}|ConvNeXt V2> :slightly_smiling_face:",
            "ConvNeXt V2 :slightly_smiling_face:",
        ),
        (f"[論文] ConvNeXt V2 :+1::skin-tone-2: {URL}", "ConvNeXt V2 :+1::skin-tone-2:"),
        (f"[論文] ConvNeXt V2: {URL}", "ConvNeXt V2"),
    ],
)
def test_emoji_shortcodes_survive_in_titles(text: str, title: str) -> None:
    """Issue #14 item 2: only separators are trimmed, never an emoji's colons."""
    assert parse_submission(text, TAGS).title == title


def test_emoji_shortcodes_survive_in_notes() -> None:
    draft = parse_submission(
        f"[論文] ConvNeXt V2 {URL}\n- 速い :fire:\n  - :+1::skin-tone-3: 良い", TAGS
    )
    assert [(n.text, n.depth) for n in draft.notes] == [
        ("速い :fire:", 0),
        (":+1::skin-tone-3: 良い", 1),
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_member_learns_at_submit_time_and_nothing_is_stored(
    tmp_path: Path, lang: Language
) -> None:
    """#14.8 end to end through the service the slash command and the form share."""
    long_url = "https://example.com/" + "a" * 2480
    text = f"[blog] Long link {long_url}"
    database = open_database(f"sqlite:///{tmp_path}/t.db")
    try:
        repo = Repository(database)
        service = TopicService(
            repo,
            Cycle(),
            lang=lang,
            clock=lambda: dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
        )

        outcome = service.submit_text(Presenter("U1", "Ann"), text)

        assert outcome.topic is None
        assert [p.code for p in outcome.problems] == ["url_too_long"]
        message = service.problem_text(outcome.problems[0])
        assert "2500" in message and "2000" in message
        assert repo.all_topics() == []
    finally:
        database.dispose()
