"""Fixtures of the end-to-end tier: the real Claude Code client, a workspace, a session runner.

The client is installed once with npm into a cache folder and reused. Each
test gets a git workspace made by `cofee-hooks init` and `cofee-hooks
install`, a fresh home folder, and a stand-in Messages API on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.e2e.standin import StandIn

CLIENT_PACKAGE = "@anthropic-ai/claude-code"
CLIENT_VERSION = "2.1.332"
ALLOWED_TOOLS = "Bash,Agent,Read,Write,Edit"
SESSION_TIMEOUT = 120
NPM_TIMEOUT = 600
HOW_TO_RUN = (
    "the end-to-end tests need Node.js 20 or newer with npm on PATH; install them, then run "
    "`.venv/bin/pytest -m e2e tests/e2e` (the client is installed once into "
    "~/.cache/cofee-hooks/e2e, or into COFEE_HOOKS_E2E_CACHE)"
)


def _cache_root() -> Path:
    configured = os.environ.get("COFEE_HOOKS_E2E_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "cofee-hooks" / "e2e"


def _installed_version(binary: Path) -> str | None:
    if not binary.exists():
        return None
    try:
        completed = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.split(" ", 1)[0].strip() if completed.returncode == 0 else None


@pytest.fixture(scope="session")
def claude_binary() -> Path:
    """Return the `claude` executable of the pinned client, installing it with npm if needed."""
    folder = _cache_root() / f"claude-code-{CLIENT_VERSION}"
    binary = folder / "node_modules" / ".bin" / "claude"
    if _installed_version(binary) == CLIENT_VERSION:
        return binary

    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail(f"npm not found, and CI must not skip: {HOW_TO_RUN}")
        pytest.skip(f"npm not found: {HOW_TO_RUN}")

    # Install beside the final folder and rename, so an interrupted install
    # never leaves a half-filled folder that looks usable.
    staging = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    command = [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", f"{CLIENT_PACKAGE}@{CLIENT_VERSION}"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=NPM_TIMEOUT)
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"npm install of {CLIENT_PACKAGE}@{CLIENT_VERSION} timed out after {NPM_TIMEOUT} s")
    if completed.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"npm install of {CLIENT_PACKAGE}@{CLIENT_VERSION} failed:\n{completed.stderr[-2000:]}")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)

    version = _installed_version(binary)
    if version != CLIENT_VERSION:
        pytest.fail(f"installed client reports version {version!r}, expected {CLIENT_VERSION}")
    return binary


@dataclass
class ClientRun:
    """The outcome of one `claude -p` session."""

    returncode: int
    stdout: str
    stderr: str
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        for event in reversed(self.events):
            if event.get("type") == "result":
                return event
        return {}

    def describe(self) -> str:
        """Return a short summary for assertion messages."""
        return f"exit {self.returncode}; result {self.result.get('result')!r}; stderr {self.stderr[-1500:]!r}"


@dataclass
class Workspace:
    """A team workspace made by `init` + `install`, with its own home and temp folders."""

    root: Path
    home: Path
    temp: Path
    git_env: dict[str, str]

    def git(self, *args: str) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=self.root, env=self.git_env, capture_output=True, text=True, timeout=60
        )
        assert completed.returncode == 0, f"git {' '.join(args)} failed: {completed.stderr}"
        return completed.stdout

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def client_env(self, standin: StandIn) -> dict[str, str]:
        """Return the environment for the client: offline, fresh home, no telemetry."""
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
            "HOME": str(self.home),
            "TMPDIR": str(self.temp),
            "XDG_RUNTIME_DIR": str(self.temp),
            "LANG": "C.UTF-8",
            "ANTHROPIC_BASE_URL": standin.url,
            "ANTHROPIC_API_KEY": "sk-e2e-dummy",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "DISABLE_AUTOUPDATER": "1",
        }
        for name in ("GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
            env[name] = self.git_env[name]
        return env

    def ignored(self, paths: list[str]) -> set[str]:
        """Return the paths among `paths` that git ignores in this workspace."""
        completed = subprocess.run(
            ["git", "check-ignore", "--no-index", "--stdin", "-z"],
            cwd=self.root,
            env=self.git_env,
            input="\0".join(paths),
            capture_output=True,
            text=True,
            timeout=60,
        )
        return {path for path in completed.stdout.split("\0") if path}

    def hook_log_errors(self) -> list[str]:
        """Return the ERROR lines of the cofee-hooks log; advisory hooks fail open and only log."""
        log = self.root / ".claude" / "logs" / "cofee-hooks.log"
        if not log.exists():
            return []
        return [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if " ERROR " in line]

    def files(self) -> dict[str, bytes]:
        """Return every file outside `.git`, logs and caches, by relative path."""
        skipped = (".git/", ".claude/logs/", ".cofee-hooks-cache/")
        found = {}
        for path in self.root.rglob("*"):
            relative = path.relative_to(self.root).as_posix()
            if path.is_file() and not relative.startswith(skipped) and "__pycache__" not in relative:
                found[relative] = path.read_bytes()
        return found


@pytest.fixture
def workspace(tmp_path: Path, git_env: dict[str, str]) -> Workspace:
    """Return a committed workspace made by `cofee-hooks init` and `cofee-hooks install`."""
    root = tmp_path / "workspace"
    home = tmp_path / "home-client"
    temp = tmp_path / "tmp"
    for folder in (root, home, temp):
        folder.mkdir()
    space = Workspace(root, home, temp, git_env)
    space.git("init", "-q", "-b", "main")

    for args in (("init",), ("install",)):
        completed = run_cli(*args, str(root), env=git_env)
        assert completed.returncode == 0, f"cofee-hooks {args[0]} failed: {completed.stdout}{completed.stderr}"

    space.git("add", "-A")
    space.git("commit", "-q", "-m", "Set up the team workspace")
    return space


@pytest.fixture
def run_claude(claude_binary: Path):
    """Return a function that runs one print-mode session against a stand-in."""

    def run(space: Workspace, standin: StandIn, prompt: str) -> ClientRun:
        command = [
            str(claude_binary),
            "-p",
            prompt,
            "--output-format",
            "stream-json",
            "--verbose",
            f"--allowedTools={ALLOWED_TOOLS}",
            # The workspace's .mcp.json names real MCP servers; starting them
            # would fetch packages. Only servers given on the command line
            # (none) are used.
            "--strict-mcp-config",
        ]
        try:
            completed = subprocess.run(
                command,
                cwd=space.root,
                env=space.client_env(standin),
                capture_output=True,
                text=True,
                timeout=SESSION_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as error:
            pytest.fail(f"claude -p timed out after {SESSION_TIMEOUT} s; stderr: {error.stderr!r}")
        events = []
        for line in completed.stdout.splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
        assert not standin.errors, f"stand-in script failed: {standin.errors}"
        failed_hooks = [
            event
            for event in events
            if event.get("subtype") == "hook_response" and (event.get("exit_code") != 0 or event.get("stderr"))
        ]
        assert not failed_hooks, f"hooks failed: {failed_hooks}"
        assert not space.hook_log_errors(), f"hooks logged errors: {space.hook_log_errors()}"
        return ClientRun(completed.returncode, completed.stdout, completed.stderr, events)

    return run

