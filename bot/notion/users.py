"""Notion workspace members by e-mail, so presenters can be mentioned instead of named."""

from __future__ import annotations

from typing import Any, Protocol


class NotionRequests(Protocol):
    """The one method of ``notion_client.Client`` the Notion adapters call."""

    def request(
        self,
        path: str,
        method: str,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any: ...


def notion_user_ids(client: NotionRequests) -> dict[str, str]:
    """``{lower-case e-mail: Notion user id}`` of every person user, from ``GET /v1/users``.

    Bots and people without a visible e-mail (the integration lacks the "read user
    information including e-mail addresses" capability) are left out.
    """
    users: dict[str, str] = {}
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"page_size": 100}
        if cursor:
            query["start_cursor"] = cursor
        page = client.request(path="users", method="GET", query=query)
        for user in page.get("results", []):
            if user.get("type") != "person":
                continue
            email = (user.get("person") or {}).get("email")
            if isinstance(email, str) and email.strip():
                users.setdefault(email.strip().lower(), str(user["id"]))
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return users
