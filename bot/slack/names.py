"""Names for the user, channel and user-group ids in rich text, looked up once and cached."""

from __future__ import annotations

import logging
import threading

from slack_sdk.errors import SlackApiError

from bot.slack.client import Directory

log = logging.getLogger(__name__)


class SlackNames:
    """The names a member sees for ids, through the Slack Web API; an id when unknown.

    Users come from the shared Directory (its cache); channels from
    ``conversations.info``; user groups from one ``usergroups.list`` (scope
    ``usergroups:read``; an install made before it was in the manifest lacks it, and
    then the id stands in for the handle without asking Slack again).
    A failed look-up is not cached, so a passing Slack error does not stick.
    """

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._channels: dict[str, str] = {}
        self._groups: dict[str, str] | None = None
        self._groups_denied = False  # no usergroups:read: asking again cannot help
        self._lock = threading.Lock()

    def user(self, user_id: str) -> str:
        return self.directory.presenter(user_id).name

    def channel(self, channel_id: str) -> str:
        with self._lock:
            cached = self._channels.get(channel_id)
        if cached is not None:
            return cached
        try:
            info = self.directory.client.conversations_info(channel=channel_id)["channel"]
            name = str(info.get("name") or channel_id)
        except (SlackApiError, KeyError, TypeError):
            log.warning("conversations_info_failed", extra={"channel": channel_id})
            return channel_id
        with self._lock:
            self._channels[channel_id] = name
        return name

    def usergroup(self, usergroup_id: str) -> str:
        with self._lock:
            groups = self._groups
        if not self._groups_denied and (groups is None or usergroup_id not in groups):
            groups = self._load_groups()
        return (groups or {}).get(usergroup_id, usergroup_id)

    def _load_groups(self) -> dict[str, str]:
        try:
            listed = self.directory.client.usergroups_list()["usergroups"]
            groups = {
                str(g["id"]): str(g.get("handle") or g.get("name") or g["id"]) for g in listed
            }
        except SlackApiError as error:
            reason = error.response.get("error")
            self._groups_denied = reason in ("missing_scope", "not_allowed_token_type")
            log.warning("usergroups_list_failed", extra={"error": reason})
            return {}
        except (KeyError, TypeError):
            log.warning("usergroups_list_failed")
            return {}
        with self._lock:
            self._groups = groups
        return groups
