"""supervision_coverage, against answers worked out by hand (docs/metrics.md#supervision_coverage).

as_of 2024-06-30: the 28-day window is 06-03 (as_of − 27) … 06-30; 06-02 (as_of − 28) is out.
A peer is overdue with more than 14 days since the last session, or with none. The extract's
contacts span 06-29 … 06-30, the days the tests ask about (supervision reads no contacts).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from supervision_dash.settings import Settings
from tests.conftest import contacts_on, csv

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,North,SV1",
    "PR3,South,SV2",
    "PR4,South,SV2",
)
SUPERVISION = csv(
    "peer_id,supervisor_id,held_on,duration_min,format",
    "PR1,SV1,2024-06-03,60,individual",  # the first day of the window
    "PR1,SV1,2024-06-16,90,group",  # 14 days before as_of: on time
    "PR1,SV1,2024-07-01,60,individual",  # after as_of: ignored
    "PR2,SV1,2024-06-02,45,individual",  # one day before the window
    "PR2,SV9,2024-06-15,30,individual",  # a cover supervisor; 15 days before as_of: overdue
    "PR4,SV2,2024-05-01,20,group",
    "PR4,SV2,2024-06-30,50,individual",  # on as_of
    # PR3: never supervised
)
CONTACTS = contacts_on("2024-06-29", "2024-06-30")
COLUMNS = ["peer_id", "site", "supervisor_id", "sessions_28d", "hours_28d",
           "last_supervised_on", "days_since", "overdue"]
EXPECTED = {
    # peer: site, supervisor, sessions, hours, last session, days since, overdue
    "PR1": ("North", "SV1", 2, 2.5, dt.date(2024, 6, 16), 14, False),  # (60 + 90) / 60
    "PR2": ("North", "SV1", 1, 0.5, dt.date(2024, 6, 15), 15, True),  # 30 / 60
    "PR3": ("South", "SV2", 0, 0.0, None, None, True),
    "PR4": ("South", "SV2", 1, 0.83, dt.date(2024, 6, 30), 0, False),  # 50 / 60 = 0.833…
}


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, contacts=CONTACTS, supervision=SUPERVISION)


def _value(value):
    if pd.isna(value):  # None, NaN, NaT, NA
        return None
    if hasattr(value, "date"):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _rows(frame):
    assert list(frame.columns) == COLUMNS
    return {row[0]: tuple(_value(v) for v in row[1:])
            for row in frame.astype(object).itertuples(index=False)}


def test_supervision_coverage_by_hand(warehouse):
    frame = warehouse.query("supervision_coverage", as_of="2024-06-30")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3", "PR4"]
    assert _rows(frame) == EXPECTED
    assert frame.attrs["notes"] == []


def test_the_day_before(warehouse):
    """On 06-29 the window is 06-02 … 06-29: PR2's 06-02 session comes in (45 + 30 minutes),
    and it is 14 days since 06-15. PR4's session on 06-30 has not happened: its last is 05-01,
    59 days before (30 to 05-31, 29 more to 06-29)."""
    rows = _rows(warehouse.query("supervision_coverage", as_of="2024-06-29"))
    assert rows["PR1"] == ("North", "SV1", 2, 2.5, dt.date(2024, 6, 16), 13, False)
    assert rows["PR2"] == ("North", "SV1", 2, 1.25, dt.date(2024, 6, 15), 14, False)
    assert rows["PR4"] == ("South", "SV2", 0, 0.0, dt.date(2024, 5, 1), 59, True)


def test_the_interval_is_a_setting(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS, supervision=SUPERVISION,
                             settings=Settings(supervision_interval_days=15))
    frame = warehouse.query("supervision_coverage", as_of="2024-06-30")
    # 15 days since is no longer overdue; never supervised still is.
    assert dict(zip(frame["peer_id"], frame["overdue"], strict=True)) == {
        "PR1": False, "PR2": False, "PR3": True, "PR4": False}


@pytest.mark.parametrize("scope, peers", [
    ({"site": "South"}, ["PR3", "PR4"]),
    ({"supervisor_id": "SV1"}, ["PR1", "PR2"]),
    ({"peer_id": "PR3"}, ["PR3"]),
    ({"site": "North", "peer_id": "PR3"}, []),
])
def test_scope(warehouse, scope, peers):
    frame = warehouse.query("supervision_coverage", as_of="2024-06-30", **scope)
    assert _rows(frame) == {peer: EXPECTED[peer] for peer in peers}
    assert list(frame["peer_id"]) == peers


def test_no_supervision_extract(warehouse_of):
    """Every peer is listed, but without the table nothing is known: no zero counts, no
    'overdue' for anyone."""
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS)
    frame = warehouse.query("supervision_coverage", as_of="2024-06-30")
    assert _rows(frame) == {
        peer: (site, supervisor, None, None, None, None, None)
        for peer, (site, supervisor, *_) in EXPECTED.items()
    }
    assert frame.attrs["notes"] == ["no supervision extract loaded"]
