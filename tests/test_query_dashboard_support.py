"""The queries behind the dashboard views, against answers worked out by hand: weekly_review,
caseload_participants, flags_weekly, contact_log, outcome_trajectories, outcome_medians and
load_warnings.

One tiny extract serves them all. as_of is 2024-06-30, a Sunday:
- this week (and boundary_flags' default window): 06-24 00:00 … 06-30 23:59;
- the prior four weeks: 05-27 … 06-23; the 28 days: 06-03 … 06-30;
- not seen: no contact in the 30 days 06-01 … 06-30.
Weekdays in June 2024: the 1st is a Saturday, the 3rd, 10th, 17th and 24th are Mondays.
"""

from __future__ import annotations

import datetime as dt

import pytest

from supervision_dash.settings import Settings
from supervision_dash.warehouse import LeadershipError
from tests.conftest import csv, plain

AS_OF = "2024-06-30"

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,2",
    "PR2,North,SV1,",  # empty capacity: the program default, 12
    "PR3,South,SV2,3",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,site,enrolled_on,discharged_on",
    "A1,PR1,,2024-01-01,",
    "A2,PR1,,2024-06-03,",
    "A3,PR1,,2024-01-01,2024-06-30",  # discharged on as_of: not active that day
    "A4,PR1,South,2024-06-30,",  # enrolled on as_of: active; a site of their own; never contacted
    "A5,PR2,,2024-02-01,2024-07-01",  # discharged the day after: active; last seen in March
    "A6,PR2,,2024-07-01,",  # enrolled after as_of: not active
    "A8,PR2,,2024-01-01,",  # seen by PR3, another supervisor's peer
    "A9,PR2,,2024-01-01,",  # last seen the day before the not-seen window
    "A7,PR3,,2024-01-01,2024-06-02",  # discharged: not active, but PR3 saw them on 06-25
    "A10,PR3,,2024-05-01,",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode,group_session_id,"
    "boundary_concern,safety_concern,escalated_at",
    "K1,A1,PR1,2024-06-24 09:00,60,in_person,,,,",  # Monday, the first day of the week
    "K2,A1,PR1,2024-06-23 23:59,36,phone,,,,",  # Sunday, a minute before the week: after hours
    "K3,A2,PR1,2024-06-29 10:00,20,phone,,,,",  # Saturday: after hours
    "K4,A1,PR1,2024-06-26 14:00,90,group,G1,,,",  # one group session, two attendees
    "K5,A2,PR1,2024-06-26 14:00,90,group,G1,,,",
    "K6,A5,PR2,2024-03-01 10:00,45,in_person,,,,",  # a Friday, long before the recent weeks
    "K7,A7,PR3,2024-06-25 10:00,40,in_person,,,,",  # Tuesday, after A7's discharge
    "K8,A8,PR3,2024-06-01 09:00,30,phone,,,,",  # Saturday: after hours, before the 28 days
    "K9,A8,PR3,2024-06-27 21:00,30,phone,,,true,",  # Thursday 21:00: after hours, unescalated
    "K10,A1,PR1,2024-06-28 11:00,30,phone,,money,false,",  # Friday: an urgent concern
    "K11,A9,PR2,2024-05-31 09:00,24,phone,,,,",  # Friday, the day before the not-seen window
    "K12,A10,PR3,2024-06-10 10:00,30,video,,,,",  # Monday
    "K13,A10,PR3,2024-07-02 10:00,30,video,,,,",  # after as_of
)
# No contact is extended: the program's medians are in_person 45 (K1 60, K6 45, K7 40), phone
# 30, group 90, video 30, so the bar is max(120, 2 × median) and every contact is under 120.
FIDELITY = csv(
    "peer_id,rated_on,rater_role,domain,item,score",
    "PR1,2024-03-01,supervisor,trust,i1,2",  # an older episode: superseded
    "PR1,2024-05-01,supervisor,trust,i1,4",  # trust (4 + 5) / 2 = 4.5; boundaries 3.0
    "PR1,2024-05-01,supervisor,trust,i2,5",  # total (4.5 + 3.0) / 2 = 3.75
    "PR1,2024-05-01,supervisor,boundaries,i3,3",
    "PR1,2024-06-15,self,trust,i1,5",  # total (5 + 4) / 2 = 4.5
    "PR1,2024-06-15,self,boundaries,i3,4",
    "PR1,2024-07-05,supervisor,trust,i1,5",  # after as_of: total 5.0 from 07-05 on
    "PR2,2024-04-01,self,trust,i1,3",  # total (3 + 4) / 2 = 3.5; no supervisor rating
    "PR2,2024-04-01,self,boundaries,i3,4",
)
SUPERVISION = csv(
    "peer_id,supervisor_id,held_on,duration_min",
    "PR1,SV1,2024-06-20,60",  # 10 days before as_of
    "PR1,SV1,2024-07-02,60",  # after as_of
    "PR2,SV1,2024-06-10,60",  # 20 days before as_of: overdue
)  # PR3: never supervised
OUTCOMES = csv(
    "participant_id,measure,assessed_on,score",
    "A1,PHQ9,2023-12-01,22",  # enrolled 01-01: day -31, before the 30-day baseline window
    "A1,PHQ9,2023-12-02,20",  # day -30: the window's first day; band -1
    "A1,PHQ9,2024-01-30,17",  # day 29: band 0
    "A1,PHQ9,2024-01-31,14",  # day 30: band 1
    "A1,PHQ9,2024-07-01,5",  # after as_of
    "A1,GAD7,2024-01-01,12",  # day 0, another measure
    "A3,PHQ9,2024-01-10,9",  # day 9 (A3 is discharged since, and still counts)
    "A5,PHQ9,2024-01-31,18",  # enrolled 02-01: day -1, band -1
    "A5,PHQ9,2024-02-01,10",  # day 0 } two in band 0: A5 counts once, with (10 + 12) / 2 = 11
    "A5,PHQ9,2024-02-15,12",  # day 14 }
    "A8,PHQ9,2024-03-01,13",  # 31 days of January + 29 of February: day 60, band 2
    "A10,PHQ9,2024-05-01,7",  # day 0
)


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        fidelity=FIDELITY, supervision=SUPERVISION, outcomes=OUTCOMES)



def _rows(frame, columns=None):
    return [tuple(plain(v) for v in row)
            for row in frame[columns or list(frame.columns)].itertuples(index=False)]


def _by_first(frame, columns):
    return {row[0]: row[1:] for row in _rows(frame, columns)}


def _columns(warehouse, name):
    return warehouse.catalogue[name].column_names


# ---------------------------------------------------------------- weekly_review

# This extract has no training or mentoring table: the card's courses (all, expired,
# expiring), mentor, months paired, mentees and needs_mentor are all empty.
NO_DEVELOPMENT = (None,) * 7
REVIEW = {
    # peer: site, supervisor, active, capacity, utilization,
    #   contacts_7d, prior contacts/week, hours_7d, prior hours/week, not seen,
    #   urgent, review, supervisor fidelity and day, self fidelity and day,
    #   last supervised, days since, overdue, then NO_DEVELOPMENT
    # PR1: active A1, A2, A4 (A3 discharged on as_of) = 3 of 2 → 1.5. This week K1, K3, K4, K5,
    # K10 = 5 contacts; hours 60 + 20 + 90 (G1 once) + 30 = 200 min = 3.33. Prior weeks: K2 →
    # 1/4 = 0.25 a week, 36 min / 60 / 4 = 0.15 h. Not seen: A4. Flags: K10 money (urgent); K3
    # after hours and over capacity (review) — K2's after-hours flag is on 06-23, last week.
    "PR1": ("North", "SV1", 3, 2, 1.5, 5, 0.25, 3.33, 0.15, 1, 1, 2,
            3.75, "2024-05-01", 4.5, "2024-06-15", "2024-06-20", 10, False) + NO_DEVELOPMENT,
    # PR2: active A5, A8, A9 (A6 not yet) = 3 of 12 → 0.25. No contact this week; prior weeks
    # K11 → 0.25 a week, 24 / 60 / 4 = 0.1 h. Not seen: A5 (March), A9 (05-31); A8 was seen by
    # PR3. Flags: supervision gap (last session 06-10). Only a self-rating.
    "PR2": ("North", "SV1", 3, 12, 0.25, 0, 0.25, 0.0, 0.1, 2, 0, 1,
            None, None, 3.5, "2024-04-01", "2024-06-10", 20, True) + NO_DEVELOPMENT,
    # PR3: active A10 = 1 of 3 → 0.333. This week K7, K9: 40 + 30 = 70 min = 1.17 h; prior K8,
    # K12: 2/4 = 0.5 a week, 60 / 60 / 4 = 0.25 h. Flags: K9 unescalated (urgent); K9 after
    # hours, K7 after A7's discharge, supervision gap (review). Never rated, never supervised.
    "PR3": ("South", "SV2", 1, 3, 0.333, 2, 0.5, 1.17, 0.25, 0, 1, 3,
            None, None, None, None, None, None, True) + NO_DEVELOPMENT,
}


def test_weekly_review_by_hand(warehouse):
    frame = warehouse.query("weekly_review", as_of=AS_OF)
    assert list(frame.columns) == _columns(warehouse, "weekly_review")
    assert list(frame["peer_id"]) == ["PR1", "PR2", "PR3"]  # by site, then peer
    assert _by_first(frame, list(frame.columns)) == REVIEW


def test_weekly_review_agrees_with_the_queries_it_is_built_from(warehouse):
    review = warehouse.query("weekly_review", as_of=AS_OF).set_index("peer_id")
    caseload = warehouse.query("caseload", as_of=AS_OF).set_index("peer_id")
    shared = ["active_participants", "utilization", "contacts_7d", "contact_hours_7d",
              "not_seen"]
    assert review[shared].equals(caseload[shared])
    flags = warehouse.query("boundary_flags", as_of=AS_OF)
    # PR1 1 + 2, PR2 0 + 1, PR3 1 + 3
    assert review["urgent_flags"].sum() + review["review_flags"].sum() == len(flags) == 8


@pytest.mark.parametrize("scope, peers", [
    ({"supervisor_id": "SV1"}, ["PR1", "PR2"]),
    ({"site": "South"}, ["PR3"]),
    ({"peer_id": "PR2"}, ["PR2"]),
    ({"supervisor_id": "SV2", "peer_id": "PR1"}, []),
])
def test_weekly_review_scope(warehouse, scope, peers):
    frame = warehouse.query("weekly_review", as_of=AS_OF, **scope)
    assert _by_first(frame, list(frame.columns)) == {peer: REVIEW[peer] for peer in peers}


def test_weekly_review_later_as_of_takes_the_later_rating(warehouse_of):
    """On 07-05 the supervisor's 07-05 rating (5.0) counts, the self-rating stays. The extract
    gets a contact of PR3's on 07-05, so that it covers the day asked (PR1's row reads none)."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, fidelity=FIDELITY,
                             supervision=SUPERVISION, outcomes=OUTCOMES, contacts=CONTACTS
                             + "K14,A10,PR3,2024-07-05 10:00,30,video,,,,\n")
    row = _by_first(warehouse.query("weekly_review", as_of="2024-07-05"),
                    ["peer_id", "fidelity_supervisor", "fidelity_supervisor_on", "fidelity_self",
                     "last_supervised_on", "days_since_supervision"])["PR1"]
    assert row == (5.0, "2024-07-05", 4.5, "2024-07-02", 3)


@pytest.mark.parametrize("params", [{"rater_role": "self"}, {"all_episodes": True},
                                    {"start": "2024-06-17"}, {"end": "2024-06-23"}])
def test_weekly_review_takes_no_parameter_that_would_change_what_a_card_means(warehouse,
                                                                              params):
    """Its flags are the week's and its fidelity both sides, latest episode: a parameter of the
    queries it is built from is not one of its own."""
    with pytest.raises(TypeError, match="its parameters are: as_of, site, supervisor_id, "
                                        "peer_id"):
        warehouse.query("weekly_review", as_of=AS_OF, **params)


def test_weekly_review_flags_are_the_weeks(warehouse):
    """The week ending 06-23 holds K2's after-hours flag, and on 06-23 PR1 (A1, A2, A3 active)
    is over capacity. PR2's session of 06-10 is inside the 14 days 06-10 … 06-23; PR3 was never
    supervised."""
    frame = warehouse.query("weekly_review", as_of="2024-06-23")
    assert _by_first(frame, ["peer_id", "urgent_flags", "review_flags"]) == {
        "PR1": (0, 2), "PR2": (0, 0), "PR3": (0, 1)}


def test_weekly_review_without_fidelity_or_supervision(warehouse_of):
    """Nothing known is shown as nothing, not as a failing; the notes say what is missing.
    Without a supervision extract no supervision gap is flagged either."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("weekly_review", as_of=AS_OF)
    assert frame.attrs["notes"] == ["no fidelity extract loaded", "no supervision extract loaded",
                                    "no training extract loaded", "no mentoring extract loaded"]
    rows = _by_first(frame, ["peer_id", "urgent_flags", "review_flags", "fidelity_supervisor",
                             "fidelity_self", "last_supervised_on", "supervision_overdue"])
    assert rows == {"PR1": (1, 2, None, None, None, None),
                    "PR2": (0, 0, None, None, None, None),
                    "PR3": (1, 2, None, None, None, None)}


# ---------------------------------------------------------------- caseload_participants

PARTICIPANT_COLUMNS = ["participant_id", "peer_id", "participant_site", "enrolled_on",
                       "last_contact_on",
                       "days_since_contact", "contacts_28d", "not_seen", "open_flags",
                       "urgent_flags"]
LISTED = [
    # Not seen first: never contacted (no days) at the top, then the longest unseen.
    ("A4", "PR1", "South", "2024-06-30", None, None, 0, True, 0, 0),
    # K6 on 03-01: 30 + 30 + 31 + 30 days to 06-30 = 121; found in the oldest history.
    ("A5", "PR2", "North", "2024-02-01", "2024-03-01", 121, 0, True, 0, 0),
    # K11 on 05-31, the day before the 30-day window: not seen, 30 days.
    ("A9", "PR2", "North", "2024-01-01", "2024-05-31", 30, 0, True, 0, 0),
    # K12 on 06-10 (K13 on 07-02 is after as_of).
    ("A10", "PR3", "South", "2024-05-01", "2024-06-10", 20, 1, False, 0, 0),
    # K9 on 06-27 by PR3 (K8 on 06-01 is before the 28 days): two flags, one urgent.
    ("A8", "PR2", "North", "2024-01-01", "2024-06-27", 3, 1, False, 2, 1),
    # K2 (06-23), K1, K4, K10 (06-28) in the 28 days; this week's flag: K10's money concern.
    ("A1", "PR1", "North", "2024-01-01", "2024-06-28", 2, 4, False, 1, 1),
    # K5, K3 (06-29); flag: K3 after hours.
    ("A2", "PR1", "North", "2024-06-03", "2024-06-29", 1, 2, False, 1, 0),
]


def test_caseload_participants_by_hand(warehouse):
    frame = warehouse.query("caseload_participants", as_of=AS_OF)
    assert list(frame.columns) == PARTICIPANT_COLUMNS
    assert _rows(frame) == LISTED


def test_caseload_participants_add_up_to_the_caseload(warehouse):
    listed = warehouse.query("caseload_participants", as_of=AS_OF)
    caseload = warehouse.query("caseload", as_of=AS_OF).set_index("peer_id")
    for peer, rows in listed.groupby("peer_id"):
        assert len(rows) == caseload.loc[peer, "active_participants"]
        assert rows["not_seen"].sum() == caseload.loc[peer, "not_seen"]


@pytest.mark.parametrize("scope, expected", [
    # PR3's flags about A8 are not in SV1's scope: boundary_flags lists them under PR3.
    ({"supervisor_id": "SV1"}, {"A4": (0, 0), "A5": (0, 0), "A9": (0, 0), "A8": (0, 0),
                                "A1": (1, 1), "A2": (1, 0)}),
    # The scope goes by the assigned peer's site: A4 (own site South, PR1 North) is not in it.
    ({"site": "South"}, {"A10": (0, 0)}),
    ({"peer_id": "PR2"}, {"A5": (0, 0), "A9": (0, 0), "A8": (0, 0)}),
])
def test_caseload_participants_scope(warehouse, scope, expected):
    frame = warehouse.query("caseload_participants", as_of=AS_OF, **scope)
    assert _by_first(frame, ["participant_id", "open_flags", "urgent_flags"]) == expected


def test_not_seen_window_is_a_setting(warehouse_of):
    """With 31 days the window starts on 05-31: K11 that day makes A9 seen."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             settings=Settings(not_seen_days=31))
    rows = _by_first(warehouse.query("caseload_participants", as_of=AS_OF),
                     ["participant_id", "days_since_contact", "not_seen"])
    assert rows["A9"] == (30, False)
    assert rows["A5"] == (121, True)


def test_caseload_participants_on_an_earlier_day(warehouse):
    """On 03-01 K6 that morning is A5's last contact (0 days); nobody else was seen yet, A7
    and A3 were still active, A2, A4, A10 not yet enrolled. No flags that week."""
    frame = warehouse.query("caseload_participants", as_of="2024-03-01")
    assert _rows(frame, ["participant_id", "last_contact_on", "days_since_contact",
                         "contacts_28d", "not_seen"]) == [
        ("A1", None, None, 0, True), ("A3", None, None, 0, True), ("A7", None, None, 0, True),
        ("A8", None, None, 0, True), ("A9", None, None, 0, True),
        ("A5", "2024-03-01", 0, 1, False),
    ]


# ---------------------------------------------------------------- flags_weekly

def test_flags_weekly_four_weeks(warehouse):
    """start = as_of - 27: blocks ending 06-09, 06-16, 06-23, 06-30. K2 (06-23 23:59) is the
    last minute of the 06-23 block; K8 (06-01) is before start. The peer rules (over capacity:
    PR1; supervision gaps: PR2, PR3) are evaluated on 06-30 only."""
    frame = warehouse.query("flags_weekly", as_of=AS_OF, start="2024-06-03")
    assert list(frame.columns) == _columns(warehouse, "flags_weekly")
    assert _rows(frame) == [
        ("2024-06-23", "after_hours", "review", 1),
        ("2024-06-30", "after_hours", "review", 2),  # K3, K9
        ("2024-06-30", "over_capacity", "review", 1),
        ("2024-06-30", "post_discharge_contact", "review", 1),  # K7
        ("2024-06-30", "reported_concern", "urgent", 1),  # K10
        ("2024-06-30", "supervision_gap", "review", 2),
        ("2024-06-30", "unescalated_safety", "urgent", 1),  # K9
    ]


def test_flags_weekly_a_partial_oldest_week(warehouse):
    """start = 06-01 reaches into the block 05-27 … 06-02: K8 (Saturday 06-01)."""
    frame = warehouse.query("flags_weekly", as_of=AS_OF, start="2024-06-01")
    assert _rows(frame)[0] == ("2024-06-02", "after_hours", "review", 1)


def test_flags_weekly_blocks_end_on_end(warehouse):
    """end = 06-28: one block, 06-22 … 06-28, named by its last day. K3 (06-29) is after it;
    K2 (06-23) in it. On 06-28 A3 is still active, so PR1 has 3 of 2."""
    frame = warehouse.query("flags_weekly", as_of=AS_OF, end="2024-06-28")
    assert set(frame["week_ending"].dt.date) == {dt.date(2024, 6, 28)}
    flags = dict(zip(frame["rule"], frame["flags"], strict=True))
    assert (flags["after_hours"], flags["over_capacity"]) == (2, 1)


def test_flags_weekly_scope_and_a_week_without_flags(warehouse):
    """PR2 in the week ending 06-16: supervised on 06-10, within capacity, no contact."""
    frame = warehouse.query("flags_weekly", as_of=AS_OF, end="2024-06-16", peer_id="PR2")
    assert frame.empty and list(frame.columns) == _columns(warehouse, "flags_weekly")
    frame = warehouse.query("flags_weekly", as_of=AS_OF, supervisor_id="SV2")
    assert _rows(frame) == [
        ("2024-06-30", "after_hours", "review", 1),  # K9
        ("2024-06-30", "post_discharge_contact", "review", 1),
        ("2024-06-30", "supervision_gap", "review", 1),
        ("2024-06-30", "unescalated_safety", "urgent", 1),
    ]


# ---------------------------------------------------------------- contact_log

def test_contact_log_default_four_weeks(warehouse):
    """06-03 … 06-30, by time, a tie (the group session) by contact_id. K8 (06-01) is before
    the window and K13 (07-02) after it."""
    frame = warehouse.query("contact_log", as_of=AS_OF)
    assert list(frame.columns) == _columns(warehouse, "contact_log")
    assert list(frame["contact_id"]) == ["K12", "K2", "K1", "K7", "K4", "K5", "K9", "K10", "K3"]
    rows = _by_first(frame, ["contact_id", "started_at", "group_session_id", "boundary_concern",
                             "safety_concern", "escalated_at"])
    assert rows["K2"] == ("2024-06-23 23:59", None, None, False, None)
    assert rows["K4"] == ("2024-06-26 14:00", "G1", None, False, None)
    assert rows["K9"] == ("2024-06-27 21:00", None, None, True, None)
    assert rows["K10"] == ("2024-06-28 11:00", None, "money", False, None)


@pytest.mark.parametrize("params, contacts", [
    ({"start": "2024-06-23", "end": "2024-06-23"}, ["K2"]),  # the last minute of a day
    ({"start": "2024-06-24", "end": "2024-06-24"}, ["K1"]),  # the first minute of a day
    ({"end": "2024-06-10"}, ["K11", "K8", "K12"]),  # start defaults to end - 27 = 05-14
    ({"supervisor_id": "SV2"}, ["K12", "K7", "K9"]),  # the peer who made it: K9 is PR3's
    ({"peer_id": "PR2"}, []),
    ({"participant_id": "A8"}, ["K9"]),
    ({"participant_id": "A8", "start": "2024-01-01", "end": "2024-12-31"}, ["K8", "K9"]),
    ({"participant_id": "A8", "supervisor_id": "SV1"}, []),
])
def test_contact_log_window_and_scope(warehouse, params, contacts):
    frame = warehouse.query("contact_log", as_of=AS_OF, **params)
    assert list(frame["contact_id"]) == contacts


# ---------------------------------------------------------------- outcome_trajectories

TRAJECTORY_COLUMNS = ["participant_id", "peer_id", "measure", "assessed_on",
                      "days_since_enrolment", "score"]
PHQ9 = [
    ("A1", "PR1", "PHQ9", "2023-12-02", -30, 20.0),  # 12-01 (day -31) is left out
    ("A1", "PR1", "PHQ9", "2024-01-30", 29, 17.0),
    ("A1", "PR1", "PHQ9", "2024-01-31", 30, 14.0),  # 07-01 is after as_of
    ("A10", "PR3", "PHQ9", "2024-05-01", 0, 7.0),
    ("A3", "PR1", "PHQ9", "2024-01-10", 9, 9.0),
    ("A5", "PR2", "PHQ9", "2024-01-31", -1, 18.0),
    ("A5", "PR2", "PHQ9", "2024-02-01", 0, 10.0),
    ("A5", "PR2", "PHQ9", "2024-02-15", 14, 12.0),
    ("A8", "PR2", "PHQ9", "2024-03-01", 60, 13.0),
]


def test_outcome_trajectories_by_hand(warehouse):
    frame = warehouse.query("outcome_trajectories", as_of=AS_OF)
    assert list(frame.columns) == TRAJECTORY_COLUMNS
    assert _rows(frame) == PHQ9


def test_outcome_trajectories_measures(warehouse):
    assert _rows(warehouse.query("outcome_trajectories", as_of=AS_OF, measure="GAD7")) == [
        ("A1", "PR1", "GAD7", "2024-01-01", 0, 12.0)]
    every = warehouse.query("outcome_trajectories", as_of=AS_OF, measure=None)
    assert _rows(every) == [("A1", "PR1", "GAD7", "2024-01-01", 0, 12.0), *PHQ9]


@pytest.mark.parametrize("params, participants", [
    ({"supervisor_id": "SV1"}, ["A1", "A3", "A5", "A8"]),
    ({"peer_id": "PR2"}, ["A5", "A8"]),
    ({"site": "South"}, ["A10"]),
])
def test_outcome_trajectories_scope(warehouse, params, participants):
    frame = warehouse.query("outcome_trajectories", as_of=AS_OF, **params)
    assert sorted(set(frame["participant_id"])) == participants
    assert _rows(frame) == [row for row in PHQ9 if row[0] in participants]


def test_outcome_trajectories_window_edges(warehouse_of):
    """as_of 01-30 keeps A1's day 29 and drops day 30; a 31-day baseline window reaches 12-01.
    The extract gets a contact on 01-30, so that it covers the day asked (trajectories read
    no contacts)."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, outcomes=OUTCOMES,
                             contacts=CONTACTS + "K0,A1,PR1,2024-01-30 10:00,30,phone,,,,\n",
                             settings=Settings(baseline_window_days=31))
    frame = warehouse.query("outcome_trajectories", as_of="2024-01-30", peer_id="PR1")
    assert _rows(frame, ["participant_id", "assessed_on", "days_since_enrolment"]) == [
        ("A1", "2023-12-01", -31), ("A1", "2023-12-02", -30), ("A1", "2024-01-30", 29),
        ("A3", "2024-01-10", 9)]


# ---------------------------------------------------------------- outcome_medians

def test_outcome_medians_by_hand(warehouse):
    """quantile_cont over n scores sorted: position p × (n - 1), interpolated.
    band -1: A1 20, A5 18 → median 19, quartiles 18 + 0.25 × 2 = 18.5 and 19.5;
    band 0: A1 17, A5 (10 + 12) / 2 = 11, A3 9, A10 7 → 7, 9, 11, 17: median at 1.5 → 10,
      lower at 0.75 → 7 + 0.75 × 2 = 8.5, upper at 2.25 → 11 + 0.25 × 6 = 12.5;
    band 1: A1 14; band 2: A8 13."""
    frame = warehouse.query("outcome_medians", as_of=AS_OF)
    assert list(frame.columns) == _columns(warehouse, "outcome_medians")
    assert _rows(frame) == [
        ("PHQ9", -1, 2, 19.0, 18.5, 19.5),
        ("PHQ9", 0, 4, 10.0, 8.5, 12.5),
        ("PHQ9", 1, 1, 14.0, 14.0, 14.0),
        ("PHQ9", 2, 1, 13.0, 13.0, 13.0),
    ]


def test_outcome_medians_scope_measure_and_window(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=Settings(baseline_window_days=31))
    # PR2: A5 (-1: 18; 0: 11), A8 (2: 13)
    assert _rows(warehouse.query("outcome_medians", as_of=AS_OF, peer_id="PR2")) == [
        ("PHQ9", -1, 1, 18.0, 18.0, 18.0), ("PHQ9", 0, 1, 11.0, 11.0, 11.0),
        ("PHQ9", 2, 1, 13.0, 13.0, 13.0)]
    # A 31-day window lets A1's day -31 in: floor(-31 / 30) = band -2.
    frame = warehouse.query("outcome_medians", as_of=AS_OF, peer_id="PR1", measure=None)
    assert _rows(frame) == [
        ("GAD7", 0, 1, 12.0, 12.0, 12.0),
        ("PHQ9", -2, 1, 22.0, 22.0, 22.0), ("PHQ9", -1, 1, 20.0, 20.0, 20.0),
        ("PHQ9", 0, 2, 13.0, 11.0, 15.0),  # A3 9, A1 17: 13, 9 + 0.25 × 8 = 11, 15
        ("PHQ9", 1, 1, 14.0, 14.0, 14.0)]


@pytest.mark.parametrize("name", ["outcome_trajectories", "outcome_medians"])
def test_without_an_outcomes_extract(warehouse_of, name):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query(name, as_of=AS_OF)
    assert frame.empty and list(frame.columns) == _columns(warehouse, name)
    assert frame.attrs["notes"] == ["no outcomes extract loaded"]


# ---------------------------------------------------------------- load_warnings

def test_load_warnings(warehouse_of):
    """An extra column is dropped and an unknown file ignored, each with a warning, in the
    order the load found them (files first, then table by table)."""
    peers = csv("peer_id,site,supervisor_id,caseload_capacity,team_colour",
                "PR1,North,SV1,2,blue", "PR2,North,SV1,,green", "PR3,South,SV2,3,")
    warehouse = warehouse_of(peers=peers, participants=PARTICIPANTS, contacts=CONTACTS,
                             rota="day,peer_id\nMon,PR1\n")
    frame = warehouse.query("load_warnings")
    assert list(frame.columns) == _columns(warehouse, "load_warnings")
    assert _rows(frame, ["table_name", "column_name", "rule", "locations", "count"]) == [
        ("extract", None, "unknown file", None, 0),  # about a file: no lines
        ("peers", "team_colour", "extra column", "line 1", 1),
    ]
    assert "rota.csv" in frame["message"].iloc[0]


def test_no_load_warnings(warehouse):
    frame = warehouse.query("load_warnings")
    assert frame.empty and list(frame.columns) == _columns(warehouse, "load_warnings")


# ---------------------------------------------------------------- who may see what

@pytest.mark.parametrize("name", ["caseload_participants", "contact_log",
                                  "outcome_trajectories"])
def test_participant_rows_are_refused_to_leadership(warehouse_of, name):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             role="leadership")
    with pytest.raises(LeadershipError):
        warehouse.query(name, as_of=AS_OF)


def test_leadership_sees_outcome_medians_suppressed(warehouse_of):
    """Every band has fewer than 11 participants: the counts show as <11 and the statistics
    over them are withheld."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, role="leadership")
    frame = warehouse.query("outcome_medians", as_of=AS_OF)
    assert len(frame) == 4
    assert frame["median_score"].isna().all()
