"""Context7 IDs and scoped rules reach the model: at subagent dispatch and with a user prompt."""

from __future__ import annotations

import pytest

from tests.e2e.standin import Request, StandIn, sequence, text, tool_use

pytestmark = pytest.mark.e2e

SQLALCHEMY_ID = "/websites/sqlalchemy_en_21"
ORM_ID = "/websites/sqlalchemy_en_20_orm"
# A line of the shipped migration rule that appears nowhere else in the workspace.
MIGRATION_RULE_LINE = "Keep one head: merge branches with `alembic merge`"
TASK_MARKER = "TASK-soft-delete-projects"
TASK_INPUT = {
    "description": "Soft delete for projects",
    "prompt": f"{TASK_MARKER}: add deleted_at to the projects table with a new migration.",
    "subagent_type": "db-architect",
    "run_in_background": False,
    "model": "haiku",
}


def is_subagent_request(request: Request) -> bool:
    return request.user_text_containing(TASK_MARKER) is not None


def dispatch_script(request: Request) -> list[dict]:
    if is_subagent_request(request):
        return [text("Subagent finished.")]
    if request.tool_results():
        return [text("All done.")]
    return [tool_use("Agent", dict(TASK_INPUT))]


def test_dispatch_carries_ids_and_migration_rule(workspace, run_claude):
    with StandIn(dispatch_script) as standin:
        run = run_claude(workspace, standin, "Have the database specialist handle soft delete.")

    assert run.returncode == 0, run.describe()
    subagent_requests = [request for request in standin.message_requests if is_subagent_request(request)]
    assert subagent_requests, "no subagent request reached the stand-in"
    task_text = subagent_requests[0].user_text_containing(TASK_MARKER)
    assert task_text.startswith(TASK_INPUT["prompt"])
    assert SQLALCHEMY_ID in task_text
    assert ORM_ID in task_text
    assert MIGRATION_RULE_LINE in task_text
    assert "query-docs" in task_text


def test_dispatch_keeps_other_tool_input_fields(workspace, run_claude):
    with StandIn(dispatch_script) as standin:
        run = run_claude(workspace, standin, "Have the database specialist handle soft delete.")

    assert run.returncode == 0, run.describe()
    started = [event for event in run.events if event.get("subtype") == "task_started"]
    assert len(started) == 1, run.describe()
    assert started[0]["description"] == TASK_INPUT["description"]
    assert started[0]["subagent_type"] == TASK_INPUT["subagent_type"]
    assert started[0]["is_backgrounded"] is False
    assert started[0]["prompt"].startswith(TASK_INPUT["prompt"])
    assert started[0]["prompt"] != TASK_INPUT["prompt"]
    main_model = standin.message_requests[0].body["model"]
    subagent_models = [request.body["model"] for request in standin.message_requests if is_subagent_request(request)]
    assert subagent_models
    assert all("haiku" in model and model != main_model for model in subagent_models), subagent_models


def test_prompt_about_alembic_gets_context(workspace, run_claude):
    script = sequence([text("Noted.")])

    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Plan the Alembic revision that adds soft delete to projects.")

    assert run.returncode == 0, run.describe()
    first = standin.message_requests[0].dump()
    assert SQLALCHEMY_ID in first
    assert "Keep one head: merge branches with" in first


def test_unrelated_prompt_gets_no_context(workspace, run_claude):
    script = sequence([text("Noted.")])

    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Summarise what this repository is for.")

    assert run.returncode == 0, run.describe()
    first = standin.message_requests[0].dump()
    assert SQLALCHEMY_ID not in first
    assert "Keep one head: merge branches with" not in first
