"""Where the meeting pages go: the data source, its title and date properties, the page.

``resolve_target`` is what both the publisher and a configuration check need: it reads
the database (or takes the parent page) and names the properties by their type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.core.i18n import Language, t
from bot.notion.client import PAGE_SIZE, NotionApi, list_children
from bot.notion.errors import NotionRejected

log = logging.getLogger("bot.notion.publisher")


@dataclass(frozen=True, slots=True)
class Target:
    """The parent new pages get, and the properties holding their title and date."""

    parent: dict[str, Any]
    title_property: str
    date_property: str | None
    data_source_id: str | None


def resolve_target(
    api: NotionApi,
    lang: Language,
    *,
    database_id: str | None,
    parent_page_id: str | None,
    date_property: str | None,
) -> Target:
    """Where pages go and which properties hold the title and the date (by type).

    Raises NotionRejected, with a hint for the organisers, when the database has no data
    source or title property, or ``date_property`` names no date property.
    """
    if not database_id:
        target = Target({"page_id": parent_page_id}, "title", None, None)
    else:
        database = api.call("GET", f"databases/{database_id}", where="database")
        sources = database.get("data_sources") or []
        if not sources:
            hint = t(lang, "notion_publish_no_data_source", id=database_id)
            raise NotionRejected(hint, status=400, code="no_data_source")
        source_id = str(sources[0]["id"])
        source = api.call("GET", f"data_sources/{source_id}", where="database")
        kinds = property_kinds(source.get("properties"))
        title = next((name for name, kind in kinds.items() if kind == "title"), None)
        if title is None:
            hint = t(lang, "notion_publish_no_title", id=database_id)
            raise NotionRejected(hint, status=400, code="no_title_property")
        parent = {"type": "data_source_id", "data_source_id": source_id}
        target = Target(parent, title, _date_in(kinds, date_property or None, lang), source_id)
    log.info(
        "notion_target_resolved",
        extra={
            "data_source_id": target.data_source_id,
            "title_property": target.title_property,
            "date_property": target.date_property,
        },
    )
    return target


DateProblem = Literal["missing", "not_date"]


def property_kinds(properties: object) -> dict[str, str]:
    """A data source's properties by name: their type (``title``, ``date``, ...)."""
    if not isinstance(properties, Mapping):
        return {}
    return {
        str(name): str(prop.get("type"))
        for name, prop in properties.items()
        if isinstance(prop, Mapping)
    }


def date_choice(
    kinds: Mapping[str, str], wanted: str | None
) -> tuple[str | None, DateProblem | None]:
    """The property holding the meeting's date: ``wanted`` when it names a date property,
    else the first date property (None when there is none); or why ``wanted`` cannot be.
    The publisher and ``studybot doctor`` both decide by this rule."""
    if not wanted:
        return next((name for name, kind in kinds.items() if kind == "date"), None), None
    if wanted not in kinds:
        return None, "missing"
    if kinds[wanted] != "date":
        return None, "not_date"
    return wanted, None


def _date_in(kinds: Mapping[str, str], name: str | None, lang: Language) -> str | None:
    chosen, problem = date_choice(kinds, name)
    if problem == "missing":
        dates = ", ".join(key for key, kind in kinds.items() if kind == "date") or "-"
        hint = t(lang, "notion_publish_date_missing", name=name, dates=dates)
        raise NotionRejected(hint, status=400, code="date_property_missing")
    if problem == "not_date":
        hint = t(lang, "notion_publish_date_type", name=name, kind=kinds[str(name)])
        raise NotionRejected(hint, status=400, code="date_property_not_date")
    return chosen


def create_or_adopt(
    api: NotionApi,
    target: Target,
    title: str,
    props: dict[str, Any],
    *,
    parent_page_id: str | None,
    me: Callable[[], str],
) -> tuple[str, bool]:
    """The page id, and whether it was created just now (so known to be empty).

    ``me`` is the integration's own user id: only a page it created is adopted.
    """
    found = find_page(api, target, title, parent_page_id=parent_page_id, me=me)
    if found is not None:
        log.info("notion_page_adopted", extra={"page_id": found, "title": title})
        return found, False

    def verify() -> dict[str, Any] | None:
        again = find_page(api, target, title, parent_page_id=parent_page_id, me=me)
        return None if again is None else {"id": again, "adopted": True}

    page = api.call(
        "POST",
        "pages",
        where="database" if target.data_source_id else "parent",
        body={"parent": target.parent, "properties": props},
        verify=verify,
    )
    page_id = str(page["id"])
    log.info("notion_page_created", extra={"page_id": page_id, "title": title})
    return page_id, not page.get("adopted")


def find_page(
    api: NotionApi,
    target: Target,
    title: str,
    *,
    parent_page_id: str | None,
    me: Callable[[], str],
) -> str | None:
    """A page of this meeting left by an earlier run (created, then not recorded)."""
    if target.data_source_id:
        query = {
            "filter": {"property": target.title_property, "title": {"equals": title}},
            "page_size": PAGE_SIZE,
        }
        answer = api.call(
            "POST", f"data_sources/{target.data_source_id}/query", where="database", body=query
        )
        candidates = [
            p
            for p in answer.get("results", [])
            if p.get("object") == "page"
            and not p.get("in_trash")
            and _title_of(p, target.title_property) == title
        ]
    else:
        candidates = [
            b
            for b in list_children(api, str(parent_page_id), "parent")
            if b.get("type") == "child_page" and (b.get("child_page") or {}).get("title") == title
        ]
    if not candidates:
        return None
    # Only a page the integration created is ours to rewrite; one an organiser made
    # by hand with the same title is left alone.
    mine = me()
    ours = [c for c in candidates if (c.get("created_by") or {}).get("id") == mine]
    if len(ours) < len(candidates):
        log.info("notion_page_not_ours", extra={"title": title})
    ours.sort(key=lambda c: str(c.get("created_time", "")))
    return str(ours[0]["id"]) if ours else None


def _title_of(page: Mapping[str, Any], name: str) -> str:
    prop = (page.get("properties") or {}).get(name) or {}
    return "".join(str(item.get("plain_text", "")) for item in prop.get("title") or [])
