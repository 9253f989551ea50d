"""The notebooks in dashboards/ run top to bottom on the demo extract, in this venv's kernel.

Each notebook is executed with nbclient in the "python3" kernel, which must be this venv's
Python. The demo database is generated once per test run into a temporary cache folder shared by
both notebooks (generated here first, so that a notebook test fails for the notebook's sake;
that a notebook can generate it itself on first use is a test of its own). A probe cell appended
to the in-memory copy (the file is not changed) reports the kernel's interpreter and, for the
analyst tour, the rows of the new metric, which are checked against the contacts counted here by
other means (pandas on the raw rows).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from tests.conftest import demo_warehouse

DASHBOARDS = Path(__file__).resolve().parents[1] / "dashboards"
PANEL_MIME = "application/vnd.holoviews_exec.v0+json"
PROBE_MARK = "--probe--"


def execute(nb, kernel: str, cache: Path) -> list:
    """Run the notebook in a kernel whose SUPERVISION_DASH_CACHE is ``cache``; every error
    output as (cell index, name, message)."""
    client = NotebookClient(nb, timeout=600, kernel_name=kernel, allow_errors=True,
                            resources={"metadata": {"path": str(DASHBOARDS)}})
    client.execute(env={**os.environ, "SUPERVISION_DASH_CACHE": str(cache)})
    return [(index, output.get("ename"), output.get("evalue"))
            for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "error"]


def run_notebook(name: str, kernel: str, cache: Path, probe: str) -> tuple[nbformat.NotebookNode,
                                                                           dict]:
    """Execute dashboards/<name>.ipynb (plus a probe cell printing one JSON line); the executed
    notebook and the probe's value."""
    path = DASHBOARDS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), \
        f"{path.name} is saved with outputs: clear them before committing"
    nb.cells.append(new_code_cell(
        "import json as _json, sys as _sys\n"
        f"print({PROBE_MARK!r}, _json.dumps({{'prefix': _sys.prefix, **({probe})}}, "
        "default=str))"))
    assert execute(nb, kernel, cache) == []
    printed = "".join(output.get("text", "") for output in nb.cells[-1].outputs
                      if output.output_type == "stream")
    assert PROBE_MARK in printed, printed
    probed = json.loads(printed.split(PROBE_MARK, 1)[1])
    assert probed["prefix"] == sys.prefix, "the notebook ran in another Python than this venv's"
    return nb, probed


def outputs(nb, source_start: str) -> list:
    """The outputs of the code cell whose source starts with ``source_start``."""
    cells = [cell for cell in nb.cells if cell.cell_type == "code"
             and cell.source.startswith(source_start)]
    assert len(cells) == 1, source_start
    return cells[0].outputs


def panel_outputs(nb) -> int:
    return sum(PANEL_MIME in output.get("data", {}) for cell in nb.cells
               if cell.cell_type == "code" for output in cell.outputs)


def test_weekly_review_notebook_runs_and_shows_the_views(venv_kernel, demo_cache):
    nb, probed = run_notebook("weekly_review", venv_kernel, demo_cache,
                              "{'as_of': state.as_of, 'before': before.as_of, "
                              "'before_start': before.week_start}")
    # WeeklyReview, CaseloadView, FidelityView, then WeeklyReview of the week before.
    for start in ("WeeklyReview(state)", "CaseloadView(state)", "FidelityView(state)",
                  "before = ReviewState("):
        assert any(PANEL_MIME in output.get("data", {}) for output in outputs(nb, start)), start
    assert panel_outputs(nb) >= 4
    flags_table = outputs(nb, "flags = state.flags()")[0]["data"]["text/html"]
    assert "severity" in flags_table and "detail" in flags_table
    with demo_warehouse(demo_cache) as warehouse:
        last = warehouse.last_contact_date
    # Section 7's week has a state of its own: the views of sections 3 to 6, which follow
    # `state`, keep showing the week their text names.
    assert probed["as_of"] == str(last)
    assert probed["before"] == str(last - pd.Timedelta(days=7))
    assert probed["before_start"] == str(last - pd.Timedelta(days=13))


def test_analyst_tour_runs_and_its_new_metric_counts_what_pandas_counts(venv_kernel,
                                                                         demo_cache):
    nb, probed = run_notebook("analyst_tour", venv_kernel, demo_cache,
                              "{'after_hours': after_hours.to_dict(orient='records')}")
    for start in ("from supervision_dash.state import ReviewState", "EngagementView(state)"):
        assert any(PANEL_MIME in output.get("data", {}) for output in outputs(nb, start)), start
    assert panel_outputs(nb) >= 2

    # The same 28 days counted from the raw rows, without the metric's SQL.
    with demo_warehouse(demo_cache) as warehouse:
        as_of = pd.Timestamp(warehouse.last_contact_date)
        contacts = warehouse.sql("SELECT peer_id, started_at FROM contacts")
        peers = warehouse.sql("SELECT peer_id, site FROM peers")
    started = contacts["started_at"]
    window = contacts[(started >= as_of - pd.Timedelta(days=27))
                      & (started < as_of + pd.Timedelta(days=1))].merge(peers, on="peer_id")
    clock = window["started_at"].dt.hour * 60 + window["started_at"].dt.minute
    window["after_hours"] = ((clock < 8 * 60) | (clock >= 20 * 60)
                             | (window["started_at"].dt.day_of_week >= 5))
    expected = window.groupby("site").agg(contacts=("peer_id", "size"),
                                          after_hours=("after_hours", "sum")).reset_index()
    got = pd.DataFrame(probed["after_hours"])
    assert list(got["site"]) == list(expected["site"])
    assert list(got["contacts"]) == list(expected["contacts"])
    assert list(got["after_hours"]) == list(expected["after_hours"])
    assert (got["after_hours_share"]
            == (expected["after_hours"] / expected["contacts"]).round(3)).all()
    assert expected["after_hours"].sum() > 0 and len(expected) >= 2  # a test that can fail


def test_views_work_when_pn_extension_was_called_before_they_were_imported(demo_cache):
    """The usual first cell of a notebook is `import panel as pn; pn.extension(...)`, before
    anything else is imported; every view must still display after that (found while writing
    the notebooks: FidelityView raised AttributeError "No entry for 'Curve' registered")."""
    script = textwrap.dedent("""
        import panel as pn
        pn.extension("tabulator")

        from supervision_dash import open_warehouse
        from supervision_dash.demo import demo_database
        from supervision_dash.state import ReviewState
        from supervision_dash.views import PAGES

        state = ReviewState(open_warehouse(demo_database()), supervisor_id="SV001")
        for page in PAGES:
            page(state)
        print("every view built")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "SUPERVISION_DASH_CACHE": str(demo_cache)},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "every view built" in done.stdout


def test_a_notebook_generates_the_demo_on_first_use(venv_kernel, tmp_path):
    """demo_database() in a notebook, with an empty cache: it generates and loads the demo
    (found while writing the notebooks: the load failed in a kernel with DuckDB's "Could not
    change the progress bar setting because: 'required package 'ipywidgets' is missing'")."""
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(
        "from supervision_dash import open_warehouse\n"
        "from supervision_dash.demo import demo_database\n"
        "print(open_warehouse(demo_database(contacts=2000)).last_contact_date)")])
    assert execute(nb, venv_kernel, tmp_path / "empty_cache") == []
    assert list((tmp_path / "empty_cache").glob("*.duckdb"))
