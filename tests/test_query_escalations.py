"""escalations, against answers worked out by hand (docs/metrics.md#escalations).

as_of 2024-06-28: the default window is the 28 days 06-01 … 06-28. Hours run from the moment
the contact began to escalated_at; 24 hours exactly is in time.
"""

from __future__ import annotations

import pandas as pd
import pytest

from supervision_dash.settings import Settings
from tests.conftest import csv

COLUMNS = ["peer_id", "site", "safety_concerns", "escalated_in_time", "escalated_late",
           "not_escalated", "median_hours_to_escalation"]

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,",
    "PR2,North,SV1,",
    "PR3,South,SV2,",
    "PR4,South,SV2,",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "P1,PR1,2024-01-01,",
    "P2,PR2,2024-01-01,",
    "P3,PR3,2024-01-01,",
    "P4,PR4,2024-01-01,",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode,safety_concern,escalated_at",
    "X1,P1,PR1,2024-06-01 10:00,30,phone,true,2024-06-02 10:00",  # first day; exactly 24 h
    "X2,P1,PR1,2024-06-10 10:00,30,phone,true,2024-06-11 10:01",  # 24 h 1 min: late
    "X3,P1,PR1,2024-06-12 10:00,30,phone,true,",  # not escalated
    "X4,P1,PR1,2024-06-20 10:00,30,phone,yes,2024-06-20 12:30",  # 2.5 h
    "X5,P1,PR1,2024-06-28 22:00,30,phone,1,2024-06-29 04:00",  # last day, late evening; 6 h
    "X6,P1,PR1,2024-05-31 10:00,30,phone,true,",  # the day before the window
    "X7,P1,PR1,2024-06-15 10:00,30,phone,false,",  # no safety concern
    "X8,P1,PR1,2024-06-16 10:00,30,phone,,2024-06-16 11:00",  # empty: no safety concern
    "Y1,P2,PR2,2024-06-05 10:00,30,phone,true,2024-06-07 10:00",  # 48 h: late
    "Y2,P2,PR2,2024-06-29 10:00,30,phone,true,",  # the day after the window
    "Z0,P3,PR3,2024-06-14 10:00,30,phone,false,",  # PR3: contacts, but no safety concern
    "Z1,P4,PR4,2024-06-15 10:00,30,phone,true,",  # PR4: one concern, never escalated
)
EXPECTED = {
    # PR1: X1-X5; in time X1 (24 h), X4 (2.5 h), X5 (6 h); late X2 (24 h 1 min); X3 not
    # escalated. Median of 2.5, 6, 24, 24.02 hours = (6 + 24) / 2.
    "PR1": ("North", 5, 3, 1, 1, 15.0),
    "PR2": ("North", 1, 0, 1, 0, 48.0),
    "PR3": ("South", 0, 0, 0, 0, None),
    "PR4": ("South", 1, 0, 0, 1, None),  # no escalated concern: no median
}


def rows(frame):
    assert list(frame.columns) == COLUMNS
    return {row[0]: tuple(None if pd.isna(value) else value for value in row[1:])
            for row in frame.itertuples(index=False)}


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)


def test_escalations_by_hand(warehouse):
    frame = warehouse.query("escalations", as_of="2024-06-28")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3", "PR4"]
    assert rows(frame) == EXPECTED


def test_the_parts_add_up(warehouse):
    frame = warehouse.query("escalations", as_of="2024-06-28")
    parts = frame["escalated_in_time"] + frame["escalated_late"] + frame["not_escalated"]
    assert (parts == frame["safety_concerns"]).all()


def test_as_of_defaults_to_the_last_contact(warehouse):
    """The last contact is Y2, 06-29: the window 06-02 … 06-29 drops X1 and takes Y2.
    PR1's median is then that of 2.5, 6 and 24.02 hours."""
    assert rows(warehouse.query("escalations")) == {
        **EXPECTED,
        "PR1": ("North", 4, 2, 1, 1, 6.0),
        "PR2": ("North", 2, 0, 1, 1, 48.0),
    }


def test_start_and_end(warehouse):
    """06-10 … 06-20: X2 (24.02 h, late), X3, X4 (2.5 h) and Z1; the median of 24.0167 and
    2.5 is 13.258, shown 13.3."""
    assert rows(warehouse.query("escalations", start="2024-06-10", end="2024-06-20")) == {
        "PR1": ("North", 3, 1, 1, 1, 13.3),
        "PR2": ("North", 0, 0, 0, 0, None),
        "PR3": ("South", 0, 0, 0, 0, None),
        "PR4": ("South", 1, 0, 0, 1, None),
    }


def test_end_alone_moves_the_28_days(warehouse):
    """end 06-27: the window 05-31 … 06-27 takes X6 (not escalated) and drops X5."""
    row = rows(warehouse.query("escalations", as_of="2024-06-28", end="2024-06-27"))["PR1"]
    assert row == ("North", 5, 2, 1, 2, 24.0)  # the median of 2.5, 24 and 24.02 hours


@pytest.mark.parametrize("scope, peers", [
    ({"site": "South"}, ["PR3", "PR4"]),
    ({"supervisor_id": "SV1"}, ["PR1", "PR2"]),
    ({"peer_id": "PR4"}, ["PR4"]),
    ({"site": "North", "peer_id": "PR4"}, []),
])
def test_scope(warehouse, scope, peers):
    frame = warehouse.query("escalations", as_of="2024-06-28", **scope)
    assert list(frame["peer_id"]) == peers
    assert rows(frame) == {peer: EXPECTED[peer] for peer in peers}


def test_escalation_hours_is_a_setting(warehouse_of):
    """Within 48 hours, X2 (24 h 1 min) and Y1 (exactly 48 h) are in time."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             settings=Settings(escalation_hours=48))
    result = rows(warehouse.query("escalations", as_of="2024-06-28"))
    assert result["PR1"] == ("North", 5, 4, 0, 1, 15.0)
    assert result["PR2"] == ("North", 1, 1, 0, 0, 48.0)


def test_hours_are_rounded_half_up(warehouse_of):
    """5 h 33 min is 5.55 hours, shown 5.6; 2 h 15 min is 2.25, shown 2.3; their median is
    (333 + 135) / 2 = 234 minutes, 3.9 hours."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=csv(
        "contact_id,participant_id,peer_id,started_at,duration_min,mode,safety_concern,"
        "escalated_at",
        "W1,P1,PR1,2024-06-03 10:00,30,phone,true,2024-06-03 15:33",
        "W2,P1,PR1,2024-06-04 10:00,30,phone,true,2024-06-04 12:15",
    ))

    def median(day_from, day_to):
        frame = warehouse.query("escalations", start=day_from, end=day_to, peer_id="PR1")
        return frame["median_hours_to_escalation"].iloc[0]

    assert median("2024-06-03", "2024-06-03") == 5.6
    assert median("2024-06-04", "2024-06-04") == 2.3
    assert median("2024-06-03", "2024-06-04") == 3.9
