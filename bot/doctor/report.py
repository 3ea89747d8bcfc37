"""One line of doctor's report, and what the checks share while they run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.i18n import Language, t
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report: a check's name, its outcome, what was seen and the fix."""

    name: str
    ok: bool
    detail: str = ""
    fix: str = ""
    skipped: bool = False
    lang: Language = "en"

    def line(self) -> str:
        mark = "-" if self.skipped else "✓" if self.ok else "✗"
        text = f"{mark} {self.name}"
        if self.detail:
            text += f": {self.detail}"
        if not self.ok and self.fix:
            text += f" — {t(self.lang, 'fix_label')}: {self.fix}"
        return text


class Doctor:
    """The settings every check reads, and what the Slack checks leave for the clock check."""

    def __init__(
        self, settings: Settings, *, timeout: float, clock: Callable[[], dt.datetime]
    ) -> None:
        self.settings = settings
        self.lang: Language = settings.language
        self.timeout = timeout
        self.clock = clock
        self.secrets = settings.secret_values()
        # Slack's Date header and this machine's clock when the answer came (auth.test).
        self.server_date: dt.datetime | None = None
        self.local_at_response: dt.datetime | None = None
        self.slack_unreachable = False

    def check(
        self, key: str, ok: bool, detail: str = "", fix: str = "", *, skipped: bool = False
    ) -> Check:
        return Check(t(self.lang, key), ok, detail, fix, skipped, self.lang)

    def skip(self, key: str, reason: str) -> Check:
        return self.check(key, True, t(self.lang, reason), skipped=True)
