"""The README documents what the code does: a test fails when they drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from supervision_dash.cli import build_parser
from supervision_dash.contract import markdown_table

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_contract_table_is_the_contract_module():
    documented = re.search(r"<!-- contract:start -->\n(.*?)\n<!-- contract:end -->", README,
                           re.S).group(1)
    assert documented == markdown_table()


def test_every_cli_command_is_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"supervision-dash {command}" in README, command
