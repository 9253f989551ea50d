"""training_currency, and the training columns of peer_development and workforce, against
answers worked out by hand.

as_of is Sun 2024-06-30 and the warning window 60 days: a course has expired when it expires on
or before 06-30, and expires soon when it expires from 07-01 (as_of + 1) to 08-29 (as_of + 60:
1 day to 07-01, 31 more to 07-31, 29 more to 08-29); on 08-30 (as_of + 61) it is neither. The
contacts span 06-29 … 06-30, the days the tests ask about (training reads no contacts).
"""

from __future__ import annotations

import datetime as dt

import pytest

from supervision_dash.settings import Settings
from tests.conftest import contacts_on, csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,North,SV1",
    "PR3,South,SV2",
    "PR4,South,SV2",  # no course recorded
)
TRAINING = csv(
    "peer_id,course,completed_on,expires_on",
    "PR1,Ethics and confidentiality,2023-06-30,2024-06-30",  # expires on as_of: expired
    "PR1,Safety planning,2022-07-01,2024-07-01",  # as_of + 1: expires soon
    "PR1,De-escalation,2023-08-29,2024-08-29",  # as_of + 60: expires soon, the last such day
    "PR1,Trauma-informed care,2022-08-30,2024-08-30",  # as_of + 61: neither
    "PR1,Peer specialist core training,2020-01-01,",  # never expires
    "PR2,Ethics and confidentiality,2022-06-15,2023-06-15",  # renewed since: not the latest
    "PR2,Ethics and confidentiality,2023-06-20,2024-06-20",  # the latest: expired 10 days ago
    "PR2,Ethics and confidentiality,2024-07-02,2025-07-02",  # after as_of: not yet done
    "PR2,Safety planning,2024-01-10,2025-01-10",  # two on one day: the one that expires last
    "PR2,Safety planning,2024-01-10,2026-01-10",
    "PR3,Ethics and confidentiality,2024-06-30,2025-06-30",  # completed on as_of: counts
)
CONTACTS = contacts_on("2024-06-29", "2024-06-30")
COLUMNS = ["peer_id", "course", "completed_on", "expires_on", "days_to_expiry", "expired",
           "expires_soon"]
EXPECTED = [
    # PR1's courses in order of expiry, the one that never expires last
    ("PR1", "Ethics and confidentiality", "2023-06-30", "2024-06-30", 0, True, False),
    ("PR1", "Safety planning", "2022-07-01", "2024-07-01", 1, False, True),
    ("PR1", "De-escalation", "2023-08-29", "2024-08-29", 60, False, True),
    ("PR1", "Trauma-informed care", "2022-08-30", "2024-08-30", 61, False, False),
    ("PR1", "Peer specialist core training", "2020-01-01", None, None, False, False),
    ("PR2", "Ethics and confidentiality", "2023-06-20", "2024-06-20", -10, True, False),
    # 2026-01-10 is 559 days on: 365 to 2025-06-30, 184 to 2025-12-31, 10 more
    ("PR2", "Safety planning", "2024-01-10", "2026-01-10", 559, False, False),
    ("PR3", "Ethics and confidentiality", "2024-06-30", "2025-06-30", 365, False, False),
]


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, contacts=CONTACTS, training=TRAINING)


def test_training_currency_by_hand(warehouse):
    frame = warehouse.query("training_currency", as_of="2024-06-30")
    assert rows(frame, COLUMNS) == EXPECTED
    assert frame.attrs["notes"] == []


def test_the_warning_window_is_a_setting(warehouse_of):
    """With 61 days, Trauma-informed care (as_of + 61) expires soon too; with 1 day, only
    Safety planning (as_of + 1) does."""
    for days, soon in ((61, ["Safety planning", "De-escalation", "Trauma-informed care"]),
                       (1, ["Safety planning"])):
        warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS, training=TRAINING,
                                 settings=Settings(training_warning_days=days))
        frame = warehouse.query("training_currency", as_of="2024-06-30", peer_id="PR1")
        assert list(frame.loc[frame["expires_soon"], "course"]) == soon, days


def test_a_day_earlier_nothing_of_pr1_has_expired(warehouse):
    """On 06-29 Ethics (06-30) expires tomorrow, soon; PR3's completion of 06-30 has not
    happened yet, so PR3 has no course; the window ends 08-28, so De-escalation is out."""
    frame = warehouse.query("training_currency", as_of="2024-06-29")
    pr1 = frame[frame["peer_id"] == "PR1"].set_index("course")
    assert pr1["expired"].sum() == 0
    assert list(pr1.index[pr1["expires_soon"]]) == ["Ethics and confidentiality",
                                                    "Safety planning"]
    assert "PR3" not in set(frame["peer_id"])


def test_scope_filters_are_the_peers_site_and_supervisor(warehouse):
    assert list(warehouse.query("training_currency", as_of="2024-06-30", site="South")
                ["peer_id"]) == ["PR3"]
    assert set(warehouse.query("training_currency", as_of="2024-06-30",
                               supervisor_id="SV1")["peer_id"]) == {"PR1", "PR2"}


def test_peer_development_counts_each_peers_courses(warehouse):
    """PR1: 5 courses, Ethics expired, Safety planning and De-escalation soon, next expiry
    07-01. PR2: 2 courses, Ethics expired, next 2026-01-10. PR3: 1, next 2025-06-30. PR4 has
    none recorded: 0, not empty."""
    frame = warehouse.query("peer_development", as_of="2024-06-30")
    assert rows(frame, ["peer_id", "courses", "courses_expired", "courses_expiring",
                        "next_expiry_on"]) == [
        ("PR1", 5, 1, 2, "2024-07-01"), ("PR2", 2, 1, 0, "2026-01-10"),
        ("PR3", 1, 0, 0, "2025-06-30"), ("PR4", 0, 0, 0, None)]


def test_without_a_training_extract_the_course_figures_are_empty(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS)
    assert warehouse.query("training_currency").empty
    assert warehouse.query("training_currency").attrs["notes"] == ["no training extract loaded"]
    development = warehouse.query("peer_development")
    assert development["courses"].isna().all() and development["courses_expired"].isna().all()
    workforce = warehouse.query("workforce")
    assert workforce["peers_training_expired"].isna().all()
    assert workforce["peers_training_expiring"].isna().all()


def test_workforce_counts_peers_with_a_course_expired_or_expiring(warehouse):
    """North: PR1 and PR2 each have an expired course (2), PR1 one expiring (1). South: PR3's
    only course is current and PR4 has none: 0 and 0."""
    frame = warehouse.query("workforce", as_of="2024-06-30").set_index("site")
    assert frame["peers_training_expired"].to_dict() == {"North": 2, "South": 0}
    assert frame["peers_training_expiring"].to_dict() == {"North": 1, "South": 0}


def test_leadership_sees_training_counts_of_peers_as_they_are(warehouse_of):
    """Counts of peers are staff counts: North's 2 and 1 show to leadership, unless the program
    suppresses staff counts too (then 1 to 10 are hidden)."""
    shown = warehouse_of(peers=PEERS, contacts=CONTACTS, training=TRAINING, role="leadership")
    frame = shown.query("workforce", as_of="2024-06-30").set_index("site")
    assert frame.loc["North", ["peers_training_expired", "peers_training_expiring"]].tolist() \
        == [2, 1]
    hidden = warehouse_of(peers=PEERS, contacts=CONTACTS, training=TRAINING, role="leadership",
                          settings=Settings(suppress_staff_counts=True))
    frame = hidden.query("workforce", as_of="2024-06-30").set_index("site")
    assert frame.loc["North", ["peers_training_expired", "peers_training_expiring"]].isna().all()


def test_as_of_is_a_date_and_the_default_is_the_last_contact(warehouse):
    frame = warehouse.query("training_currency")
    assert frame.attrs["parameters"]["as_of"] == dt.date(2024, 6, 30)
