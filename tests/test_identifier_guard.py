"""The identifier guard: identifier-named columns and identifier-shaped values are refused,
and the report never repeats the value."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from supervision_dash import validate
from supervision_dash.contract import TABLES
from supervision_dash.identifiers import identifier_column_kind, value_kind
from tests.conftest import BASE, problems, replace_line

IDENTIFIER_COLUMNS = [
    "name", "first_name", "LastName", "full name", "DOB", "date_of_birth", "birth_date", "ssn",
    "social_security_number", "MRN", "medical_record_number", "email", "e_mail", "phone",
    "phone_number", "mobile", "fax", "street_address", "address_line_1", "zip", "zipcode",
    "ip_address", "url", "website", "account_number", "licence_no", "driver_license",
    "health_plan_id", "member_id", "device_id", "vehicle_plate", "photo_url",
]


@pytest.mark.parametrize("column", IDENTIFIER_COLUMNS)
def test_identifier_column_names_are_recognised(column):
    assert identifier_column_kind(column) is not None


def test_no_contract_column_looks_like_an_identifier():
    names = [column.name for table in TABLES.values() for column in table.columns]
    assert [name for name in names if identifier_column_kind(name)] == []


@pytest.mark.parametrize("column", ["first_name", "DOB", "phone_number", "zip"])
def test_an_identifier_column_is_an_error_naming_table_column_and_line(make_extract, column):
    participants = BASE["participants"].replace("preferred_language\n",
                                                f"preferred_language,{column}\n", 1)
    participants = "\n".join(
        line if index == 0 else line + ",x" for index, line in
        enumerate(participants.splitlines())) + "\n"
    report = validate(make_extract(participants=participants))
    [problem] = problems(report, rule="identifier column")
    assert (problem.table, problem.column, problem.locations) == ("participants", column, [1])
    assert problem.severity == "error"


SECRET_VALUES = {
    "email address": "river.stone@example.org",
    "phone number": "(555) 014-2398",
    "SSN": "078-05-1120",
    "URL": "https://example.org/people/42",
    "IP address": "192.168.14.77",
}


@pytest.mark.parametrize("kind", SECRET_VALUES)
def test_identifier_shaped_values_are_refused_without_echoing_them(make_extract, kind, tmp_path):
    secret = SECRET_VALUES[kind]
    assert value_kind(secret) == kind
    participants = replace_line(BASE["participants"], 3,
                                f'0002,PR1,North,2024-03-05,,35-44,"{secret}",Black,es')
    folder = make_extract(participants=participants)
    report = validate(folder)
    [problem] = problems(report, rule="identifier value")
    assert (problem.table, problem.column, problem.locations) == ("participants", "gender", [3])
    assert kind in problem.message
    assert secret not in str(report)
    assert secret not in json.dumps(report.to_dict())
    cli = subprocess.run([sys.executable, "-m", "supervision_dash.cli", "validate", str(folder)],
                         capture_output=True, text=True)
    assert cli.returncode == 1
    assert "gender" in cli.stdout
    assert secret not in cli.stdout + cli.stderr


def test_identifier_shaped_ids_are_refused(make_extract):
    """An ID that is really an email: caught in the table that defines it and where it's used."""
    participants = replace_line(BASE["participants"], 2,
                                "ana@example.org,PR1,,2024-03-01,,25-34,female,White,en")
    contacts = replace_line(BASE["contacts"], 2,
                            "C1,ana@example.org,PR1,2024-05-06 09:00,45,in_person,clinic,,,,,")
    contacts = replace_line(contacts, 3, "C2,bo@example.org,PR1,2024-05-07 10:30,20,phone,,,,,,")
    report = validate(make_extract(participants=participants, contacts=contacts))
    found = {(p.table, p.column, tuple(p.locations)) for p in problems(report,
                                                                       rule="identifier value")}
    assert found == {("participants", "participant_id", (2,)),
                     ("contacts", "participant_id", (3,))}
    assert "example.org" not in str(report)


def test_values_in_dropped_extra_columns_are_checked_too(make_extract):
    peers = BASE["peers"].replace("certified_on\n", "certified_on,notes\n", 1)
    peers = peers.replace("2024-03-01\n", "2024-03-01,call 555-867-5309\n").replace(
        ",en,\n", ",en,,\n")
    report = validate(make_extract(peers=peers))
    [problem] = problems(report, rule="identifier value")
    assert (problem.table, problem.column, problem.locations) == ("peers", "notes", [2])
    assert "555" not in str(report)


@pytest.mark.parametrize("value", [
    "0001", "PR-12", "C000000001", "2024-05-06", "2024-05-06 09:00", "en;es", "v1.2",
    "Hispanic or Latino", "25-34", "G1", "SV01", "GS00012-045",
])
def test_ordinary_values_pass(value):
    assert value_kind(value) is None


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_a_file_without_its_header_line_does_not_echo_its_first_row(make_extract, form):
    """Without a header line, the first data row is read as the column names: names shaped like
    an email or a phone number are values, refused without being repeated."""
    row = "0001,PR1,North,2024-03-01,,25-34,river.stone@example.org,(555) 014-2398,en"
    participants = "\n".join([row, *BASE["participants"].splitlines()[1:]]) + "\n"
    folder = make_extract(participants=participants)
    if form == "parquet":
        import duckdb

        source = folder / "participants.csv"
        duckdb.sql(f"COPY (FROM read_csv('{source}', header = true, all_varchar = true)) "
                   f"TO '{folder / 'participants.parquet'}'")
        source.unlink()
    report = validate(folder)
    [problem] = problems(report, rule="identifier value")
    assert problem.table == "participants" and problem.severity == "error"
    assert "column 7" in problem.message and "email address" in problem.message
    assert "is the header line missing?" in problem.message
    for shown in ("river.stone", "example.org", "555", "014-2398"):
        assert shown not in str(report) and shown not in json.dumps(report.to_dict())
