"""Doctor's Notion checks: the database (its data source, title and date properties) or the
parent page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.core.i18n import t
from bot.doctor.report import Check, Doctor
from bot.notion.client import NotionApi, make_client
from bot.notion.errors import NotionRejected, NotionUnavailable, Where
from bot.notion.target import date_choice, property_kinds

# Three tries: the publisher's pacing, back-off and Retry-After, bounded for a command.
ATTEMPTS = 3


def notion_checks(ctx: Doctor) -> Iterator[Check]:
    token = ctx.settings.notion_token
    if token is None:
        yield ctx.skip("notion", "skip_no_notion")
        return
    database_id = ctx.settings.notion_database_id
    page_id = ctx.settings.notion_parent_page_id
    if not (database_id or page_id):
        yield ctx.skip("notion", "skip_no_notion_target")
        return
    client = make_client(token.get_secret_value(), ctx.settings.notion_api_url, timeout=ctx.timeout)
    ids: dict[Where, str] = {"database": database_id or "", "parent": page_id or ""}
    api = NotionApi(client, lang=ctx.lang, ids=ids, max_attempts=ATTEMPTS)
    try:
        if database_id:
            yield from _notion_database(ctx, api, database_id)
        elif page_id:
            yield _notion_page(ctx, api, page_id)
    finally:
        client.close()


def _notion_failure(ctx: Doctor, key: str, error: NotionRejected, kind: str) -> Check:
    code = error.code or f"HTTP {error.status}"
    # Notion explains in English only: a Japanese report keeps its code, and the fix.
    message = error.detail[:200]
    detail = f"{code}: {message}" if message and message != code and ctx.lang == "en" else code
    if code == "unauthorized":
        fix = t(ctx.lang, "notion_auth_fix")
    elif code == "object_not_found":
        fix = t(ctx.lang, f"notion_share_{kind}_fix")
    elif code == "validation_error":
        fix = t(ctx.lang, f"notion_{kind}_id_fix")
    elif code == "restricted_resource":
        fix = t(ctx.lang, "notion_capability_fix")
    else:
        fix = t(ctx.lang, "notion_other_fix")
    return ctx.check(key, False, detail, fix)


def _unreachable(ctx: Doctor, key: str) -> Check:
    detail = t(ctx.lang, "unreachable", url=ctx.settings.notion_api_url)
    return ctx.check(key, False, detail, t(ctx.lang, "notion_unreachable_fix"))


def _notion_database(ctx: Doctor, api: NotionApi, database_id: str) -> Iterator[Check]:
    try:
        body = api.call("GET", f"databases/{database_id}", where="database")
        sources = [s for s in body.get("data_sources") or [] if isinstance(s, dict)]
        if not sources:
            yield ctx.check(
                "notion_db",
                False,
                t(ctx.lang, "notion_no_source"),
                t(ctx.lang, "notion_no_source_fix"),
            )
            return
        yield ctx.check("notion_db", True, t(ctx.lang, "notion_db_ok", title=_plain(body)))
        source = api.call("GET", f"data_sources/{sources[0].get('id')}", where="database")
    except NotionRejected as error:
        yield _notion_failure(ctx, "notion_db", error, "db")
        return
    except NotionUnavailable:
        yield _unreachable(ctx, "notion_db")
        return
    kinds = property_kinds(source.get("properties"))
    yield _title_property(ctx, kinds)
    yield _date_property(ctx, kinds)


def _title_property(ctx: Doctor, kinds: Mapping[str, str]) -> Check:
    titles = [name for name, kind in kinds.items() if kind == "title"]
    if len(titles) == 1:
        return ctx.check("notion_title", True, t(ctx.lang, "notion_title_ok", name=titles[0]))
    detail = t(ctx.lang, "notion_title_count", count=len(titles))
    return ctx.check("notion_title", False, detail, t(ctx.lang, "notion_title_fix"))


def _date_property(ctx: Doctor, kinds: Mapping[str, str]) -> Check:
    wanted = ctx.settings.notion_date_property
    name, problem = date_choice(kinds, wanted)
    dates = [key for key, kind in kinds.items() if kind == "date"]
    if problem == "missing":
        shown = ", ".join(dates) or t(ctx.lang, "none")
        return ctx.check(
            "notion_date",
            False,
            t(ctx.lang, "notion_date_absent", name=wanted, dates=shown),
            t(ctx.lang, "notion_date_absent_fix", name=wanted),
        )
    if problem == "not_date":
        return ctx.check(
            "notion_date",
            False,
            t(ctx.lang, "doctor_notion_date_type", name=wanted, kind=kinds[str(wanted)]),
            t(ctx.lang, "doctor_notion_date_type_fix", name=wanted),
        )
    if name is None:
        return ctx.check(
            "notion_date",
            False,
            t(ctx.lang, "doctor_notion_date_missing"),
            t(ctx.lang, "doctor_notion_date_missing_fix"),
        )
    key = "notion_date_ok" if wanted or len(dates) == 1 else "notion_date_first"
    return ctx.check("notion_date", True, t(ctx.lang, key, name=name))


def _notion_page(ctx: Doctor, api: NotionApi, page_id: str) -> Check:
    try:
        body = api.call("GET", f"pages/{page_id}", where="parent")
    except NotionRejected as error:
        return _notion_failure(ctx, "notion_page", error, "page")
    except NotionUnavailable:
        return _unreachable(ctx, "notion_page")
    title = ""
    for prop in (body.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            title = "".join(str(item.get("plain_text", "")) for item in prop.get("title") or [])
    return ctx.check("notion_page", True, t(ctx.lang, "notion_page_ok", title=title))


def _plain(body: Mapping[str, Any]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in body.get("title") or [])
