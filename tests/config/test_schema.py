from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.config.fast import load_fast
from cofee_hooks.config.loader import load_config
from cofee_hooks.config.schema import defaults, validate
from cofee_hooks.errors import ConfigError
from tests.conftest import run_cli


def write_config(root: Path, text: str) -> Path:
    path = root / ".claude" / "cofee-hooks.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_fill_every_section():
    values = defaults()
    assert values["migrations"]["fail_on"] == "warning"
    assert values["context"]["budget"] == 9500
    assert values["memory"]["folder"] == ".claude/agents-memory"
    assert "*.md" in values["commit_guard"]["allow"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"migrationz": {}}, "x.yaml: migrationz: unknown key; did you mean migrations? allowed here: migrations,"),
        ({"migrations": {"failon": "error"}}, "migrations.failon: unknown key; did you mean fail_on? allowed here:"),
        ({"memory": {"xyz": 1}}, "memory.xyz: unknown key; allowed here: enabled,"),
        ({"migrations": {"fail_on": "sometimes"}}, "migrations.fail_on: invalid value 'sometimes'; allowed: error, warning, never"),
        ({"migrations": {"render_timeout": "soon"}}, "migrations.render_timeout: expected an integer, got 'soon'"),
        ({"memory": {"enabled": "yes"}}, "memory.enabled: expected true or false, got 'yes'"),
        ({"context": {"budget": 5}}, "context.budget: must be at least 200, got 5"),
        ({"commit_guard": {"allow": [1]}}, "commit_guard.allow: expected a list of non-empty strings"),
        ({"context7": {"libraries": {"sqlalchemy": {"name": "SQLAlchemy"}}}}, "context7.libraries.sqlalchemy.id: missing required key"),
        ({"migrations": {"rules": {"empty-downgrade": "loud"}}}, "migrations.rules.empty-downgrade: invalid value 'loud'"),
        (["not", "a", "mapping"], "x.yaml: <top level>: expected a mapping, got a list"),
        ({"context": {"budget": 20000}}, "context.budget: must be between 200 and 9900, got 20000"),
        ({"memory": {"folder": "../outside"}}, "memory.folder: expected a path inside the project; '..' leads out of it"),
        ({"memory": {"folder": "a/../../b"}}, "memory.folder: expected a path inside the project"),
        ({"memory": {"folder": "/tmp/memory"}}, "memory.folder: expected a path relative to the project"),
        ({"memory": {"folder": "."}}, "memory.folder: expected a folder inside the project"),
        ({"memory": {"main_agent": "../x"}}, "memory.main_agent: expected a plain name without '/', '\\' or '..'"),
        ({"memory": {"main_agent": "a/b"}}, "memory.main_agent: expected a plain name"),
        ({"memory": {"main_agent": "---"}}, "memory.main_agent: expected a name with at least one letter or digit"),
    ],
)
def test_invalid_values_name_file_key_and_allowed(document, expected):
    with pytest.raises(ConfigError) as caught:
        validate(document, "x.yaml")
    assert expected in caught.value.message
    assert "\n" not in caught.value.message


def test_config_found_by_walking_up(tmp_path: Path):
    write_config(tmp_path, "migrations:\n  fail_on: error\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    loaded = load_config(start=nested)
    assert loaded.values["migrations"]["fail_on"] == "error"
    assert loaded.root == tmp_path.resolve()


def test_guard_off_without_its_section(tmp_path: Path):
    write_config(tmp_path, "memory:\n  enabled: true\n")
    assert load_config(start=tmp_path).values["commit_guard"]["enabled"] is False
    write_config(tmp_path, "commit_guard: {}\n")
    assert load_config(start=tmp_path).values["commit_guard"]["enabled"] is True


def test_no_file_gives_defaults(tmp_path: Path):
    loaded = load_config(start=tmp_path)
    assert loaded.source is None
    assert loaded.values["commit_guard"]["enabled"] is False


def test_invalid_yaml_reports_line(tmp_path: Path):
    path = write_config(tmp_path, "migrations:\n  fail_on: [warning\n")
    with pytest.raises(ConfigError) as caught:
        load_config(start=tmp_path)
    assert caught.value.message.startswith(f"{path}:")
    assert "invalid YAML" in caught.value.message
    assert caught.value.message.endswith("; fix the YAML syntax at that line")


def test_fast_cache_rebuilt_when_yaml_changes(tmp_path: Path):
    path = write_config(tmp_path, "migrations:\n  fail_on: error\n")
    assert load_fast(str(tmp_path)).values["migrations"]["fail_on"] == "error"
    cache = tmp_path / ".cofee-hooks-cache" / "config.marshal"
    assert cache.is_file()
    path.write_text("migrations:\n  fail_on: never  # changed size too\n", encoding="utf-8")
    assert load_fast(str(tmp_path)).values["migrations"]["fail_on"] == "never"


def test_fast_cache_corrupt_is_rebuilt(tmp_path: Path):
    write_config(tmp_path, "memory:\n  main_agent: lead\n")
    cache = tmp_path / ".cofee-hooks-cache" / "config.marshal"
    cache.parent.mkdir()
    cache.write_bytes(b"{not marshal data")
    assert load_fast(str(tmp_path)).values["memory"]["main_agent"] == "lead"


def test_cli_version_and_unknown_command():
    completed = run_cli("--version")
    assert completed.returncode == 0
    assert "cofee-hooks, version" in completed.stdout
    completed = run_cli("no-such-command")
    assert completed.returncode == 2
    assert "No such command" in completed.stderr


def test_fast_cache_from_other_python_is_rebuilt(tmp_path: Path):
    import marshal

    write_config(tmp_path, "memory:\n  main_agent: lead\n")
    load_fast(str(tmp_path))
    cache = tmp_path / ".cofee-hooks-cache" / "config.marshal"
    payload = marshal.loads(cache.read_bytes())
    payload["python"] = "cpython-00-0"
    payload["values"]["memory"]["main_agent"] = "stale"
    cache.write_bytes(marshal.dumps(payload))
    assert load_fast(str(tmp_path)).values["memory"]["main_agent"] == "lead"


def test_bare_off_accepted_as_severity(tmp_path: Path):
    write_config(tmp_path, "migrations:\n  groups:\n    style: off\n  rules:\n    empty-downgrade: off\n")
    values = load_config(start=tmp_path).values["migrations"]
    assert values["groups"]["style"] == "off"
    assert values["rules"]["empty-downgrade"] == "off"


def test_bare_off_rejected_where_not_allowed():
    with pytest.raises(ConfigError) as caught:
        validate({"migrations": {"fail_on": False}}, "x.yaml")
    assert "migrations.fail_on: invalid value off (YAML reads a bare off, no or false as false)" in caught.value.message


def test_paths_inside_the_project_accepted():
    values = validate({"memory": {"folder": "docs/../.claude/memory", "main_agent": "lead.session"}}, "x.yaml")
    assert values["memory"]["folder"] == "docs/../.claude/memory"
    assert values["memory"]["main_agent"] == "lead.session"


@pytest.mark.parametrize("command", [["context", "check"], ["memory", "list"]])
def test_memory_folder_outside_project_fails_every_command(tmp_path: Path, command):
    write_config(tmp_path, "memory:\n  folder: ../outside\n")
    result = run_cli(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert "memory.folder: expected a path inside the project" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_invalid_key_is_named_on_one_line():
    document = {"memory": {"folder": "../outside", "main_agent": "../x"}, "context": {"budget": 20000}}
    with pytest.raises(ConfigError) as caught:
        validate(document, "x.yaml")
    message = caught.value.message
    assert message.startswith("x.yaml: context.budget: must be between 200 and 9900, got 20000")
    assert message.endswith("(and 2 more invalid: memory.folder, memory.main_agent)")
    assert "\n" not in message


def test_path_settings_help_names_project_root():
    from cofee_hooks.config.schema import SCHEMA

    settings = [
        ("migrations", "project_dir"),
        ("migrations", "cache_dir"),
        ("context", "rule_dirs"),
        ("memory", "folder"),
        ("hooks", "log_file"),
    ]
    for section, key in settings:
        help_text = SCHEMA.fields[section].fields[key].help
        assert "relative to the project root: the folder holding .claude/, or the config file's folder" in help_text, key


def test_config_outside_claude_folder_resolves_against_its_folder(tmp_path: Path):
    config_file = tmp_path / "ci" / "cofee-hooks.yaml"
    config_file.parent.mkdir()
    config_file.write_text("migrations:\n  project_dir: backend\n", encoding="utf-8")

    loaded = load_config(config_file=config_file, start=tmp_path)

    assert loaded.root == config_file.parent.resolve()
    assert loaded.resolve(loaded.section("migrations")["project_dir"]) == (tmp_path / "ci" / "backend").resolve()
