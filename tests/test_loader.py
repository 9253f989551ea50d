"""Loading: typed tables, metadata, time-ordered contacts, and atomic replacement."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from supervision_dash import ExtractError, load
from supervision_dash.contract import CONTRACT_VERSION, TABLES
from supervision_dash.loader import STORAGE_VERSION
from tests.conftest import BASE, replace_line


def _rows(database, sql):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_tables_have_the_contract_types(make_extract, tmp_path):
    database = tmp_path / "db.duckdb"
    result = load(make_extract(), database)
    assert result.rows["contacts"] == 4
    for name, table in TABLES.items():
        described = {row[0]: row[1] for row in _rows(database, f"DESCRIBE {name}")}
        assert described == {column.name: column.sql_type for column in table.columns}, name


def test_values_are_converted(make_extract, tmp_path):
    database = tmp_path / "db.duckdb"
    load(make_extract(), database)
    assert _rows(database, "SELECT * FROM contacts WHERE contact_id = 'C3'") == [(
        "C3", "0003", "PR2", dt.datetime(2024, 5, 8, 14), 90, "group", "clinic", None, "G1", None,
        True, dt.datetime(2024, 5, 8, 15))]
    assert _rows(database, "SELECT boundary_concern, safety_concern FROM contacts "
                           "WHERE contact_id = 'C2'") == [(None, None)]  # 'none' means none
    assert _rows(database, "SELECT caseload_capacity FROM peers ORDER BY peer_id") == [(12,),
                                                                                     (None,)]


def test_contacts_are_stored_in_time_order(make_extract, tmp_path):
    contacts = BASE["contacts"].splitlines()
    shuffled = "\n".join([contacts[0], contacts[4], contacts[2], contacts[1], contacts[3]]) + "\n"
    database = tmp_path / "db.duckdb"
    load(make_extract(contacts=shuffled), database)
    stamps = [row[0] for row in _rows(database, "SELECT started_at FROM contacts")]
    assert stamps == sorted(stamps)


def test_metadata_records_the_load(make_extract, tmp_path):
    database = tmp_path / "db.duckdb"
    folder = make_extract(goals=None)
    load(folder, database)
    [(source, loaded_at, contract, tool, storage)] = _rows(database,
                                                           "SELECT * FROM extract_load")
    assert source == folder.name and contract == CONTRACT_VERSION
    assert storage == STORAGE_VERSION
    assert abs(loaded_at - dt.datetime.now()) < dt.timedelta(minutes=5)
    tables = {row[0]: row[1:] for row in _rows(database, "SELECT * FROM extract_tables")}
    assert tables["contacts"] == (True, "contacts.csv", 4)
    assert tables["goals"] == (False, None, 0)


def test_contact_durations_are_counted_per_mode(make_extract, tmp_path):
    database = tmp_path / "db.duckdb"
    load(make_extract(), database)
    assert _rows(database, "SELECT * FROM contact_durations") == [
        ("group", 90, 2), ("in_person", 45, 1), ("phone", 20, 1)]


def test_an_absent_optional_table_exists_empty(make_extract, tmp_path):
    database = tmp_path / "db.duckdb"
    load(make_extract(fidelity=None), database)
    assert _rows(database, "SELECT count(*) FROM fidelity") == [(0,)]


def test_feedback_training_and_mentoring_load_typed_or_empty_and_recorded_absent(
        make_extract, tmp_path):
    """With the tables: typed as the contract says (BASE has 2 answers, 2 courses, 1 pairing,
    PR2's course expiring on 2024-04-01, the pairing with no end). Without them: created empty
    with the same columns, and recorded absent."""
    present, absent = tmp_path / "present.duckdb", tmp_path / "absent.duckdb"
    load(make_extract(), present)
    assert _rows(present, "SELECT count(*), sum(score) FROM feedback") == [(2, 8)]
    assert _rows(present, "SELECT max(expires_on) FROM training WHERE peer_id = 'PR2'") == [
        (dt.date(2024, 4, 1),)]
    assert _rows(present, "SELECT mentor_peer_id, mentee_peer_id, ended_on FROM mentoring") == [
        ("PR1", "PR2", None)]
    load(make_extract(feedback=None, training=None, mentoring=None), absent)
    for database in (present, absent):
        assert _rows(database, "SELECT table_name, data_type FROM duckdb_columns() WHERE "
                               "column_name IN ('score', 'expires_on', 'started_on') AND "
                               "table_name IN ('feedback', 'training', 'mentoring') "
                               "ORDER BY table_name") == [
            ("feedback", "INTEGER"), ("mentoring", "DATE"), ("training", "DATE")]
    assert _rows(absent, "SELECT table_name, present, row_count FROM extract_tables WHERE "
                         "table_name IN ('feedback', 'training', 'mentoring') "
                         "ORDER BY table_name") == [
        ("feedback", False, 0), ("mentoring", False, 0), ("training", False, 0)]


def _folder_listing(folder):
    return sorted(path.name for path in folder.iterdir())


def test_a_failed_load_leaves_the_previous_database_byte_for_byte(make_extract, tmp_path):
    target_folder = tmp_path / "databases"
    database = target_folder / "program.duckdb"
    load(make_extract(), database)
    before = database.read_bytes()
    listing = _folder_listing(target_folder)
    broken = make_extract(contacts=replace_line(
        BASE["contacts"], 2, "C1,0001,PR1,2024-05-06 09:00,0,in_person,clinic,,,,,"))
    with pytest.raises(ExtractError) as failure:
        load(broken, database)
    assert failure.value.report.errors[0].rule == "range"
    assert database.read_bytes() == before
    assert _folder_listing(target_folder) == listing  # no temporary file left behind


def test_a_failed_first_load_creates_nothing(make_extract, tmp_path):
    target_folder = tmp_path / "fresh"
    with pytest.raises(ExtractError):
        load(make_extract(peers=None), target_folder / "program.duckdb")
    assert _folder_listing(target_folder) == []


def test_a_load_that_fails_while_writing_cleans_up(make_extract, tmp_path, monkeypatch):
    """Even an unexpected failure after validation leaves the old file and no stray files."""
    import supervision_dash.loader as loader

    database = tmp_path / "out" / "program.duckdb"
    load(make_extract(), database)
    before = database.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_write_metadata", explode)
    with pytest.raises(RuntimeError):
        load(make_extract(), database)
    assert database.read_bytes() == before
    assert _folder_listing(database.parent) == ["program.duckdb"]


def test_a_reader_keeps_the_old_file_while_a_new_load_replaces_it(make_extract, tmp_path):
    database = tmp_path / "program.duckdb"
    load(make_extract(), database)
    reader = duckdb.connect(str(database), read_only=True)
    try:
        load(make_extract(contacts=BASE["contacts"] + "C5,0001,PR1,2024-05-09 09:00,30,phone"
                                                      ",,,,,,\n"), database)
        assert reader.execute("SELECT count(*) FROM contacts").fetchone() == (4,)
    finally:
        reader.close()
    assert _rows(database, "SELECT count(*) FROM contacts") == [(5,)]
