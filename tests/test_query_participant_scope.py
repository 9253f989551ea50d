"""The site filter means the peer's site everywhere: a participant belongs to the team of the
peer assigned to them. A participant's own site is only a grouping (by participant_site).

Worked by hand. PR1 is North's peer, PR2 South's. P1 is PR1's participant whose own site is
South; P2 (PR2) and P3 (PR1) have no site of their own, so theirs is their peer's. Everyone is
enrolled on 2024-01-01 and seen in the last week of June; as_of is 2024-06-30. PHQ-9 pairs
(threshold 5): P1 20 → 10 improved, P2 15 → 14 no reliable change, P3 12 → 20 deteriorated.
With site South only P2 is counted: by the peer's site, P1 is North's.
"""

from __future__ import annotations

import pytest

from tests.conftest import csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,South,SV2",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,site,enrolled_on,gender",
    "P1,PR1,South,2024-01-01,female",
    "P2,PR2,,2024-01-01,female",
    "P3,PR1,,2024-01-01,male",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K1,P1,PR1,2024-06-30 10:00,30,phone",
    "K2,P2,PR2,2024-06-29 10:00,30,phone",
    "K3,P3,PR1,2024-06-30 11:00,30,phone",
)
OUTCOMES = csv(
    "participant_id,measure,assessed_on,score",
    "P1,PHQ9,2024-01-01,20", "P1,PHQ9,2024-06-01,10",
    "P2,PHQ9,2024-01-01,15", "P2,PHQ9,2024-06-01,14",
    "P3,PHQ9,2024-01-01,12", "P3,PHQ9,2024-06-01,20",
)
AS_OF = "2024-06-30"


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        outcomes=OUTCOMES)


def test_with_a_site_every_participant_in_the_summary_has_a_trajectory(warehouse):
    changed = warehouse.query("outcome_change", as_of=AS_OF, site="South")
    lines = warehouse.query("outcome_trajectories", as_of=AS_OF, site="South")
    assert changed["participant_id"].tolist() == ["P2"]
    assert set(changed["participant_id"]) <= set(lines["participant_id"])
    summary = warehouse.query("outcome_summary", as_of=AS_OF, site="South")
    assert rows(summary, ["measure", "pairs", "improved", "no_reliable_change",
                          "deteriorated"]) == [("PHQ9", 1, 0, 1, 0)]


def test_the_site_is_the_peers_in_every_participant_count(warehouse):
    equity = warehouse.query("equity", as_of=AS_OF, site="South")
    assert rows(equity[equity["dimension"] == "gender"],
                ["category", "participants", "engaged", "outcome_pairs"]) == [
        ("female", 1, 1, 1)]  # P2 only
    engagement = warehouse.query("engagement", as_of=AS_OF, months=1, by="program",
                                 site="South")
    assert rows(engagement, ["active_participants", "engaged"]) == [(1, 1)]
    medians = warehouse.query("outcome_medians", as_of=AS_OF, site="South")
    assert medians["participants"].tolist() == [1, 1]  # P2 in band 0 and band 5
    participants = warehouse.query("caseload_participants", as_of=AS_OF, site="North")
    assert participants["participant_id"].tolist() == ["P1", "P3"]  # P1's own site is South


def test_by_site_is_the_peers_site_and_by_participant_site_their_own(warehouse):
    columns = ["site", "pairs", "improved", "no_reliable_change", "deteriorated"]
    by_site = warehouse.query("outcome_summary", as_of=AS_OF, by="site")
    assert rows(by_site, columns) == [("North", 2, 1, 0, 1), ("South", 1, 0, 1, 0)]
    own = warehouse.query("outcome_summary", as_of=AS_OF, by="participant_site")
    assert rows(own, columns) == [("North", 1, 0, 0, 1), ("South", 2, 1, 1, 0)]

    columns = ["site", "active_participants", "engaged"]
    by_site = warehouse.query("engagement", as_of=AS_OF, months=1, by="site")
    assert rows(by_site, columns) == [("North", 2, 2), ("South", 1, 1)]
    own = warehouse.query("engagement", as_of=AS_OF, months=1, by="participant_site")
    assert rows(own, columns) == [("North", 1, 1), ("South", 2, 2)]


def test_by_peer_gives_one_row_per_peer(warehouse):
    """A peer whose participants live at two sites is still one row, at the peer's site."""
    frame = warehouse.query("engagement", as_of=AS_OF, months=1)
    assert rows(frame, ["site", "peer_id", "active_participants"]) == [
        ("North", "PR1", 2), ("South", "PR2", 1)]
    summary = warehouse.query("outcome_summary", as_of=AS_OF, by="peer")
    assert rows(summary, ["site", "peer_id", "pairs"]) == [("North", "PR1", 2),
                                                           ("South", "PR2", 1)]
