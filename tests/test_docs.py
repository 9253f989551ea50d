"""The repository documents itself: a test fails when the README or docs/ drift from the code,
or when something new — a query, a flag rule, a page, a setting — arrives undocumented
(after Datasette's documentation tests). docs/extending.md lists these tests."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from supervision_dash.app import LEADERSHIP_PAGES
from supervision_dash.catalogue import Catalogue, builtin_folder
from supervision_dash.cli import build_parser
from supervision_dash.disclosure import for_display, suppress
from supervision_dash.docs import render
from supervision_dash.packet import RULE_NAMES
from supervision_dash.settings import INSTRUMENT_KEYS, SECTIONS, Settings
from supervision_dash.views import PAGES

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
METRICS = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
DISCLOSURE = (ROOT / "docs" / "disclosure.md").read_text(encoding="utf-8")


def test_the_readme_tables_are_generated_from_the_code():
    """Contract, query catalogue, settings and instruments: run
    `python -m supervision_dash.docs README.md` after changing any of them."""
    assert render(README) == README


def test_every_cli_command_is_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"supervision-dash {command}" in README, command


def headings(markdown: str) -> list[str]:
    """The text of every heading, outside fenced code blocks."""
    found, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6} (.+?)\s*$", line)):
            found.append(match.group(1))
    return found


@pytest.mark.parametrize("name", list(Catalogue([builtin_folder()])))
def test_every_query_is_defined_in_docs_metrics(name):
    """A heading named like the query: docs/metrics.md#<name> is its definition."""
    assert f"`{name}`" in headings(METRICS), f"docs/metrics.md has no heading `{name}`"


@pytest.mark.parametrize("rule", list(RULE_NAMES))
def test_every_flag_rule_is_defined_in_docs_metrics(rule):
    assert f"`{rule}`" in headings(METRICS), f"docs/metrics.md has no heading `{rule}`"


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    start = re.search(rf"^(#+) {re.escape(heading)}$", markdown, re.M)
    assert start, f"no section {heading!r}"
    rest = markdown[start.end():]
    end = re.search(rf"^#{{1,{len(start.group(1))}}} ", rest, re.M)
    return rest[:end.start()] if end else rest


@pytest.mark.parametrize(("page", "where"), [
    *[(page, "The dashboard") for page in PAGES],
    *[(page, "Leadership") for page in LEADERSHIP_PAGES]], ids=lambda value: getattr(
        value, "__name__", value))
def test_every_page_is_described_in_the_readme(page, where):
    """Each tab is an item `- **Title** — what it shows` of its role's list."""
    assert f"\n- **{page.title}** — " in section(README, where), (
        f"the README's {where!r} section does not describe the page {page.title!r}")


def test_every_setting_can_be_set_from_toml():
    """A setting lives in Settings and in a TOML section: without the section a program could
    not change it, and the README's settings table would leave it out."""
    in_sections = {name for names in SECTIONS.values() for name in names}
    parameters = set(Settings.param) - {"name", "instruments"}
    assert parameters - in_sections == set(), "settings with no TOML section"
    assert in_sections - parameters == set(), "TOML keys with no setting"


SETTING_KEYS = [f"{section}.{name}" for section, names in SECTIONS.items() for name in names] \
    + [f"instruments.<CODE>.{key}" for key in INSTRUMENT_KEYS]


@pytest.mark.parametrize("key", SETTING_KEYS)
def test_every_setting_is_explained_in_docs(key):
    """docs/metrics.md (or docs/disclosure.md) says which figure the setting moves."""
    assert f"`{key}`" in METRICS + DISCLOSURE, f"no docs page explains `{key}`"


def markdown_table(text: str, marker: str) -> pd.DataFrame:
    body = text.split(f"<!-- disclosure-example:{marker} -->\n", 1)[1].split("\n<!--", 1)[0]
    header, _, *rows = [[cell.strip() for cell in line.strip("|").split("|")]
                        for line in body.strip().splitlines()]
    return pd.DataFrame(rows, columns=header)


def test_the_disclosure_example_is_what_the_code_does():
    """docs/disclosure.md's worked example, run through the leadership role's suppression."""
    before = markdown_table(DISCLOSURE, "before")
    numbers = before.drop(columns="site").apply(pd.to_numeric)
    spec = Catalogue([builtin_folder()])["outcome_summary"]
    shown = for_display(suppress(pd.concat([before[["site"]], numbers], axis=1), spec.columns))
    expected = markdown_table(DISCLOSURE, "after")
    assert shown.map(lambda cell: f"{cell:g}" if isinstance(cell, float) else str(cell)).equals(
        expected.map(lambda cell: f"{float(cell):g}" if re.fullmatch(r"[\d.]+", cell)
                     else cell))


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_docs_file_is_linked_from_the_readme(doc):
    assert f"](docs/{doc.name})" in README, f"the README does not link docs/{doc.name}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    kept = "".join(char for char in text if char in " -_"
                   or unicodedata.category(char)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in headings(markdown):
        base = slug(heading)
        found.add(base if base not in seen else f"{base}-{seen[base]}")
        seen[base] = seen.get(base, 0) + 1
    return found


def links(markdown: str) -> list[str]:
    """The targets of the inline links outside fenced code blocks and code spans."""
    unfenced = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    return re.findall(r"\]\(([^)\s]+)\)", re.sub(r"`[^`\n]*`", "", unfenced))


def markdown_of(page: Path) -> str:
    """A Markdown file's text, or the Markdown cells of a notebook."""
    if page.suffix == ".ipynb":
        cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(cell["source"]) for cell in cells
                            if cell["cell_type"] == "markdown")
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS,
                                  *sorted((ROOT / "dashboards").glob("*.ipynb"))],
                         ids=lambda path: path.name)
def test_every_relative_link_resolves(page):
    text = markdown_of(page)
    broken = []
    for target in links(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address: not checked here
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(
                linked.read_text(encoding="utf-8")):
            broken.append(f"{target} (no such heading)")
    assert broken == [], f"{page.name}: broken links {broken}"


def test_the_repository_points_to_no_document_it_does_not_hold():
    """Whoever clones the project has the README, docs/ and the code: every definition a comment,
    a query header or a test points to is one of those, never a specification kept elsewhere."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    outside = "DESIGN" + ".md"  # written in two parts, so this file does not name it itself
    naming = [name for name in tracked if (ROOT / name).is_file()
              and outside in (ROOT / name).read_text(encoding="utf-8", errors="ignore")]
    assert naming == []
