"""The service's parts below the browser: the served database across a new extract (a session
keeps its own, a new one gets the new file, the replaced file is closed after its last lease),
and a session state narrowed to some peers that audits every read, filter change, download and
packet."""

from __future__ import annotations

import os
import pytest

from supervision_dash.catalogue import ParameterError

from supervision_dash import load
from supervision_dash.served import ServedDatabase
from supervision_dash.settings import Settings
from supervision_dash.state import ALL, ReviewState
from supervision_dash.views import CaseloadView
from tests.conftest import BASE, csv, write_extract

# Three peers: SV1 has PR1 (North) and PR3 (South); SV2 has PR2 (North).
PEERS = csv("peer_id,site,supervisor_id,caseload_capacity",
            "PR1,North,SV1,10", "PR2,North,SV2,10", "PR3,South,SV1,10")
PARTICIPANTS = csv("participant_id,peer_id,enrolled_on",
                   "A1,PR1,2025-01-06", "A2,PR2,2025-01-06", "A3,PR3,2025-01-06")
CONTACTS = csv("contact_id,participant_id,peer_id,started_at,duration_min,mode",
               "K1,A1,PR1,2025-03-03 10:00,45,in_person",
               "K2,A2,PR2,2025-03-04 10:00,45,in_person",
               "K3,A3,PR3,2025-03-05 10:00,45,in_person")
TABLES = {"peers": PEERS, "participants": PARTICIPANTS, "contacts": CONTACTS}


def held_open(inode: int) -> bool:
    """Whether this process holds a file of this inode open (a deleted one too)."""
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.stat(f"/proc/self/fd/{fd}").st_ino == inode:
                return True
        except OSError:
            continue
    return False


def test_a_new_extract_is_leased_to_new_sessions_and_the_old_closed_after_the_last(tmp_path):
    database = tmp_path / "program.duckdb"
    load(write_extract(tmp_path / "first", BASE), database)
    opened = []
    served = ServedDatabase(database, Settings(), on_open=opened.append)
    old = served.lease()
    assert not old.newer_available()
    first_peers = len(old.warehouse("supervisor").query("peer_scope"))
    first_inode = database.stat().st_ino

    load(write_extract(tmp_path / "second", {**BASE, "peers": BASE["peers"] +
                                             "P99,Zeta,SV9,2024-01-01,10,en,\n"}), database)
    assert old.newer_available()
    new = served.lease()
    assert not new.newer_available()
    assert len(new.warehouse("supervisor").query("peer_scope")) == first_peers + 1
    assert len(old.warehouse("supervisor").query("peer_scope")) == first_peers  # its own
    assert len(opened) == 2 and served.open_versions == 2
    assert database.stat().st_ino != first_inode and held_open(first_inode)

    old.release()
    old.release()  # twice is once
    assert served.open_versions == 1
    assert not held_open(first_inode)  # its memory and disk space given back
    assert not list(tmp_path.glob(".program.duckdb.*"))  # no link left behind
    new.release()
    assert served.open_versions == 1  # the current file stays open for the next session


def test_a_file_that_is_not_a_database_leaves_the_last_version_in_service(tmp_path):
    database = tmp_path / "program.duckdb"
    load(write_extract(tmp_path / "first", BASE), database)
    served = ServedDatabase(database, Settings())
    database.unlink()
    database.write_text("not a database")
    lease = served.lease()
    assert len(lease.warehouse("supervisor").query("peer_scope")) > 0


@pytest.fixture
def audited(warehouse_of):
    records = []

    def audit(event, **fields):
        records.append({"event": event, **fields})

    warehouse = warehouse_of(**TABLES)
    return warehouse, records, audit


def test_a_state_narrowed_to_some_peers_offers_and_reads_only_them(audited):
    warehouse, records, audit = audited
    state = ReviewState(warehouse, allowed_peers=["PR1", "PR3"], audit=audit)
    assert state.param.supervisor_id.objects == [ALL, "SV1"]
    assert state.param.site.objects == [ALL, "North", "South"]
    assert state.param.peer_id.objects == [ALL, "PR1", "PR3"]
    assert sorted(state.caseload()["peer_id"]) == ["PR1", "PR3"]
    assert sorted(state.participants()["participant_id"]) == ["A1", "A3"]
    with pytest.raises(ValueError):
        state.peer_id = "PR2"  # not a choice: param refuses it
    with pytest.raises(ParameterError, match="the choices are PR1, PR3$"):
        state.participants("PR2")  # and the query refuses it, naming only the allowed peers


def test_every_read_filter_change_download_and_packet_is_audited(audited):
    warehouse, records, audit = audited
    state = ReviewState(warehouse, allowed_peers=["PR1", "PR3"], audit=audit)
    assert {record["event"] for record in records} == {"query"}  # the choices were reads
    records.clear()
    state.supervisor_id = "SV1"
    assert records[-1] == {"event": "filters", "detail": {
        "as_of": "2025-03-05", "site": ALL, "supervisor_id": "SV1", "peer_id": ALL,
        "measure": "PHQ9"}}
    records.clear()
    frame = state.caseload()
    assert records == [{"event": "query", "query": "caseload", "rows": 2, "parameters": {
        "as_of": frame.attrs["parameters"]["as_of"], "site": None, "supervisor_id": "SV1",
        "peer_id": None}}]
    records.clear()
    view = CaseloadView(state)
    records.clear()
    view.table.download.callback()
    assert records == [{"event": "download", "query": "caseload", "rows": 2,
                        "parameters": records[0]["parameters"],
                        "detail": {"file": "caseload.csv"}}]
    records.clear()
    state.packet()
    assert records[-1]["event"] == "packet"
    assert records[-1]["parameters"]["supervisor_id"] == "SV1"
