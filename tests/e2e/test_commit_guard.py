"""The commit guard stops an agent's `git commit` of files outside the policy."""

from __future__ import annotations

import pytest

from tests.e2e.standin import Request, StandIn, sequence, text, tool_use

pytestmark = pytest.mark.e2e


def bash(command: str) -> list[dict]:
    return [tool_use("Bash", {"command": command, "description": "Run git"})]


def test_commit_of_source_file_denied(workspace, run_claude):
    workspace.write("app/main.py", "print('hello')\n")
    workspace.git("add", "app/main.py")
    head = workspace.git("rev-parse", "HEAD")
    script = sequence(bash('git commit -m "Add the app"'), [text("stopped")])

    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Commit the staged work.")

    assert run.returncode == 0, run.describe()
    results = standin.message_requests[1].tool_results()
    assert len(results) == 1
    assert results[0].get("is_error") is True
    feedback = standin.message_requests[1].tool_result_text()
    # The Claude Code hook denied the call: the git pre-commit hook never ran.
    assert "PreToolUse:Bash hook error" in feedback
    assert "app/main.py" in feedback
    assert workspace.git("rev-parse", "HEAD") == head


def test_docs_commit_allowed_and_no_verify_denied(workspace, run_claude):
    workspace.write("docs/guide.md", "# Guide\n")
    head = workspace.git("rev-parse", "HEAD")
    script = sequence(
        bash("git add docs/guide.md"),
        bash('git commit -m "Add the guide"'),
        bash('git commit --no-verify --allow-empty -m "Skip the hooks"'),
        [text("finished")],
    )

    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Commit the guide.")

    assert run.returncode == 0, run.describe()
    requests = standin.message_requests
    assert len(requests) == 4
    add_result, commit_result, skip_result = (requests[index].tool_results()[0] for index in (1, 2, 3))
    assert not add_result.get("is_error")
    assert not commit_result.get("is_error"), requests[2].tool_result_text()
    assert skip_result.get("is_error") is True
    assert "PreToolUse:Bash hook error" in requests[3].tool_result_text()
    assert "no-verify" in requests[3].tool_result_text()

    log = workspace.git("log", "--format=%s", f"{head.strip()}..HEAD").splitlines()
    assert log == ["Add the guide"]
    assert workspace.git("show", "--name-only", "--format=", "HEAD").split() == ["docs/guide.md"]


def test_commit_inside_subagent_denied(workspace, run_claude):
    workspace.write("scripts/deploy.sh", "echo deploy\n")
    workspace.git("add", "scripts/deploy.sh")
    head = workspace.git("rev-parse", "HEAD")
    marker = "TASK-commit-from-subagent"

    def script(request: Request) -> list[dict]:
        if request.user_text_containing(marker) is not None:
            if request.tool_results():
                return [text("Could not commit.")]
            return bash('git commit -m "Add deploy script"')
        if request.tool_results():
            return [text("done")]
        return [
            tool_use(
                "Agent",
                {
                    "description": "Commit",
                    "prompt": f"{marker}: commit the staged files.",
                    "subagent_type": "db-architect",
                    "run_in_background": False,
                },
            )
        ]

    with StandIn(script) as standin:
        run = run_claude(workspace, standin, "Let the database specialist commit.")

    assert run.returncode == 0, run.describe()
    subagent_results = [
        request for request in standin.message_requests if request.user_text_containing(marker) and request.tool_results()
    ]
    assert len(subagent_results) == 1
    assert subagent_results[0].tool_results()[0].get("is_error") is True
    assert "PreToolUse:Bash hook error" in subagent_results[0].tool_result_text()
    assert "scripts/deploy.sh" in subagent_results[0].tool_result_text()
    assert workspace.git("rev-parse", "HEAD") == head
