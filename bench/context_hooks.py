"""Benchmark the context hooks against the cost of starting Python at all.

Builds a throw-away project with 40 Context7 libraries and 50 rule files,
then times, as separate processes fed a JSON payload on stdin:

- the floor: `python -I -S -c pass`;
- UserPromptSubmit with a prompt that calls for two libraries and three rules
  (a new session id each run, so nothing is skipped as already given);
- PreToolUse Agent for an agent with three libraries, a task that mentions
  a path and a keyword; once in a project without a memory folder, and once
  with `.claude/agents-memory/`, where the memory recall module is imported
  too.

The hooks run through `hooks/cofee_hooks_entry.py` as Claude Code starts them
(`python -S`), or through a small driver that imports only the context
modules when the entry script is missing. Caches are warmed first, as they
are after the first prompt of a session. The target, for every case, is a
median of at most 3.0x the floor, measured in the same run.

Usage: python bench/context_hooks.py [--runs N] [--via entry|driver]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRY_SCRIPT = REPO_ROOT / "hooks" / "cofee_hooks_entry.py"
TARGET_RATIO = 3.0

DRIVER = """\
import json, sys
sys.path.insert(0, {src!r})
from cofee_hooks.claude.protocol import parse_payload, encode_answer
from cofee_hooks.config.fast import load_fast
from cofee_hooks.context import hooks
class Log:
    def info(self, message): pass
    warning = error = info
event = parse_payload(sys.stdin.buffer.read())
handler = hooks.handle_agent_dispatch if event.name == "PreToolUse" else hooks.handle_user_prompt
answer = handler(event, load_fast(event.cwd), Log())
sys.stdout.write(encode_answer(answer))
"""


def build_project(root: Path) -> None:
    """Write a config with 40 libraries and 3 agents, and 50 rule files in two folders."""
    lines = ["context7:", "  libraries:"]
    for index in range(40):
        lines += [
            f"    lib{index:02}:",
            f"      id: /org{index:02}/project{index:02}",
            f"      name: Library {index:02}",
            f"      keywords: [keyword{index:02}, topic{index:02}]",
            f"      imports: [package{index:02}]",
        ]
    lines += ["  agents:"]
    for agent in ("db-architect", "backend", "video-editor"):
        lines.append(f"    {agent}: [lib01, lib02, lib03]")
    (root / ".claude").mkdir(parents=True)
    (root / ".claude" / "cofee-hooks.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    body = "Keep the change small and explain why in the commit message. " * 8
    for index in range(50):
        folder = root / ".claude" / ("rules" if index % 2 else "agent-rules")
        folder.mkdir(parents=True, exist_ok=True)
        if index % 2:
            front = f'paths:\n  - "src/area{index:02}/**/*.py"\n'
        else:
            front = f"keywords: [rulekeyword{index:02}]\nagents: [agent{index:02}]\n"
        text = f"---\n{front}---\n# Rule {index:02}\n\n{body}\n"
        (folder / f"rule-{index:02}.md").write_text(text, encoding="utf-8")


def hook_command(src: Path, via: str) -> list[str]:
    if via == "entry" and ENTRY_SCRIPT.is_file():
        return [sys.executable, "-S", str(ENTRY_SCRIPT)]
    return [sys.executable, "-S", "-c", DRIVER.format(src=str(src))]


def time_run(command: list[str], payload: bytes | None, env: dict[str, str], cwd: Path) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = subprocess.run(command, input=payload, capture_output=True, env=env, cwd=cwd, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{command[-1]} exited with {result.returncode}: {result.stderr.decode(errors='replace')}")
    return elapsed, result.stdout


def largest_imports(command: list[str], payload: bytes, env: dict[str, str], cwd: Path) -> list[tuple[str, str, float]]:
    """Return (module, importing module, cumulative ms) for the imports over 1 ms, largest first."""
    traced = [command[0], "-X", "importtime", *command[1:]]
    result = subprocess.run(traced, input=payload, capture_output=True, env=env, cwd=cwd, check=False)
    rows = []
    for line in result.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if cumulative.strip().isdigit():
            rows.append((len(name) - len(name.lstrip()), name.strip(), int(cumulative) / 1000))
    heavy = []
    for index, (depth, name, millis) in enumerate(rows):
        # -X importtime prints a module after the modules it imports, so the
        # importer is the next row with a smaller indent.
        parent = next((row[1] for row in rows[index + 1 :] if row[0] < depth), "the entry script")
        if millis >= 1.0 and depth <= 3:
            heavy.append((name, parent, millis))
    heavy.sort(key=lambda row: -row[2])
    return heavy[:8]


def prompt_payload(root: Path, run: int) -> bytes:
    text = "Use keyword05 and import package07; edit src/area03/models.py, then rulekeyword10 and src/area09/x.py"
    return json.dumps(
        {"session_id": f"bench-{os.getpid()}-{run}", "cwd": str(root), "hook_event_name": "UserPromptSubmit", "prompt": text}
    ).encode()


def dispatch_payload(root: Path) -> bytes:
    tool_input = {
        "description": "Design schema",
        "prompt": "Design the orders table in src/area11/orders.py; see rulekeyword20.",
        "subagent_type": "db-architect",
        "run_in_background": False,
    }
    return json.dumps(
        {
            "session_id": "bench-dispatch",
            "cwd": str(root),
            "hook_event_name": "PreToolUse",
            "tool_name": "Agent",
            "tool_input": tool_input,
        }
    ).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per case (default 30)")
    parser.add_argument(
        "--via",
        choices=("entry", "driver"),
        default="entry",
        help="run the hooks through the entry script (default, when it exists) or a driver that skips the runtime",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cofee-bench-") as folder:
        root = Path(folder) / "project"
        build_project(root)
        env = {key: value for key, value in os.environ.items() if not key.startswith("COFEE_HOOKS")}
        # An installed package has its bytecode compiled; keep it outside the
        # source tree so the benchmark leaves no files behind.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        env["CLAUDE_PROJECT_DIR"] = str(root)
        env["PYTHONPATH"] = str(REPO_ROOT / "src")
        command = hook_command(REPO_ROOT / "src", args.via)
        floor_command = [sys.executable, "-I", "-S", "-c", "pass"]

        memory_root = Path(folder) / "with-memory"
        build_project(memory_root)
        (memory_root / ".claude" / "agents-memory").mkdir()
        memory_env = {**env, "CLAUDE_PROJECT_DIR": str(memory_root)}

        # Warm the config cache with site-packages on the path (PyYAML), as
        # the first hook of a session does, then the rule caches, and check
        # that the hooks return an answer.
        for project in (root, memory_root):
            warm = "import sys; from cofee_hooks.config.fast import load_fast; load_fast(sys.argv[1])"
            subprocess.run([sys.executable, "-c", warm, str(project)], env=env, check=True)
        _, prompt_answer = time_run(command, prompt_payload(root, -1), env, root)
        _, dispatch_answer = time_run(command, dispatch_payload(root), env, root)
        _, memory_answer = time_run(command, dispatch_payload(memory_root), memory_env, memory_root)
        if b"additionalContext" not in prompt_answer or b"updatedInput" not in dispatch_answer + memory_answer:
            raise SystemExit("a hook returned no output; the benchmark project does not exercise it")

        samples: dict[str, list[float]] = {
            "floor": [],
            "UserPromptSubmit": [],
            "PreToolUse Agent": [],
            "Agent with memory": [],
        }
        for run in range(args.runs):
            samples["floor"].append(time_run(floor_command, None, env, root)[0])
            samples["UserPromptSubmit"].append(time_run(command, prompt_payload(root, run), env, root)[0])
            samples["PreToolUse Agent"].append(time_run(command, dispatch_payload(root), env, root)[0])
            samples["Agent with memory"].append(
                time_run(command, dispatch_payload(memory_root), memory_env, memory_root)[0]
            )

        heavy = largest_imports(command, dispatch_payload(root), env, root)

    floor = statistics.median(samples["floor"])
    via = "entry script" if command[-1] == str(ENTRY_SCRIPT) else "driver script"
    print(f"context hooks via {via}, {args.runs} runs each, python {sys.version.split()[0]}")
    print(f"{'case':<20} {'median ms':>10} {'ratio':>7}")
    failed = False
    for name, values in samples.items():
        median = statistics.median(values)
        ratio = median / floor
        print(f"{name:<20} {median * 1000:>10.1f} {ratio:>6.2f}x")
        if name != "floor" and ratio > TARGET_RATIO:
            failed = True
    print(f"target: at most {TARGET_RATIO:.1f}x the floor for every case -> {'MISSED' if failed else 'met'}")
    print("largest imports of one dispatch (cumulative ms, from -X importtime, which inflates them):")
    for name, parent, millis in heavy:
        print(f"  {millis:6.1f}  {name} (imported by {parent})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
