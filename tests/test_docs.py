"""Documentation that cannot drift: every schema column is in docs/schema.md, and every CLI command and option (read
from the live typer app, so options generated from a registry count too) is in the README's CLI section -- and
neither document names a column or an option that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from dashboard.cli import app
from dashboard.data.schema import COLUMNS, FLAT_COLUMNS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SCHEMA_DOC = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")


def section(markdown: str, title: str) -> str:
    """The text under ``## title`` up to the next heading of the same level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, flags=re.M | re.S)
    assert match, f"no '## {title}' section"
    return match.group(1)


def documented_fields() -> set[str]:
    """The backquoted names in the first cell of each row of the schema table."""
    names = set()
    for line in SCHEMA_DOC.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            names |= set(re.findall(r"`([a-z0-9_]+)`", cells[1]))
    return names


def test_every_schema_column_is_documented_and_nothing_else():
    columns = {*COLUMNS, *FLAT_COLUMNS, "geometry"}
    documented = documented_fields()
    assert columns - documented == set(), "columns missing from docs/schema.md"
    assert documented - columns == set(), "docs/schema.md documents columns the schema does not have"


def test_every_incident_column_is_documented():
    from dashboard.data.reconcile.incidents import INCIDENT_COLUMNS

    text = (REPO / "docs" / "reconciliation.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M))
    assert table == set(INCIDENT_COLUMNS)


def cli_commands() -> dict[str, list[str]]:
    """Each command of the live CLI and its visible option names (``-o``, ``--output``...)."""
    group = typer.main.get_command(app)
    commands = {}
    for name, command in group.commands.items():
        if command.hidden:
            continue
        commands[name] = command
        for sub, subcommand in getattr(command, "commands", {}).items():  # a group: store init, victims add...
            commands[f"{name} {sub}"] = subcommand
    return {
        name: sorted({opt for param in command.params if not getattr(param, "hidden", False)
                      for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")})
        for name, command in commands.items() if not command.hidden
    }


CLI = cli_commands()


@pytest.mark.parametrize("command", sorted(CLI))
def test_every_cli_command_and_option_is_in_the_readme(command):
    text = section(README, "CLI")
    assert re.search(rf"incident-map {command}\b", text), f"`incident-map {command}` is not in the README's CLI section"
    documented = set(OPTION.findall(text))
    missing = [opt for opt in CLI[command] if opt not in documented]
    assert not missing, f"options of `incident-map {command}` missing from the README's CLI section: {missing}"


def test_the_readme_names_no_cli_option_that_does_not_exist():
    real = {opt for opts in CLI.values() for opt in opts}
    stale = sorted(set(OPTION.findall(section(README, "CLI"))) - real - {"--help"})
    assert not stale, f"the README's CLI section names options no command has: {stale}"
