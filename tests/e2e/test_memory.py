"""A subagent's memory section becomes one memory file, and nothing else is written."""

from __future__ import annotations

import re

import pytest

from tests.e2e.standin import Request, StandIn, text, tool_use

pytestmark = pytest.mark.e2e

TASK_MARKER = "TASK-review-invitations"
MEMORY_SECTION = """<!-- memory -->
# 2026-01-31-partial-unique-index-soft-delete.md
## Insight: Unique constraints on soft-deleted tables need a partial index
## Domain: postgresql-indexing
A plain UNIQUE (workspace_id, email) rejects re-inviting a deleted user.
Use CREATE UNIQUE INDEX ... WHERE deleted_at IS NULL instead.
## Source: review of the users invitation flow
## Applies when: adding a unique constraint to a table with deleted_at
<!-- /memory -->"""
FINAL_MESSAGE = f"""Reviewed the invitation constraints.

## Handoff
Status: done
Changed: none
Checks run: none
Open questions: none
Next: none

{MEMORY_SECTION}"""


def script(request: Request) -> list[dict]:
    if request.user_text_containing(TASK_MARKER) is not None:
        return [text(FINAL_MESSAGE)]
    if request.tool_results():
        return [text("Review finished.")]
    return [
        tool_use(
            "Agent",
            {
                "description": "Review invitation constraints",
                "prompt": f"{TASK_MARKER}: review the unique constraints of the users table.",
                "subagent_type": "db-architect",
                "run_in_background": False,
            },
        )
    ]


def test_memory_section_saved_as_file(workspace, run_claude):
    before = workspace.files()

    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Ask the database specialist to review the invitations.")

    assert run.returncode == 0, run.describe()
    after = workspace.files()
    new_paths = sorted(set(after) - set(before))
    # The memory store's lock file is ignored by git and is not content.
    added = [path for path in new_paths if path not in workspace.ignored(new_paths)]
    changed = sorted(path for path in before if path in after and before[path] != after[path])
    removed = sorted(set(before) - set(after))
    assert changed == []
    assert removed == []

    folder = ".claude/agents-memory/db-architect/"
    entries = [path for path in added if path.startswith(folder) and path != folder + "INDEX.md"]
    assert len(entries) == 1, added
    name = entries[0][len(folder) :]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-partial-unique-index-soft-delete\.md", name)
    assert [path for path in added if not path.startswith(folder)] == []

    lines = after[entries[0]].decode().splitlines()
    assert lines[0] == f"# {name}"
    assert lines[1:] == MEMORY_SECTION.splitlines()[2:-1]


def test_memory_file_is_the_only_new_tracked_change(workspace, run_claude):
    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Ask the database specialist to review the invitations.")

    assert run.returncode == 0, run.describe()
    status = workspace.git("status", "--porcelain", "--untracked-files=all").splitlines()
    paths = sorted(line[3:] for line in status)
    assert len(paths) == 2, status
    assert re.fullmatch(r"\.claude/agents-memory/db-architect/\d{4}-\d{2}-\d{2}-partial-unique-index-soft-delete\.md", paths[0])
    assert paths[1] == ".claude/agents-memory/db-architect/INDEX.md"
