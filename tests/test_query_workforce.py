"""workforce and fidelity_distribution, against answers worked out by hand (site level)."""

from __future__ import annotations

import pandas as pd

from supervision_dash.settings import Settings
from tests.conftest import csv

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,2",
    "PR2,North,SV1,12",
    "PR3,South,SV2,",  # empty capacity: the default, 12
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "A1,PR1,2024-01-01,", "A2,PR1,2024-01-01,", "A3,PR1,2024-01-01,",  # 3 of 2: over
    "A4,PR1,2024-01-01,2024-06-30",  # discharged on as_of: not active
    "B1,PR2,2024-01-01,", "C1,PR3,2024-01-01,",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K1,A1,PR1,2024-06-30 10:00,30,phone",
)
SUPERVISION = csv(
    "peer_id,supervisor_id,held_on,duration_min",
    "PR1,SV1,2024-06-20,60",  # 10 days before as_of: on time
    "PR2,SV1,2024-06-01,60",  # 29 days: overdue; PR3 never supervised: overdue
)
FIDELITY = csv(
    "peer_id,rated_on,rater_role,domain,item,score",
    "PR1,2024-06-01,supervisor,trust,a,4",  # PR1: domain (4+5)/2 = 4.5, total 4.5: meets
    "PR1,2024-06-01,supervisor,trust,b,5",
    "PR1,2024-06-02,self,trust,a,2",  # self ratings are not counted here
    "PR2,2024-06-01,supervisor,trust,a,3",  # PR2: total 3.0: below the 4.0 standard
)


def test_workforce_by_hand(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             supervision=SUPERVISION, fidelity=FIDELITY)
    rows = warehouse.query("workforce", as_of="2024-06-30").set_index("site")
    north, south = rows.loc["North"], rows.loc["South"]
    assert (north.peers, north.active_participants, north.caseload_capacity) == (2, 4, 14)
    assert north.utilization == round(4 / 14, 3)
    assert (north.peers_over_capacity, north.peers_overdue_supervision) == (1, 1)
    assert (north.peers_rated, north.peers_meeting_standard) == (2, 1)
    assert north.mean_fidelity == 3.75  # (4.5 + 3.0) / 2
    assert (south.peers, south.active_participants, south.caseload_capacity) == (1, 1, 12)
    assert south.utilization == round(1 / 12, 3)
    assert (south.peers_over_capacity, south.peers_overdue_supervision) == (0, 1)
    assert (south.peers_rated, south.peers_meeting_standard) == (0, 0)
    assert pd.isna(south.mean_fidelity)  # missing (NaN, or NA beside nullable columns)


def test_workforce_scope_and_no_supervision_extract(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("workforce", as_of="2024-06-30", site="South")
    assert list(frame["site"]) == ["South"]
    assert frame["peers_overdue_supervision"].isna().all()  # unknown, not zero
    assert "no supervision extract loaded" in frame.attrs["notes"]


def test_fidelity_distribution_by_hand(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             fidelity=FIDELITY)
    frame = warehouse.query("fidelity_distribution", as_of="2024-06-30")
    assert frame.to_dict("list") == {
        "site": ["North"] * 5,
        "band": ["below 3", "3 to 3.5", "3.5 to 4", "4 to 4.5", "4.5 and above"],
        "peers": [0, 1, 0, 0, 1],  # PR2's 3.0 and PR1's 4.5; South has no rated peer
    }


def test_leadership_sees_only_site_counts(warehouse_of):
    """Counts of peers are staff counts, shown as they are (North's 2 peers, 1 over capacity,
    a mean fidelity over 2 peers); the counts of participants (4 and 1) are suppressed, and so
    are the utilisations computed from them."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             supervision=SUPERVISION, fidelity=FIDELITY, role="leadership")
    frame = warehouse.query("workforce", as_of="2024-06-30")
    assert "peer_id" not in frame.columns
    rows = frame.set_index("site")
    assert rows["peers"].tolist() == [2, 1]
    assert rows["peers_over_capacity"].tolist() == [1, 0]
    assert rows["peers_rated"].tolist() == [2, 0]
    assert rows.loc["North", "mean_fidelity"] == 3.75
    assert rows["active_participants"].isna().all()  # 4 and 1
    assert rows["utilization"].isna().all()


def test_leadership_may_suppress_staff_counts_too(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             supervision=SUPERVISION, fidelity=FIDELITY, role="leadership",
                             settings=Settings(suppress_staff_counts=True))
    frame = warehouse.query("workforce", as_of="2024-06-30")
    for column in ("peers", "active_participants", "peers_over_capacity", "peers_rated"):
        values = frame[column].dropna()
        assert not values.between(1, 10).any(), column
    assert frame["mean_fidelity"].isna().all()  # over fewer than 11 peers
