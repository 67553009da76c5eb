"""Property tests: malformed and mutated payloads never crash the runtime.

For every event, thousands of payloads derived from the recorded ones (keys
dropped, values replaced with other JSON, types swapped, bytes cut or
flipped) go through `runtime.run` in this process; a smaller batch goes
through the entry script as real processes. Each run must:

- return 0, or 2 only for what looks like a Bash PreToolUse call mentioning git;
- write nothing or exactly one JSON object to stdout;
- never show a traceback.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofee_hooks.claude import runtime
from cofee_hooks.guard.shell import analyse
from tests.claude.conftest import assert_protocol_output, entry_argument, recorded_samples, run_entry

SAMPLES = recorded_samples()
EVENTS = sorted({payload["hook_event_name"] for _, _, payload in SAMPLES})
BY_EVENT = {event: [payload for _, _, payload in SAMPLES if payload["hook_event_name"] == event] for event in EVENTS}
# Each hypothesis example runs one payload built by hypothesis strategies and
# BATCH - 1 more derived with a hypothesis-seeded random generator, which is
# far cheaper to draw: EXAMPLES_PER_EVENT * BATCH payloads per event.
EXAMPLES_PER_EVENT = int(os.environ.get("COFEE_HOOKS_FUZZ_EXAMPLES", "200"))
BATCH = 15

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False), st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=12,
)
_WORDS = (
    [
        "git", "commit", "-m", "x", "-a", "-am", "--no-verify", "-n", "add", ".", "&&", ";", "|", "||", "(", ")",
        "bash", "-c", "'", '"', "$(", "`", "cd", "src", "HUSKY=0", "-C", "/tmp", "<<EOF", "EOF", "\n", "\\",
        "update-ref", "refs/heads/main", "commit-tree", "-c", "core.hooksPath=/x", "env", "xargs", "{}", "$'\\x67it'",
        "--config-env", "--git-dir", "--work-tree=", "reset", "restore", "--staged", "mv", "rm", "find", "-exec",
        "+", "pushd", "popd", "export", "eval", "sudo", "-u", "timeout", "10", "${X:-y}", "$HOME", "~", "--",
        "--pathspec-from-file", "-", "-i", "--only", "--amend", "push", "--no-verify", "ci", "2>&1", ">", "<",
    ]
)
shell_words = st.sampled_from(_WORDS)
commands = st.one_of(st.text(max_size=80), st.lists(shell_words, max_size=14).map(" ".join))


def _mutate(data: st.DataObject, payload: dict[str, Any]) -> bytes:
    """Derive one malformed or odd payload from a recorded one."""
    value: Any = json.loads(json.dumps(payload))
    kind = data.draw(st.sampled_from(["drop", "replace", "command", "nest", "truncate", "flip", "wrap", "garbage", "same"]))
    keys = sorted(value)
    if kind == "drop" and keys:
        for key in data.draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True)):
            value.pop(key, None)
    elif kind == "replace" and keys:
        value[data.draw(st.sampled_from(keys))] = data.draw(json_values)
    elif kind == "command":
        tool_input = value.get("tool_input")
        if isinstance(tool_input, dict):
            tool_input["command"] = data.draw(commands)
        else:
            value["prompt"] = data.draw(commands)
    elif kind == "nest":
        value[data.draw(st.text(max_size=8))] = data.draw(json_values)
        if isinstance(value.get("tool_input"), dict):
            value["tool_input"][data.draw(st.text(max_size=8))] = data.draw(json_values)
    elif kind == "wrap":
        value = data.draw(st.sampled_from([[value], "text", 3, None]))
    encoded = json.dumps(value).encode()
    if kind == "truncate":
        encoded = encoded[: data.draw(st.integers(min_value=0, max_value=len(encoded)))]
    elif kind == "flip" and encoded:
        position = data.draw(st.integers(min_value=0, max_value=len(encoded) - 1))
        encoded = encoded[:position] + bytes([data.draw(st.integers(0, 255))]) + encoded[position + 1 :]
    elif kind == "garbage":
        encoded = data.draw(st.binary(max_size=200))
    return encoded


_CHEAP_VALUES: list[Any] = [None, True, False, 0, -1, 2**65, 1.5, "", "x", "git commit -am x", [], {}, [1, "a"], {"a": {"b": []}}]


def _cheap_mutation(rng: Any, payload: dict[str, Any]) -> bytes:
    """Derive a mutated payload with a hypothesis-seeded `random.Random`, cheaply."""
    value: Any = json.loads(json.dumps(payload))
    for _ in range(rng.randint(1, 3)):
        keys = sorted(value) if isinstance(value, dict) else []
        choice = rng.randrange(6)
        if choice == 0 and keys:
            value.pop(rng.choice(keys))
        elif choice == 1 and keys:
            value[rng.choice(keys)] = rng.choice(_CHEAP_VALUES)
        elif choice == 2 and isinstance(value, dict) and isinstance(value.get("tool_input"), dict):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(0, 12))]
            value["tool_input"]["command"] = " ".join(words)
        elif choice == 3 and isinstance(value, dict):
            value[rng.choice(["tool_name", "hook_event_name", "cwd", "tool_input", "prompt"])] = rng.choice(_CHEAP_VALUES + EVENTS)
    encoded = json.dumps(value).encode()
    if rng.random() < 0.2 and encoded:
        encoded = encoded[: rng.randrange(len(encoded))]
    elif rng.random() < 0.2 and encoded:
        position = rng.randrange(len(encoded))
        encoded = encoded[:position] + bytes([rng.randrange(256)]) + encoded[position + 1 :]
    return encoded


def _may_block(data: bytes) -> bool:
    lowered = data.lower()
    return b"bash" in lowered and (b"git" in lowered or b"\\u" in data)


def _check(data: bytes, code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stderr
    assert code in (0, 2)
    if code == 2:
        assert _may_block(data), data[:300]
        assert len(stderr.strip().splitlines()) == 1
        assert stdout == ""
    try:
        payload = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        payload = None
    event_name = payload.get("hook_event_name") if isinstance(payload, dict) else None
    assert_protocol_output(stdout, event_name)
    if isinstance(payload, dict) and code == 2:
        # A readable payload is only blocked by the guard itself, on a git command.
        assert payload.get("hook_event_name") == "PreToolUse"
        assert payload.get("tool_name") == "Bash"


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "workspace"
    (root / ".claude").mkdir(parents=True)
    (root / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
    return root


def _run_in_process(data: bytes, project: Path) -> tuple[int, str, str]:
    stdout = io.StringIO()
    stderr = io.StringIO()
    code = runtime.run(data, stdout, stderr, environ={"CLAUDE_PROJECT_DIR": str(project)})
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("event", EVENTS)
def test_mutated_payloads_in_process(event: str, fuzz_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fuzz_project)
    monkeypatch.setenv("HOME", str(fuzz_project.parent))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(fuzz_project.parent))
    payloads = BY_EVENT[event]

    @settings(
        max_examples=EXAMPLES_PER_EVENT,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        payload = localised(data.draw(st.sampled_from(payloads)), fuzz_project)
        batch = [_mutate(data, payload)]
        rng = data.draw(st.randoms(use_true_random=False))
        batch.extend(_cheap_mutation(rng, payload) for _ in range(BATCH - 1))
        for encoded in batch:
            code, stdout, stderr = _run_in_process(encoded, fuzz_project)
            _check(encoded, code, stdout, stderr)

    check()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_mutated_payloads_as_processes(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    project = _process_project(tmp_path_factory)
    _, _, payload = data.draw(st.sampled_from(SAMPLES))
    encoded = _mutate(data, localised(payload, project))
    completed = run_entry(encoded, project, entry_argument(payload))
    _check(encoded, completed.returncode, completed.stdout.decode(), completed.stderr.decode(errors="replace"))


_PROJECTS: dict[str, Path] = {}


def _process_project(factory: pytest.TempPathFactory) -> Path:
    if "root" not in _PROJECTS:
        root = factory.mktemp("fuzz-process") / "workspace"
        (root / ".claude").mkdir(parents=True)
        (root / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
        _PROJECTS["root"] = root
    return _PROJECTS["root"]


def localised(payload: dict[str, Any], project: Path) -> dict[str, Any]:
    text = json.dumps(payload).replace("/home/dev/workspace", str(project)).replace("/home/dev", str(project.parent))
    return json.loads(text)


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(commands)
def test_shell_analysis_never_raises(command: str) -> None:
    result = analyse(command, {"HOME": "/home/user"})
    for commit in result.commits:
        assert isinstance(commit.paths, list)
    for skip in result.skips:
        assert skip.reason


json_texts = st.one_of(
    json_values.map(json.dumps),
    json_values.map(lambda value: " \n" + json.dumps(value, indent=1) + "\t "),
    st.text(alphabet='{}[]":,0123456789.eE+-truefalsnNIinfy \\u\t\n', max_size=40),
)


@settings(max_examples=3000, deadline=None, derandomize=True, database=None)
@given(json_texts)
def test_loads_matches_json_module(text: str) -> None:
    try:
        expected = ("ok", json.loads(text))
    except (ValueError, RecursionError):
        expected = ("error", None)
    try:
        actual = ("ok", runtime.loads(text))
    except (ValueError, RecursionError):
        actual = ("error", None)
    assert actual[0] == expected[0], text
    if actual[0] == "ok":
        assert json.dumps(actual[1], sort_keys=True) == json.dumps(expected[1], sort_keys=True)
