"""`studybot demo` (a throwaway week offline) and `studybot manifest` (the Slack app)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import EXIT_CONFIG
from bot.core.i18n import Language, t

if TYPE_CHECKING:
    from bot.settings import Settings


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


def cmd_manifest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.slack.manifest import manifest_yaml

    problem = manifest_url_problem(args.http, settings.language)
    if problem:
        print(f"studybot: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    print(manifest_yaml(args.http), end="")
    return 0


def manifest_url_problem(url: str | None, lang: Language) -> str | None:
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
