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
