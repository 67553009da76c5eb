"""install/uninstall --claude keep other tools' entries intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cofee_hooks.claude.settings import (
    COMMAND,
    ENTRY_SCRIPT,
    HOOK_ENTRIES,
    install_claude_hooks,
    installed_entries,
    uninstall_claude_hooks,
)
from cofee_hooks.errors import UserError
from tests.conftest import run_cli

OTHER_TOOLS = {
    "permissions": {"allow": ["Bash(ls:*)"], "deny": []},
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "other-guard check", "timeout": 5}]},
            {"matcher": "Write", "hooks": [{"type": "command", "command": "formatter --stdin"}]},
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
        "Notification": [{"hooks": [{"type": "command", "command": "say hi"}]}],
    },
    "model": "sonnet",
}


def _write_settings(project: Path, value: object, indent: int = 2) -> bytes:
    path = project / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=indent) + "\n", encoding="utf-8")
    return path.read_bytes()


def _settings(project: Path) -> dict:
    return json.loads((project / ".claude" / "settings.json").read_text(encoding="utf-8"))


def test_install_uninstall_byte_identical(tmp_path: Path, git_env) -> None:
    original = _write_settings(tmp_path, OTHER_TOOLS)
    install_claude_hooks(tmp_path)
    uninstall_claude_hooks(tmp_path)
    assert (tmp_path / ".claude" / "settings.json").read_bytes() == original


def test_install_uninstall_four_space_indent(tmp_path: Path, git_env) -> None:
    original = _write_settings(tmp_path, OTHER_TOOLS, indent=4)
    install_claude_hooks(tmp_path)
    assert b'\n    "hooks"' in (tmp_path / ".claude" / "settings.json").read_bytes()
    uninstall_claude_hooks(tmp_path)
    assert (tmp_path / ".claude" / "settings.json").read_bytes() == original


def test_install_keeps_user_entries_in_order(tmp_path: Path, git_env) -> None:
    _write_settings(tmp_path, OTHER_TOOLS)
    install_claude_hooks(tmp_path)
    settings = _settings(tmp_path)
    pre = settings["hooks"]["PreToolUse"]
    assert pre[0] == OTHER_TOOLS["hooks"]["PreToolUse"][0]
    assert pre[1] == OTHER_TOOLS["hooks"]["PreToolUse"][1]
    assert settings["hooks"]["Stop"][0] == OTHER_TOOLS["hooks"]["Stop"][0]
    assert settings["hooks"]["Notification"] == OTHER_TOOLS["hooks"]["Notification"]
    assert settings["permissions"] == OTHER_TOOLS["permissions"]
    assert settings["model"] == "sonnet"
    assert sorted(installed_entries(settings), key=str) == sorted(((e, m) for e, m, _, _ in HOOK_ENTRIES), key=str)


def test_install_twice_changes_nothing(tmp_path: Path, git_env) -> None:
    _write_settings(tmp_path, OTHER_TOOLS)
    install_claude_hooks(tmp_path)
    first = (tmp_path / ".claude" / "settings.json").read_bytes()
    lines = install_claude_hooks(tmp_path)
    assert (tmp_path / ".claude" / "settings.json").read_bytes() == first
    assert all(line.startswith("unchanged") for line in lines), lines


def test_reinstall_replaces_in_place(tmp_path: Path, git_env) -> None:
    _write_settings(tmp_path, OTHER_TOOLS)
    install_claude_hooks(tmp_path)
    settings = _settings(tmp_path)
    # A user entry added after ours stays after ours on the next install.
    settings["hooks"]["PreToolUse"].append({"matcher": "Read", "hooks": [{"type": "command", "command": "late"}]})
    ours = settings["hooks"]["PreToolUse"][2]
    ours["hooks"][0]["timeout"] = 1
    _write_settings(tmp_path, settings)
    install_claude_hooks(tmp_path)
    pre = _settings(tmp_path)["hooks"]["PreToolUse"]
    assert pre[2]["hooks"][0]["timeout"] == 30
    assert pre[-1]["hooks"][0]["command"] == "late"
    assert len(pre) == 5


def test_commands_anchored_no_machine_paths(tmp_path: Path, git_env) -> None:
    install_claude_hooks(tmp_path)
    text = (tmp_path / ".claude" / "settings.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert "/work/" not in text
    for groups in json.loads(text)["hooks"].values():
        for group in groups:
            for hook in group["hooks"]:
                assert hook["command"].startswith(COMMAND)
                assert "$CLAUDE_PROJECT_DIR/.claude/hooks/" in hook["command"]
    local = json.loads((tmp_path / ".claude" / "settings.local.json").read_text(encoding="utf-8"))
    assert Path(local["env"]["COFEE_HOOKS_PYTHON"]).is_file()
    assert (tmp_path / ".claude" / "hooks" / ENTRY_SCRIPT).is_file()


def test_session_end_timeout_raised(tmp_path: Path, git_env) -> None:
    install_claude_hooks(tmp_path)
    session_end = _settings(tmp_path)["hooks"]["SessionEnd"]
    assert session_end[0]["hooks"][0]["timeout"] >= 10


def test_invalid_json_left_untouched(tmp_path: Path, git_env) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text('{"hooks": {,}}\n', encoding="utf-8")
    with pytest.raises(UserError) as raised:
        install_claude_hooks(tmp_path)
    assert "invalid JSON" in raised.value.message
    assert "\n" not in raised.value.message
    assert path.read_text(encoding="utf-8") == '{"hooks": {,}}\n'
    assert not (tmp_path / ".claude" / "hooks").exists()


def test_invalid_json_cli_one_line(tmp_path: Path, git_env) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text("[1, 2", encoding="utf-8")
    completed = run_cli("install", "--claude", str(tmp_path), cwd=tmp_path)
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr


def test_uninstall_keeps_user_hook_in_shared_group(tmp_path: Path, git_env) -> None:
    install_claude_hooks(tmp_path)
    settings = _settings(tmp_path)
    settings["hooks"]["Stop"][0]["hooks"].append({"type": "command", "command": "mine"})
    _write_settings(tmp_path, settings)
    uninstall_claude_hooks(tmp_path)
    assert _settings(tmp_path) == {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "mine"}]}]}}


def test_uninstall_removes_created_files(tmp_path: Path, git_env) -> None:
    install_claude_hooks(tmp_path)
    uninstall_claude_hooks(tmp_path)
    assert not (tmp_path / ".claude" / "settings.json").exists()
    assert not (tmp_path / ".claude" / "settings.local.json").exists()
    assert not (tmp_path / ".claude" / "hooks").exists()


def test_local_settings_kept_out_of_git(tmp_path: Path, git_env) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    install_claude_hooks(tmp_path)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert ".claude/settings.json" in status.stdout
    assert ".claude/hooks/cofee_hooks_entry.py" in status.stdout
    assert "settings.local.json" not in status.stdout
    (tmp_path / ".claude" / "logs").mkdir()
    (tmp_path / ".claude" / "logs" / "cofee-hooks.log").write_text("x\n")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "logs" not in status.stdout
    install_claude_hooks(tmp_path)
    exclude = (tmp_path / ".git" / "info" / "exclude").read_text()
    assert exclude.count("/.claude/settings.local.json") == 1
    assert exclude.count("/.claude/logs/") == 1


def test_install_uninstall_leave_no_backups(tmp_path: Path, git_env) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _write_settings(tmp_path, OTHER_TOOLS)
    local = tmp_path / ".claude" / "settings.local.json"
    local.write_text('{"env": {"API_TOKEN": "secret"}}\n', encoding="utf-8")

    install_claude_hooks(tmp_path)
    install_claude_hooks(tmp_path)
    uninstall_claude_hooks(tmp_path)

    leftovers = sorted(path.name for path in (tmp_path / ".claude").iterdir())
    assert leftovers == ["settings.json", "settings.local.json"]
    assert json.loads(local.read_text(encoding="utf-8")) == {"env": {"API_TOKEN": "secret"}}


def test_install_names_stale_backup(tmp_path: Path, git_env) -> None:
    backup = tmp_path / ".claude" / "settings.local.json.bak"
    backup.parent.mkdir(parents=True)
    backup.write_text("{}\n", encoding="utf-8")

    lines = install_claude_hooks(tmp_path)

    assert any("settings.local.json.bak" in line and "delete it" in line for line in lines), lines
    assert backup.exists()
