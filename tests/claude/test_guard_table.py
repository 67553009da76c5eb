"""Bash command lines judged by the agent commit guard against real repositories.

Layout built once per module (nothing below runs the commands, so the
repositories never change):

- `ws`: a workspace with the guard on. Tracked: README.md, docs/a.md,
  src/app.py, .claude/cofee-hooks.yaml. Work tree: docs/a.md and src/app.py
  modified, docs/new.md and src/new.py untracked. Nothing staged.
- `staged`: the same, with src/app.py staged.
- `ok`: the same, with only docs/a.md staged.
- `plain`: a repository without configuration (guard off), src/app.py staged.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import load_fast
from cofee_hooks.guard.agent_hook import handle_bash

GIT_ENV_NAMES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS")


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)

    warning = error = info


def _git(path: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True, timeout=60)


def _make(path: Path, env: dict[str, str], config: bool = True, stage: tuple[str, ...] = ()) -> Path:
    path.mkdir(parents=True)
    _git(path, "init", "-q", "-b", "main", env=env)
    files = {"README.md": "readme\n", "docs/a.md": "a\n", "src/app.py": "print(1)\n"}
    if config:
        files[".claude/cofee-hooks.yaml"] = "commit_guard:\n  enabled: true\n"
    for relative, text in files.items():
        (path / relative).parent.mkdir(parents=True, exist_ok=True)
        (path / relative).write_text(text)
    _git(path, "add", "-A", env=env)
    _git(path, "commit", "-q", "-m", "init", env=env)
    (path / "docs/a.md").write_text("a changed\n")
    (path / "src/app.py").write_text("print(2)\n")
    (path / "docs/new.md").write_text("new\n")
    (path / "src/new.py").write_text("new\n")
    if stage:
        _git(path, "add", "--", *stage, env=env)
    return path


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("guard-table")
    home = base / "home"
    home.mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    return {
        "home": home,
        "ws": _make(base / "ws", env),
        "staged": _make(base / "staged", env, stage=("src/app.py",)),
        "ok": _make(base / "ok", env, stage=("docs/a.md",)),
        "plain": _make(base / "plain", env, config=False, stage=("src/app.py",)),
    }


def judge(repos: dict[str, Path], where: str, command: str) -> str:
    cwd = repos[where]
    event = HookEvent({"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(cwd), "tool_input": {"command": command}})
    answer = handle_bash(event, load_fast(str(cwd)), _Log())
    if answer is None:
        return "allow"
    output = answer["hookSpecificOutput"]
    assert output["hookEventName"] == "PreToolUse"
    assert output["permissionDecision"] == "deny"
    assert output["permissionDecisionReason"].startswith("cofee-hooks:")
    return "deny"


# (repository the agent is in, command line, expected verdict)
ALLOWED = [
    ("ws", "ls -la"),
    ("ws", "git status"),
    ("ws", "git log --oneline | head -5"),
    ("ws", "git diff -- src/app.py"),
    ("ok", "git commit -m 'Update docs'"),
    ("ws", "git add docs/a.md && git commit -m 'Docs'"),
    ("ws", "git add -- docs/new.md docs/a.md; git commit -m docs"),
    ("ws", "git commit -m docs -- docs/a.md"),
    ("ws", "git commit --only docs/a.md -m docs"),
    ("ws", "git commit docs/a.md -m docs"),
    ("staged", "git restore --staged src/app.py && git commit -m docs"),
    ("staged", "git reset -- src/app.py && git add docs/a.md && git commit -m docs"),
    ("staged", "git reset HEAD src/app.py; git commit -m docs"),
    ("plain", "git commit -m anything"),
    ("plain", "git commit -am anything"),
    ("plain", "git commit --no-verify -m anything"),
    ("plain", "HUSKY=0 git commit -m anything"),
    ("ws", "git commit --dry-run -a"),
    ("ws", "git push origin main"),
    ("ws", "git merge --no-ff feature"),
    ("ws", "git -C docs status"),
    ("ws", "echo 'git commit -am x' > notes.txt"),
    ("ws", "grep -rn 'git commit --no-verify' docs/"),
    ("ws", "cat > docs/howto.md <<'EOF'\ngit commit --no-verify -am x\nEOF"),
    ("ok", "git commit -m \"$(cat <<'EOF'\nDocs: don't use git commit -n here\nEOF\n)\""),
    ("ws", "git stash list && git branch -a"),
    ("ws", "git add -n src/app.py && git commit -m docs -- docs/a.md"),
    ("ws", "git update-ref -d refs/tags/old"),
    ("ws", "git update-ref refs/notes/x HEAD"),
    ("ok", "cd docs && git commit -m docs"),
    ("ws", "GIT_CONFIG_NOSYSTEM=1 git status"),
]

DENIED = [
    # The root commit of every repository here adds src/app.py, and an amend keeps it.
    ("ok", "git commit --amend --no-edit"),
    ("staged", "git commit -m x"),
    ("staged", "git commit -qm x"),
    ("ws", "git commit -a -m x"),
    ("ws", "git commit -am x"),
    ("ws", "git commit --all -m x"),
    ("ws", "git add src/app.py && git commit -m x"),
    ("ws", "git add . && git commit -m x"),
    ("ws", "git add -A; git commit -m x"),
    ("ws", "git add --all && git commit -m x"),
    ("ws", "git add -u && git commit -m x"),
    ("ws", "git commit -m x src/app.py"),
    ("ws", "git commit -m x -- src/app.py docs/a.md"),
    ("ws", "git commit --only src/app.py -m x"),
    ("ws", "git commit -i src/app.py -m x"),
    ("staged", "git commit --amend --no-edit"),
    ("ok", "git commit --no-verify -m docs"),
    ("ok", "git commit -n -m docs"),
    ("ok", "git commit -nm docs"),
    ("ok", "git -c core.hooksPath=/dev/null commit -m docs"),
    ("ok", "git -c core.hookspath=/tmp/none commit -m docs"),
    ("ok", "HUSKY=0 git commit -m docs"),
    ("ok", "SKIP=cofee-hooks git commit -m docs"),
    ("ok", "LEFTHOOK=0 git commit -m docs"),
    ("ok", "GIT_CONFIG_PARAMETERS=\"'core.hooksPath'='/x'\" git commit -m docs"),
    ("ok", "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/x git commit -m docs"),
    ("ok", "env HUSKY=0 git commit -m docs"),
    ("ok", "export HUSKY=0 && git commit -m docs"),
    ("ok", "git commit-tree HEAD^{tree} -p HEAD -m x"),
    ("ok", "git update-ref refs/heads/main $(git commit-tree HEAD^{tree} -m x)"),
    ("ok", "git update-ref HEAD 1234567"),
    ("ok", "git push --no-verify origin main"),
    ("ok", "git merge --no-verify feature"),
    ("staged", "cd src && git commit -m x"),
    ("staged", "(cd src; git commit -m x)"),
    ("ws", "cd src && git add app.py && cd .. && git commit -m x"),
    ("staged", "bash -c 'git commit -m x'"),
    ("staged", "sh -c \"git commit -m x\""),
    ("staged", "bash -lc 'cd src && git commit -m x'"),
    ("staged", "eval 'git commit -m x'"),
    ("staged", "echo done; git commit -m x"),
    ("staged", "true && git commit -m x || echo failed"),
    ("staged", "false || git commit -m x"),
    ("staged", "git commit -m x &"),
    ("staged", "echo $(git commit -m x)"),
    ("staged", "echo `git commit -m x`"),
    ("staged", "FOO=1 BAR=2 git commit -m x"),
    ("staged", "sudo -u nobody git commit -m x"),
    ("staged", "timeout 30 git commit -m x"),
    ("staged", "nohup git commit -m x > /dev/null 2>&1"),
    ("staged", "/usr/bin/git commit -m x"),
    ("staged", "g\\it commit -m x"),
    ("staged", "'git' \"commit\" -m x"),
    ("staged", "git --no-pager -c user.name=x commit -m x"),
    ("staged", "bash <<EOF\ngit commit -m x\nEOF"),
    ("staged", "if true; then git commit -m x; fi"),
    ("staged", "{ git commit -m x; }"),
    ("staged", "git commit -m \"$(cat <<'EOF'\nDon't stop\nEOF\n)\" && echo ok"),
    ("ok", "git commit -m docs && git push --no-verify"),
    ("ws", "git mv src/app.py docs/app.py && git commit -m move"),
    ("ws", "git rm src/app.py && git commit -m remove"),
    ("ws", "find src -name '*.py' -exec git add {} + && git commit -m x"),
    ("ws", "echo src/app.py | xargs git add && git commit -m x"),
    ("ws", "git add $FILES && git commit -m x"),
]


def test_table_is_large_enough() -> None:
    assert len(ALLOWED) + len(DENIED) >= 60
    assert len(DENIED) >= (len(ALLOWED) + len(DENIED)) // 2


@pytest.mark.parametrize(("where", "command"), ALLOWED)
def test_command_allowed(repos, git_env, where: str, command: str) -> None:
    os.environ["HOME"] = str(repos["home"])
    assert judge(repos, where, command) == "allow"


@pytest.mark.parametrize(("where", "command"), DENIED)
def test_command_denied(repos, git_env, where: str, command: str) -> None:
    os.environ["HOME"] = str(repos["home"])
    assert judge(repos, where, command) == "deny"


def test_deny_lists_paths_and_fix(repos, git_env) -> None:
    event = HookEvent(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(repos["ws"]), "tool_input": {"command": "git commit -am x"}}
    )
    reason = handle_bash(event, load_fast(str(repos["ws"])), _Log())["hookSpecificOutput"]["permissionDecisionReason"]
    assert "src/app.py" in reason
    assert "docs/a.md" not in reason.split("Allowed here")[0]
    assert "leave out -a" in reason
    assert "commit_guard.allow" in reason


def test_deny_for_commit_paths_fix(repos, git_env) -> None:
    event = HookEvent(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(repos["ws"]), "tool_input": {"command": "git commit -m x src/app.py"}}
    )
    reason = handle_bash(event, load_fast(str(repos["ws"])), _Log())["hookSpecificOutput"]["permissionDecisionReason"]
    assert "src/app.py" in reason
    assert "leave the paths above out of the paths given to git commit" in reason
    assert "git restore --staged -- PATH" not in reason


def test_skip_reason_names_trick(repos, git_env) -> None:
    event = HookEvent(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(repos["ok"]), "tool_input": {"command": "git commit -n -m x"}}
    )
    reason = handle_bash(event, load_fast(str(repos["ok"])), _Log())["hookSpecificOutput"]["permissionDecisionReason"]
    assert "--no-verify" in reason
    assert "git commit -n -m x" in reason


def test_git_alias_expanded(repos, git_env) -> None:
    import subprocess

    home = repos["home"]
    subprocess.run(["git", "config", "--file", str(home / ".gitconfig"), "alias.ci", "commit"], check=True)
    subprocess.run(["git", "config", "--file", str(home / ".gitconfig"), "alias.quick", "commit -n"], check=True)
    subprocess.run(["git", "config", "--file", str(home / ".gitconfig"), "alias.shipit", "!git add -A && git commit"], check=True)
    os.environ["HOME"] = str(home)
    try:
        assert judge(repos, "ok", "git ci -m docs") == "allow"
        assert judge(repos, "staged", "git ci -m x") == "deny"
        assert judge(repos, "ok", "git quick -m docs") == "deny"
        assert judge(repos, "ws", "git shipit -m x") == "deny"
        assert judge(repos, "ws", "git unknown-thing") == "allow"
    finally:
        (home / ".gitconfig").unlink()


def test_other_repository_by_dash_c(repos, git_env) -> None:
    # The agent sits in the guarded workspace but commits in the unguarded repository.
    command = f"git -C {repos['plain']} commit -m x"
    assert judge(repos, "ws", command) == "allow"
    command = f"cd {repos['staged']} && git commit -m x"
    assert judge(repos, "plain", command) == "deny"
    command = f"git --git-dir={repos['staged']}/.git --work-tree={repos['staged']} commit -m x"
    assert judge(repos, "plain", command) == "deny"
