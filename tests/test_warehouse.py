"""open_warehouse: a database file opened read-only, or an extract folder loaded into a cache."""

from __future__ import annotations

import duckdb
import pytest

from supervision_dash import ExtractError, load, open_warehouse
from supervision_dash.warehouse import QueryError, WarehouseError
from tests.conftest import BASE, replace_line


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERVISION_DASH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_database_file_opens_read_only(make_extract, tmp_path):
    database = tmp_path / "program.duckdb"
    load(make_extract(), database)
    with open_warehouse(database) as warehouse:
        assert warehouse.sql("SELECT count(*) AS n FROM contacts")["n"].tolist() == [4]
        with pytest.raises(QueryError, match="^ad-hoc SQL: DuckDB could not run it"):
            warehouse.sql("DELETE FROM contacts")


def test_an_extract_folder_is_validated_loaded_and_cached(make_extract, private_cache):
    folder = make_extract()
    with open_warehouse(folder) as first:
        cached = first.database
        assert cached.parent == private_cache
        assert first.sql("SELECT count(*) AS n FROM participants")["n"].tolist() == [3]
    stamp = cached.stat().st_mtime_ns
    with open_warehouse(folder) as second:
        assert second.database == cached and cached.stat().st_mtime_ns == stamp  # not reloaded
    (folder / "contacts.csv").write_text(BASE["contacts"] + "C5,0001,PR1,2024-05-09 09:00,30,"
                                                            "phone,,,,,,\n")
    with open_warehouse(folder) as third:
        assert third.database != cached  # the extract changed: loaded again
        assert third.sql("SELECT count(*) AS n FROM contacts")["n"].tolist() == [5]


def test_an_invalid_folder_raises_with_the_report(make_extract, private_cache):
    folder = make_extract(contacts=replace_line(
        BASE["contacts"], 2, "C1,0001,PR1,2024-05-06 09:00,0,in_person,clinic,,,,,"))
    with pytest.raises(ExtractError) as failure:
        open_warehouse(folder)
    assert failure.value.report.errors[0].column == "duration_min"
    assert not any(private_cache.glob("*.duckdb"))


def test_sql_takes_bound_parameters(make_extract, tmp_path):
    database = tmp_path / "program.duckdb"
    load(make_extract(), database)
    with open_warehouse(database) as warehouse:
        frame = warehouse.sql("SELECT contact_id FROM contacts WHERE peer_id = $peer "
                              "ORDER BY contact_id", peer="PR2")
        assert frame["contact_id"].tolist() == ["C3"]


def test_a_file_that_is_not_a_loaded_extract(tmp_path):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(WarehouseError, match="not built by supervision-dash"):
        open_warehouse(other)
    with pytest.raises(WarehouseError, match="no database at"):
        open_warehouse(tmp_path / "missing.duckdb")


# --- a handle narrowed to the peers one person may see -----------------------------------------

def _every_scoped_query():
    from supervision_dash.catalogue import Catalogue, builtin_folder

    catalogue = Catalogue([builtin_folder()])
    return [name for name in catalogue if "peer_id" in catalogue.parameters(name)]


# Columns that name a peer other than the row's own (a mentor, mentees): a narrowed handle
# never names a peer beyond it, where a filter names them all.
NAMES_OTHER_PEERS = ("mentor_peer_id", "mentees")


@pytest.mark.parametrize("name", _every_scoped_query())
def test_a_scoped_handle_answers_as_the_peer_filter_does(warehouse_of, name):
    """Narrowed to PR1 by the warehouse, every query gives what peer_id=PR1 gives, but for the
    peers beyond the handle it names (BASE's PR1 mentors PR2: the filter names PR2, the handle
    does not); the handle shares the connection and the cache, and the cache keeps the two
    scopes apart."""
    warehouse = warehouse_of(**BASE)
    everyone = warehouse.query(name)
    mine = warehouse.scoped(["PR1"])
    narrowed, filtered = mine.query(name), warehouse.query(name, peer_id="PR1")
    others = [column for column in NAMES_OTHER_PEERS if column in filtered.columns]
    assert narrowed.drop(columns=others).equals(filtered.drop(columns=others))
    for column in others:
        assert narrowed[column].isna().all(), column
    if "mentees" in others:
        assert filtered["mentees"].tolist() == ["PR2"]
    assert warehouse.query(name).equals(everyone)


def test_a_scoped_handle_sees_no_other_peer(warehouse_of):
    warehouse = warehouse_of(**BASE)
    mine = warehouse.scoped(["PR2"])
    assert mine.query("caseload")["peer_id"].tolist() == ["PR2"]
    assert mine.query("contact_log", as_of="2024-05-08")["contact_id"].tolist() == ["C3"]
    assert mine.scoped(["PR1", "PR2"]).query("caseload")["peer_id"].tolist() == ["PR2"]
    assert warehouse.scoped([]).query("caseload").empty
    with pytest.raises(PermissionError, match="ad-hoc SQL"):
        mine.sql("SELECT * FROM contacts")
    mine.close()  # closing a handle leaves the warehouse open
    assert len(warehouse.query("caseload")) == 2


def test_a_warehouse_with_a_query_folder_cannot_be_narrowed(warehouse_of, tmp_path):
    """A query of one's own need not start from peer_scope (or may replace it): narrowing such
    a warehouse would promise a scope it cannot keep."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "everyone.sql").write_text("-- everyone: every participant.\n"
                                         "-- column participant_id id: the participant\n"
                                         "SELECT participant_id FROM participants\n")
    with pytest.raises(PermissionError, match="cannot be narrowed"):
        warehouse_of(queries=folder).scoped(["PR1"])
