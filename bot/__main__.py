"""`python -m bot` and the `studybot` console script: the command line lives in bot.cli."""

from __future__ import annotations

import sys

from bot.cli import EXIT_CONFIG, EXIT_FAILED, main

__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "main"]

if __name__ == "__main__":
    sys.exit(main())
