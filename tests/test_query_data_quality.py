"""data_quality, against answers worked out by hand, and against the contract it reads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlglot
from sqlglot import exp

from supervision_dash.catalogue import Catalogue, builtin_folder
from supervision_dash.contract import TABLES
from tests.conftest import BASE, csv

PEERS = csv(
    "peer_id,site,supervisor_id,hired_on,caseload_capacity,languages,certified_on",
    "PR1,North,SV1,2020-01-02,12,en,2020-03-01",
    "PR2,North,SV1,2021-05-03,,en;es,",  # 1 of 2 capacities and certifications empty: 50%
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on",
    "A1,PR1,2024-01-01",
    "A2,PR2,2024-02-01",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode,setting,notes",
    "K1,A1,PR1,2024-05-06 09:00,30,phone,virtual,x",
    "K2,A2,PR2,1985-05-07 09:00,30,phone,,y",  # before 1990: outside the expected range
    "K3,A2,PR2,2024-05-08 09:00,30,phone,,z",
    "K4,A1,PR1,2024-05-09 09:00,30,phone,clinic,w",
)


def test_data_quality_by_hand(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("data_quality")
    rows = frame.set_index("table_name")
    assert list(frame["table_name"]) == [
        "peers", "participants", "contacts", "outcomes", "fidelity", "supervision",
        "admissions", "appointments", "goals", "feedback", "training", "mentoring"]
    # the day of the load, not the day the assertion runs: a test across midnight still holds
    loaded_on = pd.Timestamp(warehouse.load_info["loaded_at"]).date()

    peers = rows.loc["peers"]
    assert (peers.present, peers.source_file, peers.row_count) == (True, "peers.csv", 2)
    assert (peers.first_date.date(), peers.last_date.date()) == (dt.date(2020, 1, 2),
                                                                 dt.date(2021, 5, 3))
    assert peers.days_before_load == (loaded_on - dt.date(2021, 5, 3)).days
    assert peers.optional_nulls == ("hired_on 0.0%, caseload_capacity 50.0%, languages 0.0%, "
                                    "certified_on 50.0%")
    assert peers.rows_outside_range == 0

    contacts = rows.loc["contacts"]
    assert contacts.row_count == 4
    assert (contacts.first_date.date(), contacts.last_date.date()) == (dt.date(1985, 5, 7),
                                                                       dt.date(2024, 5, 9))
    assert contacts.optional_nulls.startswith("setting 50.0%, activity 100.0%")
    assert contacts.rows_outside_range == 1
    assert contacts.load_warnings == 1  # the dropped notes column

    goals = rows.loc["goals"]
    assert (goals.present, goals.row_count, goals.rows_outside_range) == (False, 0, 0)
    assert pd.isna(goals.source_file) and pd.isna(goals.last_date)


def test_every_contract_table_and_optional_column_is_profiled(warehouse_of):
    """The rows, the date columns and the optional columns come from the contract: a table or
    an optional column added there appears here. Every table of BASE has rows."""
    frame = warehouse_of(**BASE).query("data_quality").set_index("table_name")
    assert list(frame.index) == list(TABLES)
    for name, table in TABLES.items():
        optional = [column.name for column in table.columns if not column.required]
        shown = frame.loc[name, "optional_nulls"]
        assert [part.rsplit(" ", 1)[0] for part in shown.split(", ")] == optional if optional \
            else pd.isna(shown), name
        assert pd.notna(frame.loc[name, "first_date"]), name


def test_the_query_reads_every_contract_table():
    """A contract table without its branch in data_quality.sql would have no profile."""
    tree = sqlglot.parse_one(Catalogue([builtin_folder()])["data_quality"].sql, dialect="duckdb")
    read = {table.name for table in tree.find_all(exp.Table)}
    assert set(TABLES) <= read


def test_a_course_expiring_after_the_load_is_in_range_but_one_completed_after_it_is_not(
        warehouse_of):
    """A course expires ahead by nature: PR1's expiry four years on is in range. PR2's
    completion 30 days after today is a typing error: one row out of range."""
    today = dt.date.today()
    training = csv("peer_id,course,completed_on,expires_on",
                   f"PR1,Safety planning,2023-06-01,{today.replace(year=today.year + 4, day=1)}",
                   f"PR2,Safety planning,{today + dt.timedelta(days=30)},")
    frame = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                         training=training).query("data_quality").set_index("table_name")
    assert frame.loc["training", "row_count"] == 2
    assert frame.loc["training", "rows_outside_range"] == 1
    assert frame.loc["training", "optional_nulls"] == "expires_on 50.0%"
