"""Doctor's database check: DATABASE_URL opens and its migrations are current."""

from __future__ import annotations

from bot.core.i18n import t
from bot.doctor.report import Check, Doctor


def database_check(ctx: Doctor) -> Check:
    from sqlalchemy import make_url

    from bot.store.db import MIGRATIONS_DIR, migration_state

    url = make_url(ctx.settings.database_url).render_as_string(hide_password=True)
    try:
        current, head = migration_state(ctx.settings.database_url)
    except Exception as error:  # any driver error: the line names it, the fix says what to do
        first = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = f"{type(error).__name__}: {first[0][:200] if first else ''}"
        detail = t(ctx.lang, "db_error", url=url, error=reason)
        return ctx.check("database", False, detail, t(ctx.lang, "db_error_fix"))
    if current == head:
        return ctx.check("database", True, t(ctx.lang, "db_current", url=url, rev=head))
    if current is None:
        return ctx.check("database", True, t(ctx.lang, "db_new", url=url, rev=head))
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    if current not in known:
        detail = t(ctx.lang, "db_ahead", url=url, current=current)
        return ctx.check("database", False, detail, t(ctx.lang, "db_ahead_fix"))
    detail = t(ctx.lang, "db_behind", url=url, current=current, rev=head)
    return ctx.check("database", True, detail)
