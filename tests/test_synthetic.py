"""The synthetic generator: deterministic, valid, and shaped like a real program."""

from __future__ import annotations

import duckdb
import pytest

from supervision_dash import load, validate
from supervision_dash.contract import TABLES
from supervision_dash.synthetic import generate


def _bytes(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


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
