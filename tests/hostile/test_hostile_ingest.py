"""Hostile and clumsy extracts: validation, the identifier guard and the loader hold.

Every case builds its corrupted extract from a small generated one, plants one marker value
(MARK, alone or inside an email or a phone number) and checks that the marker appears nowhere:
not in the CLI's stdout, stderr or --json report, not in an exception's text, and not in the
metadata tables of a database that was built.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from supervision_dash import ExtractError, load, validate
from supervision_dash.contract import TABLES
from supervision_dash.identifiers import KEY, identifier_column_kind, value_kind
from supervision_dash.synthetic import generate

MARK = "ZQXMARK7731"
EMAIL = f"{MARK}@example.org"
TODAY = dt.date(2026, 11, 30)  # the day of validation for the Python API cases
METADATA = ("extract_load", "extract_tables", "extract_warnings")


# --- building corrupted extracts ------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated") / "extract"
    generate(folder, contacts=300, seed=3)
    return folder


@pytest.fixture
def extract(generated, tmp_path):
    """A fresh copy of the generated extract, to corrupt."""
    return Path(shutil.copytree(generated, tmp_path / "extract"))


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_value(path: Path, line: int, column: str, value: str) -> None:
    """Set one field of a CSV file (line 1 is the header)."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def add_column(path: Path, name: str, values: dict[int, str]) -> None:
    """Add a column outside the contract, with ``values`` on some lines and empty elsewhere."""
    rows = read_rows(path)
    for line, row in enumerate(rows, start=1):
        row.append(name if line == 1 else values.get(line, ""))
    write_rows(path, rows)


def to_parquet(folder: Path, table: str, types: dict[str, pa.DataType] | None = None,
               change=None) -> Path:
    """Replace <table>.csv by <table>.parquet: text columns as strings (or ``types``), after
    ``change(columns)`` edited the dict of column -> list of values."""
    rows = read_rows(folder / f"{table}.csv")
    columns = {name: [row[index] or None for row in rows[1:]]
               for index, name in enumerate(rows[0])}
    if change:
        change(columns)
    arrays = {}
    for name, values in columns.items():
        kind = (types or {}).get(name)
        arrays[name] = values if isinstance(values, pa.Array) else pa.array(
            values, kind or pa.string())
    path = folder / f"{table}.parquet"
    pq.write_table(pa.table(arrays), path)
    (folder / f"{table}.csv").unlink()
    return path


# --- looking for the marker -----------------------------------------------------------------

def cli(*args, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "supervision_dash.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def assert_unsaid(*texts: str) -> None:
    for text in texts:
        assert MARK.lower() not in text.lower()


def metadata_text(database: Path) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        return "\n".join(repr(con.execute(f"SELECT * FROM {table}").fetchall())
                         for table in METADATA)


def validate_everywhere(folder: Path, **python_kwargs):
    """Validate with the Python API and the CLI (text and --json); the marker in none of them.
    Returns the report, the CLI's text result and its JSON."""
    report = validate(folder, today=python_kwargs.get("today", TODAY))
    as_text = cli("validate", folder)
    as_json = cli("validate", folder, "--json")
    assert_unsaid(str(report), json.dumps(report.to_dict()), as_text.stdout, as_text.stderr,
                  as_json.stdout, as_json.stderr)
    assert "Traceback" not in as_text.stderr + as_json.stderr
    return report, as_text, json.loads(as_json.stdout)


def found(report, rule=None, table=None, column=None):
    return [(p.table, p.column, p.rule, p.unit, p.locations) for p in report.problems
            if (rule is None or p.rule == rule) and (table is None or p.table == table)
            and (column is None or p.column == column)]


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- 1. every value that ends up as text is guarded, whatever its Parquet type --------------

@pytest.mark.parametrize("kind", [pa.binary(), pa.large_binary(), pa.large_string(),
                                  pa.string_view(), "dictionary"])
def test_1_text_in_any_parquet_type_meets_the_guard(extract, kind, tmp_path):
    def plant(columns):
        columns["gender"][4] = EMAIL
        if kind == "dictionary":
            columns["gender"] = pa.array(columns["gender"]).dictionary_encode()
        elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            columns["gender"] = pa.array([None if v is None else v.encode() for v in
                                          columns["gender"]], kind)
        else:
            columns["gender"] = pa.array(columns["gender"], kind)

    to_parquet(extract, "participants", change=plant)
    report, as_text, as_json = validate_everywhere(extract)
    assert found(report, "identifier value") == [
        ("participants", "gender", "identifier value", "row", [5])]
    assert as_text.returncode == 1 and as_json["ok"] is False
    with pytest.raises(ExtractError) as failure:
        load(extract, tmp_path / "program.duckdb", today=TODAY)
    assert_unsaid(str(failure.value))
    assert not (tmp_path / "program.duckdb").exists()


def test_1_nested_columns_are_refused_and_binary_must_be_utf8(extract):
    def nested(columns):
        columns["gender"] = pa.array([[v, MARK] for v in columns["gender"]])
        columns["household"] = pa.array([{"contact": EMAIL}] * len(columns["participant_id"]))

    to_parquet(extract, "participants", change=nested)

    def latin1(columns):
        sites = [None if v is None else v.encode() for v in columns["site"]]
        sites[2] = f"N\xf6rth {MARK}".encode("latin-1")
        columns["site"] = pa.array(sites, pa.binary())

    to_parquet(extract, "peers", change=latin1)
    report, as_text, _ = validate_everywhere(extract)
    assert found(report, table="participants") == [
        ("participants", "gender", "type", "file", []),
        ("participants", "household", "type", "file", [])]
    assert all("nested" in p.message for p in report.problems if p.table == "participants")
    assert found(report, table="peers") == [("peers", "site", "encoding", "row", [3])]
    assert "peers.site [encoding] the value is not UTF-8 text — row 3" in as_text.stdout


# --- 2. no value in any message: conversions, lost headers ----------------------------------

def _numeric_participant_ids(folder: Path) -> None:
    """participant_id as an integer in participants.parquet, as digits in the CSV tables."""
    for path in folder.glob("*.csv"):
        rows = read_rows(path)
        if "participant_id" in rows[0]:
            index = rows[0].index("participant_id")
            for row in rows[1:]:
                row[index] = str(int(row[index][1:]))
            write_rows(path, rows)
    to_parquet(folder, "participants", types={"participant_id": pa.int64()},
               change=lambda c: c.update(participant_id=[int(v) for v in c["participant_id"]]))


def test_2_an_integer_key_is_compared_as_text_and_values_are_never_quoted(extract, tmp_path):
    _numeric_participant_ids(extract)
    passing = tmp_path / "passing.duckdb"
    load(extract, passing, today=TODAY)  # integer keys are text keys: the references hold
    with duckdb.connect(str(passing), read_only=True) as con:
        assert con.execute("SELECT typeof(participant_id), participant_id FROM participants "
                           "ORDER BY enrolled_on, participant_id LIMIT 1").fetchone()[0] \
            == "VARCHAR"
    set_value(extract / "contacts.csv", 5, "participant_id", EMAIL)
    report, as_text, as_json = validate_everywhere(extract)
    assert as_text.returncode == 1 and "Traceback" not in as_text.stderr
    assert found(report, table="contacts", column="participant_id") == [
        ("contacts", "participant_id", "reference", "line", [5]),
        ("contacts", "participant_id", "identifier value", "line", [5])]
    assert {(e["table"], e["rule"]) for e in as_json["errors"]} == {
        ("contacts", "reference"), ("contacts", "identifier value")}


def test_2_a_lost_header_line_is_named_without_its_values(extract):
    rows = read_rows(extract / "participants.csv")
    rows[1][rows[0].index("gender")] = f"{MARK} Rivera"  # a person's name, no identifier shape
    write_rows(extract / "participants.csv", rows[1:])  # the header line is lost
    report, as_text, as_json = validate_everywhere(extract)
    assert found(report, table="participants") == [
        ("participants", None, "header", "line", [1])]
    assert "the header line is missing or wrong" in as_text.stdout
    assert as_json["warnings"] == []  # no "extra column" named after a value


def test_2_an_extra_column_is_named_and_its_values_never_stored(extract, tmp_path):
    add_column(extract / "participants.csv", "favourite_colour", {3: MARK})
    report, as_text, _ = validate_everywhere(extract)
    assert as_text.returncode == 0
    assert found(report) == [("participants", "favourite_colour", "extra column", "line", [1])]
    database = tmp_path / "program.duckdb"
    loaded = cli("load", extract, "--db", database)
    assert loaded.returncode == 0 and "favourite_colour" in loaded.stderr
    assert_unsaid(loaded.stdout, loaded.stderr, metadata_text(database))


def test_2_duckdb_errors_become_one_line_without_the_value(extract, tmp_path, monkeypatch):
    """Whatever DuckDB says (its messages quote values), the user sees table and kind only."""
    import supervision_dash.validation as validation

    def refuse(*args, **kwargs):
        raise duckdb.ConversionException(f"Could not convert string '{EMAIL}' to INT64")

    monkeypatch.setattr(validation, "_check_references", refuse)
    report = validate(extract, today=TODAY)
    assert {(p.table, p.rule) for p in report.errors} >= {("contacts", "unreadable value")}
    assert_unsaid(str(report))
    child = textwrap.dedent(f"""
        import sys, duckdb
        import supervision_dash.loader as loader
        import supervision_dash.validation as validation
        from supervision_dash import cli
        def refuse(*args, **kwargs):
            raise duckdb.ConversionException("Could not convert string '{EMAIL}' to INT64")
        validation.stage_and_check = loader.stage_and_check = refuse
        sys.exit(cli.main(sys.argv[1:]))
    """)
    database = tmp_path / "x.duckdb"
    for command, said in (
            (["validate", extract], "DuckDB could not read the data (ConversionException)"),
            (["load", extract, "--db", database, "--quiet"],
             "the load failed (DuckDB could not convert a value; value not shown)")):
        result = subprocess.run([sys.executable, "-c", child, *map(str, command)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1
        [line] = result.stderr.splitlines()
        assert said in line and "Traceback" not in line
        assert_unsaid(result.stdout, result.stderr)


# --- 3. symbolic links and other odd files --------------------------------------------------

def test_3_table_files_must_be_regular_files(extract, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(f"{MARK}:x:0:0:root:/root:/bin/bash\n")
    (extract / "participants.csv").unlink()
    (extract / "participants.csv").symlink_to(outside)
    (extract / "goals.csv").unlink()
    (extract / "goals.csv").symlink_to(tmp_path / "nowhere.csv")  # dangling
    (extract / "admissions.csv").unlink()
    os.mkfifo(extract / "admissions.csv")  # reading it would wait for ever
    report, as_text, _ = validate_everywhere(extract)
    assert [(p.table, p.rule) for p in report.errors] == [
        ("participants", "not a regular file"), ("admissions", "not a regular file"),
        ("goals", "not a regular file")]
    assert "participants.csv is a symbolic link" in as_text.stdout
    assert "goals.csv is a symbolic link" in as_text.stdout
    assert "admissions.csv is not a regular file" in as_text.stdout
    assert "missing table" not in as_text.stdout


def test_3_the_extract_folder_itself_may_be_a_link(extract, tmp_path):
    add_column(extract / "peers.csv", "team_colour", {2: MARK})
    dated = extract.rename(tmp_path / "2026-11-30")
    latest = tmp_path / "latest"
    latest.symlink_to(dated, target_is_directory=True)
    report, as_text, _ = validate_everywhere(latest)
    assert report.ok and as_text.returncode == 0
    database = tmp_path / "program.duckdb"
    loaded = cli("load", latest, "--db", database)
    assert loaded.returncode == 0, loaded.stderr
    assert_unsaid(loaded.stdout, loaded.stderr, metadata_text(database))


# --- 4. identifier shapes with gaps, decided per column kind --------------------------------

def test_4_wider_identifier_shapes_in_free_text_and_keys(extract):
    participants = extract / "participants.csv"
    set_value(participants, 2, "gender", f"call 5558675309 {MARK}")
    set_value(participants, 3, "race_ethnicity", f"{MARK} 078051120")
    set_value(participants, 4, "preferred_language", f"{MARK} at example dot org")
    set_value(participants, 5, "gender", f"evil.example/{MARK}")
    set_value(participants, 6, "race_ethnicity", f"{MARK}@localhost")
    set_value(extract / "contacts.csv", 3, "contact_id", f"{MARK}@localhost")
    set_value(extract / "contacts.csv", 4, "group_session_id", f"{MARK}.example/x")
    report, as_text, _ = validate_everywhere(extract)
    guarded = {(p.table, p.column, p.message.split(";")[0], tuple(p.locations))
               for p in report.problems if p.rule == "identifier value"}
    assert guarded == {
        ("participants", "gender", "a value looks like a phone number", (2,)),
        ("participants", "race_ethnicity", "a value looks like an SSN", (3,)),
        ("participants", "preferred_language", "a value looks like an email address", (4,)),
        ("participants", "gender", "a value looks like a URL", (5,)),
        ("participants", "race_ethnicity", "a value looks like an email address", (6,)),
        ("contacts", "contact_id", "a value looks like an email address", (3,)),
        ("contacts", "group_session_id", "a value looks like a URL", (4,)),
    }
    assert as_text.returncode == 1


def test_4_keys_may_be_long_digit_runs(extract, tmp_path):
    """Pseudonymous keys made of digits (10 or 9 of them) are keys, not phone numbers or SSNs;
    the same digits in a free-text column are refused."""
    for path in extract.glob("*.csv"):
        rows = read_rows(path)
        if "participant_id" in rows[0]:
            index = rows[0].index("participant_id")
            for row in rows[1:]:
                row[index] = f"55586{int(row[index][1:]):05d}"  # a phone's shape
            write_rows(path, rows)
    set_value(extract / "contacts.csv", 2, "contact_id", "078051120")
    add_column(extract / "peers.csv", "badge", {2: MARK})
    report, as_text, _ = validate_everywhere(extract)
    assert report.ok, str(report)
    assert value_kind("5558600001") == "phone number" and value_kind("5558600001", KEY) is None
    database = tmp_path / "program.duckdb"
    assert cli("load", extract, "--db", database).returncode == 0
    assert_unsaid(metadata_text(database))


def test_4_the_keys_are_the_ids_and_their_references():
    """One definition: the contract marks its IDs as keys, and nothing else."""
    keys = {(table.name, column.name) for table in TABLES.values() for column in table.columns
            if column.key}
    ids = {(table.name, column.name) for table in TABLES.values() for column in table.columns
           if column.type == "text" and (column.name.endswith("_id") or column.references)}
    assert keys == ids
    assert value_kind(f"{MARK} at example dot org", KEY) == "email address"
    assert value_kind("078051120", KEY) is None and value_kind("078051120") == "SSN"


@pytest.mark.parametrize("column", ["client_initials", "home_addr", "HomePhone", "addr2"])
def test_4_more_identifier_column_names(extract, column):
    assert identifier_column_kind(column) is not None
    add_column(extract / "participants.csv", column, {2: MARK})
    report, _, as_json = validate_everywhere(extract)
    assert found(report, "identifier column") == [
        ("participants", column, "identifier column", "line", [1])]
    assert as_json["ok"] is False


# --- 9. the target of a load ----------------------------------------------------------------

def test_9_a_load_never_overwrites_what_is_not_its_database(extract, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(f"supervision notes {MARK}\n")
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE notes AS SELECT $v AS note", {"v": MARK})
    folder = tmp_path / "databases"
    folder.mkdir()
    ours = tmp_path / "program.duckdb"  # a database built by load may be replaced...
    assert cli("load", extract, "--db", ours).returncode == 0
    link = tmp_path / "current.duckdb"  # ...but not through a link, which would be replaced
    link.symlink_to(ours)
    targets = {
        link: "is a symbolic link",
        extract / "contacts.csv": "inside the extract folder",
        extract / "new.duckdb": "inside the extract folder",
        notes: "is not a database built by supervision-dash load",
        other: "is not a database built by supervision-dash load",
        folder: "is a folder",
    }
    for target, reason in targets.items():
        before = target.read_bytes() if target.is_file() else None
        result = cli("load", extract, "--db", target, "--quiet")
        assert result.returncode == 2, (target, result.stderr)
        [line] = result.stderr.splitlines()
        assert reason in line
        assert_unsaid(result.stdout, result.stderr)
        assert (target.read_bytes() if target.is_file() else None) == before
    assert not (extract / "new.duckdb").exists()
    assert listing(folder) == [] and link.is_symlink()
    assert cli("load", extract, "--db", ours).returncode == 0


# --- 10. an extract that would replace a good database with a broken one --------------------

def test_10_an_empty_required_table_is_an_error(extract):
    rows = read_rows(extract / "contacts.csv")
    write_rows(extract / "contacts.csv", rows[:1])
    add_column(extract / "participants.csv", "team_colour", {2: MARK})
    report, as_text, _ = validate_everywhere(extract)
    assert found(report, "empty table") == [("contacts", None, "empty table", "file", [])]
    assert report.errors and as_text.returncode == 1


def test_10_dates_outside_1900_to_a_year_ahead(extract):
    """Day of validation 2026-11-30: dates up to 2027-11-30 pass, 2027-12-01 does not."""
    add_column(extract / "contacts.csv", "note", {2: MARK})
    contacts, participants = extract / "contacts.csv", extract / "participants.csv"
    set_value(contacts, 2, "started_at", "9999-12-31 10:00")
    set_value(contacts, 3, "started_at", "2027-11-30 23:59")  # the last minute accepted
    set_value(contacts, 4, "started_at", "2027-12-01 00:00")
    set_value(contacts, 5, "started_at", "1899-12-31 23:59")
    set_value(contacts, 6, "started_at", "1900-01-01 00:00")
    set_value(participants, 2, "enrolled_on", "0001-01-01")
    set_value(participants, 3, "enrolled_on", "1900-01-01")
    set_value(participants, 3, "discharged_on", "2027-11-30")
    set_value(participants, 4, "discharged_on", "2027-12-01")
    report = validate(extract, today=TODAY)
    assert found(report, "date range") == [
        ("participants", "enrolled_on", "date range", "line", [2]),
        ("participants", "discharged_on", "date range", "line", [4]),
        ("contacts", "started_at", "date range", "line", [2, 4, 5]),
    ]
    assert "before 1900-01-01 or after 2027-11-30" in str(report)
    assert_unsaid(str(report), json.dumps(report.to_dict()))
    a_day_later = validate(extract, today=TODAY + dt.timedelta(days=1))
    assert found(a_day_later, "date range", "contacts") == [
        ("contacts", "started_at", "date range", "line", [2, 5])]
    as_text = cli("validate", extract)  # today's date: 9999 is out whenever the test runs
    assert as_text.returncode == 1 and "contacts.started_at [date range]" in as_text.stdout
    assert_unsaid(as_text.stdout, as_text.stderr)


# --- 11. time zones -------------------------------------------------------------------------

def test_11_timestamps_with_an_offset_or_a_zone_are_refused(extract):
    add_column(extract / "contacts.csv", "note", {2: MARK})
    contacts = extract / "contacts.csv"
    for line, stamp in {2: "2025-08-25 15:30+02:00", 3: "2025-07-21 12:45Z",
                        4: "2025-07-21 12:45:00-0500", 5: "2025-07-21T12:45 America/New_York"
                        }.items():
        set_value(contacts, line, "started_at", stamp)
    set_value(contacts, 6, "escalated_at", "2030-01-01 10:00:00.5+01")
    report, as_text, _ = validate_everywhere(extract)
    assert found(report, rule="time zone") == [
        ("contacts", "started_at", "time zone", "line", [2, 3, 4, 5]),
        ("contacts", "escalated_at", "time zone", "line", [6])]
    assert "the contract wants the program's local time without an offset" in as_text.stdout


def test_11_a_parquet_timestamp_with_a_zone_is_refused(extract, tmp_path):
    add_column(extract / "contacts.csv", "note", {2: MARK})

    def zoned(columns):
        stamps = [dt.datetime.fromisoformat(v) for v in columns["started_at"]]
        columns["started_at"] = pa.array(stamps, pa.timestamp("us", tz="America/New_York"))

    to_parquet(extract, "contacts", change=zoned)
    report, as_text, _ = validate_everywhere(extract)
    assert found(report, rule="time zone") == [
        ("contacts", "started_at", "time zone", "file", [])]
    assert "the contract wants the program's local time" in as_text.stdout
    with pytest.raises(ExtractError):
        load(extract, tmp_path / "program.duckdb", today=TODAY)


# --- 12. NUL bytes and bytes that are not UTF-8 ---------------------------------------------

def test_12_nul_bytes_are_refused_at_their_line(extract):
    set_value(extract / "participants.csv", 3, "gender", f"fe\x00male {MARK}")
    set_value(extract / "contacts.csv", 4, "peer_id", f"PR00001\x00{MARK}")

    def nul(columns):
        columns["site"][1] = f"North\x00{MARK}"

    to_parquet(extract, "peers", change=nul)
    report, _, _ = validate_everywhere(extract)
    assert found(report, "NUL byte") == [
        ("peers", "site", "NUL byte", "row", [2]),
        ("participants", "gender", "NUL byte", "line", [3]),
        ("contacts", "peer_id", "NUL byte", "line", [4])]


def test_12_a_byte_that_is_not_utf8_is_reported_at_its_own_line(extract):
    """A latin-1 byte within the first 8 KB, on line 5: reported there, not as the header."""
    lines = (extract / "participants.csv").read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b'"', b'"\xf6' + MARK.encode() + b" ", 1)  # participant_id
    (extract / "participants.csv").write_bytes(b"\n".join(lines))
    report, _, _ = validate_everywhere(extract)
    assert found(report, table="participants") == [
        ("participants", "participant_id", "encoding", "line", [5])]
    assert report.tables["participants"].rows == len(lines) - 3  # header, line 5, last "\n"


# --- 13. temporary files, concurrent loads, kill -9 and Ctrl-C ------------------------------

# A load that holds still in a long DuckDB query once its temporary database is written, for
# the test to act on (Ctrl-C then stops a DuckDB query, the usual case in a real load).
HELD_LOAD = textwrap.dedent("""
    import sys
    import supervision_dash.loader as loader
    from supervision_dash import cli
    write_metadata = loader._write_metadata
    def held(con, *args, **kwargs):
        write_metadata(con, *args, **kwargs)
        con.execute("SET threads = 1")
        con.execute("SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3").fetchall()
    loader._write_metadata = held
    sys.exit(cli.main(sys.argv[1:]))
""")


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def _held_load(extract: Path, database: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HELD_LOAD, "load", str(extract), "--db",
                             str(database), "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def loaded(extract, tmp_path):
    """(extract with a marker in an extra column, a database already loaded from it)."""
    add_column(extract / "peers.csv", "team_colour", {2: MARK})
    database = tmp_path / "databases" / "program.duckdb"
    load(extract, database, today=TODAY)
    return extract, database


def test_13_kill_9_leaves_its_files_where_the_next_load_removes_them(loaded):
    extract, database = loaded
    before = database.read_bytes()
    (database.parent / ".program.duckdb.1a2b3c4d.tmp").write_text(MARK)  # an older version's
    process = _held_load(extract, database)
    temporary = database.parent / ".program.duckdb.loading" / "program.duckdb"
    _wait_for(temporary, process)
    process.kill()
    process.wait()
    assert database.read_bytes() == before
    assert ".program.duckdb.loading" in listing(database.parent)
    result = cli("load", extract, "--db", database, "--quiet")
    assert result.returncode == 0, result.stderr
    assert listing(database.parent) == ["program.duckdb"]
    assert_unsaid(result.stdout, result.stderr, metadata_text(database))


def test_13_a_second_load_is_refused_while_the_first_runs(loaded):
    extract, database = loaded
    before = database.read_bytes()
    first = _held_load(extract, database)
    temporary = database.parent / ".program.duckdb.loading" / "program.duckdb"
    _wait_for(temporary, first)
    second = cli("load", extract, "--db", database, "--quiet")
    assert second.returncode == 1
    assert second.stderr.splitlines() == [
        f"supervision-dash load: another load into {database} is running (it holds "
        ".program.duckdb.lock); wait for it to finish, then load again"]
    assert temporary.exists()  # the second load did not touch the first one's work
    first.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = first.communicate(timeout=120)
    assert first.returncode == 130
    assert err.splitlines() == [f"supervision-dash load: interrupted; nothing was loaded, "
                                f"{database} is unchanged"]
    assert database.read_bytes() == before
    assert listing(database.parent) == ["program.duckdb"]
    assert_unsaid(out, err, second.stdout, second.stderr)


def test_13_a_full_disk_ends_in_one_line(loaded):
    extract, database = loaded
    before = database.read_bytes()

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = subprocess.run(
        [sys.executable, "-m", "supervision_dash.cli", "load", str(extract), "--db",
         str(database), "--quiet"], capture_output=True, text=True, timeout=120,
        preexec_fn=small_disk, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "supervision-dash load: the load failed (the disk is full, or a file size limit was "
        f"reached); {database} is unchanged"]
    assert database.read_bytes() == before
    assert listing(database.parent) == ["program.duckdb"]
    assert_unsaid(result.stdout, result.stderr)
