"""install checks everything before it changes anything, and says so in one line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import run_cli


def _files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if ".git" not in path.parts)


def test_install_outside_repository_one_line(tmp_path: Path, git_env) -> None:
    project = tmp_path / "project"
    project.mkdir()

    completed = run_cli("install", str(project), cwd=project)

    assert completed.returncode == 2
    assert completed.stderr.splitlines() == [
        f"cofee-hooks: {project} is not inside a git repository; run git init first, or use --claude only"
    ]
    assert _files(project) == []


def test_install_claude_only_outside_repository(tmp_path: Path, git_env) -> None:
    completed = run_cli("install", "--claude", str(tmp_path), cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / ".claude" / "settings.json").is_file()


def test_invalid_settings_change_nothing(tmp_path: Path, git_env) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    settings = project / ".claude" / "settings.json"
    settings.parent.mkdir()
    hooks_before = sorted(path.name for path in (project / ".git" / "hooks").iterdir())

    for text, message in (
        ("{bad", ".claude/settings.json:1:2: invalid JSON"),
        (json.dumps({"hooks": "nope"}), ".claude/settings.json: 'hooks' must be an object"),
    ):
        settings.write_text(text, encoding="utf-8")

        completed = run_cli("install", cwd=project)

        assert completed.returncode == 2
        assert completed.stderr.startswith(f"cofee-hooks: {message}"), completed.stderr
        assert "nothing was changed" in completed.stderr
        assert sorted(path.name for path in (project / ".git" / "hooks").iterdir()) == hooks_before
        assert _files(project) == [".claude", ".claude/settings.json"]
