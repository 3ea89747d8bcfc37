"""Every archive message exists in Japanese and English."""

from __future__ import annotations

from bot.core.i18n import keys, languages_of


def test_every_key_in_both_languages() -> None:
    assert keys()
    for key in keys():
        assert languages_of(key) == {"ja", "en"}, key


def test_every_skip_reason_has_a_message() -> None:
    reasons = (
        "before_title",
        "before_presenter",
        "note_without_topic",
        "no_title",
        "bad_date",
        "votes",
        "other_meeting",
        "no_presenter_name",
    )
    assert {f"reason_{r}" for r in reasons} <= keys()
