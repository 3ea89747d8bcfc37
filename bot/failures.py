"""One error path for every command: a failure as one or two lines naming the fix."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.i18n import Language, t
from bot.doctor import AUTH_ERRORS
from bot.logs import redact

# Exit codes (README): 0 done, 1 failed, 2 configuration.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


@dataclass(frozen=True, slots=True)
class Failure:
    """What went wrong (one line), what to do about it (one line), and the exit code."""

    problem: str
    fix: str
    code: int = EXIT_FAILED

    def lines(self, lang: Language) -> list[str]:
        out = [f"studybot: {self.problem}"]
        if self.fix:
            out.append("  " + t(lang, "fail_fix", fix=self.fix))
        return out


class Failed(Exception):
    """A failure already put in words (raised where the words are known)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.problem)
        self.failure = failure


def explain(
    error: BaseException,
    lang: Language,
    *,
    slack_url: str = "",
    notion_url: str = "",
    channel: str = "",
) -> Failure:
    """The failure a person can act on; unknown errors still name their type."""
    from bot.settings import ConfigError, ConfigValueError
    from bot.store.db import DatabaseError

    if isinstance(error, Failed):
        return error.failure
    if isinstance(error, ConfigError):
        return Failure("; ".join(error.lines), "", EXIT_CONFIG)
    if isinstance(error, ConfigValueError):
        return Failure(error.text(lang), "", EXIT_CONFIG)
    if isinstance(error, DatabaseError):
        fix = "db_read_only_fix" if error.key == "db_read_only" else None
        return Failure(
            f"DATABASE_URL: {t(lang, error.key, detail=error.detail)}",
            t(lang, fix) if fix else t(lang, "db_error_fix"),
            EXIT_CONFIG,
        )
    if isinstance(error, SlackApiError):
        return _slack_api(error, lang, channel)
    if isinstance(error, OSError) and not _network(error):
        return Failure(
            t(lang, "fail_file", path=error.filename or "", detail=error.strerror or error),
            t(lang, "fail_file_fix"),
        )
    if isinstance(error, SlackClientError | OSError):
        # slack_sdk talks urllib: URLError, refused and reset connections are all OSErrors.
        return Failure(
            "Slack: " + t(lang, "unreachable", url=slack_url),
            t(lang, "slack_unreachable_fix"),
        )
    notion = _notion(error, lang, notion_url)
    if notion is not None:
        return notion
    database = _database(error, lang)
    if database is not None:
        return database
    detail = redact(str(error).strip().splitlines()[0][:200] if str(error).strip() else "")
    return Failure(
        t(lang, "fail_unexpected", kind=type(error).__name__, detail=detail),
        t(lang, "fail_debug_fix"),
    )


def _network(error: OSError) -> bool:
    import socket
    import urllib.error

    return isinstance(
        error, urllib.error.URLError | ConnectionError | TimeoutError | socket.gaierror
    )


def _slack_api(error: SlackApiError, lang: Language, channel: str) -> Failure:
    response = error.response
    code = str(response.get("error") or "error")
    method = str(getattr(response, "api_url", "")).rstrip("/").rsplit("/", 1)[-1] or "api"
    return slack_refusal(code, method, lang, channel, needed=str(response.get("needed") or ""))


def slack_refusal(
    code: str, method: str, lang: Language, channel: str, *, needed: str = ""
) -> Failure:
    """Slack's error ``code`` for ``method`` with doctor's fix for it."""
    problem = f"Slack {method}: {code}"
    if code in AUTH_ERRORS:
        return Failure(problem, t(lang, "auth_fix"))
    if code == "channel_not_found":
        return Failure(
            f"Slack {method}: STUDY_CHANNEL={channel}: {code}",
            t(lang, "channel_not_found_fix", bot="studybot"),
        )
    if code == "not_in_channel":
        return Failure(problem, t(lang, "channel_invite_fix", name=channel, bot="studybot"))
    if code == "is_archived":
        return Failure(problem, t(lang, "channel_archived_fix"))
    if code == "missing_scope":
        return Failure(f"{problem} {needed}".rstrip(), t(lang, "scopes_fix"))
    return Failure(problem, t(lang, "slack_error_fix", method=method))


def _notion(error: BaseException, lang: Language, notion_url: str) -> Failure | None:
    import httpx
    from notion_client.errors import APIResponseError, RequestTimeoutError

    if isinstance(error, APIResponseError):
        code = str(getattr(error, "code", "") or "error")
        fixes = {
            "unauthorized": "notion_auth_fix",
            "object_not_found": "notion_share_db_fix",
            "restricted_resource": "notion_capability_fix",
        }
        return Failure(f"Notion: {code}", t(lang, fixes.get(code, "notion_other_fix")))
    if isinstance(error, RequestTimeoutError | httpx.HTTPError):
        return Failure(
            "Notion: " + t(lang, "unreachable", url=notion_url),
            t(lang, "notion_unreachable_fix"),
        )
    return None


def _database(error: BaseException, lang: Language) -> Failure | None:
    from sqlalchemy.exc import SQLAlchemyError

    if not isinstance(error, SQLAlchemyError):
        return None
    orig = getattr(error, "orig", None) or error
    first = str(orig).strip().splitlines()
    detail = redact(first[0][:200] if first else type(error).__name__)
    return Failure(t(lang, "fail_database", detail=detail), t(lang, "db_error_fix"), EXIT_FAILED)
