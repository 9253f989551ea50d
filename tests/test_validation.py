"""Validation: one case per rule of the contract, each breaking exactly one line."""

from __future__ import annotations

import json

import pytest

from supervision_dash import validate
from supervision_dash.report import Report
from tests.conftest import BASE, problems, replace_line


def test_the_tiny_extract_passes(make_extract):
    report = validate(make_extract())
    assert report.ok, str(report)
    assert report.problems == []
    assert report.tables["contacts"].rows == 4


# (table, line, replacement line, rule, column, reported line)
RULE_CASES = [
    # required values
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,,in_person,clinic,,,,,", "required",
     "duration_min", 2),
    ("peers", 3, "PR2,,SV2,2024-02-01,,en,", "required", "site", 3),
    ("fidelity", 2, "PR1,2024-05-01,supervisor,SV1,,clear_boundaries,4", "required", "domain", 2),
    # types: a date that does not exist, a time that does not exist, not a number ...
    ("participants", 3, "0002,PR1,North,2024-02-30,,35-44,male,Black,es", "type", "enrolled_on", 3),
    ("contacts", 3, "C2,0002,PR1,2024-05-07 25:30,20,phone,virtual,,,,,", "type", "started_at", 3),
    ("contacts", 3, "C2,0002,PR1,2024-05-07,20,phone,virtual,,,,,", "type", "started_at", 3),
    ("contacts", 4, "C3,0003,PR2,2024-05-08 14:00,90.5,group,clinic,,G1,,true,2024-05-08 15:00",
     "type", "duration_min", 4),
    ("contacts", 5, "C4,0001,PR1,2024-05-08 14:00,ninety,group,clinic,,G1,,no,", "type",
     "duration_min", 5),
    ("outcomes", 3, "0001,PHQ9,2024-06-01,eight", "type", "score", 3),
    ("outcomes", 3, "0001,PHQ9,2024-06-01,NaN", "type", "score", 3),
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,45,in_person,clinic,,,,maybe,", "type",
     "safety_concern", 2),
    ("appointments", 2, "0001,2024-05-10,psychiatry,sometimes", "type", "attended", 2),
    ("participants", 2, "0001,PR1,,2024-03-01,2024-13-01,25-34,female,White,en", "type",
     "discharged_on", 2),
    # allowed values
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,45,telepathy,clinic,,,,,", "allowed values",
     "mode", 2),
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,45,in_person,beach,,,,,", "allowed values",
     "setting", 2),
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,45,in_person,clinic,juggling,,,,",
     "allowed values", "activity", 2),
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,45,in_person,clinic,,,bribe,,",
     "allowed values", "boundary_concern", 2),
    ("participants", 4, "0003,PR2,,2024-04-01,,17-19,,,", "allowed values", "age_band", 4),
    ("outcomes", 2, "0001,BDI,2024-03-01,15", "allowed values", "measure", 2),
    ("fidelity", 2, "PR1,2024-05-01,mentor,SV1,safety_boundaries,clear_boundaries,4",
     "allowed values", "rater_role", 2),
    ("supervision", 2, "PR1,SV1,2024-05-02,60,triad", "allowed values", "format", 2),
    # ranges
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,0,in_person,clinic,,,,,", "range",
     "duration_min", 2),
    ("contacts", 2, "C1,0001,PR1,2024-05-06 09:00,1441,in_person,clinic,,,,,", "range",
     "duration_min", 2),
    ("peers", 2, "PR1,North,SV1,2024-01-02,0,en;es,2024-03-01", "range", "caseload_capacity", 2),
    ("fidelity", 2, "PR1,2024-05-01,supervisor,SV1,safety_boundaries,clear_boundaries,6",
     "range", "score", 2),
    ("supervision", 2, "PR1,SV1,2024-05-02,601,individual", "range", "duration_min", 2),
    ("outcomes", 2, "0001,PHQ9,2024-03-01,28", "range", "score", 2),
    ("outcomes", 2, "0001,RAS_R,2024-03-01,23", "range", "score", 2),
    # uniqueness
    ("contacts", 3, "C1,0002,PR1,2024-05-07 10:30,20,phone,virtual,,,,,", "unique", "contact_id",
     3),
    ("peers", 3, "PR1,South,SV2,2024-02-01,,en,", "unique", "peer_id", 3),
    ("participants", 3, "0001,PR1,North,2024-03-05,2024-06-30,35-44,male,Black,es", "unique",
     "participant_id", 3),
    ("goals", 3, "0001,G1,employment,2024-03-10,", "unique", "participant_id, goal_id", 3),
    # references between tables
    ("contacts", 2, "C1,0009,PR1,2024-05-06 09:00,45,in_person,clinic,,,,,", "reference",
     "participant_id", 2),
    ("contacts", 2, "C1,0001,PR9,2024-05-06 09:00,45,in_person,clinic,,,,,", "reference",
     "peer_id", 2),
    ("participants", 2, "0001,PR7,,2024-03-01,,25-34,female,White,en", "reference", "peer_id", 2),
    ("outcomes", 2, "1,PHQ9,2024-03-01,15", "reference", "participant_id", 2),
    ("fidelity", 2, "PR3,2024-05-01,supervisor,SV1,safety_boundaries,clear_boundaries,4",
     "reference", "peer_id", 2),
    ("supervision", 2, "PR3,SV1,2024-05-02,60,individual", "reference", "peer_id", 2),
    ("admissions", 2, "0004,2024-01-10,2024-01-20", "reference", "participant_id", 2),
    ("appointments", 2, "0005,2024-05-10,psychiatry,true", "reference", "participant_id", 2),
    ("goals", 2, "0006,G1,housing,2024-03-10,2024-05-01", "reference", "participant_id", 2),
    # ordering
    ("participants", 3, "0002,PR1,North,2024-03-05,2024-03-04,35-44,male,Black,es", "order",
     "discharged_on", 3),
    ("contacts", 4, "C3,0003,PR2,2024-05-08 14:00,90,group,clinic,,G1,,true,2024-05-08 13:59",
     "order", "escalated_at", 4),
    ("admissions", 2, "0002,2024-01-10,2024-01-09", "order", "discharged_on", 2),
    ("goals", 2, "0001,G1,housing,2024-03-10,2024-03-09", "order", "achieved_on", 2),
    # participant voice and workforce development
    ("feedback", 2, "0001,PR1,,useful,5", "required", "surveyed_on", 2),
    ("feedback", 2, "0001,PR1,2024-05-01,helpful,5", "allowed values", "item", 2),
    ("feedback", 3, "0003,,2024-05-02,safe,0", "range", "score", 3),
    ("feedback", 2, "0001,PR1,2024-05-01,useful,4.5", "type", "score", 2),
    ("feedback", 2, "0009,PR1,2024-05-01,useful,5", "reference", "participant_id", 2),
    ("feedback", 3, "0003,PR9,2024-05-02,safe,3", "reference", "peer_id", 3),
    ("training", 3, "PR2,,2023-04-01,2024-04-01", "required", "course", 3),
    ("training", 2, "PR1,Safety planning,2023-06-01,2023-05-31", "order", "expires_on", 2),
    ("training", 3, "PR8,Ethics and confidentiality,2023-04-01,2024-04-01", "reference",
     "peer_id", 3),
    ("mentoring", 2, "PR1,PR1,2024-02-01,", "different", "mentee_peer_id", 2),
    ("mentoring", 2, "PR1,PR2,2024-02-01,2024-01-31", "order", "ended_on", 2),
    ("mentoring", 2, "PR1,PR5,2024-02-01,", "reference", "mentee_peer_id", 2),
    ("mentoring", 2, "PR1,PR2,,", "required", "started_on", 2),
    # a line of the wrong shape
    ("contacts", 3, "C2,0002,PR1,2024-05-07 10:30,20,phone,virtual,,,,,,surplus", "structure",
     None, 3),
    ("peers", 2, "PR1,North", "structure", None, 2),
]


@pytest.mark.parametrize(
    "table, line, replacement, rule, column, reported", RULE_CASES,
    ids=[f"{case[0]}-{case[4]}-{case[3]}-{index}" for index, case in enumerate(RULE_CASES)])
def test_each_rule_reports_its_line(make_extract, table, line, replacement, rule, column,
                                    reported):
    report = validate(make_extract(**{table: replace_line(BASE[table], line, replacement)}))
    assert not report.ok
    found = problems(report, rule=rule, table=table, column=column)
    assert len(found) == 1, str(report)
    assert found[0].locations == [reported]
    assert found[0].severity == "error"


def test_boundary_edges_pass(make_extract):
    """The inclusive edges of each range are allowed: 1 and 1440 minutes, scores 0 and 27."""
    contacts = replace_line(BASE["contacts"], 2,
                            "C1,0001,PR1,2024-05-06 09:00,1,in_person,clinic,,,,,")
    contacts = replace_line(contacts, 3, "C2,0002,PR1,2024-05-07 10:30,1440,phone,,,,,,")
    outcomes = "participant_id,measure,assessed_on,score\n0001,PHQ9,2024-03-01,0\n" \
               "0001,PHQ9,2024-06-01,27\n0001,RAS_R,2024-03-01,24\n0001,WHO5,2024-03-01,25\n"
    participants = replace_line(BASE["participants"], 3,
                                "0002,PR1,North,2024-03-05,2024-03-05,35-44,male,Black,es")
    report = validate(make_extract(contacts=contacts, outcomes=outcomes,
                                   participants=participants))
    assert report.ok, str(report)


def test_missing_required_table(make_extract):
    report = validate(make_extract(contacts=None))
    [problem] = problems(report, rule="missing table")
    assert problem.table == "contacts"


def test_optional_tables_may_be_absent(make_extract):
    report = validate(make_extract(outcomes=None, fidelity=None, supervision=None,
                                   admissions=None, appointments=None, goals=None,
                                   feedback=None, training=None, mentoring=None))
    assert report.ok, str(report)


def test_a_mentor_and_mentee_must_differ_on_every_line_that_names_one_peer_twice(make_extract):
    """Lines 3 and 5 pair a peer with themself; lines 2 and 4 pair two peers (each way round);
    the report names the rule once, with both lines."""
    mentoring = ("mentor_peer_id,mentee_peer_id,started_on,ended_on\n"
                 "PR1,PR2,2024-02-01,\nPR2,PR2,2024-02-01,\nPR2,PR1,2024-03-01,2024-04-01\n"
                 "PR1,PR1,2024-03-01,\n")
    report = validate(make_extract(mentoring=mentoring))
    [problem] = problems(report, rule="different")
    assert (problem.table, problem.column, problem.locations, problem.count) == (
        "mentoring", "mentee_peer_id", [3, 5], 2)
    assert problem.message == "must not be the same as mentor_peer_id"


def test_a_course_expiry_may_lie_five_years_ahead(make_extract):
    """Validated on 2026-11-30: an expiry on 2031-11-30 (five years on) passes, 2031-12-01 does
    not; a completion date keeps the one-year limit (2027-12-01 fails on line 3)."""
    import datetime as dt

    training = ("peer_id,course,completed_on,expires_on\n"
                "PR1,Safety planning,2026-10-01,2031-11-30\n"
                "PR2,Safety planning,2027-12-01,2031-12-01\n")
    report = validate(make_extract(training=training), today=dt.date(2026, 11, 30))
    found = {(p.column, tuple(p.locations)) for p in problems(report, rule="date range")}
    assert found == {("completed_on", (3,)), ("expires_on", (3,))}
    [expiry] = problems(report, rule="date range", column="expires_on")
    assert "after 2031-11-30 (dates are accepted up to 5 years after the day" in expiry.message


def test_a_course_named_like_an_identifier_is_refused_without_the_value(make_extract):
    """The identifier guard reads free text such as a course name: line 3 holds an email
    address, line 2 a phone number; neither value appears in the report."""
    training = ("peer_id,course,completed_on,expires_on\n"
                "PR1,call 555-867-5309,2023-06-01,\nPR2,jane.doe@example.org,2023-04-01,\n")
    report = validate(make_extract(training=training))
    found = {(p.column, p.message.split(";")[0], tuple(p.locations))
             for p in problems(report, rule="identifier value", table="training")}
    assert found == {("course", "a value looks like a phone number", (2,)),
                     ("course", "a value looks like an email address", (3,))}
    assert "jane.doe" not in str(report) and "867" not in str(report)


def test_missing_required_column(make_extract):
    participants = "participant_id,peer_id\n0001,PR1\n0002,PR1\n0003,PR2\n"
    report = validate(make_extract(participants=participants))
    [problem] = problems(report, rule="missing column")
    assert (problem.table, problem.column, problem.locations) == ("participants", "enrolled_on",
                                                                  [1])


def test_a_table_given_twice_is_an_error(make_extract, tmp_path):
    folder = make_extract()
    (folder / "goals.parquet").write_bytes(b"PAR1")
    [problem] = problems(validate(folder), rule="ambiguous table")
    assert problem.table == "goals"


def test_repeated_header_names(make_extract):
    peers = "peer_id,site,Site,supervisor_id\nPR1,North,North,SV1\nPR2,South,South,SV2\n"
    [problem] = problems(validate(make_extract(peers=peers)), rule="header")
    assert "site" in problem.message


def test_every_problem_is_reported_at_once(make_extract):
    contacts = replace_line(BASE["contacts"], 2,
                            "C1,0001,PR1,2024-05-06 09:00,0,telepathy,clinic,,,,,")
    contacts = replace_line(contacts, 3, "C2,0009,PR1,2024-05-07 10:30,20,phone,virtual,,,,,")
    contacts = replace_line(contacts, 4, "C3,0003,PR2,2024-13-08 14:00,90,group,clinic,,G1,,,")
    peers = replace_line(BASE["peers"], 3, "PR2,South,SV2,2024-02-01,0,en,")
    participants = replace_line(BASE["participants"], 3,
                                "0002,PR1,North,2024-03-05,2024-03-04,35-44,male,Black,es")
    report = validate(make_extract(contacts=contacts, peers=peers, participants=participants))
    found = {(p.table, p.column, p.rule, tuple(p.locations)) for p in report.errors}
    assert found == {
        ("contacts", "duration_min", "range", (2,)), ("contacts", "mode", "allowed values", (2,)),
        ("contacts", "participant_id", "reference", (3,)), ("contacts", "started_at", "type", (4,)),
        ("peers", "caseload_capacity", "range", (3,)),
        ("participants", "discharged_on", "order", (3,)),
    }


def test_problems_are_grouped_and_capped_per_rule(make_extract):
    header = BASE["contacts"].splitlines()[0]
    rows = [f"C{i},0001,PR1,2024-05-06 09:00,0,in_person,clinic,,,,," for i in range(25)]
    report = validate(make_extract(contacts="\n".join([header, *rows]) + "\n"))
    [problem] = problems(report, rule="range")
    assert problem.count == 25
    assert problem.locations == list(range(2, 22))
    assert str(problem).endswith("lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, "
                                 "18, 19, 20, 21 and 5 more")


def test_warnings_are_kept_apart_from_errors(make_extract):
    peers = BASE["peers"].replace("certified_on\n", "certified_on,favourite_colour\n", 1)
    peers = peers.replace("2024-03-01\n", "2024-03-01,teal\n").replace(",en,\n", ",en,,\n")
    report = validate(make_extract(peers=peers))
    assert report.ok, str(report)
    [warning] = report.warnings
    assert (warning.table, warning.column, warning.rule) == ("peers", "favourite_colour",
                                                            "extra column")
    assert "Warnings:" in str(report) and "Errors:" not in str(report)


def test_unknown_files_are_a_warning(make_extract):
    folder = make_extract()
    (folder / "notes.txt").write_text("hello")
    report = validate(folder)
    assert report.ok
    assert [w.rule for w in report.warnings] == ["unknown file"]


def test_report_as_a_python_object(make_extract):
    report = validate(make_extract(contacts=replace_line(
        BASE["contacts"], 2, "C1,0001,PR1,2024-05-06 09:00,0,in_person,clinic,,,,,")))
    assert isinstance(report, Report)
    data = report.to_dict()
    assert data["ok"] is False
    assert data["errors"][0] | {"message": None} == {
        "severity": "error", "table": "contacts", "column": "duration_min", "rule": "range",
        "message": None, "unit": "line", "locations": [2], "count": 1,
    }
    json.dumps(data)  # serialisable as it is


def test_a_folder_that_does_not_exist(tmp_path):
    report = validate(tmp_path / "nowhere")
    assert not report.ok
    assert report.errors[0].rule == "folder"
