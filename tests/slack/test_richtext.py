"""The one rich-text converter: the form's notes and the shortcut's message agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.model import Note
from bot.core.submission import parse_submission
from bot.core.tags import TagSet
from bot.slack.forms import notes_rich_text
from bot.slack.richtext import IdNames, rich_text_to_notes, split_message

DATA = Path(__file__).resolve().parents[1] / "data" / "slack"
URL = "https://arxiv.org/abs/2301.00808"


class Names(IdNames):
    """What the Slack look-ups answer in a workspace (the adapter is tested end to end)."""

    def user(self, user_id: str) -> str:
        return {"U01NAOTO": "Naoto Shimakoshi"}.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return {"C0PAPERS01": "papers"}.get(channel_id, channel_id)

    def usergroup(self, usergroup_id: str) -> str:
        return {"S0MLTEAM01": "ml-team"}.get(usergroup_id, usergroup_id)


NAMES = Names()


def notes_value() -> dict[str, Any]:
    return json.loads((DATA / "rich_text_notes.json").read_text(encoding="utf-8"))


def section(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(elements)}


def message(header: list[dict[str, Any]], value: dict[str, Any]) -> dict[str, Any]:
    """A message whose first line is ``header`` and whose body is ``value``'s rich text."""
    elements = [section(*header), *value["elements"]]
    return {"type": "message", "blocks": [{"type": "rich_text", "elements": elements}]}


EXPECTED = [
    Note("要点 :fire: by @Naoto Shimakoshi in #papers cc @ml-team", 0),
    Note("[公式実装](https://github.com/facebookresearch/ConvNeXt-V2) あり :+1::skin-tone-3:", 0),
    Note("発表日 2024-05-23 a < b & c", 2),
    Note("1. FCMAE で事前学習", 0),
    Note("2. GRN 層を追加", 0),
    Note("> Co-designing and Scaling ConvNets", 0),
    Note("`def grn(x):`", 0),
    Note("`    return x`", 0),
]


def test_form_notes_keep_names_dates_skin_tones_and_structure() -> None:
    """Issue #14 items 3 and 4: nothing the member wrote comes out as an id or vanishes."""
    assert list(rich_text_to_notes(notes_value(), NAMES)) == EXPECTED


def test_shortcut_notes_are_the_form_notes() -> None:
    """The same rich text through the shortcut stores exactly what the form stores."""
    header = [
        {"type": "text", "text": "[論文] "},
        {"type": "link", "url": URL, "text": "ConvNeXt V2"},
    ]
    shared = split_message(message(header, notes_value()), NAMES)
    assert shared.notes == rich_text_to_notes(notes_value(), NAMES)
    assert list(shared.notes) == EXPECTED


def test_prefilled_form_submits_the_same_notes_again() -> None:
    """Shortcut -> prefilled form -> submit: the notes survive the round trip unchanged."""
    notes = rich_text_to_notes(notes_value(), NAMES)
    assert rich_text_to_notes(notes_rich_text(notes), NAMES) == notes


def test_indent_jump_stays_as_deep_as_slack_shows_it() -> None:
    value = {
        "type": "rich_text",
        "elements": [
            {"type": "rich_text_list", "style": "bullet", "indent": 0,
             "elements": [section({"type": "text", "text": "top"})]},
            {"type": "rich_text_list", "style": "bullet", "indent": 2,
             "elements": [section({"type": "text", "text": "deep"})]},
            {"type": "rich_text_list", "style": "ordered", "indent": 1, "offset": 3,
             "elements": [section({"type": "text", "text": "fourth"})]},
        ],
    }  # fmt: skip
    expected = [Note("top", 0), Note("deep", 2), Note("4. fourth", 1)]
    assert list(rich_text_to_notes(value, NAMES)) == expected
    shared = split_message(message([{"type": "text", "text": "[blog] x"}], value), NAMES)
    assert list(shared.notes) == expected


def test_shortcut_header_keeps_the_link_label_mentions_and_emoji() -> None:
    """Issue #14 items 1 and 2 on the shortcut: `<link> by @someone 🙂`."""
    header = [
        {"type": "text", "text": "【論文】 "},
        {"type": "link", "url": URL, "text": "ConvNeXt V2"},
        {"type": "text", "text": " by "},
        {"type": "user", "user_id": "U01NAOTO"},
        {"type": "text", "text": " "},
        {"type": "emoji", "name": "slightly_smiling_face", "unicode": "1f642"},
    ]
    shared = split_message(message(header, {"elements": []}), NAMES)
    draft = parse_submission(shared.header, TagSet())
    assert draft.title == "ConvNeXt V2 by @Naoto Shimakoshi :slightly_smiling_face:"
    assert (draft.tag, draft.url) == ("論文", URL)


def test_source_on_the_line_under_the_header_joins_it() -> None:
    body = {
        "type": "rich_text",
        "elements": [
            section(
                {"type": "text", "text": "[論文] ConvNeXt V2\n"},
                {"type": "link", "url": URL},
                {"type": "text", "text": "\nメモ"},
            )
        ],
    }
    shared = split_message({"blocks": [body]}, NAMES)
    draft = parse_submission(shared.header, TagSet())
    assert (draft.title, draft.url, shared.notes) == ("ConvNeXt V2", URL, (Note("メモ", 0),))


def test_text_that_looks_like_markup_stays_text() -> None:
    value = {
        "type": "rich_text",
        "elements": [section({"type": "text", "text": "<!channel> &amp; <https://x.example|y>"})],
    }
    assert rich_text_to_notes(value, NAMES) == (Note("<!channel> &amp; <https://x.example|y>", 0),)


def test_date_without_fallback_and_unknown_ids() -> None:
    value = {
        "type": "rich_text",
        "elements": [
            section(
                {"type": "date", "timestamp": 1716422400, "format": "{date_long}"},
                {"type": "text", "text": " "},
                {"type": "user", "user_id": "U0UNKNOWN"},
            )
        ],
    }
    assert rich_text_to_notes(value, NAMES) == (Note("2024-05-23 @U0UNKNOWN", 0),)


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_KINDS = st.sampled_from(
    [
        "rich_text", "rich_text_section", "rich_text_list", "rich_text_quote",
        "rich_text_preformatted", "text", "link", "emoji", "user", "channel", "usergroup",
        "broadcast", "date", "color",
    ]
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.fixed_dictionaries({"type": _KINDS}, optional={
        "elements": inner, "text": inner, "indent": inner, "offset": inner, "style": inner,
        "timestamp": inner, "fallback": inner, "skin_tone": inner, "name": inner, "url": inner,
    }),
    max_leaves=25,
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_malformed_rich_text_never_crashes(value: Any) -> None:
    """Whatever a client sends, the form and the shortcut answer with notes, not a 500."""
    notes = rich_text_to_notes(value if isinstance(value, dict) else None, NAMES)
    assert all(note.text and 0 <= note.depth <= 8 for note in notes)
    split_message({"blocks": [value]}, NAMES)
