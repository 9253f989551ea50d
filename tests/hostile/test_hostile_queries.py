"""Hostile and clumsy questions to the query layer: a rare category typed into a free field, a
query folder that reaches for files, a cell-size threshold too small to protect anyone, and
parameters no metric can answer. One marker value is planted in each case; it must appear in
no message, no CSV and no leadership frame."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from supervision_dash import load, open_warehouse
from supervision_dash.catalogue import ParameterError
from supervision_dash.disclosure import for_display
from supervision_dash.settings import Settings, SettingsError
from supervision_dash.warehouse import LeadershipError, QueryError
from tests.conftest import csv, write_extract

MARKER = "ZQXMARK7731"

# 35 participants of one peer, all active and seen on as_of (2024-06-30): 12 women, 12 men, 10
# who wrote "nonbinary" and one person whose gender field holds the marker, a name typed into
# the wrong box. The two rare labels (10 and 1 participants, under 11) make an "Other" of 11.
PEERS = csv("peer_id,site,supervisor_id,languages", "PR1,North,SV1,en")
GENDERS = ["female"] * 12 + ["male"] * 12 + ["nonbinary"] * 10 + [MARKER]
PARTICIPANTS = csv("participant_id,peer_id,enrolled_on,gender,preferred_language",
                   *[f"A{index:02d},PR1,2024-01-01,{gender},en"
                     for index, gender in enumerate(GENDERS)])
CONTACTS = csv("contact_id,participant_id,peer_id,started_at,duration_min,mode",
               *[f"K{index:02d},A{index:02d},PR1,2024-06-30 10:00,30,phone"
                 for index in range(len(GENDERS))])


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "program.duckdb"
    load(write_extract(tmp_path / "extract", {"peers": PEERS, "participants": PARTICIPANTS,
                                              "contacts": CONTACTS}, base={}), path)
    return path


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "supervision_dash.cli", *map(str, args)],
                          capture_output=True, text=True)


# --- item 5: a rare free category is merged into "Other" for leadership ----------------------

def test_a_rare_category_is_other_in_leadership_output(database):
    with open_warehouse(database, role="leadership") as leadership:
        frame = leadership.query("equity")
        gender = frame[frame["dimension"] == "gender"]
        # the counts stay exact: 10 + 1 in "Other", every one of them active and engaged
        assert gender["category"].tolist() == ["Other", "female", "male"]
        assert gender["participants"].tolist() == [11, 12, 12]
        assert gender["engaged"].tolist() == [11, 12, 12]
        assert MARKER not in frame.to_csv() and MARKER not in for_display(frame).to_csv()
    with open_warehouse(database) as supervisor:  # the care team sees the field as recorded
        assert {MARKER, "nonbinary"} <= set(supervisor.query("equity")["category"])


def test_a_rare_category_never_reaches_the_leadership_cli(database):
    result = _cli("query", "equity", "--db", database, "--role", "leadership", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "gender,Other" in result.stdout
    assert MARKER not in result.stdout + result.stderr


# --- item 7: query folders cannot reach files, nor replace a built-in for leadership ---------

@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text(f"name\n{MARKER}\n", encoding="utf-8")
    return path


def _folder(tmp_path, name, sql):
    folder = tmp_path / f"queries_{name}"
    folder.mkdir()
    (folder / f"{name}.sql").write_text(
        f"-- {name}: a hostile query.\n-- column name value: what it read\n{sql}\n",
        encoding="utf-8")
    return folder


@pytest.mark.parametrize("sql", [
    "SELECT name FROM read_csv('{secret}')",
    "COPY participants TO '{copy}'",
    "SELECT content AS name FROM read_text('{secret}')",
])
def test_a_user_query_cannot_read_or_write_files(database, tmp_path, secret, sql):
    copy = tmp_path / "copied.csv"
    folder = _folder(tmp_path, "reach", sql.format(secret=secret, copy=copy))
    with open_warehouse(database, queries=folder) as warehouse:
        with pytest.raises(QueryError) as refusal:
            warehouse.query("reach")
    message = str(refusal.value)
    assert "\n" not in message and MARKER not in message
    assert not copy.exists()


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('{secret}')",
    "COPY participants TO '{copy}'",
    "ATTACH '{other}' AS other",
    "SET enable_external_access = true",
])
def test_ad_hoc_sql_cannot_read_write_attach_or_unlock(database, tmp_path, secret, sql):
    copy, other = tmp_path / "copied.csv", tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with open_warehouse(database) as warehouse:
        with pytest.raises(QueryError) as refusal:
            warehouse.sql(sql.format(secret=secret, copy=copy, other=other))
        assert warehouse.query("caseload")["active_participants"].tolist() == [35]
    message = str(refusal.value)
    assert "\n" not in message and MARKER not in message
    assert not copy.exists()


def test_the_cli_refuses_a_user_query_in_one_line(database, tmp_path, secret):
    folder = _folder(tmp_path, "reach", f"SELECT name FROM read_csv('{secret}')")
    result = _cli("query", "reach", "--db", database, "--queries", folder)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert MARKER not in result.stdout + result.stderr


def test_leadership_refuses_any_query_folder(database, tmp_path):
    folder = _folder(tmp_path, "workforce", "SELECT participant_id AS name FROM participants")
    with pytest.raises(LeadershipError, match="^the leadership role runs the built-in queries "
                                              "only: a query folder is refused$"):
        open_warehouse(database, role="leadership", queries=folder)
    result = _cli("query", "workforce", "--db", database, "--role", "leadership",
                  "--queries", folder)
    assert result.returncode == 2 and "A00" not in result.stdout + result.stderr
    with open_warehouse(database, queries=folder) as supervisor:  # the care team's own folder
        assert len(supervisor.query("workforce")) == 35


def test_several_warehouses_and_plain_connections_share_one_file(database):
    """DuckDB keeps one instance per file in a process; its locked sandbox must not stop a
    second warehouse, nor a notebook's own read-only connection, from opening the file."""
    with open_warehouse(database) as first, open_warehouse(database, role="leadership") as other:
        assert first.query("caseload")["active_participants"].tolist() == [35]
        assert other.query("workforce")["peers"].tolist() == [1]
        with duckdb.connect(str(database), read_only=True) as plain:
            assert plain.execute("SELECT count(*) FROM participants").fetchone() == (35,)


# --- item 8: a cell-size threshold below 11 protects no one -----------------------------------

@pytest.mark.parametrize("size", [2, 10, 0, -1])
def test_a_minimum_cell_size_below_11_is_refused(size, tmp_path):
    with pytest.raises(SettingsError, match="min_cell_size"):
        Settings(min_cell_size=size)
    toml = tmp_path / "program.toml"
    toml.write_text(f"[disclosure]\nmin_cell_size = {size}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="min_cell_size"):
        Settings.from_toml(toml)


def test_a_larger_minimum_cell_size_is_fine():
    assert Settings(min_cell_size=20).min_cell_size == 20


# --- item 14: parameters no metric can answer ---------------------------------------------------

@pytest.mark.parametrize("params", [
    {"months": -5}, {"months": "1e10"}, {"by": MARKER}, {"site": MARKER},
    {"as_of": MARKER}, {"months": MARKER},
])
def test_bad_parameters_are_one_line_that_never_echoes(database, params):
    with open_warehouse(database) as warehouse:
        with pytest.raises(ParameterError) as refusal:
            warehouse.query("engagement", **params)
    message = str(refusal.value)
    assert "\n" not in message and MARKER not in message


@pytest.mark.parametrize("param", ["months=-5", "months=1e10", "by=nonsense", f"by={MARKER}"])
def test_bad_parameters_on_the_cli(database, param):
    result = _cli("query", "engagement", "--db", database, "--param", param)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and MARKER not in result.stderr
