"""Property tests: the parser never raises; render then parse gives the same topic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.model import Note
from bot.core.submission import parse_submission, render_inline, validate
from bot.core.tags import DEFAULT_TAGS, TagSet
from bot.slack.blocks import escape

TAGS = TagSet()


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_raises(text: str) -> None:
    draft = parse_submission(text, TAGS)
    validate(draft)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]()<>|【】［］-・*•\n :/.httpsx&;!@#", max_size=200))
def test_parser_never_raises_on_markup_soup(text: str) -> None:
    validate(parse_submission(text, TAGS))


_word = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="-_.?!&'\"、。＆"),
    min_size=1,
    max_size=12,
).filter(lambda w: "://" not in w)
# A valid topic's title is already normalised: no separator punctuation at its ends.
_title = (
    st.lists(_word, min_size=1, max_size=8)
    .map(" ".join)
    .filter(lambda s: len(s) <= 200 and s == s.strip(" -—–|:：/"))
)
_url = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.text(alphabet="abcdefghijklmnop", min_size=1, max_size=10),
    st.text(alphabet="abcdefghij0123456789/_-", max_size=20),
)


@st.composite
def _notes(draw: st.DrawFn) -> tuple[Note, ...]:
    texts = draw(st.lists(_title, max_size=6))
    depth, notes = 0, []
    for text in texts:
        depth = draw(st.integers(min_value=0, max_value=depth + 1)) if notes else 0
        notes.append(Note(text, depth))
    return tuple(notes)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(DEFAULT_TAGS), _title, _url, _notes())
def test_render_then_parse_round_trips(tag_value, title, url, notes) -> None:  # type: ignore[no-untyped-def]
    text = escape(render_inline(tag_value.name, title, url, notes))
    draft = parse_submission(text, TAGS)
    assert (draft.tag, draft.title, draft.url, draft.notes) == (tag_value.name, title, url, notes)
    assert validate(draft) == []
