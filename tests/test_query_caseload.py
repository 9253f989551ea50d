"""caseload, against answers worked out by hand (docs/metrics.md#caseload).

as_of 2024-06-30 (a Sunday): this week is 06-24 00:00 … 06-30 23:59, the prior four weeks
05-27 … 06-23, the 28-day window 06-03 … 06-30, the 30-day not-seen window 06-01 … 06-30.
"""

from __future__ import annotations

import pytest

from supervision_dash.settings import Settings
from tests.conftest import csv

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,2",
    "PR2,North,SV1,",  # empty capacity: the program default, 12
    "PR3,South,SV2,3",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "A1,PR1,2024-01-01,",
    "A2,PR1,2024-06-03,",  # enrolled on the first day of the 28-day window: new
    "A3,PR1,2024-01-01,2024-06-30",  # discharged on as_of: not active that day
    "A4,PR1,2024-06-30,",  # enrolled on as_of: active and new
    "A5,PR2,2024-02-01,2024-07-01",  # discharged the day after: still active
    "A6,PR2,2024-07-01,",  # enrolled after as_of: not active, not new
    "A7,PR3,2024-01-01,2024-06-02",  # discharged the day before the 28-day window
    "A8,PR2,2024-01-01,",  # seen only by another peer, on the first not-seen day
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode,group_session_id",
    "K1,A1,PR1,2024-06-24 00:00,60,in_person,",  # the first minute of the week
    "K2,A1,PR1,2024-06-23 23:59,30,phone,",  # the last minute before it
    "K3,A2,PR1,2024-06-30 23:30,20,phone,",  # the last day
    "K4,A1,PR1,2024-06-26 14:00,90,group,G1",  # one group session, two attendees:
    "K5,A4,PR1,2024-06-26 14:00,90,group,G1",  # two contacts, 90 minutes of the peer's time
    "K6,A5,PR1,2024-05-27 10:00,45,phone,",  # first day of the prior weeks, another peer
    "K7,A5,PR2,2024-05-26 10:00,30,phone,",  # a day too early for any window
    "K8,A8,PR3,2024-06-01 09:00,36,in_person,",
)
COLUMNS = ["peer_id", "site", "supervisor_id", "active_participants", "caseload_capacity",
           "utilization", "contacts_7d", "contact_hours_7d", "contacts_avg_prior_4wk",
           "contact_hours_avg_prior_4wk", "participants_seen_28d", "not_seen", "new_28d",
           "discharged_28d"]
EXPECTED = {
    # peer: site, supervisor, active, capacity, utilization, contacts_7d, hours_7d (60+20+90
    # minutes), prior contacts/week (2/4), prior hours/week (75 min/4), seen_28d, not seen,
    # new, discharged
    "PR1": ("North", "SV1", 3, 2, 1.5, 4, 2.83, 0.5, 0.31, 3, 0, 2, 1),
    "PR2": ("North", "SV1", 2, 12, 0.167, 0, 0.0, 0.0, 0.0, 0, 1, 0, 0),
    "PR3": ("South", "SV2", 0, 3, 0.0, 0, 0.0, 0.25, 0.15, 0, 0, 0, 0),
}


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)


def _rows(frame):
    return {row[0]: tuple(row[1:]) for row in frame[COLUMNS].itertuples(index=False)}


def test_caseload_by_hand(warehouse):
    frame = warehouse.query("caseload", as_of="2024-06-30")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3"]
    assert _rows(frame) == EXPECTED


def test_as_of_defaults_to_the_last_contact_date(warehouse):
    assert warehouse.last_contact_date.isoformat() == "2024-06-30"
    assert _rows(warehouse.query("caseload")) == EXPECTED


def test_the_day_before(warehouse):
    """On 06-29, A3 is still active and A4 not yet enrolled; K3 falls after the week."""
    row = _rows(warehouse.query("caseload", as_of="2024-06-29"))["PR1"]
    active, contacts_7d, hours_7d = row[2], row[5], row[6]
    assert (active, contacts_7d, hours_7d) == (3, 4, round((30 + 60 + 90) / 60, 2))


@pytest.mark.parametrize("scope, peers", [
    ({"site": "North"}, ["PR1", "PR2"]),
    ({"supervisor_id": "SV2"}, ["PR3"]),
    ({"peer_id": "PR2"}, ["PR2"]),
    ({"site": "North", "peer_id": "PR3"}, []),
])
def test_scope(warehouse, scope, peers):
    frame = warehouse.query("caseload", as_of="2024-06-30", **scope)
    assert list(frame["peer_id"]) == peers
    assert _rows(frame) == {peer: EXPECTED[peer] for peer in peers}


def test_not_seen_counts_contacts_by_any_peer_over_the_setting(warehouse_of):
    """With a 35-day window, A5's contact by PR1 on 05-27 counts for PR2's participant."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             settings=Settings(not_seen_days=35))
    assert _rows(warehouse.query("caseload", as_of="2024-06-30"))["PR2"][10] == 0


def test_default_capacity_is_a_setting(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             settings=Settings(default_capacity=20))
    row = _rows(warehouse.query("caseload", as_of="2024-06-30"))["PR2"]
    assert (row[3], row[4]) == (20, 0.1)
