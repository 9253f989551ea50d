"""mentoring, and the mentoring columns of peer_development and workforce, against answers
worked out by hand.

as_of is Sun 2024-06-30 and the new-peer window 180 days: a peer hired from 2024-01-03
(as_of − 179: 29 days of January from the 3rd, 29 of February, 31, 30, 31 and 30 of March to
June make 180) to 06-30 is new; one hired on 01-02 is not. A pairing is current when it
started on or before 06-30 and ends after it. The contacts span 06-14 … 06-30, the days the tests
ask about (mentoring reads no contacts).
"""

from __future__ import annotations

import pytest

from supervision_dash.settings import Settings
from tests.conftest import contacts_on, csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id,hired_on",
    "PR1,North,SV1,2020-01-01",  # experienced: mentors PR2 and PR7
    "PR2,North,SV1,2024-01-03",  # new (the first day of the window), mentored by PR1 and PR5
    "PR3,North,SV1,2024-01-02",  # not new (the day before); their pairing ended on as_of
    "PR4,South,SV2,2024-06-30",  # new (hired on as_of), no mentor: a prompt
    "PR5,South,SV2,",  # hired_on not recorded: neither new nor not
    "PR6,South,SV2,2024-05-01",  # new; a past pairing and one that starts tomorrow: a prompt
    "PR7,North,SV1,2023-01-01",  # not new, mentored by PR1 since 2023-03-01
)
MENTORING = csv(
    "mentor_peer_id,mentee_peer_id,started_on,ended_on",
    "PR1,PR2,2024-01-15,",
    "PR5,PR2,2024-02-20,2024-12-31",  # ends after as_of: current
    "PR1,PR3,2024-03-01,2024-06-30",  # ends on as_of: over
    "PR1,PR6,2024-05-01,2024-05-31",
    "PR5,PR6,2024-07-01,",  # starts after as_of
    "PR1,PR7,2023-03-01,",
)
CONTACTS = contacts_on("2024-06-14", "2024-06-30")
COLUMNS = ["peer_id", "site", "hired_on", "new_peer", "mentor_peer_id", "mentored_since",
           "months_paired", "mentees", "mentee_count", "needs_mentor"]
EXPECTED = [
    # North, then South, each by peer. Months paired: 01-15 to 06-15 is 5 whole months (6 would
    # be 07-15); 2023-03-01 to 2024-06-01 is 15.
    ("PR1", "North", "2020-01-01", False, None, None, None, "PR2; PR7", 2, False),
    ("PR2", "North", "2024-01-03", True, "PR1; PR5", "2024-01-15", 5, None, 0, False),
    ("PR3", "North", "2024-01-02", False, None, None, None, None, 0, False),
    ("PR7", "North", "2023-01-01", False, "PR1", "2023-03-01", 15, None, 0, False),
    ("PR4", "South", "2024-06-30", True, None, None, None, None, 0, True),
    ("PR5", "South", None, None, None, None, None, "PR2", 1, None),
    ("PR6", "South", "2024-05-01", True, None, None, None, None, 0, True),
]


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, contacts=CONTACTS, mentoring=MENTORING)


def test_mentoring_by_hand(warehouse):
    frame = warehouse.query("mentoring", as_of="2024-06-30")
    assert rows(frame, COLUMNS) == EXPECTED
    assert frame.attrs["notes"] == []


def test_a_pairing_is_a_month_older_on_the_same_day_of_the_next_month(warehouse):
    """PR2's pairing began on 01-15: 4 whole months on 06-14, 5 on 06-15."""
    for as_of, months in (("2024-06-14", 4), ("2024-06-15", 5)):
        frame = warehouse.query("mentoring", as_of=as_of, peer_id="PR2")
        assert frame["months_paired"].tolist() == [months], as_of


def test_the_new_peer_window_is_a_setting(warehouse_of):
    """With 181 days the window starts on 01-02: PR3 is new too, and without a mentor on
    as_of (their pairing ended that day) needs one."""
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS, mentoring=MENTORING,
                             settings=Settings(new_peer_days=181))
    frame = warehouse.query("mentoring", as_of="2024-06-30").set_index("peer_id")
    assert frame.loc["PR3", ["new_peer", "needs_mentor"]].tolist() == [True, True]


def test_a_handle_narrowed_to_some_peers_counts_but_never_names_the_others(warehouse):
    """Narrowed to PR2 and PR3: PR2's mentors PR1 and PR5 are beyond it, so PR2 shows as
    paired since 01-15 with no mentor named, and the other peers are not listed."""
    frame = warehouse.scoped(["PR2", "PR3"]).query("mentoring", as_of="2024-06-30")
    assert rows(frame, ["peer_id", "mentor_peer_id", "mentored_since", "months_paired",
                        "needs_mentor"]) == [("PR2", None, "2024-01-15", 5, False),
                                             ("PR3", None, None, None, False)]
    narrowed = warehouse.scoped(["PR5"]).query("mentoring", as_of="2024-06-30")
    assert rows(narrowed, ["peer_id", "mentees", "mentee_count"]) == [("PR5", None, 1)]


def test_without_a_mentoring_extract_nothing_is_known_but_who_is_new(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS)
    frame = warehouse.query("mentoring", as_of="2024-06-30")
    assert frame.attrs["notes"] == ["no mentoring extract loaded"]
    assert frame["needs_mentor"].isna().all() and frame["mentee_count"].isna().all()
    assert frame.set_index("peer_id")["new_peer"].to_dict() == {
        "PR1": False, "PR2": True, "PR3": False, "PR7": False, "PR4": True, "PR5": None,
        "PR6": True}
    assert warehouse.query("workforce", as_of="2024-06-30")[
        "new_peers_without_mentor"].isna().all()


def test_peer_development_and_workforce_agree_with_mentoring(warehouse):
    """peer_development repeats mentoring's columns; per site, North has 1 new peer (PR2,
    mentored), South 2 (PR4 and PR6, both without a mentor; PR5's hire date is unknown)."""
    development = warehouse.query("peer_development", as_of="2024-06-30")
    assert rows(development, ["peer_id", "mentor_peer_id", "months_paired", "mentees",
                              "new_peer", "needs_mentor"]) == [
        (peer, mentor, months, mentees, new, needs)
        for peer, _, _, new, mentor, _, months, mentees, _, needs in EXPECTED]
    workforce = warehouse.query("workforce", as_of="2024-06-30").set_index("site")
    assert workforce["new_peers"].to_dict() == {"North": 1, "South": 2}
    assert workforce["new_peers_without_mentor"].to_dict() == {"North": 0, "South": 2}
