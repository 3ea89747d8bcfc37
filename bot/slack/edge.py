"""Checks at the HTTP edge: Slack's signature, the body's shape, where replies may go."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.request.internals import parse_body
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

# Slack's stamp is Unix seconds and its signature "v0=" + hex SHA-256. Anything else
# is forged; `[0-9]` (not `\d` or str.isdigit) keeps out digits like "²" that int() refuses.
_STAMP_DIGITS = frozenset("0123456789")
WINDOW = 5 * 60  # seconds: Slack's own replay window
SLACK_REPLY_HOST = "hooks.slack.com"
_LOOPBACK_NAMES = frozenset({"localhost"})
# A slash command always carries these (Slack's "Implementing slash commands" payload).
_COMMAND_FIELDS = ("command", "user_id", "channel_id", "team_id", "response_url", "trigger_id")


class Rejected(Exception):
    """A request the edge refuses; ``reason`` is a fixed word, safe to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _is_stamp(stamp: str) -> bool:
    return 1 <= len(stamp) <= 10 and all(c in _STAMP_DIGITS for c in stamp)


def _is_signature(signature: str) -> bool:
    digest = signature[3:]
    return (
        signature.startswith("v0=")
        and len(digest) == 64
        and all(c in "0123456789abcdef" for c in digest)
    )


def verify_signature(
    secret: str, stamp: str | None, signature: str | None, body: bytes, now: float
) -> None:
    """Raise Rejected(401) unless Slack signed exactly ``body`` within the last 5 minutes."""
    if stamp is None or not _is_stamp(stamp):
        raise Rejected(401, "bad_timestamp")
    if abs(now - int(stamp)) > WINDOW:
        raise Rejected(401, "stale_timestamp")
    if signature is None or not _is_signature(signature):
        raise Rejected(401, "bad_signature")
    base = b"v0:" + stamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    # Both sides are ASCII by now, so compare_digest cannot raise.
    if not hmac.compare_digest(expected, signature):
        raise Rejected(401, "signature_mismatch")


def reply_hosts(api_url: str | None) -> frozenset[tuple[str, str]]:
    """(scheme, netloc) a response_url may point at: Slack's hooks host, and a loopback API
    (the local fake Slack in tests) when SLACK_API_URL itself is on loopback."""
    allowed = {("https", SLACK_REPLY_HOST)}
    if api_url:
        parts = urlsplit(api_url)
        if parts.hostname and _is_loopback(parts.hostname):
            allowed.add((parts.scheme, parts.netloc))
    return frozenset(allowed)


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def reply_allowed(url: object, hosts: frozenset[tuple[str, str]]) -> bool:
    """True when ``url`` is a response_url on one of ``hosts`` (never a userinfo trick)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    return (parts.scheme, parts.netloc.lower()) in hosts


def _response_urls(body: dict[str, Any]) -> Iterable[object]:
    if "response_url" in body:
        yield body["response_url"]
    for entry in body.get("response_urls") or []:  # view_submission with a conversation select
        yield entry.get("response_url") if isinstance(entry, dict) else entry


def parse_signed(text: str, content_type: str | None, hosts: frozenset[tuple[str, str]]) -> None:
    """Raise Rejected(400) unless a signed body parses the way Bolt will parse it, has the
    fields its kind always carries, and sends replies only to Slack."""
    try:
        # Bolt's own parser, so what we check is exactly what its listeners receive.
        body = parse_body(text, content_type)
    except (ValueError, TypeError):  # JSONDecodeError is a ValueError
        raise Rejected(400, "invalid_json") from None
    if not isinstance(body, dict):
        raise Rejected(400, "not_an_object")
    if not body:
        raise Rejected(400, "empty_body")
    if "command" in body:
        missing = [f for f in _COMMAND_FIELDS if not body.get(f)]
        if missing:
            raise Rejected(400, "command_fields_missing")
    elif body.get("ssl_check") == "1":
        pass  # Slack's certificate probe for slash commands: Bolt answers it
    elif not isinstance(body.get("type"), str):
        raise Rejected(400, "type_missing")
    if not all(reply_allowed(url, hosts) for url in _response_urls(body)):
        raise Rejected(400, "response_url_not_slack")


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    found = user.get("id") if isinstance(user, dict) else body.get("user_id")
    return str(found) if found else None


def _channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    container = body.get("container")
    found = (
        (channel.get("id") if isinstance(channel, dict) else None)
        or body.get("channel_id")
        or (container.get("channel_id") if isinstance(container, dict) else None)
    )
    return str(found) if found else None


def reply_url(body: dict[str, Any]) -> object:
    """The response_url Bolt's respond() would use, if the payload has one."""
    return next(iter(_response_urls(body)), None)


def tell_member(
    body: dict[str, Any],
    client: WebClient,
    respond: Callable[..., Any] | None,
    text: str,
    *,
    replace_original: bool | None = None,
) -> None:
    """Reply to whoever acted: through the response_url when Slack gave one on its own
    host, else ephemerally in the channel, else by DM (buttons in App Home or a modal
    carry no response_url, and respond() then fails)."""
    if respond is not None and reply_allowed(reply_url(body), reply_hosts(client.base_url)):
        extra = {} if replace_original is None else {"replace_original": replace_original}
        respond(text=text, response_type="ephemeral", **extra)
        return
    user = _user_id(body)
    if user is None:
        return
    channel = _channel_id(body)
    if channel is not None:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except SlackApiError:  # e.g. not in that channel any more: a DM still reaches them
            pass
    client.chat_postMessage(channel=user, text=text)
