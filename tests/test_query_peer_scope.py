"""peer_scope, the filter every peer-level metric starts from, against answers worked out by
hand: each filter alone, filters together, and a filter that selects nobody."""

from __future__ import annotations

import pytest

from tests.conftest import csv

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,10",
    "PR2,North,SV2,",  # no capacity in the extract: left empty here, defaulted by the metrics
    "PR3,South,SV1,8",
)


@pytest.mark.parametrize("scope, expected", [
    ({}, ["PR1", "PR2", "PR3"]),
    ({"site": "North"}, ["PR1", "PR2"]),
    ({"supervisor_id": "SV1"}, ["PR1", "PR3"]),  # SV1 supervises in both sites
    ({"site": "North", "supervisor_id": "SV1"}, ["PR1"]),
    ({"peer_id": "PR3"}, ["PR3"]),
    ({"site": "North", "peer_id": "PR3"}, []),  # PR3 is not a North peer
])
def test_each_filter_narrows_the_peers(warehouse_of, scope, expected):
    frame = warehouse_of(peers=PEERS).query("peer_scope", **scope)
    assert list(frame["peer_id"]) == expected


def test_the_capacity_is_the_extracts_own(warehouse_of):
    frame = warehouse_of(peers=PEERS).query("peer_scope")
    assert frame.set_index("peer_id")["caseload_capacity"].isna().tolist() == [False, True, False]
    assert frame.set_index("peer_id").loc["PR1", "caseload_capacity"] == 10
    assert list(frame["supervisor_id"]) == ["SV1", "SV2", "SV1"]


PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on",
    "A1,PR1,2025-01-06",
    "A2,PR2,2025-01-06",
    "A3,PR3,2025-01-06",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K1,A1,PR1,2025-03-03 10:00,45,in_person",
    "K2,A2,PR2,2025-03-03 10:00,45,in_person",
    "K3,A3,PR3,2025-03-03 10:00,45,in_person",
)


def test_a_scoped_handle_sees_only_its_peers_in_every_query(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    scoped = warehouse.scoped(["PR3", "PR1"])
    assert list(scoped.query("peer_scope")["peer_id"]) == ["PR1", "PR3"]
    assert list(scoped.query("peer_scope", site="North")["peer_id"]) == ["PR1"]
    assert list(scoped.query("peer_scope", peer_id="PR2")["peer_id"]) == []  # outside: nothing
    assert sorted(scoped.query("caseload")["peer_id"]) == ["PR1", "PR3"]
    assert sorted(scoped.query("caseload_participants")["participant_id"]) == ["A1", "A3"]
    assert sorted(scoped.query("engagement")["peer_id"].unique()) == ["PR1", "PR3"]
    assert list(warehouse.scoped([]).query("caseload")["peer_id"]) == []
    # the unscoped warehouse, sharing the cache, still sees everyone
    assert sorted(warehouse.query("caseload")["peer_id"]) == ["PR1", "PR2", "PR3"]
    assert (scoped.role, scoped.settings, scoped.load_info) == (
        warehouse.role, warehouse.settings, warehouse.load_info)


def test_a_caller_cannot_bind_the_scope(warehouse_of):
    scoped = warehouse_of(peers=PEERS).scoped(["PR1"])
    with pytest.raises(TypeError, match="no parameter 'allowed_peers'"):
        scoped.query("peer_scope", allowed_peers=None)
