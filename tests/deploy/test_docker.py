"""deploy/Dockerfile, its .dockerignore and compose.yaml, checked statically (no Docker engine)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from bot.settings import load_settings
from tests.deploy.conftest import REPO

DEPLOY = REPO / "deploy"
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY)", re.IGNORECASE)
SECRET_VALUE = re.compile(r"xox[abpre]-|xapp-|\bsecret_[A-Za-z0-9]{8,}|\bntn_[A-Za-z0-9]{8,}")
REQUIRED = re.compile(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}")


# ---------------------------------------------------------------------- a small Dockerfile lint
@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    args: str


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction]


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    out: list[Instruction] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # also legal between continuation lines
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1].rstrip() + " "
            continue
        buffer += line
        keyword, _, args = buffer.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
        buffer = ""
    return out


def _substitute(text: str, args: dict[str, str]) -> str:
    return re.sub(
        r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), m.group(0)), text
    )


def _arg_defaults(instructions: list[Instruction]) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for item in instructions:
        if item.keyword == "FROM":
            break
        if item.keyword == "ARG" and "=" in item.args:
            name, _, value = item.args.partition("=")
            defaults[name.strip()] = value.strip().strip('"')
    return defaults


def stages_of(instructions: list[Instruction]) -> list[Stage]:
    args = _arg_defaults(instructions)
    stages: list[Stage] = []
    for item in instructions:
        if item.keyword == "FROM":
            words = [w for w in item.args.split() if not w.startswith("--platform")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(_substitute(words[0], args), name, []))
        elif stages:
            stages[-1].instructions.append(item)
    return stages


def _exec_form(args: str) -> list[str] | None:
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, list) else None


def lint_dockerfile(text: str) -> list[str]:
    """Problems found, as ``line N: message`` (the hadolint rules that matter here)."""
    instructions = parse_dockerfile(text)
    stages = stages_of(instructions)
    problems: list[str] = []
    names: set[str] = set()
    for stage in stages:
        image = stage.image
        if image not in names:
            if "$" in image:
                problems.append(f"FROM {image}: unresolved build argument")
            elif "@sha256:" not in image:
                tag = image.rsplit("/", 1)[-1].partition(":")[2]
                if not tag or tag == "latest":
                    problems.append(f"FROM {image}: pin a tag or digest, not latest")
        if stage.name:
            names.add(stage.name)
    if len(stages) < 2:
        problems.append("not a multi-stage build")
    final = stages[-1] if stages else Stage("", None, [])
    if not final.image.startswith("python:3.11-slim"):
        problems.append(f"final stage is {final.image!r}, expected python:3.11-slim")

    syncs = [i for i in instructions if i.keyword == "RUN" and "uv sync" in i.args]
    if not syncs:
        problems.append("no `uv sync`: dependencies must come from uv.lock")
    for item in syncs:
        if "--locked" not in item.args:
            problems.append(f"line {item.line}: `uv sync` without --locked")
        if "--no-dev" not in item.args:
            problems.append(f"line {item.line}: `uv sync` without --no-dev")

    users = [i.args.strip() for i in final.instructions if i.keyword == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("the final stage must switch to a non-root USER")
    checks = [i for i in final.instructions if i.keyword == "HEALTHCHECK"]
    if not checks or checks[-1].args.upper() == "NONE":
        problems.append("no HEALTHCHECK")
    elif "/readyz" not in checks[-1].args or re.search(r"\b(curl|wget)\b", checks[-1].args):
        problems.append("HEALTHCHECK must call /readyz with python (no curl in a slim image)")
    cmds = [i for i in final.instructions if i.keyword == "CMD"]
    if not cmds or _exec_form(cmds[-1].args) != ["studybot", "run"]:
        problems.append('CMD must be ["studybot", "run"] (exec form)')
    exposed = " ".join(i.args for i in final.instructions if i.keyword == "EXPOSE").split()
    if "3000" not in exposed and "3000/tcp" not in exposed:
        problems.append("EXPOSE 3000 missing")
    volumes = " ".join(i.args for i in final.instructions if i.keyword == "VOLUME")
    if "/app/data" not in volumes:
        problems.append("VOLUME /app/data missing")

    for item in instructions:
        where = f"line {item.line}"
        if item.keyword == "ADD" and "://" in item.args:
            problems.append(f"{where}: ADD of a URL (unverified download)")
        elif item.keyword == "ADD":
            problems.append(f"{where}: use COPY, not ADD")
        declared = re.findall(r"(?:^|\s)(\w+)(?==|\s|$)", item.args)
        if item.keyword in ("ENV", "ARG") and any(SECRET_NAME.search(n) for n in declared):
            problems.append(f"{where}: {item.keyword} must not carry a secret")
        if SECRET_VALUE.search(item.args):
            problems.append(f"{where}: looks like a token")
        if item.keyword == "WORKDIR" and not item.args.startswith(("/", "$")):
            problems.append(f"{where}: WORKDIR must be absolute")
        if item.keyword == "RUN":
            if re.search(r"\bsudo\b", item.args):
                problems.append(f"{where}: do not use sudo")
            if re.search(r"(^|&&|;)\s*cd\s", item.args):
                problems.append(f"{where}: use WORKDIR instead of cd")
            if "apt-get install" in item.args and "--no-install-recommends" not in item.args:
                problems.append(f"{where}: apt-get install without --no-install-recommends")
            if re.search(r"apt-get (dist-)?upgrade", item.args):
                problems.append(f"{where}: do not apt-get upgrade")
            if re.search(r"(curl|wget)[^|]*\|\s*(ba)?sh", item.args):
                problems.append(f"{where}: do not pipe a download into a shell")
        if item.keyword == "COPY":
            source = re.search(r"--from=(\S+)", item.args)
            if source and source.group(1) not in names and ":" not in source.group(1):
                problems.append(f"{where}: COPY --from an unknown stage {source.group(1)}")
    return problems


def dockerfile_text() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_passes_the_lint() -> None:
    assert lint_dockerfile(dockerfile_text()) == []


def test_the_lint_catches_a_bad_dockerfile() -> None:
    bad = """
FROM python:latest
ENV SLACK_BOT_TOKEN=xoxb-123-abc
WORKDIR app
ADD https://example.com/x.tar.gz /x
RUN cd /x && pip install -r requirements.txt && apt-get install -y gcc
CMD studybot run
"""
    problems = "\n".join(lint_dockerfile(bad))
    for expected in (
        "pin a tag",
        "not a multi-stage build",
        "no `uv sync`",
        "non-root USER",
        "no HEALTHCHECK",
        'CMD must be ["studybot", "run"]',
        "EXPOSE 3000",
        "VOLUME /app/data",
        "ADD of a URL",
        "must not carry a secret",
        "looks like a token",
        "WORKDIR must be absolute",
        "use WORKDIR instead of cd",
        "--no-install-recommends",
    ):
        assert expected in problems, expected


def test_builder_and_runtime_share_one_python_image() -> None:
    # The venv copied from the builder points at the builder's interpreter path.
    stages = stages_of(parse_dockerfile(dockerfile_text()))
    builder = next(stage for stage in stages if stage.name == "builder")
    assert builder.image == stages[-1].image
    copies = [i.args for i in stages[-1].instructions if i.keyword == "COPY"]
    assert any("--from=builder" in args and "/app/.venv" in args for args in copies)
    assert any("--no-install-project" in i.args for i in builder.instructions)


def test_healthcheck_command_is_valid_python() -> None:
    stages = stages_of(parse_dockerfile(dockerfile_text()))
    check = next(i for i in stages[-1].instructions if i.keyword == "HEALTHCHECK")
    command = _exec_form(check.args.split("CMD", 1)[1].strip())
    assert command is not None and command[:2] == ["python", "-c"]
    compile(command[2], "<healthcheck>", "exec")


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed")
def test_hadolint_if_installed() -> None:
    proc = subprocess.run(
        ["hadolint", "--failure-threshold", "error", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------------- .dockerignore
def _pattern(glob: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(out + r"\Z")


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; a matched directory covers its files."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for raw in patterns:
        negate = raw.startswith("!")
        glob = raw[1:] if negate else raw
        regex = _pattern(glob.strip("/"))
        if any(regex.match(prefix) for prefix in prefixes):
            result = not negate
    return result


def dockerignore() -> list[str]:
    text = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_dockerignore_keeps_secrets_and_data_out() -> None:
    patterns = dockerignore()
    for path in (
        ".env",
        "data/studybot.db",
        ".venv/bin/python",
        "tests/test_settings.py",
        "demo-output/agenda.md",
        ".git/config",
        "bot/__pycache__/doctor.cpython-311.pyc",
    ):
        assert ignored(path, patterns), f"{path} would be sent to the Docker daemon"


def test_dockerignore_lets_every_copied_source_in() -> None:
    patterns = dockerignore()
    for item in parse_dockerfile(dockerfile_text()):
        if item.keyword != "COPY" or "--from=" in item.args:
            continue
        sources = [word for word in item.args.split() if not word.startswith("--")][:-1]
        for source in sources:
            path = REPO / source
            assert path.exists(), source
            files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
            for file in files:
                relative = file.relative_to(REPO).as_posix()
                if "__pycache__" not in relative:
                    assert not ignored(relative, patterns), relative
    # hatchling reads the readme named in pyproject.toml while installing the project.
    assert not ignored("README.md", patterns)
    assert not ignored("bot/store/migrations/script.py.mako", patterns)


# ---------------------------------------------------------------------- compose.yaml
def compose() -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def interpolate(value: str, **env: str) -> str:
    """Compose's ${VAR:-default} and ${VAR:?message} with ``env`` set; an unset required
    variable raises, as compose refuses to start."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        if env.get(name):
            return env[name]
        if op.endswith("?"):
            raise ValueError(f"{name}: {arg}")
        return arg

    return re.sub(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}", one, value)


def strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in strings(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [pair for i, value in enumerate(node) for pair in strings(value, f"{path}[{i}]")]
    return [(path, str(node))]


def test_compose_services_volumes_and_order() -> None:
    data = compose()
    services = data["services"]
    assert set(services) == {"bot", "bot-http", "db"}
    db, bot = services["db"], services["bot"]
    assert db["image"] == "postgres:16"
    declared = set(data["volumes"])
    used = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}
    assert "pgdata" in declared and used <= declared
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert any(v.endswith(":/app/data") for v in bot["volumes"])
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    for service in (db, bot):
        assert service["restart"] in ("unless-stopped", "always")
        assert service["healthcheck"]["test"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    bot_check = bot["healthcheck"]["test"]
    assert bot_check[0] == "CMD" and "/readyz" in bot_check[-1]
    compile(bot_check[-1], "<healthcheck>", "exec")


def test_compose_builds_the_deploy_dockerfile_from_the_repo_root() -> None:
    bot = compose()["services"]["bot-http"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == REPO
    assert (context / bot["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    assert (DEPLOY / bot["env_file"]).resolve() == REPO / ".env"


def test_compose_database_url_is_postgres_and_valid() -> None:
    bot = compose()["services"]["bot"]
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://studybot:${POSTGRES_PASSWORD:?")
    assert url.endswith("@db:5432/studybot")
    resolved = interpolate(url, POSTGRES_PASSWORD="s3cret")
    assert load_settings({"DATABASE_URL": resolved}).database_url.startswith(
        "postgresql+psycopg://studybot:s3cret@db"
    )
    db_env = compose()["services"]["db"]["environment"]
    assert REQUIRED.fullmatch(db_env["POSTGRES_PASSWORD"])
    assert db_env["POSTGRES_USER"] == "studybot" and db_env["POSTGRES_DB"] == "studybot"


def test_compose_refuses_to_start_without_a_password() -> None:
    # Before: ${POSTGRES_PASSWORD:-change-me}, a guessable password on a forgotten .env.
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "change-me" not in text and ":-" not in re.sub(r"STUDYBOT_HTTP_PORT:-\d+", "", text)
    for _path, value in strings(compose()):
        if "POSTGRES_PASSWORD" in value:
            with pytest.raises(ValueError, match=r"set POSTGRES_PASSWORD in \.env"):
                interpolate(value)


def test_port_is_published_only_in_http_mode() -> None:
    services = compose()["services"]
    assert services["bot"]["profiles"] == ["socket"] and "ports" not in services["bot"]
    assert services["bot-http"]["profiles"] == ["http"]
    assert services["bot-http"]["ports"] == ["${STUDYBOT_HTTP_PORT:-3000}:3000"]
    assert "profiles" not in services["db"]
    for name in ("bot", "bot-http"):
        assert services[name]["environment"] == services["bot"]["environment"]
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert "STUDYBOT_HTTP_PORT=" in example
    for doc in ("setup.md", "setup.en.md"):
        text = (REPO / "docs" / doc).read_text(encoding="utf-8")
        assert "STUDYBOT_HTTP_PORT" in text and "--profile http" in text


def test_compose_has_no_inline_secret() -> None:
    for path, value in strings(compose()):
        assert not SECRET_VALUE.search(value), path
        if SECRET_NAME.search(path.rsplit(".", 1)[-1]):
            assert REQUIRED.fullmatch(value), f"{path} must come from the env"
        literal = re.sub(r"\$\{\w+(:?[-?][^}]*)?\}", "", value)
        assert not re.search(r"://[^/@\s]*:[^/@\s]+@", literal), f"{path}: password in a URL"
    for doc in ("setup.md", "setup.en.md"):
        text = (REPO / "docs" / doc).read_text(encoding="utf-8")
        assert "POSTGRES_PASSWORD" in text and "change-me" not in text
