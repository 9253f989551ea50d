"""The README's generated tables: the contract, the query catalogue, the settings and the
instruments, each between `<!-- name:start -->` and `<!-- name:end -->` markers.

    python -m supervision_dash.docs README.md     # rewrite the tables in place

A test checks that the README holds exactly what this would write, so a query, setting or
contract rule cannot go undocumented.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import contract, settings
from .catalogue import Catalogue, builtin_folder

SECTIONS = {
    "contract": contract.markdown_table,
    "catalogue": lambda: Catalogue([builtin_folder()]).markdown_table(),
    "settings": settings.markdown_table,
    "instruments": settings.instruments_markdown_table,
}


def render(text: str) -> str:
    """``text`` with every marked section replaced by its generated table."""
    for name, table in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"the README has no <!-- {name}:start --> section")
        text = pattern.sub(lambda match, table=table: match.group(1) + table() + match.group(2),
                           text)
    return text


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
