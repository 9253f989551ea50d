"""The command line: generate, validate and load, each with --help and honest exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import BASE, replace_line


def run(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "supervision_dash.cli", *map(str, args)],
                            capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "supervision-dash"
    assert script.exists()
    assert subprocess.run([str(script), "--help"], capture_output=True).returncode == 0


@pytest.mark.parametrize("command", ["generate", "validate", "load", "query"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert "usage: supervision-dash " + command in result.stdout


def test_generate_validate_load(tmp_path):
    out, database = tmp_path / "extract", tmp_path / "program.duckdb"
    generated = run("generate", out, "--contacts", 2500, "--seed", 4)
    assert "contacts 2,500" in generated.stderr  # progress and the summary go to stderr
    assert sorted(p.name for p in out.iterdir())[:3] == ["admissions.csv", "appointments.csv",
                                                       "contacts.csv"]
    validated = run("validate", out)
    assert "passes validation" in validated.stdout
    loaded = run("load", out, "--db", database)
    assert "Loaded" in loaded.stdout and "writing contacts" in loaded.stderr
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM contacts").fetchone() == (2500,)


def test_generate_parquet(tmp_path):
    run("generate", tmp_path / "p", "--contacts", 1000, "--format", "parquet", "--quiet")
    assert (tmp_path / "p" / "contacts.parquet").exists()


def test_validate_fails_with_status_one_and_json(make_extract):
    folder = make_extract(contacts=replace_line(
        BASE["contacts"], 2, "C1,0001,PR1,2024-05-06 09:00,0,in_person,clinic,,,,,"))
    result = run("validate", folder, check=False)
    assert result.returncode == 1
    assert "contacts.duration_min [range]" in result.stdout
    as_json = run("validate", folder, "--json", check=False)
    assert '"rule": "range"' in as_json.stdout


def test_a_failed_load_says_nothing_changed(make_extract, tmp_path):
    database = tmp_path / "program.duckdb"
    run("load", make_extract(), "--db", database)
    before = database.read_bytes()
    result = run("load", make_extract(peers=None), "--db", database, check=False)
    assert result.returncode == 1
    assert "unchanged" in result.stderr and "missing table" in result.stderr
    assert database.read_bytes() == before


def test_a_bad_argument_is_a_usage_error(tmp_path):
    result = run("generate", tmp_path / "x", "--contacts", "many", check=False)
    assert result.returncode == 2 and "invalid" in result.stderr


def test_query_list_and_formats(make_extract, tmp_path):
    database = tmp_path / "program.duckdb"
    run("load", make_extract(), "--db", database)
    listing = run("query", "--list").stdout
    assert "caseload: each peer's caseload" in listing
    assert "parameters: as_of, site, supervisor_id, peer_id" in listing
    as_csv = run("query", "caseload", "--db", database, "--param", "as_of=2024-05-08",
                 "--param", "site=North", "--format", "csv").stdout.splitlines()
    assert as_csv[0].startswith("peer_id,site,supervisor_id,active_participants")
    assert as_csv[1].startswith("PR1,North,SV1,2,")
    assert len(as_csv) == 2
    as_json = run("query", "caseload", "--db", database, "--format", "json").stdout
    assert '"peer_id":"PR2"' in as_json.replace(" ", "")
    table = run("query", "caseload", "--db", database, "--role", "leadership").stdout
    assert "<11" in table


def test_query_errors_are_clear(make_extract, tmp_path):
    database = tmp_path / "program.duckdb"
    run("load", make_extract(), "--db", database)
    unknown = run("query", "caseloads", "--db", database, check=False)
    assert unknown.returncode == 2 and "unknown query 'caseloads'" in unknown.stderr
    bad = run("query", "caseload", "--db", database, "--param", "as_of=tomorrow", check=False)
    assert bad.returncode == 2 and "as_of: must be a date (YYYY-MM-DD)" in bad.stderr
