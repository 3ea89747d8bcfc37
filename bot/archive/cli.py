"""`studybot import FILE...` and `studybot export`: the archive on the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.core.i18n import Language, t
from bot.core.text import clip

if TYPE_CHECKING:
    from bot.archive.importer import FileReport, ImportReport
    from bot.settings import Settings

SKIPPED_SHOWN_PER_FILE = 20
SKIPPED_TEXT_MAX = 80


def add_commands(
    subparsers: Any, *, lang: Language = "en", date_type: Any = dt.date.fromisoformat
) -> None:
    """Add ``import`` and ``export`` to the ``studybot`` sub-command parsers."""
    from bot.core.i18n import t as text

    importing = subparsers.add_parser(
        "import", help=text(lang, "cli_h_import"), description=text(lang, "cli_h_import")
    )
    importing.add_argument(
        "files", nargs="+", metavar="FILE", type=Path, help=text(lang, "cli_h_files")
    )
    exporting = subparsers.add_parser(
        "export", help=text(lang, "cli_h_export"), description=text(lang, "cli_h_export")
    )
    exporting.add_argument(
        "--format", choices=("md", "csv", "bib"), default="md", help=text(lang, "cli_h_format")
    )
    exporting.add_argument(
        "--since", type=date_type, metavar="DATE", help=text(lang, "cli_h_since")
    )
    exporting.add_argument("--out", type=Path, metavar="FILE", help=text(lang, "cli_h_export_out"))


def file_summary(report: FileReport, lang: Language) -> str:
    """One line saying what happened to a file."""
    if report.error is not None:
        reason = t(lang, report.error, detail=report.error_detail)
        return t(lang, "import_failed", error=reason)
    if report.undated:
        return t(lang, "import_no_meeting")
    if not report.meetings:
        return t(lang, "import_no_topics")
    parts = []
    for meeting in report.meetings:
        part = t(
            lang,
            "import_meeting",
            date=meeting.meeting.isoformat(),
            imported=meeting.imported,
            present=meeting.present,
        )
        if meeting.votes_restored:
            part += t(lang, "import_votes", votes=meeting.votes_restored)
        parts.append(part)
    return "; ".join(parts)


def render_report(report: ImportReport, lang: Language) -> str:
    """The human summary: per file its meetings and skipped lines, then the totals."""
    lines: list[str] = []
    for file in report.files:
        lines.append(f"{file.path}: {file_summary(file, lang)}")
        if file.skipped:
            lines.append("  " + t(lang, "import_lines_skipped", count=len(file.skipped)))
            for skipped in file.skipped[:SKIPPED_SHOWN_PER_FILE]:
                reason = t(lang, f"reason_{skipped.reason}")
                text = clip(skipped.text, SKIPPED_TEXT_MAX)
                lines.append(
                    "    "
                    + t(lang, "import_skipped_line", line=skipped.line, reason=reason, text=text)
                )
            if len(file.skipped) > SKIPPED_SHOWN_PER_FILE:
                more = len(file.skipped) - SKIPPED_SHOWN_PER_FILE
                lines.append("    " + t(lang, "import_more_skipped", count=more))
    lines.append(
        t(
            lang,
            "import_total",
            files=len(report.files),
            meetings=report.meetings,
            imported=report.imported,
            present=report.present,
            skipped=report.skipped_lines,
            failed=report.failed,
        )
    )
    return "\n".join(lines) + "\n"


def run_import(settings: Settings, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Import every FILE; progress on stderr, the summary on stdout; 1 if a file failed."""
    from bot.archive.importer import import_files
    from bot.store import Repository, open_database

    out = out or sys.stdout
    lang = settings.language

    def progress(index: int, count: int, report: FileReport) -> None:
        # Only where it is: each file's result is printed once, in the summary below.
        print(f"[{index}/{count}] {report.path}", file=sys.stderr, flush=True)

    database = open_database(settings.database_url)
    try:
        report = import_files(
            Repository(database), args.files, zone=settings.zone, progress=progress
        )
    finally:
        database.dispose()
    out.write(render_report(report, lang))
    if not report.meetings:
        from bot.core.i18n import t as text

        print(f"studybot: {text(lang, 'import_nothing')}", file=sys.stderr)
        return 1
    return 1 if report.failed else 0


def run_export(settings: Settings, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the archive (or write it to ``--out``) as Markdown or CSV."""
    from bot.archive.exporter import export_csv, export_markdown
    from bot.store import Repository, open_database

    database = open_database(settings.database_url)
    try:
        repo = Repository(database)
        count = len(repo.all_topics(args.since))
        if args.format == "csv":
            text = export_csv(repo, args.since)
        elif args.format == "bib":
            from bot.archive.bibtex import export_bibtex

            text = export_bibtex(repo, args.since)
        else:
            text = export_markdown(
                repo, args.since, lang=settings.language, group_name=settings.group_name
            )
    finally:
        database.dispose()
    if count == 0:
        print(t(settings.language, "export_empty"), file=sys.stderr)
    if args.out is None:
        (out or sys.stdout).write(text)
        return 0
    # A BOM lets Excel, which many organisers open CSV files with, read UTF-8 correctly.
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding=encoding, newline="")
    except OSError as error:
        detail = error.strerror or type(error).__name__
        print(t(settings.language, "export_failed", path=args.out, detail=detail), file=sys.stderr)
        return 1
    print(t(settings.language, "export_written", count=count, path=args.out), file=sys.stderr)
    return 0
