"""hospital_days, against answers worked out by hand (docs/metrics.md#hospital_days, after Sledge et al. 2011).

as_of 2024-12-31, window 180 days: as_of − 180 = 2024-07-04 (27 days of July after the 4th,
then 31 + 30 + 31 + 30 + 31 = 180), so a participant enrolled on or before 07-04 counts.
A stay's bed days run from admitted_on to the day before discharged_on. For enrolment on E,
"before" is E − 180 … E − 1 and "after" is E … E + 179.
"""

from __future__ import annotations

import pandas as pd
import pytest

from supervision_dash.settings import Settings
from tests.conftest import csv

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,North,SV1",
    "PR3,South,SV2",
    "PR4,South,SV2",  # no participants
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "H1,PR1,2024-07-04,",  # exactly 180 days by as_of: counts
    "H2,PR1,2024-07-05,",  # 179 days: does not count
    "H3,PR1,2024-01-01,2024-03-01",  # left the program early: still counts
    "H4,PR2,2024-03-01,",  # never admitted
    "H5,PR3,2024-01-01,",
)
CONTACTS = csv(  # the days the tests ask about (hospital_days reads no contacts)
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K0,H1,PR1,2024-12-30 10:00,30,phone",
    "K1,H1,PR1,2024-12-31 10:00,30,phone",
)
ADMISSIONS = csv(
    "participant_id,admitted_on,discharged_on",
    # H1, enrolled 07-04: before is 2024-01-06 … 07-03, after 07-04 … 12-30.
    "H1,2024-06-30,2024-07-10",  # across enrolment: 06-30 … 07-03 before (4), 07-04 … 07-09
    #                              after (6)
    "H1,2024-09-01,2024-09-01",  # discharged the day it began: 1 day after
    # H2 is not counted at all.
    "H2,2024-08-01,2024-08-11",
    # H3, enrolled 2024-01-01: before is 2023-07-05 … 2023-12-31, after 2024-01-01 … 06-28
    # (31 + 29 + 31 + 30 + 31 = 152 days to 05-31, so 06-28 is day 179).
    "H3,2023-05-01,2023-05-10",  # before the before window: not counted
    "H3,2023-07-01,2023-07-08",  # bed days 07-01 … 07-07, of which 07-05, 07-06, 07-07 count
    "H3,2024-06-20,",  # still admitted: runs through as_of, cut at 06-28: 06-20 … 06-28, 9 days
    "H3,2024-08-01,2024-08-05",  # after the after window: not counted
    # H5, enrolled 2024-01-01: two overlapping stays, 10-01 … 10-05 and 10-04 … 10-07, cover
    # 10-01 … 10-07: 7 days, not 5 + 4 = 9.
    "H5,2023-10-01,2023-10-06",
    "H5,2023-10-04,2023-10-08",
)
COLUMNS = ["peer_id", "site", "participants", "admitted_before", "admitted_after",
           "bed_days_before", "bed_days_after", "mean_bed_days_before", "mean_bed_days_after"]
EXPECTED = {
    # peer: site, participants, admitted before, after, bed days before, after, means
    # PR1: H1 and H3; before 4 + 3 = 7, after (6 + 1) + 9 = 16; 7 / 2, 16 / 2.
    "PR1": ("North", 2, 2, 2, 7, 16, 3.5, 8.0),
    "PR2": ("North", 1, 0, 0, 0, 0, 0.0, 0.0),
    "PR3": ("South", 1, 1, 0, 7, 0, 7.0, 0.0),
    "PR4": ("South", 0, 0, 0, 0, 0, None, None),  # no participant: no mean
}


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        admissions=ADMISSIONS)


def _rows(frame):
    assert list(frame.columns) == COLUMNS
    return {row[0]: tuple(None if pd.isna(value) else value for value in row[1:])
            for row in frame.astype(object).itertuples(index=False)}


def test_hospital_days_by_hand(warehouse):
    frame = warehouse.query("hospital_days", as_of="2024-12-31")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3", "PR4"]
    assert _rows(frame) == EXPECTED
    assert frame.attrs["notes"] == []


def test_one_day_earlier_h1_has_not_been_enrolled_long_enough(warehouse):
    """On 12-30 only H3 counts for PR1: 3 days before, 9 after."""
    row = _rows(warehouse.query("hospital_days", as_of="2024-12-30"))["PR1"]
    assert row == ("North", 1, 1, 1, 3, 9, 3.0, 9.0)


def test_the_window_is_a_setting(warehouse_of):
    """A 30-day window on 12-31 counts everyone enrolled by 12-01. PR1:
    H1 (07-04): before 06-04 … 07-03 has 06-30 … 07-03 (4); after 07-04 … 08-02 has 07-04 …
    07-09 (6); the 09-01 stay is outside.
    H2 (07-05): after 07-05 … 08-03 has 08-01 … 08-03 (3).
    H3 (01-01): before 2023-12-02 … 12-31 and after 01-01 … 01-30 hold no bed day.
    Three participants: before 4 (4 / 3 = 1.33), after 9 (9 / 3 = 3.0)."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             admissions=ADMISSIONS, settings=Settings(hospital_window_days=30))
    row = _rows(warehouse.query("hospital_days", as_of="2024-12-31"))["PR1"]
    assert row == ("North", 3, 1, 2, 4, 9, 1.33, 3.0)


@pytest.mark.parametrize("scope, peers", [
    ({"site": "South"}, ["PR3", "PR4"]),
    ({"supervisor_id": "SV1"}, ["PR1", "PR2"]),
    ({"peer_id": "PR3"}, ["PR3"]),
])
def test_scope(warehouse, scope, peers):
    frame = warehouse.query("hospital_days", as_of="2024-12-31", **scope)
    assert _rows(frame) == {peer: EXPECTED[peer] for peer in peers}


def test_no_admissions_extract(warehouse_of):
    """The eligible participants are still counted; nothing is known about their stays."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("hospital_days", as_of="2024-12-31")
    assert _rows(frame) == {
        "PR1": ("North", 2, None, None, None, None, None, None),
        "PR2": ("North", 1, None, None, None, None, None, None),
        "PR3": ("South", 1, None, None, None, None, None, None),
        "PR4": ("South", 0, None, None, None, None, None, None),
    }
    assert frame.attrs["notes"] == ["no admissions extract loaded"]
