"""The Python API analysts use: wh.query, wh.catalogue, wh.sql, extra query folders, roles."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision_dash.catalogue import ParameterError
from supervision_dash.warehouse import LeadershipError
from tests.conftest import BASE, csv

FIDELITY_PER_DOMAIN = """\
-- my_fidelity_rows: how many fidelity items each peer has, per domain.
-- A worked example of an analyst's own metric: it reads the optional fidelity table, so on an
-- extract without one it returns no rows and a note says why.
-- param as_of date: ratings on or before this day (default: the last contact date)
-- column peer_id key: the peer
-- column domain key: the fidelity domain
-- column items count: items rated
SELECT peer_id, domain, count(*) AS items
FROM fidelity
WHERE rated_on <= $as_of
GROUP BY ALL
ORDER BY ALL
"""

PARTICIPANT_ROWS = """\
-- my_participants: participants and their peers (participant-level).
-- A worked example of a participant-level query: the leadership role refuses it.
-- param site text: only participants of this site
-- column participant_id id: the participant
-- column peer_id key: the assigned peer
SELECT participant_id, peer_id FROM participants WHERE $site IS NULL OR site = $site
"""


@pytest.fixture
def analyst_queries(tmp_path):
    folder = tmp_path / "my_queries"
    folder.mkdir()
    (folder / "my_fidelity_rows.sql").write_text(FIDELITY_PER_DOMAIN)
    (folder / "my_participants.sql").write_text(PARTICIPANT_ROWS)
    return folder


def test_an_unknown_query_lists_the_valid_ones(warehouse_of):
    with pytest.raises(KeyError, match="unknown query 'caseloads'.*caseload"):
        warehouse_of().query("caseloads")


def test_an_unknown_parameter_lists_the_valid_ones(warehouse_of):
    with pytest.raises(TypeError, match="caseload has no parameter 'sites'; its parameters "
                                        "are: as_of, site, supervisor_id, peer_id"):
        warehouse_of().query("caseload", sites="North")


@pytest.mark.parametrize("value", ["last week", "2024-02-30", 7])
def test_a_bad_parameter_value_names_the_parameter(warehouse_of, value):
    with pytest.raises(ParameterError, match=r"^as_of: must be a date \(YYYY-MM-DD\)$"):
        warehouse_of().query("caseload", as_of=value)


@pytest.mark.parametrize("as_of", ["2024-05-08", dt.date(2024, 5, 8),
                                   dt.datetime(2024, 5, 8, 17, 30)])
def test_dates_in_any_python_form(warehouse_of, as_of):
    frame = warehouse_of().query("caseload", as_of=as_of)
    assert frame.attrs["parameters"]["as_of"] == dt.date(2024, 5, 8)


def test_values_are_bound_never_spliced_into_sql(warehouse_of):
    """A site is checked against the extract first; a participant ID is not, and is bound."""
    warehouse = warehouse_of()
    with pytest.raises(ParameterError, match="^site: no such site"):
        warehouse.query("caseload", site="North' OR '1'='1")
    assert len(warehouse.query("caseload", site="North")) == 1
    assert len(warehouse.query("contact_log", participant_id="0001' OR '1'='1")) == 0
    assert len(warehouse.query("contact_log", participant_id="0001")) == 2  # C1 and C4


def test_the_catalogue_describes_every_query(warehouse_of):
    catalogue = warehouse_of().catalogue
    assert "caseload" in catalogue
    spec = catalogue["caseload"]
    assert spec.summary.startswith("each peer's caseload")
    assert "as_of" in spec.parameters and spec.parameters["as_of"].type == "date"
    assert spec.column_names[:4] == ["peer_id", "site", "supervisor_id", "active_participants"]
    frame = catalogue.to_frame()
    assert set(frame.columns) == {"name", "summary", "parameters", "columns",
                                  "participant_level"}
    assert len(frame) == len(catalogue)


def test_an_analyst_adds_a_metric_with_a_sql_file(warehouse_of, analyst_queries):
    warehouse = warehouse_of(fidelity=BASE["fidelity"], queries=analyst_queries)
    assert "my_fidelity_rows" in warehouse.catalogue
    frame = warehouse.query("my_fidelity_rows")
    assert frame.to_dict("records") == [{"peer_id": "PR1", "domain": "safety_boundaries",
                                         "items": 2}]
    assert frame.attrs["notes"] == []


def test_a_query_over_an_absent_optional_table_returns_empty_with_a_note(warehouse_of,
                                                                        analyst_queries):
    frame = warehouse_of(queries=analyst_queries).query("my_fidelity_rows")
    assert frame.empty and list(frame.columns) == ["peer_id", "domain", "items"]
    assert frame.attrs["notes"] == ["no fidelity extract loaded"]


def test_sql_for_analysts(warehouse_of):
    frame = warehouse_of().sql("SELECT count(*) AS n FROM contacts WHERE mode = $mode",
                               mode="group")
    assert frame["n"].tolist() == [2]


def test_leadership_refuses_participant_rows_ad_hoc_sql_and_query_folders(warehouse_of,
                                                                         analyst_queries):
    leadership = warehouse_of(role="leadership")
    with pytest.raises(LeadershipError, match="contact_log lists individual participants"):
        leadership.query("contact_log")
    with pytest.raises(LeadershipError):
        leadership.sql("SELECT * FROM participants")
    with pytest.raises(LeadershipError, match="a query folder is refused"):
        warehouse_of(role="leadership", queries=analyst_queries)


def test_leadership_suppresses_small_counts(warehouse_of):
    peers = csv("peer_id,site,supervisor_id,caseload_capacity", "PR1,North,SV1,30",
                "PR2,North,SV1,30", "PR3,South,SV2,30")
    participants = csv("participant_id,peer_id,enrolled_on",
                       *[f"A{i},PR1,2024-01-01" for i in range(12)],
                       *[f"B{i},PR2,2024-01-01" for i in range(3)],
                       *[f"C{i},PR3,2024-01-01" for i in range(15)])
    contacts = csv("contact_id,participant_id,peer_id,started_at,duration_min,mode",
                   "K1,A1,PR1,2024-05-06 09:00,30,phone")
    frame = warehouse_of(role="leadership", peers=peers, participants=participants,
                         contacts=contacts).query("caseload", as_of="2024-05-06")
    active = frame.set_index("peer_id")["active_participants"]
    # PR2's 3 is primary; North's site total (15) would reveal it from PR1's 12, so PR1's
    # cell is hidden too; South's single peer is its own site total.
    assert active.isna().tolist() == [True, True, False]
    assert active["PR3"] == 15
    assert frame.attrs["suppressed"]["active_participants"] == [0, 1]


@pytest.mark.parametrize("extract", ["synthetic", "required tables only"])
def test_frames_arrive_as_duckdb_would_give_them(tmp_path, extract):
    """Results come through Arrow (faster); every query's frame equals DuckDB's own `.df()`,
    on a full extract and on one whose optional tables are absent (empty frames)."""
    import duckdb
    import pandas as pd

    from supervision_dash import load, open_warehouse
    from supervision_dash.synthetic import generate
    from tests.conftest import write_extract

    if extract == "synthetic":
        generate(tmp_path / "x", contacts=3000, seed=2)
    else:
        write_extract(tmp_path / "x", {name: BASE[name] for name in
                                       ("peers", "participants", "contacts")}, base={})
    load(tmp_path / "x", tmp_path / "x.duckdb")
    with open_warehouse(tmp_path / "x.duckdb") as warehouse:
        for name in warehouse.catalogue:
            frame = warehouse.query(name)
            bound = frame.attrs["parameters"]
            sql = warehouse.catalogue.composed_sql(name)
            with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
                expected = con.execute(sql, bound).df()
            pd.testing.assert_frame_equal(frame, expected, check_dtype=True, obj=name)
