"""pyproject's lower bounds admit no release that lacks what the code calls."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

# Package -> (oldest release with every feature the code uses, what needs it).
# Checked by installing the candidate floors and inspecting their signatures.
NEEDED: dict[str, tuple[str, str]] = {
    "notion-client": ("3.1.0", "Client(retry=False) in bot/notion/publisher.make_client"),
    "slack-bolt": ("1.20.0", "App(listener_executor=, request_verification_enabled=)"),
    "slack-sdk": (
        "3.30.0",
        "chat_postMessage(metadata=), conversations_history(include_all_metadata=), "
        "ServerErrorRetryHandler",
    ),
}


def floors() -> dict[str, Version]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    out: dict[str, Version] = {}
    for spec in data["project"]["dependencies"]:
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9.]*)", spec)
        if match:
            out[match.group(1).lower()] = Version(match.group(2))
    return out


def test_floors_cover_the_features_the_code_uses() -> None:
    found = floors()
    for package, (oldest, why) in NEEDED.items():
        assert package in found, f"{package} has no >= floor in pyproject.toml"
        assert found[package] >= Version(oldest), f"{package}>={found[package]}: {why}"


def test_lock_matches_the_floors() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    root = next(p for p in lock["package"] if p["name"] == "studybot")
    specs = {d["name"]: d.get("specifier", "") for d in root["metadata"]["requires-dist"]}
    for package in NEEDED:
        assert specs[package].startswith(">="), specs[package]
        assert Version(specs[package][2:]) == floors()[package], package
