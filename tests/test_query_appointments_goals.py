"""appointment_adherence and goal_attainment, against answers worked out by hand
(docs/metrics.md#appointment_adherence, #goal_attainment). Both count the participants now assigned to each peer.

as_of 2024-06-30. The default appointment window is the 90 days ending as_of: 04-02 (as_of − 89:
30 days back to 05-31, 61 to 04-30, 89 to 04-02) … 06-30.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import csv

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,North,SV1",
    "PR3,South,SV2",  # a participant with nothing scheduled and no goals
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "A1,PR1,2024-01-01,",
    "A2,PR1,2024-01-01,2024-05-01",  # discharged: still counted
    "A3,PR2,2024-01-01,",
    "A4,PR3,2024-01-01,",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K1,A1,PR1,2024-06-30 10:00,30,phone",
)
APPOINTMENTS = csv(
    "participant_id,scheduled_on,kind,attended",
    "A1,2024-04-01,psychiatry,true",  # the day before the window
    "A1,2024-04-02,psychiatry,true",  # the first day of the window
    "A1,2024-05-15,primary_care,false",
    "A2,2024-06-30,,yes",  # on as_of, after A2's discharge: still counted
    "A2,2024-07-01,,no",  # after as_of
    "A3,2024-06-01,,false",
    "A3,2024-06-02,,0",
)
GOALS = csv(
    "participant_id,goal_id,domain,set_on,achieved_on",
    "A1,G1,housing,2024-01-10,2024-02-09",  # 30 days (21 left in January + 9)
    "A1,G2,work,2024-03-01,2024-03-11",  # 10 days
    "A1,G3,health,2024-05-01,2024-07-05",  # achieved after as_of: open on as_of
    "A2,G1,social,2024-06-30,",  # set on as_of: counted, open
    "A2,G2,social,2024-07-01,",  # set after as_of: not counted
    "A2,G3,health,2024-04-01,2024-04-01",  # achieved the day it was set: 0 days
    "A3,G1,housing,2024-03-01,2024-03-08",  # 7 days
    "A3,G2,work,2024-03-01,2024-03-21",  # 20 days
)
APPOINTMENT_COLUMNS = ["peer_id", "site", "scheduled", "attended", "missed", "kept_rate"]
GOAL_COLUMNS = ["peer_id", "site", "goals_set", "achieved", "open", "achieved_rate",
                "median_days_to_achieve"]


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        appointments=APPOINTMENTS, goals=GOALS)


def _rows(frame, columns):
    assert list(frame.columns) == columns
    return {row[0]: tuple(None if pd.isna(value) else value for value in row[1:])
            for row in frame.astype(object).itertuples(index=False)}


# --- appointment_adherence -------------------------------------------------------------------

APPOINTMENTS_EXPECTED = {
    # peer: site, scheduled, attended, missed, kept rate
    "PR1": ("North", 3, 2, 1, 0.667),  # 04-02 kept, 05-15 missed, 06-30 kept: 2 / 3
    "PR2": ("North", 2, 0, 2, 0.0),
    "PR3": ("South", 0, 0, 0, None),  # nothing scheduled: no rate
}


def test_appointments_by_hand(warehouse):
    frame = warehouse.query("appointment_adherence", as_of="2024-06-30")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3"]
    assert _rows(frame, APPOINTMENT_COLUMNS) == APPOINTMENTS_EXPECTED
    assert frame.attrs["notes"] == []


def test_appointments_as_of_defaults_to_the_last_contact(warehouse):
    assert _rows(warehouse.query("appointment_adherence"),
                 APPOINTMENT_COLUMNS) == APPOINTMENTS_EXPECTED


def test_appointments_between_start_and_end(warehouse):
    """04-01 … 04-30: A1's two April appointments, both kept."""
    frame = warehouse.query("appointment_adherence", start="2024-04-01", end="2024-04-30")
    assert _rows(frame, APPOINTMENT_COLUMNS) == {
        "PR1": ("North", 2, 2, 0, 1.0),
        "PR2": ("North", 0, 0, 0, None),
        "PR3": ("South", 0, 0, 0, None),
    }


def test_appointments_start_defaults_to_90_days_ending_end(warehouse):
    """end 07-01: start is 04-03, so 04-02 drops out and 07-01 (missed) comes in: PR1 has
    05-15 missed, 06-30 kept, 07-01 missed, 1 / 3."""
    frame = warehouse.query("appointment_adherence", as_of="2024-06-30", end="2024-07-01")
    assert _rows(frame, APPOINTMENT_COLUMNS)["PR1"] == ("North", 3, 1, 2, 0.333)


@pytest.mark.parametrize("scope, peers", [
    ({"site": "South"}, ["PR3"]),
    ({"supervisor_id": "SV1"}, ["PR1", "PR2"]),
    ({"peer_id": "PR2"}, ["PR2"]),
])
def test_appointments_scope(warehouse, scope, peers):
    frame = warehouse.query("appointment_adherence", as_of="2024-06-30", **scope)
    assert _rows(frame, APPOINTMENT_COLUMNS) == {p: APPOINTMENTS_EXPECTED[p] for p in peers}


def test_no_appointments_extract(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("appointment_adherence", as_of="2024-06-30")
    assert _rows(frame, APPOINTMENT_COLUMNS) == {
        "PR1": ("North", None, None, None, None),
        "PR2": ("North", None, None, None, None),
        "PR3": ("South", None, None, None, None),
    }
    assert frame.attrs["notes"] == ["no appointments extract loaded"]


# --- goal_attainment -------------------------------------------------------------------------

GOALS_EXPECTED = {
    # peer: site, set, achieved, open, achieved rate, median days to achieve
    # PR1: A1's G1, G2, G3 and A2's G1, G3 are set (A2's G2 comes after as_of); G1, G2 and A2's
    # G3 are achieved (30, 10 and 0 days: median 10); A1's G3 and A2's G1 are open; 3 / 5.
    "PR1": ("North", 5, 3, 2, 0.6, 10.0),
    # PR2: 7 and 20 days, median (7 + 20) / 2 = 13.5.
    "PR2": ("North", 2, 2, 0, 1.0, 13.5),
    "PR3": ("South", 0, 0, 0, None, None),
}


def test_goals_by_hand(warehouse):
    frame = warehouse.query("goal_attainment", as_of="2024-06-30")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3"]
    assert _rows(frame, GOAL_COLUMNS) == GOALS_EXPECTED
    assert frame.attrs["notes"] == []


def test_goals_a_few_days_later(warehouse_of):
    """On 07-05 A1's G3 is achieved (65 days: 30 to 05-31, 30 to 06-30, 5 more) and A2's G2,
    set 07-01, is counted and open: 6 set, 4 achieved (0, 10, 30, 65: median 20), 4 / 6. The
    extract gets a contact on 07-05, so that it covers the day asked (goals read no contacts)."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, goals=GOALS,
                             contacts=CONTACTS + "K2,A1,PR1,2024-07-05 10:00,30,phone\n")
    row = _rows(warehouse.query("goal_attainment", as_of="2024-07-05"), GOAL_COLUMNS)["PR1"]
    assert row == ("North", 6, 4, 2, 0.667, 20.0)


@pytest.mark.parametrize("scope, peers", [
    ({"site": "North"}, ["PR1", "PR2"]),
    ({"supervisor_id": "SV2"}, ["PR3"]),
    ({"peer_id": "PR1"}, ["PR1"]),
])
def test_goals_scope(warehouse, scope, peers):
    frame = warehouse.query("goal_attainment", as_of="2024-06-30", **scope)
    assert _rows(frame, GOAL_COLUMNS) == {p: GOALS_EXPECTED[p] for p in peers}


def test_no_goals_extract(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("goal_attainment", as_of="2024-06-30")
    assert _rows(frame, GOAL_COLUMNS) == {
        "PR1": ("North", None, None, None, None, None),
        "PR2": ("North", None, None, None, None, None),
        "PR3": ("South", None, None, None, None, None),
    }
    assert frame.attrs["notes"] == ["no goals extract loaded"]
