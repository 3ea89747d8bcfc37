"""`studybot doctor`: check the configuration, Slack, Notion, the database and the clock."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web import SlackResponse

from bot.core.clock import utc_now as _utcnow
from bot.core.i18n import Language, t
from bot.core.weeks import assign_meeting
from bot.logs import redact
from bot.notion import NOTION_VERSION
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.manifest import BOT_SCOPES

Out = Callable[[str], None]

# A clock further than this from Slack's makes request signatures and schedules unreliable.
MAX_CLOCK_SKEW = dt.timedelta(minutes=2)
_AUTH_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)
_WEEKDAYS_JA = "月火水木金土日"

AUTH_ERRORS = _AUTH_ERRORS


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


def run_doctor(
    settings: Settings,
    *,
    out: Out = print,
    now: dt.datetime | None = None,
    timeout: float = 10.0,
) -> int:
    """Print one line per check; 0 when every check passes, 1 otherwise."""
    doctor = _Doctor(settings, timeout=timeout)
    failures = 0
    for check in doctor.checks(now or _utcnow()):
        out(redact(check.line(), doctor.secrets))
        failures += not check.ok
    lang = settings.language
    out(t(lang, "all_ok") if failures == 0 else t(lang, "failed", count=failures))
    return 0 if failures == 0 else 1


class _Doctor:
    def __init__(self, settings: Settings, *, timeout: float) -> None:
        self.settings = settings
        self.lang: Language = settings.language
        self.timeout = timeout
        self.secrets = settings.secret_values()
        self.server_date: dt.datetime | None = None
        self.local_at_response: dt.datetime | None = None
        self.slack_unreachable = False

    def _check(
        self, key: str, ok: bool, detail: str = "", fix: str = "", *, skipped: bool = False
    ) -> Check:
        return Check(t(self.lang, key), ok, detail, fix, skipped, self.lang)

    def _skip(self, key: str, reason: str) -> Check:
        return self._check(key, True, t(self.lang, reason), skipped=True)

    def checks(self, now: dt.datetime) -> Iterator[Check]:
        yield from self._config()
        yield from self._slack()
        yield from self._notion()
        yield self._database()
        yield self._clock(now)

    # ------------------------------------------------------------------ configuration
    def _config(self) -> Iterator[Check]:
        problems = self.settings.problems_for_run()
        if not problems:
            yield self._check("config", True, t(self.lang, "config_ok"))
        for problem in problems:
            yield self._check("config", False, problem, t(self.lang, "config_fix"))

    # ------------------------------------------------------------------ Slack
    def _slack(self) -> Iterator[Check]:
        token = self.settings.slack_bot_token
        if token is None:
            for key in ("slack_auth", "slack_scopes", "slack_channel"):
                yield self._skip(key, "skip_no_token")
            return
        if not self.settings.bot_token_well_formed:
            # The configuration line already says what is wrong; a call would only fail.
            for key in ("slack_auth", "slack_scopes", "slack_channel"):
                yield self._skip(key, "skip_bad_token")
            return
        client = make_client(
            token.get_secret_value(), self.settings.slack_api_url, timeout=int(self.timeout)
        )
        # One attempt per check: a refused connection is reported at once, not after backoff.
        client.retry_handlers = [RateLimitErrorRetryHandler(max_retry_count=2)]
        auth, check = self._auth_test(client)
        yield check
        if auth is None:
            reason = "skip_unreachable" if self.slack_unreachable else "skip_no_auth"
            yield self._skip("slack_scopes", reason)
            yield self._skip("slack_channel", reason)
            return
        yield self._scopes(auth)
        bot = str(auth.get("user") or "studybot")
        if not self.settings.study_channel:
            yield self._skip("slack_channel", "skip_no_channel")
        else:
            yield self._channel(client, self.settings.study_channel, bot)

    def _auth_test(self, client: WebClient) -> tuple[SlackResponse | None, Check]:
        try:
            response = client.auth_test()
        except SlackApiError as error:
            code = str(error.response.get("error") or "error")
            fix = (
                t(self.lang, "auth_fix")
                if code in _AUTH_ERRORS
                else t(self.lang, "slack_error_fix", method="auth.test")
            )
            return None, self._check("slack_auth", False, code, fix)
        except (SlackClientError, OSError):
            self.slack_unreachable = True
            detail = t(self.lang, "unreachable", url=self.settings.slack_api_url)
            return None, self._check(
                "slack_auth", False, detail, t(self.lang, "slack_unreachable_fix")
            )
        self.local_at_response = _utcnow()
        self.server_date = _http_date(_header(response.headers, "date"))
        detail = t(self.lang, "auth_ok", team=response.get("team"), user=response.get("user"))
        return response, self._check("slack_auth", True, detail)

    def _scopes(self, auth: SlackResponse) -> Check:
        header = _header(auth.headers, "x-oauth-scopes")
        if header is None:
            return self._check("slack_scopes", True, t(self.lang, "scopes_unknown"), skipped=True)
        granted = {scope.strip() for scope in header.split(",") if scope.strip()}
        missing = [scope for scope in BOT_SCOPES if scope not in granted]
        if not missing:
            return self._check(
                "slack_scopes", True, t(self.lang, "scopes_ok", count=len(BOT_SCOPES))
            )
        detail = t(self.lang, "scopes_missing", scopes=", ".join(missing))
        return self._check("slack_scopes", False, detail, t(self.lang, "scopes_fix"))

    def _channel(self, client: WebClient, channel_id: str, bot: str) -> Check:
        try:
            response = client.conversations_info(channel=channel_id)
        except SlackApiError as error:
            code = str(error.response.get("error") or "error")
            if code == "not_in_channel":
                fix = t(self.lang, "channel_invite_fix", name=channel_id, bot=bot)
            elif code == "channel_not_found":
                fix = t(self.lang, "channel_not_found_fix", bot=bot)
            elif code == "missing_scope":
                fix = t(self.lang, "channel_scope_fix")
            else:
                fix = t(self.lang, "slack_error_fix", method="conversations.info")
            return self._check("slack_channel", False, f"{channel_id}: {code}", fix)
        except (SlackClientError, OSError):
            detail = t(self.lang, "unreachable", url=self.settings.slack_api_url)
            return self._check(
                "slack_channel", False, detail, t(self.lang, "slack_unreachable_fix")
            )
        channel = response.get("channel") or {}
        name = str(channel.get("name") or channel_id)
        if channel.get("is_archived"):
            return self._check(
                "slack_channel",
                False,
                t(self.lang, "channel_archived", name=name),
                t(self.lang, "channel_archived_fix"),
            )
        if not channel.get("is_member"):
            return self._check(
                "slack_channel",
                False,
                t(self.lang, "channel_not_member", name=name),
                t(self.lang, "channel_invite_fix", name=name, bot=bot),
            )
        return self._check("slack_channel", True, t(self.lang, "channel_ok", name=name))

    # ------------------------------------------------------------------ Notion
    def _notion(self) -> Iterator[Check]:
        token = self.settings.notion_token
        if token is None:
            yield self._skip("notion", "skip_no_notion")
            return
        headers = {
            "Authorization": f"Bearer {token.get_secret_value()}",
            "Notion-Version": NOTION_VERSION,
        }
        with httpx.Client(
            base_url=self.settings.notion_api_url, headers=headers, timeout=self.timeout
        ) as http:
            if self.settings.notion_database_id:
                yield from self._notion_database(http, self.settings.notion_database_id)
            elif self.settings.notion_parent_page_id:
                yield self._notion_page(http, self.settings.notion_parent_page_id)
            else:
                yield self._skip("notion", "skip_no_notion_target")

    def _notion_get(self, http: httpx.Client, path: str) -> tuple[int, dict[str, Any]]:
        for attempt in range(3):
            response = http.get(path)
            if response.status_code == 429 and attempt < 2:
                time.sleep(_retry_after(response.headers.get("retry-after")))
                continue
            try:
                body = response.json()
            except ValueError:
                body = {}
            return response.status_code, body if isinstance(body, dict) else {}
        raise AssertionError("unreachable")  # pragma: no cover

    def _notion_failure(self, key: str, status: int, body: Mapping[str, Any], kind: str) -> Check:
        code = str(body.get("code") or f"HTTP {status}")
        message = str(body.get("message") or "")[:200]
        # Notion explains in English only: a Japanese report keeps its code, and the fix.
        detail = f"{code}: {message}" if message and self.lang == "en" else code
        if code == "unauthorized":
            fix = t(self.lang, "notion_auth_fix")
        elif code == "object_not_found":
            fix = t(self.lang, f"notion_share_{kind}_fix")
        elif code == "validation_error":
            fix = t(self.lang, f"notion_{kind}_id_fix")
        elif code == "restricted_resource":
            fix = t(self.lang, "notion_capability_fix")
        else:
            fix = t(self.lang, "notion_other_fix")
        return self._check(key, False, detail, fix)

    def _unreachable(self, key: str) -> Check:
        detail = t(self.lang, "unreachable", url=self.settings.notion_api_url)
        return self._check(key, False, detail, t(self.lang, "notion_unreachable_fix"))

    def _notion_database(self, http: httpx.Client, database_id: str) -> Iterator[Check]:
        try:
            status, body = self._notion_get(http, f"/v1/databases/{quote(database_id, safe='-')}")
        except httpx.HTTPError:
            yield self._unreachable("notion_db")
            return
        if status != 200:
            yield self._notion_failure("notion_db", status, body, "db")
            return
        sources = [s for s in body.get("data_sources") or [] if isinstance(s, dict)]
        if not sources:
            yield self._check(
                "notion_db",
                False,
                t(self.lang, "notion_no_source"),
                t(self.lang, "notion_no_source_fix"),
            )
            return
        yield self._check("notion_db", True, t(self.lang, "notion_db_ok", title=_plain(body)))
        try:
            status, source = self._notion_get(
                http, f"/v1/data_sources/{quote(str(sources[0].get('id')), safe='-')}"
            )
        except httpx.HTTPError:
            yield self._unreachable("notion_db")
            return
        if status != 200:
            yield self._notion_failure("notion_db", status, source, "db")
            return
        properties = source.get("properties") or {}
        kinds = {
            str(name): str(prop.get("type"))
            for name, prop in properties.items()
            if isinstance(prop, dict)
        }
        yield self._title_property(kinds)
        yield self._date_property(kinds)

    def _title_property(self, kinds: Mapping[str, str]) -> Check:
        titles = [name for name, kind in kinds.items() if kind == "title"]
        if len(titles) == 1:
            return self._check(
                "notion_title", True, t(self.lang, "notion_title_ok", name=titles[0])
            )
        detail = t(self.lang, "notion_title_count", count=len(titles))
        return self._check("notion_title", False, detail, t(self.lang, "notion_title_fix"))

    def _date_property(self, kinds: Mapping[str, str]) -> Check:
        dates = [name for name, kind in kinds.items() if kind == "date"]
        wanted = self.settings.notion_date_property
        if wanted:
            if wanted not in kinds:
                shown = ", ".join(dates) or t(self.lang, "none")
                return self._check(
                    "notion_date",
                    False,
                    t(self.lang, "notion_date_absent", name=wanted, dates=shown),
                    t(self.lang, "notion_date_absent_fix", name=wanted),
                )
            if kinds[wanted] != "date":
                return self._check(
                    "notion_date",
                    False,
                    t(self.lang, "notion_date_type", name=wanted, kind=kinds[wanted]),
                    t(self.lang, "notion_date_type_fix", name=wanted),
                )
            return self._check("notion_date", True, t(self.lang, "notion_date_ok", name=wanted))
        if not dates:
            return self._check(
                "notion_date",
                False,
                t(self.lang, "notion_date_missing"),
                t(self.lang, "notion_date_missing_fix"),
            )
        key = "notion_date_ok" if len(dates) == 1 else "notion_date_first"
        return self._check("notion_date", True, t(self.lang, key, name=dates[0]))

    def _notion_page(self, http: httpx.Client, page_id: str) -> Check:
        try:
            status, body = self._notion_get(http, f"/v1/pages/{quote(page_id, safe='-')}")
        except httpx.HTTPError:
            return self._unreachable("notion_page")
        if status != 200:
            return self._notion_failure("notion_page", status, body, "page")
        title = ""
        for prop in (body.get("properties") or {}).values():
            if isinstance(prop, dict) and prop.get("type") == "title":
                title = "".join(str(item.get("plain_text", "")) for item in prop.get("title") or [])
        return self._check("notion_page", True, t(self.lang, "notion_page_ok", title=title))

    # ------------------------------------------------------------------ database
    def _database(self) -> Check:
        from sqlalchemy import make_url

        from bot.store.db import MIGRATIONS_DIR, migration_state

        url = make_url(self.settings.database_url).render_as_string(hide_password=True)
        try:
            current, head = migration_state(self.settings.database_url)
        except Exception as error:  # any driver error: the line names it, the fix says what to do
            first = str(getattr(error, "orig", None) or error).strip().splitlines()
            reason = f"{type(error).__name__}: {first[0][:200] if first else ''}"
            detail = t(self.lang, "db_error", url=url, error=reason)
            return self._check("database", False, detail, t(self.lang, "db_error_fix"))
        if current == head:
            return self._check("database", True, t(self.lang, "db_current", url=url, rev=head))
        if current is None:
            return self._check("database", True, t(self.lang, "db_new", url=url, rev=head))
        from alembic.script import ScriptDirectory

        known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
        if current not in known:
            detail = t(self.lang, "db_ahead", url=url, current=current)
            return self._check("database", False, detail, t(self.lang, "db_ahead_fix"))
        detail = t(self.lang, "db_behind", url=url, current=current, rev=head)
        return self._check("database", True, detail)

    # ------------------------------------------------------------------ clock
    def _clock(self, now: dt.datetime) -> Check:
        if self.server_date is not None and self.local_at_response is not None:
            skew = abs(self.local_at_response - self.server_date)
            if skew > MAX_CLOCK_SKEW:
                detail = t(self.lang, "clock_skew", seconds=int(skew.total_seconds()))
                return self._check("clock", False, detail, t(self.lang, "clock_skew_fix"))
        try:
            cycle = self.settings.cycle()
            assignment = assign_meeting(now, cycle)
        except ValueError as error:
            return self._check("clock", False, str(error), t(self.lang, "clock_error_fix"))
        meeting = cycle.meeting_start(assignment.meeting)
        publish = cycle.publish_at(assignment.meeting)
        detail = t(
            self.lang,
            "clock_ok",
            now=self._when(now.astimezone(cycle.tz)) + f" {self.settings.timezone}",
            meeting=self._when(meeting),
            publish=self._when(publish),
            late=t(self.lang, "clock_late") if assignment.late else "",
        )
        return self._check("clock", True, detail)

    def _when(self, moment: dt.datetime) -> str:
        day = _WEEKDAYS_JA[moment.weekday()] if self.lang == "ja" else moment.strftime("%a")
        return f"{moment:%Y-%m-%d} ({day}) {moment:%H:%M}"


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            if isinstance(value, list | tuple):
                return ",".join(str(v) for v in value)
            return str(value)
    return None


def _http_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), 5.0)
    except ValueError:
        return 1.0


def _plain(body: Mapping[str, Any]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in body.get("title") or [])
