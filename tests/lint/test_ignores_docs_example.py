"""The ignore example in docs/lint-rules.md works when pasted into a revision."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from cofee_hooks.config.schema import defaults
from cofee_hooks.lint.engine import LintRequest, lint
from cofee_hooks.lint.ignores import parse_ignores
from tests.conftest import REPO_ROOT
from tests.migrations.helpers import line_of, write_ini, write_revision


def _docs_example() -> str:
    text = (REPO_ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    section = text.split("## Ignores", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block.group(1)


def test_docs_ignore_example_silences_its_rules(tmp_path: Path) -> None:
    example = _docs_example()
    body = textwrap.dedent(example.split("def upgrade():\n", 1)[1])
    write_ini(tmp_path)
    path = write_revision(tmp_path / "migrations" / "versions", "1000aaaa", None, body)
    settings = defaults()["migrations"]
    settings["cache"] = False
    result = lint(LintRequest(settings=settings, config_root=tmp_path, project_dir=tmp_path))
    found = {(f.rule, f.line) for f in result.findings}

    assert not [f for f in result.findings if f.rule == "unused-ignore"], result.findings
    assert ("require-concurrent-index-creation", line_of(path, '"ix_locales_code"')) not in found
    assert ("prefer-bigint-over-int", line_of(path, '"visits", sa.Integer()')) not in found
    lines = path.read_text(encoding="utf-8").splitlines()
    visits_index = lines.index("    op.create_index(") + 1
    assert ("require-concurrent-index-creation", visits_index) not in found


def test_comment_line_inside_call_covers_statement() -> None:
    source = (
        "def upgrade():\n"
        "    op.create_index(\n"
        '        "ix_a",\n'
        "        # cofee-hooks: ignore[require-concurrent-index-creation] small table\n"
        '        "a",\n'
        '        ["id"],\n'
        "    )\n"
    )
    (comment,) = parse_ignores(source)
    assert (comment.first_line, comment.last_line) == (2, 7)
