"""What real exports look like: BOM, CRLF, quoting, extra columns, loose booleans, leading zeros,
Parquet and mixed folders."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from supervision_dash import load, validate
from tests.conftest import BASE, problems


def _table(database, sql):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_bom_and_crlf_line_endings(make_extract, tmp_path):
    contacts = "\ufeff" + BASE["contacts"].replace("\n", "\r\n")
    folder = make_extract(contacts=contacts.encode("utf-8"))
    report = validate(folder)
    assert report.ok, str(report)
    load(folder, tmp_path / "db.duckdb")
    assert _table(tmp_path / "db.duckdb", "SELECT contact_id FROM contacts ORDER BY contact_id") \
        == [("C1",), ("C2",), ("C3",), ("C4",)]


def test_quoted_fields_keep_their_commas_and_lines_stay_counted(make_extract, tmp_path):
    peers = ('peer_id,site,supervisor_id\nPR1,"North, East",SV1\n'
             'PR2,"South\nannex",SV2\nPR2,West,SV3\n')
    report = validate(make_extract(peers=peers))
    [duplicate] = problems(report, rule="unique")
    assert duplicate.locations == [5]  # the quoted line break makes PR2's repeat line 5, not 4
    folder = make_extract(peers='peer_id,site,supervisor_id\nPR1,"North, East",SV1\n'
                                '"PR2",South,SV2\n')
    load(folder, tmp_path / "q.duckdb")
    assert _table(tmp_path / "q.duckdb", "SELECT site FROM peers ORDER BY peer_id") == [
        ("North, East",), ("South",)]


def test_extra_columns_are_dropped_with_a_warning(make_extract, tmp_path):
    goals = BASE["goals"].replace("achieved_on\n", "achieved_on,owner_team\n", 1)
    goals = goals.replace("2024-05-01\n", "2024-05-01,blue\n").replace(",\n", ",,\n")
    folder = make_extract(goals=goals)
    report = validate(folder)
    assert report.ok
    assert [(w.table, w.column, w.rule) for w in report.warnings] == [
        ("goals", "owner_team", "extra column")]
    result = load(folder, tmp_path / "x.duckdb")
    columns = [row[0] for row in _table(tmp_path / "x.duckdb", "DESCRIBE goals")]
    assert "owner_team" not in columns
    assert _table(tmp_path / "x.duckdb", "SELECT rule FROM extract_warnings") == [
        ("extra column",)]
    assert result.report.warnings


def test_booleans_in_any_spelling(make_extract, tmp_path):
    appointments = ("participant_id,scheduled_on,kind,attended\n"
                    "0001,2024-05-01,a,TRUE\n0001,2024-05-02,a,false\n0001,2024-05-03,a,1\n"
                    "0001,2024-05-04,a,0\n0001,2024-05-05,a,Yes\n0001,2024-05-06,a,no\n"
                    "0001,2024-05-07,a, yes \n")
    folder = make_extract(appointments=appointments)
    load(folder, tmp_path / "b.duckdb")
    assert [row[0] for row in _table(tmp_path / "b.duckdb",
                                     "SELECT attended FROM appointments ORDER BY scheduled_on")] \
        == [True, False, True, False, True, False, True]


def test_ids_keep_their_leading_zeros(make_extract, tmp_path):
    folder = make_extract()
    load(folder, tmp_path / "z.duckdb")
    assert _table(tmp_path / "z.duckdb",
                  "SELECT participant_id FROM participants ORDER BY participant_id") == [
        ("0001",), ("0002",), ("0003",)]


def test_enumerations_in_any_case_are_stored_as_the_contract_spells_them(make_extract, tmp_path):
    contacts = BASE["contacts"].replace(",in_person,clinic,", ",In_Person,CLINIC,").replace(
        ",gift,", ",Gift,").replace(",none,", ",None,")
    outcomes = BASE["outcomes"].replace("PHQ9", "phq9")
    folder = make_extract(contacts=contacts, outcomes=outcomes)
    assert validate(folder).ok
    load(folder, tmp_path / "e.duckdb")
    assert _table(tmp_path / "e.duckdb",
                  "SELECT mode, setting, boundary_concern FROM contacts ORDER BY contact_id") == [
        ("in_person", "clinic", None), ("phone", "virtual", None), ("group", "clinic", None),
        ("group", "clinic", "gift")]
    assert _table(tmp_path / "e.duckdb", "SELECT DISTINCT measure FROM outcomes") == [("PHQ9",)]


def test_timestamps_with_seconds_or_a_t(make_extract, tmp_path):
    contacts = BASE["contacts"].replace("2024-05-06 09:00", "2024-05-06T09:00:30").replace(
        "2024-05-07 10:30", "2024-05-07 10:30:00")
    folder = make_extract(contacts=contacts)
    load(folder, tmp_path / "t.duckdb")
    assert _table(tmp_path / "t.duckdb",
                  "SELECT started_at FROM contacts ORDER BY contact_id LIMIT 2") == [
        (dt.datetime(2024, 5, 6, 9, 0, 30),), (dt.datetime(2024, 5, 7, 10, 30),)]


def test_parquet_tables_and_mixed_folders(make_extract, tmp_path):
    folder = make_extract(goals=None)
    pq.write_table(pa.table({
        "participant_id": ["0001", "0001", "0001"],
        "goal_id": ["G1", "G2", "G1"],
        "set_on": [dt.date(2024, 3, 10)] * 3,
        "achieved_on": [dt.date(2024, 5, 1), None, dt.date(2024, 3, 1)],
    }), folder / "goals.parquet")
    report = validate(folder)
    found = {(p.rule, p.column, p.unit, tuple(p.locations)) for p in report.errors}
    # rows are counted from 1 in a Parquet file
    assert found == {("unique", "participant_id, goal_id", "row", (3,)),
                     ("order", "achieved_on", "row", (3,))}


def test_parquet_loads_with_contract_types(make_extract, tmp_path):
    folder = make_extract(appointments=None)
    pq.write_table(pa.table({
        "participant_id": ["0001", "0002"],
        "scheduled_on": [dt.date(2024, 5, 10), dt.date(2024, 5, 11)],
        "attended": [True, False],
    }), folder / "appointments.parquet")
    load(folder, tmp_path / "p.duckdb")
    assert _table(tmp_path / "p.duckdb",
                  "SELECT participant_id, scheduled_on, kind, attended FROM appointments "
                  "ORDER BY scheduled_on") == [
        ("0001", dt.date(2024, 5, 10), None, True), ("0002", dt.date(2024, 5, 11), None, False)]


def test_a_file_that_is_not_parquet(make_extract):
    folder = make_extract(goals=None)
    (folder / "goals.parquet").write_bytes(b"this is not parquet")
    [problem] = problems(validate(folder), rule="unreadable file")
    assert problem.table == "goals"


def test_text_that_is_not_utf8(make_extract):
    peers = BASE["peers"].encode("utf-8").replace(b"North", b"N\xf6rth")
    report = validate(make_extract(peers=peers))
    assert not report.ok
    assert {p.table for p in report.errors} == {"peers"}
