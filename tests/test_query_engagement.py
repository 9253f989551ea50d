"""engagement, against answers worked out by hand (docs/metrics.md#engagement).

as_of 2024-06-20 and months=3: April (04-01 … 04-30), May (05-01 … 05-31) and June, partial
(06-01 … 06-20). By peer there is one row per peer at the peer's site: PR1 and PR2 at North,
PR3 and PR4 (no participants) at South. A participant counts at their peer's site, so A5 (PR2's,
whose own site is South) is North's, except by participant_site.
"""

from __future__ import annotations


import pytest

from supervision_dash.catalogue import ParameterError
from tests.conftest import csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,North,SV1",
    "PR3,South,SV2",
    "PR4,South,SV2",  # no participants: a row of zeros every month
)
PARTICIPANTS = csv(
    "participant_id,peer_id,site,enrolled_on,discharged_on",
    "A1,PR1,,2024-01-01,",
    "A2,PR1,,2024-04-30,",  # enrolled on April's last day: active in April
    "A3,PR1,,2024-01-01,2024-05-01",  # discharged on May's first day: active in April, not May
    "A4,PR2,,2024-06-21,",  # enrolled the day after as_of: never active
    "A5,PR2,South,2024-02-01,",  # PR2's participant at South
    "A6,PR3,,2024-05-15,2024-06-10",  # active in May and June
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode,group_session_id",
    "C1,A1,PR1,2024-04-30 23:59,30,phone,",  # April's last minute
    "C2,A1,PR1,2024-05-01 00:00,30,phone,",  # May's first minute
    "C3,A2,PR2,2024-04-30 10:00,30,phone,",  # by another peer: still A2's (PR1's) contact
    "C4,A3,PR1,2024-05-01 09:00,30,phone,",  # A3 is not active in May: not counted
    "C5,A1,PR1,2024-06-05 14:00,60,group,G1",  # one group session, two attendees
    "C6,A5,PR1,2024-06-05 14:00,60,group,G1",
    "C7,A1,PR1,2024-06-20 23:30,30,phone,",  # as_of's last hour
    "C8,A1,PR1,2024-06-21 08:00,30,phone,",  # after as_of: not counted
    "C9,A6,PR3,2024-06-10 10:00,30,phone,",  # A6's discharge day
    "C10,A6,PR3,2024-03-31 12:00,30,phone,",  # before April
    "C11,A5,PR2,2024-04-01 00:00,30,phone,",  # April's first minute
)
COLUMNS = ["month", "site", "peer_id", "active_participants", "engaged", "engagement_rate",
           "contacts", "contacts_per_engaged", "group_sessions_attended"]
COUNTS = ["active_participants", "engaged", "contacts", "group_sessions_attended"]
AS_OF = "2024-06-20"
BY_PEER = [
    # April: A1, A2, A3 active; A1 (C1) and A2 (C3) engaged: 2/3, 2 contacts, 1 each.
    ("2024-04-01", "North", "PR1", 3, 2, 0.667, 2, 1.0, 0),
    ("2024-04-01", "North", "PR2", 1, 1, 1.0, 1, 1.0, 0),  # A5 (C11); A4 not yet enrolled
    ("2024-04-01", "South", "PR3", 0, 0, None, 0, None, 0),  # A6 enrolled in May
    ("2024-04-01", "South", "PR4", 0, 0, None, 0, None, 0),
    # May: A1, A2 (A3 discharged on the 1st); A1 engaged (C2); C4 is A3's.
    ("2024-05-01", "North", "PR1", 2, 1, 0.5, 1, 1.0, 0),
    ("2024-05-01", "North", "PR2", 1, 0, 0.0, 0, None, 0),  # A5, no contact
    ("2024-05-01", "South", "PR3", 1, 0, 0.0, 0, None, 0),
    ("2024-05-01", "South", "PR4", 0, 0, None, 0, None, 0),
    # June to the 20th: A1 (C5 in a group, C7; C8 is after as_of): 2 contacts, 1 group.
    ("2024-06-01", "North", "PR1", 2, 1, 0.5, 2, 2.0, 1),
    ("2024-06-01", "North", "PR2", 1, 1, 1.0, 1, 1.0, 1),  # A5 (C6, the group); A4 06-21
    ("2024-06-01", "South", "PR3", 1, 1, 1.0, 1, 1.0, 0),  # A6 seen on the discharge day
    ("2024-06-01", "South", "PR4", 0, 0, None, 0, None, 0),
]
BY_SITE = [
    # The peer rows added up by the peers' site.
    ("2024-04-01", "North", None, 4, 3, 0.75, 3, 1.0, 0),
    ("2024-04-01", "South", None, 0, 0, None, 0, None, 0),
    ("2024-05-01", "North", None, 3, 1, 0.333, 1, 1.0, 0),
    ("2024-05-01", "South", None, 1, 0, 0.0, 0, None, 0),
    ("2024-06-01", "North", None, 3, 2, 0.667, 3, 1.5, 2),
    ("2024-06-01", "South", None, 1, 1, 1.0, 1, 1.0, 0),
]
BY_PARTICIPANT_SITE = [
    # By the participants' own site: A5 moves to South (and A4, whose site is empty, is PR2's
    # North, but never active by June 20).
    ("2024-04-01", "North", None, 3, 2, 0.667, 2, 1.0, 0),
    ("2024-04-01", "South", None, 1, 1, 1.0, 1, 1.0, 0),
    ("2024-05-01", "North", None, 2, 1, 0.5, 1, 1.0, 0),
    ("2024-05-01", "South", None, 2, 0, 0.0, 0, None, 0),
    ("2024-06-01", "North", None, 2, 1, 0.5, 2, 2.0, 1),
    ("2024-06-01", "South", None, 2, 2, 1.0, 2, 1.0, 1),
]
PROGRAM = [
    ("2024-04-01", None, None, 4, 3, 0.75, 3, 1.0, 0),
    ("2024-05-01", None, None, 4, 1, 0.25, 1, 1.0, 0),
    ("2024-06-01", None, None, 4, 3, 0.75, 4, 1.33, 2),  # 4 contacts / 3 engaged
]


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)


def test_engagement_by_peer(warehouse):
    frame = warehouse.query("engagement", as_of=AS_OF, months=3)
    assert list(frame.columns) == COLUMNS
    assert rows(frame, COLUMNS) == BY_PEER


@pytest.mark.parametrize("by, expected", [("site", BY_SITE), ("program", PROGRAM),
                                          ("participant_site", BY_PARTICIPANT_SITE)])
def test_rollups_by_hand_and_as_sums_of_the_peer_rows(warehouse, by, expected):
    frame = warehouse.query("engagement", as_of=AS_OF, months=3, by=by)
    assert rows(frame, COLUMNS) == expected
    peers = warehouse.query("engagement", as_of=AS_OF, months=3)
    summed = peers.groupby(["month", "site"] if by == "site" else ["month"],
                           as_index=False)[COUNTS].sum()
    added = frame.groupby(["month", "site"] if by == "site" else ["month"],
                          as_index=False)[COUNTS].sum()
    assert rows(summed, COUNTS) == rows(added, COUNTS)


def test_the_last_month_is_partial(warehouse):
    """With as_of 2024-06-21, the last contact's day, A4 (enrolled 06-21) is active in June and
    C8 (06-21) counts."""
    frame = warehouse.query("engagement", as_of="2024-06-21", months=1)
    assert rows(frame, COLUMNS) == [
        ("2024-06-01", "North", "PR1", 2, 1, 0.5, 3, 3.0, 1),
        ("2024-06-01", "North", "PR2", 2, 1, 0.5, 1, 1.0, 1),  # A4 and A5; A5 engaged
        ("2024-06-01", "South", "PR3", 1, 1, 1.0, 1, 1.0, 0),
        ("2024-06-01", "South", "PR4", 0, 0, None, 0, None, 0),
    ]


def test_twelve_months_by_default_with_zeros(warehouse):
    """July 2023 … June 2024 for each of the four peers; before 2024 nobody is enrolled."""
    frame = warehouse.query("engagement", as_of=AS_OF)
    months = sorted({row[0] for row in rows(frame, COLUMNS)})
    assert len(months) == 12 and (months[0], months[-1]) == ("2023-07-01", "2024-06-01")
    assert len(frame) == 48
    assert rows(frame, COLUMNS)[0] == ("2023-07-01", "North", "PR1", 0, 0, None, 0, None, 0)
    # March 2024: A1, A3 (PR1) and A5 (PR2) are active; C10 is A6's, before enrolment.
    march = [row[3:] for row in rows(frame, COLUMNS) if row[0] == "2024-03-01"]
    assert march == [(2, 0, 0.0, 0, None, 0), (1, 0, 0.0, 0, None, 0),
                     (0, 0, None, 0, None, 0), (0, 0, None, 0, None, 0)]


@pytest.mark.parametrize("scope, keys", [
    ({"site": "South"}, [("South", "PR3"), ("South", "PR4")]),  # A5 is North's, PR2's
    ({"supervisor_id": "SV1"}, [("North", "PR1"), ("North", "PR2")]),
    ({"peer_id": "PR2"}, [("North", "PR2")]),
    ({"site": "North", "peer_id": "PR3"}, []),
])
def test_scope(warehouse, scope, keys):
    frame = warehouse.query("engagement", as_of=AS_OF, months=3, **scope)
    assert rows(frame, COLUMNS) == [row for row in BY_PEER if row[1:3] in keys]


def test_scope_applies_to_rollups(warehouse):
    """South only, by program: PR3's A6 — not yet active in April, active in May without a
    contact, engaged in June (C9). A5, whose own site is South, is PR2's, at North."""
    frame = warehouse.query("engagement", as_of=AS_OF, months=3, by="program", site="South")
    assert rows(frame, COLUMNS) == [
        ("2024-04-01", None, None, 0, 0, None, 0, None, 0),
        ("2024-05-01", None, None, 1, 0, 0.0, 0, None, 0),
        ("2024-06-01", None, None, 1, 1, 1.0, 1, 1.0, 0),
    ]


@pytest.mark.parametrize("params, message", [
    ({"by": "supervisor"}, "^by: must be one of peer, site, participant_site, program$"),
    ({"months": 0}, "^months: must be from 1 to 120$"),
])
def test_bad_parameters_are_refused(warehouse, params, message):
    with pytest.raises(ParameterError, match=message):
        warehouse.query("engagement", as_of=AS_OF, **params)
