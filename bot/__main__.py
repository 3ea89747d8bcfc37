"""Composition root and command line: settings -> store -> services -> adapters."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bot.archive.cli import add_commands, run_export, run_import
from bot.core.i18n import Language, t
from bot.lang import language_hint

# Each command imports what it needs when it runs: `--help` and `--version` stay free of
# pydantic, SQLAlchemy and Slack's SDK, and nothing loads Alembic unless a migration must
# run (bot.store.db). The exit codes are bot.failures' (a test keeps them equal): that
# module is imported only when a command fails, since it brings in Slack's SDK.
EXIT_FAILED = 1
EXIT_CONFIG = 2

if TYPE_CHECKING:
    from bot.core.weeks import Cycle
    from bot.settings import Settings
    from bot.store import Repository
    from bot.wiring import Runtime


class _Parsers:
    """argparse in the run's language: its titles, help lines and errors."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    def make(self) -> argparse.ArgumentParser:
        lang = self.lang

        class Formatter(argparse.HelpFormatter):
            def add_usage(
                self,
                usage: str | None,
                actions: Iterable[argparse.Action],
                groups: Iterable[argparse._MutuallyExclusiveGroup],
                prefix: str | None = None,
            ) -> None:
                shown = t(lang, "cli_usage") if prefix is None else prefix
                super().add_usage(usage, actions, groups, shown)

        class Parser(argparse.ArgumentParser):
            def __init__(self, **kwargs: Any) -> None:
                kwargs.setdefault("add_help", False)
                kwargs["formatter_class"] = Formatter
                super().__init__(**kwargs)
                self._positionals.title = t(lang, "cli_positionals")
                self._optionals.title = t(lang, "cli_options")
                self.add_argument(
                    "-h", "--help", action="help", default=argparse.SUPPRESS,
                    help=t(lang, "cli_h_help"),
                )  # fmt: skip
                # On every parser, so `studybot publish --debug` works as well.
                self.add_argument(
                    "--debug", action="store_true", default=argparse.SUPPRESS,
                    help=t(lang, "cli_h_debug"),
                )  # fmt: skip

            def error(self, message: str) -> NoReturn:
                self.print_usage(sys.stderr)
                text = t(
                    lang, "cli_error", prog=self.prog, message=_argparse_message(message, lang)
                )
                self.exit(2, text + "\n")

        return _build(Parser(prog="studybot", description=t(lang, "cli_description")), lang)


def _argparse_message(message: str, lang: Language) -> str:
    """argparse's own English errors, in the run's language."""
    patterns = (
        (r"the following arguments are required: (.*)", "cli_err_required"),
        (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", "cli_err_choice"),
        (r"unrecognized arguments: (.*)", "cli_err_unrecognized"),
        (r"argument (\S+): expected one argument", "cli_err_expected_one"),
        (r"argument (\S+): (.*)", "cli_err_argument"),
    )
    for pattern, key in patterns:
        match = re.fullmatch(pattern, message)
        if match:
            return t(lang, key, **{f"a{i}": g for i, g in enumerate(match.groups(), 1)})
    return message


def _date_type(lang: Language) -> Callable[[str], dt.date]:
    def parse(text: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(t(lang, "cli_bad_date", value=text[:20])) from None

    return parse


def _build(parser: argparse.ArgumentParser, lang: Language) -> argparse.ArgumentParser:
    def h(key: str) -> str:
        return t(lang, key)

    date = _date_type(lang)
    parser.add_argument("--version", action="version", version=f"studybot {version()}",
                        help=h("cli_h_version"))  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True, title=h("cli_commands"))
    demo = sub.add_parser("demo", help=h("cli_h_demo"), description=h("cli_h_demo"))
    demo.add_argument("--out", default="demo-output", help=h("cli_h_out"))
    preview = sub.add_parser("preview", help=h("cli_h_preview"), description=h("cli_h_preview"))
    preview.add_argument("--date", type=date, help=h("cli_h_date"))
    preview.add_argument("--format", choices=("md", "json"), default="md", help=h("cli_h_format"))
    manifest = sub.add_parser("manifest", help=h("cli_h_manifest"), description=h("cli_h_manifest"))
    manifest.add_argument("--http", metavar="URL", help=h("cli_h_http"))
    sub.add_parser("run", help=h("cli_h_run"), description=h("cli_h_run"))
    publish = sub.add_parser("publish", help=h("cli_h_publish"), description=h("cli_h_publish"))
    publish.add_argument("--date", type=date, help=h("cli_h_date"))
    sub.add_parser("remind", help=h("cli_h_remind"), description=h("cli_h_remind"))
    votes = sub.add_parser("votes", help=h("cli_h_votes"), description=h("cli_h_votes"))
    votes_sub = votes.add_subparsers(dest="votes_command", required=True, title=h("cli_commands"))
    reconcile = votes_sub.add_parser(
        "reconcile", help=h("cli_h_reconcile"), description=h("cli_h_reconcile")
    )
    reconcile.add_argument("--date", type=date, help=h("cli_h_date"))
    sub.add_parser("doctor", help=h("cli_h_doctor"), description=h("cli_h_doctor"))
    status = sub.add_parser("status", help=h("cli_h_status"), description=h("cli_h_status"))
    status.add_argument(
        "--format", choices=("text", "json"), default="text", help=h("cli_h_status_format")
    )
    add_commands(sub, lang=lang, date_type=date)
    return parser


def _parser(lang: Language = "en") -> argparse.ArgumentParser:
    return _Parsers(lang).make()


def version() -> str:
    """The installed package's version (pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("studybot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def _settings() -> Settings:
    from bot.settings import load_settings

    return load_settings()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    lang = settings.language
    result = run_demo(
        Path(args.out),
        lang=lang,
        group_name=settings.group_name,
        cycle=settings.cycle(),
        meeting_minutes=settings.meeting_minutes,
        stream=sys.stderr,
    )
    print(result.markdown)
    if result.rejected:
        print(t(lang, "demo_rejected"), file=sys.stderr)
        for first_line, reasons in result.rejected:
            print(f"  ✗ {first_line}", file=sys.stderr)
            for reason in reasons:
                print(f"      {reason}", file=sys.stderr)
    print(t(lang, "demo_written"), file=sys.stderr)
    for path in result.files:
        print(f"  {path}", file=sys.stderr)
    print(t(lang, "demo_throwaway"), file=sys.stderr)
    return 0


def _not_a_meeting_day(settings: Settings, date: dt.date | None) -> bool:
    """Print why ``date`` cannot be a meeting (with the days that can) and say so."""
    from bot.core.weeks import WEEKDAYS, upcoming_meeting

    if date is None:  # before settings.cycle(): building the holiday calendar costs
        return False
    cycle = settings.cycle()
    if date.weekday() == cycle.meeting_weekday:
        return False
    first = upcoming_meeting(dt.datetime.now(dt.UTC), cycle)
    dates = ", ".join((first + dt.timedelta(weeks=n)).isoformat() for n in range(3))
    weekday = WEEKDAYS[cycle.meeting_weekday]
    text = t(settings.language, "cli_not_meeting_day", date=date, weekday=weekday, dates=dates)
    print(f"studybot: {text}", file=sys.stderr)
    return True


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    import dataclasses

    from bot.core.agenda import agenda_order, compile_agenda, render_markdown
    from bot.core.slots import slots_json
    from bot.core.weeks import upcoming_meeting
    from bot.services.cycle import SkipRegistry
    from bot.store import Repository, open_database

    if _not_a_meeting_day(settings, args.date):
        return EXIT_CONFIG
    database = open_database(settings.database_url)
    try:
        repo = Repository(database)
        base = settings.cycle()
        # Skips organisers set in Slack live in the database, not in the settings.
        cycle = dataclasses.replace(base, is_holiday=SkipRegistry(repo, base.is_holiday))
        meeting = args.date or upcoming_meeting(dt.datetime.now(dt.UTC), cycle)
        skipped = _skip_reason(settings, repo, cycle, meeting)
        agenda = compile_agenda(
            meeting,
            repo.topics_for_meeting(meeting),
            settings.group_name,
            meeting_minutes=settings.meeting_minutes,
            start=cycle.meeting_time,
        )
    finally:
        database.dispose()
    if skipped is not None:
        if args.format == "json":
            data: dict[str, object] = {"meeting": meeting.isoformat(), "skipped": skipped}
            data["topics"] = []
            data["slots"] = []
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(
                t(
                    settings.language,
                    "cli_meeting_skipped",
                    date=meeting.isoformat(),
                    reason=skipped,
                )
            )
        return 0
    if args.format == "md":
        print(render_markdown(agenda, settings.language), end="")
        return 0
    topics = [
        {
            "tag": topic.tag,
            "title": topic.title,
            "url": topic.url,
            "presenter": topic.presenter.name,
            "presenter_id": topic.presenter.user_id,
            "votes": topic.votes,
            "notes": [{"text": note.text, "depth": note.depth} for note in topic.notes],
            "submitted_at": topic.submitted_at.isoformat(),
        }
        for topic in agenda_order(agenda)
    ]
    data = {"meeting": meeting.isoformat(), "topics": topics, "slots": slots_json(agenda.schedule)}
    print(json.dumps(data, ensure_ascii=False))
    return 0


def _skip_reason(settings: Settings, repo: Repository, cycle: Cycle, date: dt.date) -> str | None:
    """Why ``date`` is not held (the organisers' words, or holiday/configured), or None."""
    if not cycle.is_skipped(date):
        return None
    meeting = repo.get_meeting(date)
    if meeting is not None and meeting.skipped and meeting.skip_reason:
        return meeting.skip_reason
    return t(settings.language, f"skip_reason_{cycle.skip_reason(date) or 'configured'}")


def cmd_manifest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.slack.manifest import manifest_yaml

    problem = _manifest_url_problem(args.http, settings.language)
    if problem:
        print(f"studybot: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    print(manifest_yaml(args.http), end="")
    return 0


def _manifest_url_problem(url: str | None, lang: Language) -> str | None:
    """Slack only accepts https request URLs; the path is ours to add."""
    if url is None:
        return None
    text = url.strip()
    if not text:
        return t(lang, "manifest_http_empty")
    if not re.fullmatch(r"https://[^/\s?#]+\.[^/\s?#]+(/[^\s?#]*)?", text):
        return t(lang, "manifest_http_bad", value=text[:80])
    if text.rstrip("/").endswith("/slack/events"):
        return t(lang, "manifest_http_events", base=text.rstrip("/").removesuffix("/slack/events"))
    return None


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    if _print_problems(settings, settings.problems_for_run()):
        return EXIT_CONFIG
    from bot.run import run

    return run(settings)


def cmd_doctor(settings: Settings, args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    return run_doctor(settings)


def _print_problems(settings: Settings, problems: list[str]) -> bool:
    if problems:
        print(t(settings.language, "cfg_header"), file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    return bool(problems)


def _runtime(settings: Settings) -> Runtime | None:
    """The wired bot for one CLI step, or None after printing what configuration is missing."""
    problems = [p for p in settings.problems_for_run() if not p.startswith("SLACK_SIGNING_SECRET")]
    if _print_problems(settings, problems):
        return None
    _preflight(settings)
    from bot.wiring import build_runtime

    return build_runtime(settings)


def _preflight(settings: Settings) -> None:
    """One auth.test, without retries, before any work: a wrong or revoked token or an
    unreachable Slack fails in a second and by name, not after every call's retries."""
    from slack_sdk import WebClient

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else settings.slack_api_url + "/"
    )
    client = WebClient(token=token, base_url=base, timeout=10, retry_handlers=[])
    client.auth_test()


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    if _not_a_meeting_day(settings, args.date):
        return EXIT_CONFIG
    runtime = _runtime(settings)
    if runtime is None:
        return 2
    lang = settings.language
    try:
        reason = runtime.cycle.skipped_reason(args.date) if args.date else None
        if reason is not None:
            print(t(lang, "cli_meeting_skipped", date=args.date.isoformat(), reason=reason))
            return 0
        print(t(lang, "cli_publishing"), file=sys.stderr, flush=True)
        report = runtime.cycle.publish(args.date)
    finally:
        runtime.close()
    if report.skipped == "skipped":
        why = t(lang, "skip_reason_configured")
        print(t(lang, "cli_meeting_skipped", date=report.meeting.isoformat(), reason=why))
        return 0
    if report.skipped == "busy":
        since = report.held_since.isoformat(timespec="seconds") if report.held_since else "?"
        holder = report.holder or "?"
        date = report.meeting.isoformat()
        print(t(lang, "cli_publish_busy", date=date, holder=holder, since=since))
        return 1
    if report.skipped:
        print(t(lang, "cli_publish_skipped", date=report.meeting.isoformat(), why=report.skipped))
        return 1
    print(t(lang, "cli_published", date=report.meeting.isoformat(), topics=report.topics))
    for c in report.corrections:
        print(f"  ↻ {c.title}: {c.votes} (+{len(c.added)} -{len(c.removed)})")
    if report.notion_url:
        print(f"  Notion: {report.notion_url}")
    failed = False
    if report.notion_error:
        print(t(lang, "cli_notion_failed", error=report.notion_error))
        failed = True
    if report.slack_error:
        print(t(lang, "cli_slack_failed", error=report.slack_error))
        channel = settings.study_channel or ""
        from bot.failures import slack_refusal

        refusal = slack_refusal(report.slack_error, "chat.postMessage", lang, channel)
        for line in refusal.lines(lang):
            print(line, file=sys.stderr)
        failed = True
    return 1 if failed else 0


def cmd_remind(settings: Settings, args: argparse.Namespace) -> int:
    runtime = _runtime(settings)
    if runtime is None:
        return 2
    lang = settings.language
    try:
        skipped = runtime.cycle.skipped_this_week()
        if skipped is not None:
            reason = runtime.cycle.skipped_reason(skipped) or ""
            print(t(lang, "cli_meeting_skipped", date=skipped.isoformat(), reason=reason))
            return 0
        sent = runtime.cycle.remind()
    finally:
        runtime.close()
    print(t(lang, "cli_reminded" if sent else "cli_not_reminded"))
    return 0


def cmd_votes(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.weeks import upcoming_meeting
    from bot.slack.reactions import SlackReactions

    if _not_a_meeting_day(settings, args.date):
        return EXIT_CONFIG
    runtime = _runtime(settings)
    if runtime is None:
        return 2
    try:
        meeting = args.date or upcoming_meeting(dt.datetime.now(dt.UTC), runtime.topics.cycle)
        corrections = runtime.votes.reconcile(meeting, SlackReactions(runtime.client))
    finally:
        runtime.close()
    lang = settings.language
    print(t(lang, "cli_reconciled", date=meeting.isoformat(), count=len(corrections)))
    for c in corrections:
        print(f"  ↻ {c.title}: {c.votes} (+{len(c.added)} -{len(c.removed)})")
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    """Where the week stands, from the database only (right across replicas)."""
    import dataclasses

    from bot.jobs import reminder_trigger
    from bot.services.cycle import SkipRegistry
    from bot.status import collect_status
    from bot.store import Repository, open_database

    database = open_database(settings.database_url)
    try:
        repo = Repository(database)
        base = settings.cycle()
        cycle = dataclasses.replace(base, is_holiday=SkipRegistry(repo, base.is_holiday))
        trigger = reminder_trigger(settings.reminder_cron, cycle)
        status = collect_status(
            repo,
            cycle,
            now=dt.datetime.now(dt.UTC),
            next_reminder=lambda now: trigger.get_next_fire_time(None, now),
            skip_reason=lambda date: _skip_reason(settings, repo, cycle, date) or "",
            roster=settings.roster,
            notion=settings.notion_enabled,
            group_name=settings.group_name,
        )
    finally:
        database.dispose()
    if args.format == "json":
        print(json.dumps(status.to_json(), ensure_ascii=False))
    else:
        print("\n".join(status.lines(settings.language)))
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "preview": cmd_preview,
    "manifest": cmd_manifest,
    "run": cmd_run,
    "publish": cmd_publish,
    "remind": cmd_remind,
    "votes": cmd_votes,
    "doctor": cmd_doctor,
    "status": cmd_status,
    "import": run_import,
    "export": run_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 0 done, 1 failed, 2 configuration (README)."""
    lang = language_hint()
    args = _parser(lang).parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    from bot.settings import ConfigError

    try:
        settings = _settings()
    except ConfigError as error:
        print(t(error.lang, "cfg_header"), file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return EXIT_CONFIG
    from bot.logs import redact, setup_logging

    secrets = settings.secret_values()
    # The demo and read-only commands talk to a person: their progress lines are enough.
    quiet = args.command in ("demo", "preview", "manifest", "export", "import", "doctor", "status")
    setup_logging(
        settings.log_format,
        secrets,
        logging.WARNING if quiet else logging.INFO,
        # A person reads one line per problem; the bot's own log keeps its stack traces.
        tracebacks=debug or args.command == "run",
    )
    try:
        return COMMANDS[args.command](settings, args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as error:
        if debug:
            import traceback

            traceback.print_exc()
        from bot.failures import explain

        failure = explain(
            error,
            settings.language,
            slack_url=settings.slack_api_url,
            notion_url=settings.notion_api_url,
            channel=settings.study_channel or "",
        )
        for line in failure.lines(settings.language):
            print(redact(line, secrets), file=sys.stderr)
        return failure.code


if __name__ == "__main__":
    sys.exit(main())
