"""The README documents what the code does: a test fails when they drift apart."""

from __future__ import annotations

from pathlib import Path

from supervision_dash.cli import build_parser
from supervision_dash.docs import render

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_tables_are_generated_from_the_code():
    """Contract, query catalogue, settings and instruments: run
    `python -m supervision_dash.docs README.md` after changing any of them."""
    assert render(README) == README


def test_every_cli_command_is_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"supervision-dash {command}" in README, command
