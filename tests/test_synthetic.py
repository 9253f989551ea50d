"""The synthetic generator: deterministic, valid, and shaped like a real program."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from supervision_dash import load, validate
from supervision_dash.contract import TABLES
from supervision_dash.synthetic import generate


def _bytes(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# SHA-256 of each table of generate(seed=11, contacts=3000) as CSV, recorded from the generator
# before the feedback, training and mentoring tables were added: those tables draw from a
# random stream of their own, so every table that existed before stays byte for byte the same.
TABLES_BEFORE_VOICE = {
    "admissions": "c70595337843ad72fa04a4e05f874d715de3d1e3514c72445a24a36966963819",
    "appointments": "745192b21dbf559cc634c41dd7233646b335b0ebb70cdfe00b312b01a958d039",
    "contacts": "c908e2dabe7978460098429ca1893c2e96cdddb119af3f5fffc6eef5a86c3b58",
    "fidelity": "2a15b9b5a8c792b65c6700e4da302ef5e57bc4b6221958549f6bdfa64babfd20",
    "goals": "dcf1f12f67a96e0cdd9f1f2295763f45130f41ab3f9eab4c26692cfb6e6f44ae",
    "outcomes": "7e91aa196388e9538256c2b45fca77e3e0119fad990ce8e929d489c4ff350c02",
    "participants": "102559b56bc9f6dcfbef6c4dafabca94e90c5748c1a816a37d584b19f30e6b9b",
    "peers": "da86612024206f9080f02bbca523f0f79890331cc5bffda61f758747a5497e10",
    "supervision": "0bcba3edbdea6ccfb429296ca6030e7a4b28a95cd732bb4c559b5377a75c0c0d",
}


def test_the_tables_that_existed_before_voice_and_workforce_are_unchanged(tmp_path):
    generate(tmp_path / "x", contacts=3000, seed=11)
    hashes = {path.stem: hashlib.sha256(path.read_bytes()).hexdigest()
              for path in sorted((tmp_path / "x").iterdir())}
    assert {name: hashes[name] for name in TABLES_BEFORE_VOICE} == TABLES_BEFORE_VOICE
    assert {"feedback", "training", "mentoring"} <= set(hashes)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_same_bytes(tmp_path, fmt):
    generate(tmp_path / "a", contacts=3000, seed=11, fmt=fmt)
    generate(tmp_path / "b", contacts=3000, seed=11, fmt=fmt)
    generate(tmp_path / "c", contacts=3000, seed=12, fmt=fmt)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert _bytes(tmp_path / "a")[f"contacts.{fmt}"] != _bytes(tmp_path / "c")[f"contacts.{fmt}"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_output_passes_validation_and_holds_every_table(tmp_path, fmt):
    rows = generate(tmp_path / "x", contacts=5000, seed=3, fmt=fmt)
    assert set(rows) == set(TABLES)
    assert rows["contacts"] == 5000
    report = validate(tmp_path / "x")
    assert report.ok, str(report)
    assert report.warnings == []


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder / "x", contacts=30_000, seed=5)
    load(folder / "x", folder / "x.duckdb")
    con = duckdb.connect(str(folder / "x.duckdb"), read_only=True)
    yield con
    con.close()


def _one(con, sql):
    return con.execute(sql).fetchone()[0]


def test_several_sites_and_supervisors(program):
    assert _one(program, "SELECT count(DISTINCT site) FROM peers") >= 2
    assert _one(program, "SELECT count(DISTINCT supervisor_id) FROM peers") >= 4


def test_caseloads_of_about_eight_to_fifteen(program):
    median = _one(program, """
        SELECT median(active) FROM (
          SELECT peer_id, count(*) AS active FROM participants
          WHERE enrolled_on <= DATE '2026-06-30'
            AND (discharged_on IS NULL OR discharged_on > DATE '2026-06-30')
          GROUP BY peer_id)""")
    assert 8 <= median <= 15


def test_enrolments_and_discharges_across_eighteen_months(program):
    months = _one(program, "SELECT count(DISTINCT date_trunc('month', enrolled_on)) "
                           "FROM participants WHERE enrolled_on >= DATE '2025-05-01'")
    assert months == 18
    assert _one(program, "SELECT count(*) FROM participants WHERE discharged_on IS NOT NULL") > 0


def test_contacts_follow_weekly_rhythms_in_office_hours(program):
    weekday_share = _one(program, "SELECT avg((isodow(started_at) <= 5)::INT) FROM contacts")
    office_share = _one(program, "SELECT avg((hour(started_at) BETWEEN 8 AND 19)::INT) "
                                 "FROM contacts")
    assert weekday_share > 0.95 and office_share > 0.95
    assert office_share < 1  # ... with a few after-hours contacts


def test_group_sessions_gather_several_participants(program):
    attendance = _one(program, """
        SELECT avg(n) FROM (SELECT group_session_id, count(*) AS n FROM contacts
                            WHERE group_session_id IS NOT NULL GROUP BY ALL)""")
    assert attendance > 1.5
    assert _one(program, "SELECT count(DISTINCT started_at) FROM contacts "
                         "WHERE group_session_id = (SELECT min(group_session_id) FROM contacts)"
                ) == 1


def test_concerns_are_rare_and_some_escalations_late(program):
    concern_rate = _one(program, "SELECT avg((boundary_concern IS NOT NULL)::INT) FROM contacts")
    assert 0.001 < concern_rate < 0.01
    late = _one(program, "SELECT count(*) FROM contacts WHERE safety_concern AND "
                         "(escalated_at IS NULL OR escalated_at > started_at + INTERVAL 24 HOUR)")
    assert late > 0


def test_fidelity_by_supervisor_and_self_about_quarterly(program):
    roles = {row[0] for row in program.execute("SELECT DISTINCT rater_role FROM fidelity")
             .fetchall()}
    assert roles == {"supervisor", "self"}
    gap = _one(program, """
        SELECT median(gap) FROM (
          SELECT rated_on - lag(rated_on) OVER (PARTITION BY peer_id ORDER BY rated_on) AS gap
          FROM (SELECT DISTINCT peer_id, rated_on FROM fidelity WHERE rater_role = 'supervisor'))
        """)
    assert 75 <= gap <= 105


def test_outcomes_mostly_improve(program):
    improved = _one(program, """
        WITH ordered AS (
          SELECT participant_id, score,
                 row_number() OVER (PARTITION BY participant_id ORDER BY assessed_on) AS first,
                 row_number() OVER (PARTITION BY participant_id ORDER BY assessed_on DESC) AS last
          FROM outcomes WHERE measure = 'PHQ9')
        SELECT avg((l.score < f.score)::INT) FROM ordered f JOIN ordered l USING (participant_id)
        WHERE f.first = 1 AND l.last = 1 AND f.last > 1""")
    assert improved > 0.5


def test_several_languages(program):
    assert _one(program, "SELECT count(DISTINCT preferred_language) FROM participants") >= 4


def test_a_minority_answers_the_quarterly_survey_mostly_agreeing(program):
    """Of the participants active at some time in the 90 days ending 2026-10-31, a minority
    answered in them (one survey, August's); answers come in four months of the year; most
    agree, some name no peer."""
    answered = _one(program, """
        SELECT count(DISTINCT participant_id) FROM feedback
        WHERE surveyed_on BETWEEN DATE '2026-08-02' AND DATE '2026-10-31'""")
    active = _one(program, """
        SELECT count(*) FROM participants WHERE enrolled_on <= DATE '2026-10-31'
          AND (discharged_on IS NULL OR discharged_on > DATE '2026-08-02')""")
    assert 0.1 < answered / active < 0.4
    months = {row[0] for row in program.execute(
        "SELECT DISTINCT month(surveyed_on) FROM feedback").fetchall()}
    assert months == {2, 5, 8, 11}
    assert 0.6 < _one(program, "SELECT avg((score >= 4)::INT) FROM feedback") < 0.9
    assert 0.03 < _one(program, "SELECT avg((peer_id IS NULL)::INT) FROM feedback") < 0.2


def test_courses_expire_after_one_or_two_years_some_lapsed_or_due(program):
    validity = {row[0] for row in program.execute(
        "SELECT DISTINCT expires_on - completed_on FROM training "
        "WHERE expires_on IS NOT NULL").fetchall()}
    assert validity == {365, 730}
    expired, due = program.execute("""
        WITH latest AS (SELECT peer_id, course, arg_max(expires_on, completed_on) AS expires_on
                        FROM training GROUP BY ALL)
        SELECT count(*) FILTER (WHERE expires_on <= DATE '2026-10-31'),
               count(*) FILTER (WHERE expires_on > DATE '2026-10-31'
                                  AND expires_on <= DATE '2026-12-30')
        FROM latest""").fetchone()
    assert expired > 0 and due > 0


def test_most_new_peers_get_a_mentor_some_after_a_wait(program):
    """Peers paired within 180 days of being hired (a mentor who is not themself), and how
    many days they waited."""
    paired, waits = program.execute("""
        SELECT count(DISTINCT p.peer_id) / (SELECT count(*) FROM peers),
               list(m.started_on - p.hired_on)
        FROM peers p JOIN mentoring m ON m.mentee_peer_id = p.peer_id
        WHERE m.started_on < p.hired_on + 180""").fetchone()
    assert 0.6 < paired < 1
    assert min(waits) >= 0 and max(waits) >= 30 and sorted(waits)[len(waits) // 2] < 21
    assert _one(program, "SELECT count(*) FROM mentoring WHERE mentor_peer_id = mentee_peer_id") \
        == 0
