"""Doctor's Notion checks: the database (its data source, title and date properties) or the
parent page."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from bot.core.i18n import t
from bot.doctor.report import Check, Doctor
from bot.notion import NOTION_VERSION


def notion_checks(ctx: Doctor) -> Iterator[Check]:
    token = ctx.settings.notion_token
    if token is None:
        yield ctx.skip("notion", "skip_no_notion")
        return
    headers = {
        "Authorization": f"Bearer {token.get_secret_value()}",
        "Notion-Version": NOTION_VERSION,
    }
    with httpx.Client(
        base_url=ctx.settings.notion_api_url, headers=headers, timeout=ctx.timeout
    ) as http:
        if ctx.settings.notion_database_id:
            yield from _notion_database(ctx, http, ctx.settings.notion_database_id)
        elif ctx.settings.notion_parent_page_id:
            yield _notion_page(ctx, http, ctx.settings.notion_parent_page_id)
        else:
            yield ctx.skip("notion", "skip_no_notion_target")


def _notion_get(ctx: Doctor, http: httpx.Client, path: str) -> tuple[int, dict[str, Any]]:
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


def _notion_failure(
    ctx: Doctor, key: str, status: int, body: Mapping[str, Any], kind: str
) -> Check:
    code = str(body.get("code") or f"HTTP {status}")
    message = str(body.get("message") or "")[:200]
    # Notion explains in English only: a Japanese report keeps its code, and the fix.
    detail = f"{code}: {message}" if message and ctx.lang == "en" else code
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


def _notion_database(ctx: Doctor, http: httpx.Client, database_id: str) -> Iterator[Check]:
    try:
        status, body = _notion_get(ctx, http, f"/v1/databases/{quote(database_id, safe='-')}")
    except httpx.HTTPError:
        yield _unreachable(ctx, "notion_db")
        return
    if status != 200:
        yield _notion_failure(ctx, "notion_db", status, body, "db")
        return
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
    try:
        status, source = _notion_get(
            ctx, http, f"/v1/data_sources/{quote(str(sources[0].get('id')), safe='-')}"
        )
    except httpx.HTTPError:
        yield _unreachable(ctx, "notion_db")
        return
    if status != 200:
        yield _notion_failure(ctx, "notion_db", status, source, "db")
        return
    properties = source.get("properties") or {}
    kinds = {
        str(name): str(prop.get("type"))
        for name, prop in properties.items()
        if isinstance(prop, dict)
    }
    yield _title_property(ctx, kinds)
    yield _date_property(ctx, kinds)


def _title_property(ctx: Doctor, kinds: Mapping[str, str]) -> Check:
    titles = [name for name, kind in kinds.items() if kind == "title"]
    if len(titles) == 1:
        return ctx.check("notion_title", True, t(ctx.lang, "notion_title_ok", name=titles[0]))
    detail = t(ctx.lang, "notion_title_count", count=len(titles))
    return ctx.check("notion_title", False, detail, t(ctx.lang, "notion_title_fix"))


def _date_property(ctx: Doctor, kinds: Mapping[str, str]) -> Check:
    dates = [name for name, kind in kinds.items() if kind == "date"]
    wanted = ctx.settings.notion_date_property
    if wanted:
        if wanted not in kinds:
            shown = ", ".join(dates) or t(ctx.lang, "none")
            return ctx.check(
                "notion_date",
                False,
                t(ctx.lang, "notion_date_absent", name=wanted, dates=shown),
                t(ctx.lang, "notion_date_absent_fix", name=wanted),
            )
        if kinds[wanted] != "date":
            return ctx.check(
                "notion_date",
                False,
                t(ctx.lang, "doctor_notion_date_type", name=wanted, kind=kinds[wanted]),
                t(ctx.lang, "doctor_notion_date_type_fix", name=wanted),
            )
        return ctx.check("notion_date", True, t(ctx.lang, "notion_date_ok", name=wanted))
    if not dates:
        return ctx.check(
            "notion_date",
            False,
            t(ctx.lang, "doctor_notion_date_missing"),
            t(ctx.lang, "doctor_notion_date_missing_fix"),
        )
    key = "notion_date_ok" if len(dates) == 1 else "notion_date_first"
    return ctx.check("notion_date", True, t(ctx.lang, key, name=dates[0]))


def _notion_page(ctx: Doctor, http: httpx.Client, page_id: str) -> Check:
    try:
        status, body = _notion_get(ctx, http, f"/v1/pages/{quote(page_id, safe='-')}")
    except httpx.HTTPError:
        return _unreachable(ctx, "notion_page")
    if status != 200:
        return _notion_failure(ctx, "notion_page", status, body, "page")
    title = ""
    for prop in (body.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            title = "".join(str(item.get("plain_text", "")) for item in prop.get("title") or [])
    return ctx.check("notion_page", True, t(ctx.lang, "notion_page_ok", title=title))


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), 5.0)
    except ValueError:
        return 1.0


def _plain(body: Mapping[str, Any]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in body.get("title") or [])
