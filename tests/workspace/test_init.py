"""`cofee-hooks init`: laying the templates down, idempotence, --force."""

from __future__ import annotations

from pathlib import Path

from cofee_hooks.workspace import lay_down, template_files
from tests.conftest import run_cli

EXPECTED_FILES = (
    ".claude/agents-shared/team-protocol.md",
    ".claude/agents/db-architect.md",
    ".claude/agents/backend-architect.md",
    ".claude/rules/testing.md",
    ".claude/rules/security.md",
    ".claude/rules/remotion-service.md",
    ".claude/rules/migrations.md",
    ".claude/cofee-hooks.yaml",
    ".mcp.json",
    "CLAUDE.md",
    ".gitignore",
)


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_templates_include_workspace_files():
    files = template_files()
    for expected in EXPECTED_FILES:
        assert expected in files
    assert ".claude/agents-memory/.gitignore" in files
    assert not [path for path in files if "__pycache__" in path]


def test_init_fresh_folder(tmp_path: Path, git_env):
    target = tmp_path / "workspace"
    result = run_cli("init", str(target), env=git_env)

    assert result.returncode == 0, result.stderr
    assert snapshot(target) == template_files()
    for expected in EXPECTED_FILES:
        assert f"created {expected}" in result.stdout
    assert "cofee-hooks install" in result.stdout
    assert "cofee-hooks doctor" in result.stdout
    assert "git init" in result.stdout


def test_init_second_run_changes_nothing(tmp_path: Path, git_env):
    run_cli("init", str(tmp_path), env=git_env)
    before = snapshot(tmp_path)
    stamps = {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*") if path.is_file()}

    result = run_cli("init", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path) == before
    assert {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*") if path.is_file()} == stamps
    assert "created" not in result.stdout
    assert "skipped" not in result.stdout
    assert f"{len(before)} file(s) already up to date" in result.stdout


def test_init_skips_and_lists_changed_file(tmp_path: Path, git_env):
    run_cli("init", str(tmp_path), env=git_env)
    claude_md = tmp_path / "CLAUDE.md"
    claude_md.write_text("# Our own notes\n", encoding="utf-8")
    (tmp_path / ".mcp.json").unlink()

    result = run_cli("init", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stderr
    assert claude_md.read_text(encoding="utf-8") == "# Our own notes\n"
    assert "skipped 1 file(s)" in result.stdout
    assert "  CLAUDE.md" in result.stdout
    assert "--force" in result.stdout
    assert "created .mcp.json" in result.stdout


def test_init_force_overwrites_changed_file(tmp_path: Path, git_env):
    run_cli("init", str(tmp_path), env=git_env)
    claude_md = tmp_path / "CLAUDE.md"
    claude_md.write_text("# Our own notes\n", encoding="utf-8")

    result = run_cli("init", "--force", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stderr
    assert claude_md.read_bytes() == template_files()["CLAUDE.md"]
    assert "overwrote CLAUDE.md" in result.stdout
    assert "skipped" not in result.stdout


def test_init_keeps_other_files(tmp_path: Path, git_env):
    own = tmp_path / ".claude" / "agents" / "our-agent.md"
    own.parent.mkdir(parents=True)
    own.write_text("---\nname: our-agent\n---\n", encoding="utf-8")

    result = run_cli("init", "--force", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stderr
    assert own.read_text(encoding="utf-8") == "---\nname: our-agent\n---\n"


def test_init_skips_folder_in_place_of_file(tmp_path: Path):
    (tmp_path / "CLAUDE.md").mkdir()

    report = lay_down(tmp_path, force=True)

    assert report.skipped == ["CLAUDE.md"]
    assert (tmp_path / "CLAUDE.md").is_dir()


def test_init_in_git_repository_omits_git_init(tmp_path: Path, git_env):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)

    result = run_cli("init", env=git_env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "git init" not in result.stdout
    assert "1. cofee-hooks install   " in result.stdout


def test_init_install_outside_git_fails_clearly(tmp_path: Path, git_env):
    result = run_cli("init", "--install", str(tmp_path), env=git_env)

    assert result.returncode == 2
    assert (tmp_path / ".claude" / "cofee-hooks.yaml").is_file()
    assert f"{tmp_path} is not inside a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_install_sets_up_hooks(tmp_path: Path, git_env):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)

    result = run_cli("init", "--install", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".git" / "hooks" / "pre-commit").is_file()
    assert (tmp_path / ".claude" / "settings.json").is_file()
    assert "cofee-hooks install" not in result.stdout.split("Next steps:")[1]


def test_init_after_install_says_done(tmp_path: Path, git_env):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)
    assert run_cli("install", str(tmp_path), env=git_env).returncode == 0

    result = run_cli("init", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stderr
    assert "The git hooks and the Claude Code hooks are installed." in result.stdout
    assert "cofee-hooks install" not in result.stdout.split("Next steps:")[1]


def test_init_with_git_hooks_only_names_claude(tmp_path: Path, git_env):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)
    assert run_cli("install", "--git", str(tmp_path), env=git_env).returncode == 0

    result = run_cli("init", str(tmp_path), env=git_env)

    assert "cofee-hooks install --claude" in result.stdout
    assert "the git hooks are installed already" in result.stdout


def test_init_passes_context_check(tmp_path: Path, git_env):
    target = tmp_path / "workspace"
    run_cli("init", str(target), env=git_env)

    result = run_cli("context", "check", cwd=target, env=git_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout + result.stderr
    assert "context configuration OK" in result.stdout


def test_init_doctor_shows_what_template_promises(tmp_path: Path, git_env):
    target = tmp_path / "workspace"
    run_cli("init", str(target), env=git_env)
    comment = (target / ".claude/cofee-hooks.yaml").read_text(encoding="utf-8")

    result = run_cli("doctor", str(target), env=git_env)

    assert "`cofee-hooks doctor` validates this file and shows whether the\n# commit guard is on" in comment
    assert "cofee-hooks.yaml is valid" in result.stdout
    assert "on for this repository; allowed: *.md, docs/" in result.stdout
