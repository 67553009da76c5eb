"""The hook log, migration lint feedback and doctor."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cofee_hooks.claude import runtime
from cofee_hooks.claude.log import HookLog, open_log
from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.claude.settings import install_claude_hooks
from cofee_hooks.config.fast import load_fast
from cofee_hooks.findings import Finding
from cofee_hooks.lint.feedback import format_feedback, handle_post_tool_use
from tests.conftest import run_cli


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)

    warning = error = info


def test_log_rotates_keeping_one(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "hooks.log"
    log = HookLog(str(path), max_bytes=10_000, echo=False)
    for number in range(400):
        log.info(f"line {number} " + "x" * 60)
    assert path.stat().st_size <= 10_000
    assert (tmp_path / "logs" / "hooks.log.1").is_file()
    assert sorted(item.name for item in path.parent.iterdir()) == ["hooks.log", "hooks.log.1"]
    assert "line 399" in path.read_text()


def test_log_one_record_per_line(tmp_path: Path) -> None:
    log = HookLog(str(tmp_path / "a.log"), echo=False)
    log.error("first\nsecond")
    assert len((tmp_path / "a.log").read_text().splitlines()) == 1


def test_log_debug_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("COFEE_HOOKS_DEBUG", "1")
    log = open_log(str(tmp_path), {"log_file": "x/hooks.log"})
    log.warning("visible")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "visible" in captured.err
    assert (tmp_path / "x" / "hooks.log").is_file()


def test_runtime_logs_handler_crash(tmp_path: Path, monkeypatch) -> None:
    # A crashing advisory handler: exit 0, nothing on stdout, traceback in the log.
    def explode(event, config, log):
        raise RuntimeError("boom")

    module = type(sys)("cofee_hooks_test_exploding")
    module.handle = explode
    monkeypatch.setitem(sys.modules, "cofee_hooks_test_exploding", module)
    monkeypatch.setitem(runtime.ROUTES, ("Stop", None), ("cofee_hooks_test_exploding", "handle"))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = runtime.run(b'{"hook_event_name": "Stop"}', stdout, stderr, environ={"CLAUDE_PROJECT_DIR": str(tmp_path)})
    assert code == 0
    assert stdout.getvalue() == ""
    assert stderr.getvalue() == ""
    assert "RuntimeError: boom" in (tmp_path / ".claude" / "logs" / "cofee-hooks.log").read_text()


def test_runtime_guard_crash_fails_closed(tmp_path: Path, monkeypatch) -> None:
    def explode(event, config, log):
        raise RuntimeError("boom")

    module = type(sys)("cofee_hooks_test_exploding_guard")
    module.handle = explode
    monkeypatch.setitem(sys.modules, "cofee_hooks_test_exploding_guard", module)
    monkeypatch.setitem(runtime.ROUTES, ("PreToolUse", "Bash"), ("cofee_hooks_test_exploding_guard", "handle"))
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "git commit -m x"}}
    stdout, stderr = io.StringIO(), io.StringIO()
    code = runtime.run(json.dumps(payload).encode(), stdout, stderr, environ={"CLAUDE_PROJECT_DIR": str(tmp_path)})
    assert code == 2
    assert stdout.getvalue() == ""
    assert len(stderr.getvalue().strip().splitlines()) == 1
    assert "Traceback" not in stderr.getvalue()


def test_runtime_deadline_fails_closed(tmp_path: Path, monkeypatch) -> None:
    def slow(event, config, log):
        import time

        time.sleep(5)

    module = type(sys)("cofee_hooks_test_slow_guard")
    module.handle = slow
    monkeypatch.setitem(sys.modules, "cofee_hooks_test_slow_guard", module)
    monkeypatch.setitem(runtime.ROUTES, ("PreToolUse", "Bash"), ("cofee_hooks_test_slow_guard", "handle"))
    monkeypatch.setattr(runtime, "_deadline_for", lambda name, config: 0.2)
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "git commit -m x"}}
    stderr = io.StringIO()
    code = runtime.run(json.dumps(payload).encode(), io.StringIO(), stderr, environ={"CLAUDE_PROJECT_DIR": str(tmp_path)})
    assert code == 2
    assert "ran out of time" in stderr.getvalue()


ALEMBIC_INI = "[alembic]\nscript_location = %(here)s/alembic\n"
FIRST = '''"""First.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("projects", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("workspace_id", sa.BigInteger()))


def downgrade():
    op.drop_table("projects")
'''
RISKY = '''"""Index.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_projects_workspace_id", "projects", ["workspace_id"])


def downgrade():
    op.drop_index("ix_projects_workspace_id", table_name="projects")
'''


CLEAN = '''"""Nothing to do.

Revision ID: 0003
Revises: 0002
"""
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    raise NotImplementedError("nothing to reverse")
'''


@pytest.fixture
def backend(tmp_path: Path) -> Path:
    (tmp_path / "alembic" / "versions").mkdir(parents=True)
    (tmp_path / "alembic.ini").write_text(ALEMBIC_INI)
    (tmp_path / "alembic" / "env.py").write_text("from alembic import context\n")
    (tmp_path / "alembic" / "versions" / "0001_first.py").write_text(FIRST)
    (tmp_path / "alembic" / "versions" / "0002_index.py").write_text(RISKY)
    return tmp_path


def _post_tool_use(tool: str, tool_input: dict, cwd: Path, response: dict | None = None) -> HookEvent:
    return HookEvent(
        {"hook_event_name": "PostToolUse", "tool_name": tool, "cwd": str(cwd), "tool_input": tool_input, "tool_response": response or {}}
    )


def test_feedback_for_written_revision(backend: Path) -> None:
    event = _post_tool_use("Write", {"file_path": str(backend / "alembic/versions/0002_index.py"), "content": RISKY}, backend)
    answer = handle_post_tool_use(event, load_fast(str(backend)), _Log())
    assert answer is not None
    text = answer["hookSpecificOutput"]["additionalContext"]
    assert answer["hookSpecificOutput"]["hookEventName"] == "PostToolUse"
    assert "require-concurrent-index-creation" in text
    assert "0002_index.py" in text
    assert len(text) < 9_500


def test_feedback_after_alembic_revision(backend: Path) -> None:
    path = backend / "alembic/versions/0002_index.py"
    response = {"stdout": f"  Generating {path} ...  done\n", "stderr": ""}
    event = _post_tool_use("Bash", {"command": "alembic revision -m index"}, backend, response)
    answer = handle_post_tool_use(event, load_fast(str(backend)), _Log())
    assert answer is not None
    assert "0002_index.py" in answer["hookSpecificOutput"]["additionalContext"]


def test_no_feedback_outside_versions(backend: Path) -> None:
    (backend / "notes.py").write_text(RISKY)
    event = _post_tool_use("Write", {"file_path": str(backend / "notes.py"), "content": RISKY}, backend)
    assert handle_post_tool_use(event, load_fast(str(backend)), _Log()) is None


def test_no_feedback_for_clean_revision(backend: Path) -> None:
    (backend / "alembic/versions/0003_clean.py").write_text(CLEAN)
    event = _post_tool_use("Edit", {"file_path": str(backend / "alembic/versions/0003_clean.py")}, backend)
    assert handle_post_tool_use(event, load_fast(str(backend)), _Log()) is None


def test_feedback_truncated_with_count(tmp_path: Path) -> None:
    findings = [
        Finding("rule-x", "squawk", "warning", str(tmp_path / "v.py"), line, 1, "m" * 300, "h" * 100) for line in range(1, 200)
    ]
    text = format_feedback(findings, tmp_path)
    assert len(text) < 9_500
    assert "more finding(s) left out" in text
    shown = text.count("[rule-x]")
    assert f"... {199 - shown} more" in text


def test_doctor_reports_installed_hooks(tmp_path: Path, git_env) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n")
    install_claude_hooks(tmp_path)
    completed = run_cli("doctor", cwd=tmp_path)
    assert "Traceback" not in completed.stderr
    lines = completed.stdout.splitlines()
    assert any(line.startswith("OK") and "PreToolUse Bash: installed" in line for line in lines), completed.stdout
    assert any(line.startswith("OK") and "entry point" in line for line in lines), completed.stdout
    assert any("pre-commit: not installed" in line for line in lines), completed.stdout
    assert any(line.startswith("OK") and "squawk" in line for line in lines), completed.stdout


def test_doctor_reports_invalid_config(tmp_path: Path, git_env) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "cofee-hooks.yaml").write_text("commit_guard: [\n")
    completed = run_cli("doctor", cwd=tmp_path)
    assert completed.returncode == 1
    assert any(line.startswith("ERROR") and "configuration" in line for line in completed.stdout.splitlines())


def test_runtime_outside_main_thread(tmp_path: Path) -> None:
    # Signals only work in the main thread; the runtime then runs without a deadline.
    import threading

    results = []
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(tmp_path), "tool_input": {"command": "git status"}}

    def call() -> None:
        stdout, stderr = io.StringIO(), io.StringIO()
        code = runtime.run(json.dumps(payload).encode(), stdout, stderr, environ={"CLAUDE_PROJECT_DIR": str(tmp_path)})
        results.append((code, stdout.getvalue(), stderr.getvalue()))

    thread = threading.Thread(target=call)
    thread.start()
    thread.join(60)
    assert results == [(0, "", "")]
