"""The run's language before settings are read: cheap enough for `studybot --help`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from bot.core.i18n import Language


def language_hint(
    env: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Language:
    """LANGUAGE as far as it can be read without valid settings (for errors and --help).

    Lives apart from bot.settings so that reading it does not import pydantic.
    """
    value: str | None = None
    source: Mapping[str, str] = os.environ if env is None else env
    for key, item in source.items():
        if key.upper() == "LANGUAGE" and item.strip():
            value = item
    if value is None and env is None and env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        value = dotenv_values(env_file).get("LANGUAGE")
    return "en" if (value or "").strip().lower().startswith("en") else "ja"
