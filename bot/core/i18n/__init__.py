"""Every user-facing string, in Japanese (default) and English: one catalogue, one lookup.

Each area's messages live in ``bot/core/i18n/<area>.py`` as ``MESSAGES``; this module merges
the areas listed in ``_AREAS`` and refuses, at import, a key that two areas define.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import ModuleType

from bot.core.i18n import (
    agenda,
    archive,
    cards,
    commands,
    config,
    doctor,
    groups,
    home,
    notion,
    reminders,
    status,
    submission,
)
from bot.core.i18n.types import Language

__all__ = ["EXAMPLE", "Language", "keys", "languages_of", "merge", "t"]

EXAMPLE = "/topic [論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808\n- 要点のメモ\n  - 詳細"

_AREAS: tuple[ModuleType, ...] = (
    submission,
    cards,
    home,
    agenda,
    reminders,
    commands,
    config,
    status,
    archive,
    doctor,
    notion,
    groups,
)


def merge(
    areas: Iterable[tuple[str, Mapping[str, dict[Language, str]]]],
) -> dict[str, dict[Language, str]]:
    """One catalogue from ``(area name, messages)`` pairs; a key in two areas is an error."""
    merged: dict[str, dict[Language, str]] = {}
    owner: dict[str, str] = {}
    for name, messages in areas:
        for key, texts in messages.items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined by both {owner[key]} and {name}")
            merged[key] = texts
            owner[key] = name
    return merged


_MESSAGES = merge((area.__name__, area.MESSAGES) for area in _AREAS)


def t(lang: Language, key: str, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in."""
    template = _MESSAGES[key][lang]
    return template.format(**params) if params else template


def keys() -> frozenset[str]:
    """Every message key (tests check each exists in both languages)."""
    return frozenset(_MESSAGES)


def languages_of(key: str) -> frozenset[str]:
    return frozenset(_MESSAGES[key])
