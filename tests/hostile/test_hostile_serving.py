"""Hostile and clumsy input to what the product serves and prints: spreadsheet formulas in
CSV cells, databases that cannot be read, bad settings and parameters, and leadership pages
changing site over suppressed cells.

Every case plants the marker value ZQXMARK7731 in the data and checks that no message, output
or log line carries it: a failure is one line that says what is wrong, never a value."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from supervision_dash import cli, load, open_warehouse
from supervision_dash.export import csv_text
from supervision_dash.warehouse import WarehouseError
from tests.conftest import BASE, write_extract

MARKER = "ZQXMARK7731"
FORMULA = '=HYPERLINK("http://x","y")'


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """`supervision-dash ARGS` in this process: (exit status, stdout, stderr)."""
    try:
        status = cli.main([str(arg) for arg in args])
    except SystemExit as exit_:  # argparse's own usage errors
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clean_line(err: str, *outputs: str) -> None:
    """stderr is exactly one line, with no traceback and no marker anywhere."""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for text in (err, *outputs):
        assert MARKER not in text


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """The shared tiny extract (tests/conftest.py) loaded, then given values a loader would
    refuse or that only a hostile extract holds: spreadsheet formulas in free categories and
    the marker in a site name."""
    folder = tmp_path_factory.mktemp("hostile_serving")
    path = folder / "program.duckdb"
    # one more contact, on the last day outcome_change is asked about (as_of must fall inside
    # the contact dates)
    contacts = BASE["contacts"] + "C5,0001,PR1,2024-06-30 12:00,30,phone,,,,,,\n"
    load(write_extract(folder / "extract", {**BASE, "contacts": contacts}), path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE participants SET gender = $formula WHERE participant_id = '0001'",
                    {"formula": FORMULA})
        con.execute("UPDATE participants SET race_ethnicity = '@SUM(A1)', "
                    "preferred_language = '-2+3' WHERE participant_id = '0002'")
        con.execute("UPDATE participants SET gender = '-3' WHERE participant_id = '0003'")
        con.execute("UPDATE peers SET site = $marker WHERE peer_id = 'PR2'", {"marker": MARKER})
    return path


def broken_copy(database: Path, folder: Path, *statements: str) -> Path:
    """A copy of the database changed by SQL statements (a table dropped, a column rebuilt)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "broken.duckdb"
    shutil.copy(database, copy)
    with duckdb.connect(str(copy)) as con:
        for statement in statements:
            con.execute(statement)
    return copy


# --- item 6: spreadsheet formulas ----------------------------------------------------------

def test_text_cells_that_start_a_formula_get_a_quote_and_numbers_stay_numbers():
    import pandas as pd

    frame = pd.DataFrame({
        "category": [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-3", "+4.5", "plain",
                     "a=b", None],
        "change": [-3, 2, 0, -7, 1, 1, 1, 1, 1, 1, 1],
    })
    rows = list(csv.reader(io.StringIO(csv_text(frame), newline="")))
    assert rows[0] == ["category", "change"]
    assert [row[0] for row in rows[1:]] == [
        "'" + FORMULA, "'+1+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1",
        "-3", "+4.5",  # text that is exactly a number: a spreadsheet reads that number
        "plain", "a=b", ""]
    assert [row[1] for row in rows[1:4]] == ["-3", "2", "0"]  # numbers are never touched


def test_a_formula_in_a_free_category_reaches_every_csv_quoted(database, capsys):
    from supervision_dash.views.style import csv_bytes

    with open_warehouse(database) as warehouse:
        equity = warehouse.query("equity", as_of="2024-05-08")
        downloaded = csv_bytes(equity).getvalue().decode()
        change = warehouse.query("outcome_change", as_of="2024-06-30")
    status, printed, _ = run_cli(capsys, "query", "equity", "--db", database, "--param",
                                 "as_of=2024-05-08", "--format", "csv")
    assert status == 0
    assert printed == downloaded  # the download and the command write the same bytes
    categories = {row["category"]
                  for row in csv.DictReader(io.StringIO(printed, newline=""))}
    # hand-checked: 0001's gender, 0002's race and language, 0003's gender "-3" (a number)
    assert {"'" + FORMULA, "'@SUM(A1)", "'-2+3", "-3"} <= categories
    assert not {FORMULA, "@SUM(A1)", "-2+3"} & categories
    # 0001's PHQ9 went 15 -> 8: the change is the number -7 (scores are numbers: -7.0),
    # written as it is
    changes = list(csv.DictReader(io.StringIO(csv_text(change), newline="")))
    assert [row["change"] for row in changes] == ["-7.0"]


# --- item 14: one line and the right exit status --------------------------------------------

UNREADABLE = {
    "missing": lambda db, folder: folder / "missing.duckdb",
    "not DuckDB": lambda db, folder: _write(folder / "notes.duckdb", f"{MARKER}\n" * 500),
    "another schema": lambda db, folder: broken_copy(db, folder, "DROP TABLE extract_load"),
    "older storage": lambda db, folder: broken_copy(
        db, folder, "UPDATE extract_load SET storage_version = '1'"),
    "a table dropped": lambda db, folder: broken_copy(db, folder, "DROP TABLE peers"),
    "a column rebuilt as text holding the marker": lambda db, folder: broken_copy(
        db, folder, f"CREATE TABLE rebuilt AS SELECT * REPLACE ('{MARKER}' AS duration_min) "
                    "FROM contacts", "DROP TABLE contacts",
        "ALTER TABLE rebuilt RENAME TO contacts"),
}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


OPENS = {"a table dropped", "a column rebuilt as text holding the marker"}  # a query fails


@pytest.fixture
def no_serving(monkeypatch):
    """`serve` may get as far as checking its database and settings, never to listening."""
    def refuse(*args, **kwargs):
        raise AssertionError("the server would have started")

    monkeypatch.setattr("supervision_dash.service.serve", refuse)


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_database_that_cannot_be_read_is_one_line_and_status_one(database, tmp_path, capsys,
                                                                   no_serving, case):
    broken = UNREADABLE[case](database, tmp_path / "case")
    commands = [
        ("query", "caseload", "--db", broken),
        ("query", "caseload", "--db", broken, "--format", "csv", "--role", "leadership"),
        ("report", "--db", broken, "--supervisor", "SV1", "--week", "2024-05-08",
         "-o", tmp_path / "packet.html"),
    ]
    if case not in OPENS:  # a database that opens is served, each page saying what it lacks
        commands.append(("serve", "--db", broken))
    for command in commands:
        status, out, err = run_cli(capsys, *command)
        assert status == 1, (command, err)
        assert_one_clean_line(err, out)
        assert broken.name in err  # it says which file
    assert not (tmp_path / "packet.html").exists()


def test_what_a_database_lacks_is_named(database, tmp_path, capsys):
    dropped = broken_copy(database, tmp_path / "dropped", "DROP TABLE goals",
                          "ALTER TABLE contacts DROP COLUMN mode")
    status, _, err = run_cli(capsys, "query", "goal_attainment", "--db", dropped)
    assert status == 1
    assert "broken.duckdb lacks column contacts.mode and table goals: load the extract again" \
        in err
    with open_warehouse(dropped) as warehouse:
        assert warehouse.missing_parts == ["column contacts.mode", "table goals"]
        with pytest.raises(WarehouseError, match="and table goals"):
            warehouse.require_contract()
    rebuilt = UNREADABLE["a column rebuilt as text holding the marker"](database, tmp_path / "r")
    with open_warehouse(rebuilt) as warehouse:
        assert warehouse.missing_parts == ["column contacts.duration_min as INTEGER"]
    with open_warehouse(database) as warehouse:
        assert warehouse.missing_parts == []


def test_a_database_held_by_a_writer_is_one_line_and_status_one(database, tmp_path, capsys):
    held = tmp_path / "held.duckdb"
    shutil.copy(database, held)
    writer = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                               "print('holding', flush=True); sys.stdin.read()", str(held)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "holding"  # the lock is taken
        status, out, err = run_cli(capsys, "query", "caseload", "--db", held)
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
    assert status == 1
    assert_one_clean_line(err, out)
    assert "open for writing by another process" in err


@pytest.mark.parametrize("settings_text", [
    "[disclosure]\nmin_cell_size = 'eleven'\n", "not toml at all = = =\n",
    "[nonsense]\nkey = 1\n", None])
def test_bad_settings_are_one_line_and_status_two(database, tmp_path, capsys, no_serving,
                                                  settings_text):
    settings = tmp_path / "settings.toml"
    if settings_text is not None:  # None: the file named does not exist
        settings.write_text(settings_text)
    for command in [("query", "caseload", "--db", database),
                    ("report", "--db", database, "--supervisor", "SV1", "--week", "2024-05-08",
                     "-o", tmp_path / "packet.html"),
                    ("serve", "--db", database)]:
        status, out, err = run_cli(capsys, *command, "--settings", settings)
        assert status == 2, (command, err)
        assert_one_clean_line(err, out)
        assert "setting" in err


@pytest.mark.parametrize("arguments", [
    ("query", "caseload", "--param", "nonsense=1"),
    ("query", "caseload", "--param", "as_of=yesterday"),
    ("query", "caseload", "--param", "as_of"),
    ("query", "caseloads"),
    ("query", "engagement", "--param", "by=nonsense"),  # refused by the query's own SQL
    ("query", "engagement", "--param", "months=0"),
    ("query", "caseload_participants", "--role", "leadership"),
    ("report", "--supervisor", "SV1", "--week", "last week"),
])
def test_a_wrong_parameter_is_one_line_and_status_two(database, capsys, arguments):
    status, out, err = run_cli(capsys, *arguments, "--db", database)
    assert status == 2, err
    assert_one_clean_line(err, out)


def test_argparse_usage_errors_are_status_two(capsys):
    status, out, err = run_cli(capsys, "query", "caseload", "--format", "xlsx")
    assert status == 2 and "invalid choice" in err
    status, out, err = run_cli(capsys, "generate", "out", "--contacts", "5")
    assert status == 2
    assert_one_clean_line(err, out)


def test_an_unexpected_error_is_one_line_naming_only_its_kind_and_place(database, capsys,
                                                                       monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError(MARKER)

    monkeypatch.setattr("supervision_dash.export.for_display", broken)
    status, out, err = run_cli(capsys, "query", "caseload", "--db", database, "--format", "csv")
    assert status == 1
    assert_one_clean_line(err, out)
    assert "unexpected ZeroDivisionError at export.py:" in err  # where our code called it


def test_a_failure_in_a_real_process_prints_one_line(database, tmp_path):
    """The console script itself, end to end: no traceback reaches the terminal."""
    settings = tmp_path / "bad.toml"
    settings.write_text("[disclosure]\nmin_cell_size = 'eleven'\n")
    result = subprocess.run(
        [sys.executable, "-m", "supervision_dash.cli", "serve", "--db", str(database),
         "--settings", str(settings)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert_one_clean_line(result.stderr, result.stdout)


# --- item 15: leadership pages over suppressed cells ---------------------------------------

@pytest.fixture(scope="module")
def leadership_tiny(tmp_path_factory):
    """The browser tests' tiny program (North: 3 peers and 8 participants, South: 14 and 17),
    in the leadership role: most counts are small, so suppressed cells are everywhere."""
    from tests.browser.tiny_program import TINY
    from tests.browser.tiny_program import write_extract as write_tiny

    folder = tmp_path_factory.mktemp("leadership_tiny")
    database = folder / "tiny.duckdb"
    load(write_tiny(folder / "extract", TINY, base={}), database)
    with open_warehouse(database, role="leadership") as warehouse:
        yield warehouse


def test_leadership_pages_drawn_in_the_template_follow_a_site_change(leadership_tiny):
    """Every leadership page drawn as a served session draws it (the template, Bokeh models,
    the plots), then every site, dimension and measure chosen in turn: nothing raises (a
    plot over suppressed cells, hiding a drawn plot), and the equity table follows the site."""
    from bokeh.document import Document

    from supervision_dash.app import build
    from supervision_dash.views.engagement import DIMENSIONS, EngagementView
    from supervision_dash.views.style import csv_bytes

    template = build(leadership_tiny)
    template.server_doc(Document())
    state, views = template.state, template.views
    engagement = next(view for view in views if isinstance(view, EngagementView))
    for view in views:
        view.active = True  # every page refreshes on every change
    every_site = csv_bytes(engagement.equity.frame).getvalue()
    equity_csv = {}
    for site in state.param.site.objects[1:]:
        state.site = site
        for measure in state.param.measure.objects:
            state.measure = measure
        for dimension in DIMENSIONS:
            engagement.dimension.value = dimension
        equity_csv[site] = csv_bytes(engagement.equity.frame).getvalue()
    assert list(equity_csv) == ["North", "South"]
    assert every_site not in equity_csv.values()
    assert equity_csv["North"] != equity_csv["South"]


def test_the_week_filter_refuses_a_day_outside_the_data(leadership_tiny):
    """The day a session is as of lies between the first contact (Mon 3 Mar 2025) and the last
    (Fri 14 Mar 2025), and the weeks offered end inside them: a link's year-1 week is corrected
    to that range, never run (it overflowed the week's start)."""
    import datetime as dt

    from supervision_dash.state import ProgramState

    state = ProgramState(leadership_tiny)
    assert state.param.as_of.bounds == (dt.date(2025, 3, 3), dt.date(2025, 3, 14))
    assert state.weeks() == [dt.date(2025, 3, 14), dt.date(2025, 3, 7)]
    with pytest.raises(ValueError):
        state.as_of = dt.date(1, 1, 1)
    assert state.as_of == dt.date(2025, 3, 14)
