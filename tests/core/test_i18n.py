"""The one message catalogue: every key in both languages, no key defined twice."""

from __future__ import annotations

import pytest

from bot.core import i18n
from bot.core.i18n import keys, languages_of, merge, t


def test_every_key_in_both_languages() -> None:
    assert keys()
    for key in keys():
        assert languages_of(key) == {"ja", "en"}, key


def test_every_area_module_is_merged() -> None:
    merged = set()
    for area in i18n._AREAS:
        assert set(area.MESSAGES) <= keys(), area.__name__
        merged |= set(area.MESSAGES)
    assert merged == keys()


def test_a_key_in_two_areas_fails_loudly() -> None:
    one = {"same": {"ja": "a", "en": "a"}}
    other = {"same": {"ja": "b", "en": "b"}}
    with pytest.raises(ValueError, match="'same' is defined by both one and other"):
        merge([("one", one), ("other", other)])


def test_lookup_fills_parameters_only_when_given() -> None:
    assert t("en", "votes_suffix", votes=3) == "👍 3"
    assert t("ja", "more_topics", count=2) == "…ほか 2 件"
