"""The languages every user-facing string exists in."""

from __future__ import annotations

from typing import Literal

Language = Literal["ja", "en"]
