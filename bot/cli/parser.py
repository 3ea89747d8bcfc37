"""The `studybot` argument parser, in the run's language; nothing heavy is imported here."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from bot.archive.cli import add_commands
from bot.core.i18n import Language, t


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


class _Version(argparse._VersionAction):
    """`--version`, reading the installed version only when asked (importlib.metadata
    costs more than the rest of the parser)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        self.version = f"studybot {version()}"
        super().__call__(parser, namespace, values, option_string)


def _build(parser: argparse.ArgumentParser, lang: Language) -> argparse.ArgumentParser:
    def h(key: str) -> str:
        return t(lang, key)

    date = _date_type(lang)
    parser.add_argument("--version", action=_Version, help=h("cli_h_version"))
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


def make_parser(lang: Language = "en") -> argparse.ArgumentParser:
    return _Parsers(lang).make()


def version() -> str:
    """The installed package's version (pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("studybot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
