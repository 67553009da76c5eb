"""Migration lint feedback for agents: lint a revision right after an agent writes it.

On PostToolUse, when Write, Edit or MultiEdit touched a Python file inside an
Alembic versions folder, or a Bash command ran `alembic revision`, the
revision is linted with the lint engine (in this process) and the findings go
back to the agent as `additionalContext`. A clean revision, a file that is
not a revision, or any failure gives no output: this hook never blocks, and
failures are logged.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cofee_hooks.claude.protocol import HookEvent, additional_context

# Claude Code shows hook output longer than 10,000 characters only as a preview.
MAX_FEEDBACK_CHARS = 9_500
_EDIT_TOOLS = ("Write", "Edit", "MultiEdit")
_ALEMBIC_REVISION = re.compile(r"(^|[\s;&|(/])alembic(\s+-\S+(\s+\S+)?)*\s+revision\b")
_GENERATED = re.compile(r"Generating (.+?\.py)\s*\.\.\.")


def handle_post_tool_use(event: HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    """Return the lint findings for a revision the tool call wrote, or None."""
    if not _enabled(config):
        return None
    files, lint_heads = _revisions_touched(event, config)
    if not files and not lint_heads:
        return None
    findings = _lint(files, config, event, log)
    if not findings:
        return None
    return additional_context("PostToolUse", format_feedback(findings, _base(config)))


def _enabled(config: Any) -> bool:
    try:
        return bool(config.section("hooks").get("lint_feedback", True)) and bool(
            config.section("migrations").get("enabled", True)
        )
    except (KeyError, AttributeError, TypeError):
        return False


def _revisions_touched(event: HookEvent, config: Any) -> tuple[list[Path], bool]:
    """Return (revision files to lint, whether to lint the heads because the file is unknown)."""
    tool = event.tool_name
    if tool in _EDIT_TOOLS:
        path = event.tool_input.get("file_path")
        if isinstance(path, str) and path and _in_versions_folder(path, event, config):
            return [_absolute(path, event, config)], False
        return [], False
    if tool == "Bash":
        command = event.tool_input.get("command")
        if not isinstance(command, str) or not _ALEMBIC_REVISION.search(command):
            return [], False
        response = event.mapping("tool_response")
        output = "\n".join(value for value in (response.get("stdout"), response.get("stderr")) if isinstance(value, str))
        generated = [Path(match.strip().strip("'\"")) for match in _GENERATED.findall(output)]
        files = [_absolute(str(path), event, config) for path in generated if str(path).endswith(".py")]
        return files, not files
    return [], False


def _absolute(path: str, event: HookEvent, config: Any) -> Path:
    if os.path.isabs(path):
        return Path(path)
    base = event.cwd if event.cwd and os.path.isabs(event.cwd) else getattr(config, "root", os.getcwd())
    return Path(base) / path


def _in_versions_folder(path: str, event: HookEvent, config: Any) -> bool:
    if not path.endswith(".py") or os.path.basename(path) == "__init__.py":
        return False
    absolute = _absolute(path, event, config).resolve()
    configured = []
    try:
        configured = list(config.section("migrations").get("versions_dirs") or [])
    except (KeyError, AttributeError, TypeError):
        pass
    for folder in configured:
        root = Path(getattr(config, "root", "."))
        if _is_inside(absolute, (root / folder).resolve()):
            return True
    return "versions" in absolute.parent.parts


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _lint(files: list[Path], config: Any, event: HookEvent, log: Any) -> list[Any]:
    from cofee_hooks.errors import UserError
    from cofee_hooks.lint.engine import LintRequest, lint

    settings = config.section("migrations")
    root = _base(config)
    try:
        if files:
            request = LintRequest(settings=settings, config_root=root, files=tuple(path for path in files if path.is_file()))
            if not request.files:
                return []
        else:
            start = Path(event.cwd) if event.cwd and os.path.isdir(event.cwd) else root
            project_dir = None if settings.get("project_dir") else _alembic_folder(start, settings)
            request = LintRequest(settings=settings, config_root=root, project_dir=project_dir)
        result = lint(request)
    except UserError as error:
        log.info(f"lint feedback skipped: {error.message}")
        return []
    log.info(f"linted {len(result.revisions)} revision(s): {len(result.findings)} finding(s)")
    return list(result.findings)


def _alembic_folder(start: Path, settings: dict[str, Any]) -> Path | None:
    ini_name = settings.get("alembic_ini") or "alembic.ini"
    for folder in (start, *start.parents):
        if (folder / ini_name).is_file():
            return folder
    return None


def _base(config: Any) -> Path:
    return Path(getattr(config, "root", None) or os.getcwd())


def format_feedback(findings: list[Any], base: Path, limit: int = MAX_FEEDBACK_CHARS) -> str:
    """Render findings as a short Markdown list that stays under `limit` characters."""
    count = len(findings)
    header = f"cofee-hooks lint-migration found {count} problem{'s' if count != 1 else ''} in the revision just written:"
    footer = "Fix them in the revision file; `cofee-hooks explain RULE` shows each rule with examples."
    lines = [header]
    used = len(header) + len(footer) + 200  # room for the line that counts what was left out
    shown = 0
    for finding in findings:
        entry = _finding_text(finding, base)
        if used + len(entry) + 1 > limit:
            break
        lines.append(entry)
        used += len(entry) + 1
        shown += 1
    if shown < count:
        lines.append(f"... {count - shown} more finding(s) left out; run `cofee-hooks lint-migration` to see all.")
    lines.append(footer)
    return "\n".join(lines)


def _finding_text(finding: Any, base: Path) -> str:
    path = str(finding.file)
    try:
        path = os.path.relpath(path, base)
    except ValueError:
        pass
    text = f"- {path}:{finding.line}:{finding.column} {finding.severity} [{finding.rule}] {finding.message}"
    if getattr(finding, "help", ""):
        text += f"\n  fix: {finding.help}"
    return text[:2000]
