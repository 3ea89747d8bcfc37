"""Doctor's Slack checks: the token (auth.test), its scopes, and the bot in STUDY_CHANNEL."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web import SlackResponse

from bot.core.i18n import t
from bot.doctor.report import Check, Doctor
from bot.slack.client import make_client
from bot.slack.manifest import BOT_SCOPES

# Slack's answers that mean the token itself is wrong (bot/failures.py gives the same fix).
AUTH_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)


def slack_checks(ctx: Doctor) -> Iterator[Check]:
    token = ctx.settings.slack_bot_token
    if token is None:
        for key in ("slack_auth", "slack_scopes", "slack_channel"):
            yield ctx.skip(key, "skip_no_token")
        return
    if not ctx.settings.bot_token_well_formed:
        # The configuration line already says what is wrong; a call would only fail.
        for key in ("slack_auth", "slack_scopes", "slack_channel"):
            yield ctx.skip(key, "skip_bad_token")
        return
    client = make_client(
        token.get_secret_value(), ctx.settings.slack_api_url, timeout=int(ctx.timeout)
    )
    # One attempt per check: a refused connection is reported at once, not after backoff.
    client.retry_handlers = [RateLimitErrorRetryHandler(max_retry_count=2)]
    auth, check = _auth_test(ctx, client)
    yield check
    if auth is None:
        reason = "skip_unreachable" if ctx.slack_unreachable else "skip_no_auth"
        yield ctx.skip("slack_scopes", reason)
        yield ctx.skip("slack_channel", reason)
        return
    yield _scopes(ctx, auth)
    bot = str(auth.get("user") or "studybot")
    if not ctx.settings.study_channel:
        yield ctx.skip("slack_channel", "skip_no_channel")
    else:
        yield _channel(ctx, client, ctx.settings.study_channel, bot)


def _auth_test(ctx: Doctor, client: WebClient) -> tuple[SlackResponse | None, Check]:
    try:
        response = client.auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        fix = (
            t(ctx.lang, "auth_fix")
            if code in AUTH_ERRORS
            else t(ctx.lang, "slack_error_fix", method="auth.test")
        )
        return None, ctx.check("slack_auth", False, code, fix)
    except (SlackClientError, OSError):
        ctx.slack_unreachable = True
        detail = t(ctx.lang, "unreachable", url=ctx.settings.slack_api_url)
        return None, ctx.check("slack_auth", False, detail, t(ctx.lang, "slack_unreachable_fix"))
    ctx.local_at_response = ctx.clock()
    ctx.server_date = _http_date(_header(response.headers, "date"))
    detail = t(ctx.lang, "auth_ok", team=response.get("team"), user=response.get("user"))
    return response, ctx.check("slack_auth", True, detail)


def _scopes(ctx: Doctor, auth: SlackResponse) -> Check:
    header = _header(auth.headers, "x-oauth-scopes")
    if header is None:
        return ctx.check("slack_scopes", True, t(ctx.lang, "scopes_unknown"), skipped=True)
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if not missing:
        return ctx.check("slack_scopes", True, t(ctx.lang, "scopes_ok", count=len(BOT_SCOPES)))
    detail = t(ctx.lang, "scopes_missing", scopes=", ".join(missing))
    return ctx.check("slack_scopes", False, detail, t(ctx.lang, "scopes_fix"))


def _channel(ctx: Doctor, client: WebClient, channel_id: str, bot: str) -> Check:
    try:
        response = client.conversations_info(channel=channel_id)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        if code == "not_in_channel":
            fix = t(ctx.lang, "channel_invite_fix", name=channel_id, bot=bot)
        elif code == "channel_not_found":
            fix = t(ctx.lang, "channel_not_found_fix", bot=bot)
        elif code == "missing_scope":
            fix = t(ctx.lang, "channel_scope_fix")
        else:
            fix = t(ctx.lang, "slack_error_fix", method="conversations.info")
        return ctx.check("slack_channel", False, f"{channel_id}: {code}", fix)
    except (SlackClientError, OSError):
        detail = t(ctx.lang, "unreachable", url=ctx.settings.slack_api_url)
        return ctx.check("slack_channel", False, detail, t(ctx.lang, "slack_unreachable_fix"))
    channel = response.get("channel") or {}
    name = str(channel.get("name") or channel_id)
    if channel.get("is_archived"):
        return ctx.check(
            "slack_channel",
            False,
            t(ctx.lang, "channel_archived", name=name),
            t(ctx.lang, "channel_archived_fix"),
        )
    if not channel.get("is_member"):
        return ctx.check(
            "slack_channel",
            False,
            t(ctx.lang, "channel_not_member", name=name),
            t(ctx.lang, "channel_invite_fix", name=name, bot=bot),
        )
    return ctx.check("slack_channel", True, t(ctx.lang, "channel_ok", name=name))


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
