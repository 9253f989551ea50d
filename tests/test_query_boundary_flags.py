"""boundary_flags, against answers worked out by hand (docs/metrics.md#boundary-and-safety-flags).

Unless a test says otherwise, as_of is Friday 2024-06-28: the contact window is the 7 days
06-22 (a Saturday) … 06-28, the concentration window the 28 days 06-01 … 06-28, the supervision
window the 14 days 06-15 … 06-28. Each rule has its own tiny extract, built so that only that
rule can fire, and each test compares the whole result, so a flag from another rule would fail
it too.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import pytest

from supervision_dash.settings import Settings
from tests.conftest import csv

AS_OF = "2024-06-28"
COLUMNS = ["rule", "severity", "peer_id", "participant_id", "contact_id", "flagged_on", "detail"]
HOURS = "outside sanctioned hours (08:00–20:00, Mon–Fri)."

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,2",
    "PR2,North,SV1,",  # empty capacity: the program default, 12
    "PR3,South,SV2,3",
)
# One active participant per peer, and B1, assigned to PR1, discharged on 06-25: no peer is
# over capacity, and no peer sees four participants (so no concentration flag).
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "A1,PR1,2024-01-01,",
    "A2,PR2,2024-01-01,",
    "A3,PR3,2024-01-01,",
    "B1,PR1,2024-01-01,2024-06-25",
)
CONTACT_HEADER = ("contact_id,participant_id,peer_id,started_at,duration_min,mode,"
                  "boundary_concern,safety_concern,escalated_at")
# A contact on as_of that raises no flag (a Friday morning, short, the only one of its mode, no
# concern), for the extracts whose own contacts end earlier: an as_of after the last contact
# is refused, and this one changes no answer.
QUIET_ON_AS_OF = "Q1,A1,PR1,2024-06-28 10:00,30,video,,,"


class Flag(NamedTuple):
    rule: str
    severity: str
    peer_id: str
    participant_id: str | None
    contact_id: str | None
    flagged_on: str
    detail: str


def flags(warehouse, **params) -> list[Flag]:
    """The query's rows, in its order, with nulls as None and dates as ISO text."""
    frame = warehouse.query("boundary_flags", **params)
    assert list(frame.columns) == COLUMNS
    frame["flagged_on"] = frame["flagged_on"].dt.strftime("%Y-%m-%d")
    return [Flag(*(None if pd.isna(value) else value for value in row))
            for row in frame[COLUMNS].itertuples(index=False)]


def of_rule(rows: list[Flag], rule: str) -> list[Flag]:
    return [row for row in rows if row.rule == rule]


# --- after_hours -------------------------------------------------------------------------------

AFTER_HOURS_CONTACTS = csv(
    CONTACT_HEADER,  # all 30-minute phone calls: the phone median is 30, nothing is extended
    "K01,A1,PR1,2024-06-26 07:59,30,phone,,,",  # Wednesday, a minute before opening: flagged
    "K02,A1,PR1,2024-06-26 08:00,30,phone,,,",  # opening time is inside
    "K03,A1,PR1,2024-06-26 19:59,30,phone,,,",  # the last inside minute
    "K04,A1,PR1,2024-06-26 20:00,30,phone,,,",  # closing time is outside: flagged
    "K05,A1,PR1,2024-06-22 10:00,30,phone,,,",  # a Saturday, the window's first day: flagged
    "K06,A1,PR1,2024-06-21 21:00,30,phone,,,",  # the day before the window
    "K07,A1,PR1,2024-06-29 06:00,30,phone,,,",  # the day after the window
    "K08,A1,PR1,2024-06-28 23:30,30,phone,,,",  # the window's last day, late: flagged
    "K09,A1,PR1,2024-06-23 12:00,30,phone,,,",  # a Sunday at noon: flagged
)


def _after_hours(contact, when, hours=HOURS):
    day = when[:10]
    weekday = pd.Timestamp(day).day_name()
    return Flag("after_hours", "review", "PR1", "A1", contact, day,
                f"Contact began at {when[11:]} on {weekday} {day}, {hours}")


@pytest.fixture
def after_hours_warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=AFTER_HOURS_CONTACTS)


def test_after_hours_edges_and_window_days(after_hours_warehouse):
    assert flags(after_hours_warehouse, as_of=AS_OF) == [
        _after_hours("K08", "2024-06-28 23:30"),
        _after_hours("K01", "2024-06-26 07:59"),
        _after_hours("K04", "2024-06-26 20:00"),
        _after_hours("K09", "2024-06-23 12:00"),
        _after_hours("K05", "2024-06-22 10:00"),
    ]


def test_the_detail_sentence_is_written_out(after_hours_warehouse):
    details = [row.detail for row in flags(after_hours_warehouse, as_of=AS_OF)]
    assert details[0] == ("Contact began at 23:30 on Friday 2024-06-28, outside sanctioned "
                          "hours (08:00–20:00, Mon–Fri).")


def test_start_and_end_choose_the_days(after_hours_warehouse):
    """A one-day window on 06-21 holds K06 only; 06-23 … 06-29 drops K05 and takes K07."""
    assert flags(after_hours_warehouse, start="2024-06-21", end="2024-06-21") == [
        _after_hours("K06", "2024-06-21 21:00")]
    assert [row.contact_id for row in
            flags(after_hours_warehouse, start="2024-06-23", end="2024-06-29")] == [
        "K07", "K08", "K01", "K04", "K09"]


def test_end_defaults_to_as_of_and_as_of_to_the_last_contact(after_hours_warehouse):
    """The last contact is K07 on 06-29: the default window is 06-23 … 06-29."""
    assert [row.contact_id for row in flags(after_hours_warehouse)] == [
        "K07", "K08", "K01", "K04", "K09"]
    assert [row.contact_id for row in flags(after_hours_warehouse, end="2024-06-26")] == [
        "K01", "K04", "K09", "K05", "K06"]  # 06-20 … 06-26


def test_sanctioned_hours_and_days_are_settings(warehouse_of):
    """09:00–17:00, Monday to Saturday: K02 (08:00) and K03 (19:59) are now outside, the
    Saturday K05 at 10:00 inside."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS,
                             contacts=AFTER_HOURS_CONTACTS, settings=Settings(
                                 sanctioned_start="09:00", sanctioned_end="17:00",
                                 sanctioned_days=["mon", "tue", "wed", "thu", "fri", "sat"]))
    hours = "outside sanctioned hours (09:00–17:00, Mon–Sat)."
    assert flags(warehouse, as_of=AS_OF) == [
        _after_hours("K08", "2024-06-28 23:30", hours),
        _after_hours("K01", "2024-06-26 07:59", hours),
        _after_hours("K02", "2024-06-26 08:00", hours),
        _after_hours("K03", "2024-06-26 19:59", hours),
        _after_hours("K04", "2024-06-26 20:00", hours),
        _after_hours("K09", "2024-06-23 12:00", hours),
    ]


@pytest.mark.parametrize("days, words, contacts", [
    # The Sunday noon contact is now inside, the Saturday one still outside.
    (["mon", "wed", "thu", "fri", "sun"], "Mon, Wed–Fri, Sun", ["K08", "K01", "K04", "K05"]),
    # Saturday and Sunday inside; Friday 23:30 is still outside by the clock.
    (["mon", "tue", "wed", "sat", "sun"], "Mon–Wed, Sat, Sun", ["K08", "K01", "K04"]),
])
def test_sanctioned_days_in_words(warehouse_of, days, words, contacts):
    """Three days or more in a row are written first–last, other days one by one."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS,
                             contacts=AFTER_HOURS_CONTACTS,
                             settings=Settings(sanctioned_days=days))
    rows = flags(warehouse, as_of=AS_OF)
    assert [row.contact_id for row in rows] == contacts
    assert {row.detail.split(", ", 1)[1] for row in rows} == {
        f"outside sanctioned hours (08:00–20:00, {words})."}


def test_round_the_clock_every_day_flags_nothing(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS,
                             contacts=AFTER_HOURS_CONTACTS, settings=Settings(
                                 sanctioned_start="00:00", sanctioned_end="24:00",
                                 sanctioned_days=["mon", "tue", "wed", "thu", "fri", "sat",
                                                  "sun"]))
    assert flags(warehouse, as_of=AS_OF) == []


# --- extended_contact --------------------------------------------------------------------------

EXTENDED_CONTACTS = csv(
    CONTACT_HEADER,
    # Phone over the whole extract: 20, 20, 30, 119, 120 -> median 30; bar max(120, 2 x 30) = 120.
    "E01,A2,PR2,2024-05-06 10:00,20,phone,,,",  # May and another peer: still in the median
    "E02,A1,PR1,2024-05-07 10:00,20,phone,,,",
    "E03,A2,PR2,2024-05-08 10:00,30,phone,,,",
    "E04,A1,PR1,2024-06-24 10:00,120,phone,,,",  # exactly at the bar: flagged
    "E05,A1,PR1,2024-06-25 10:00,119,phone,,,",  # a minute under
    # In person: 60, 70, 75, 80, 154, 155 -> median (75 + 80) / 2 = 77.5; bar max(120, 155) = 155.
    # Counted over the window alone the median would be 154.5, and nothing would be flagged.
    "E06,A2,PR2,2024-05-06 11:00,60,in_person,,,",
    "E07,A1,PR1,2024-05-07 11:00,70,in_person,,,",
    "E08,A2,PR2,2024-05-08 11:00,75,in_person,,,",
    "E09,A1,PR1,2024-05-09 11:00,80,in_person,,,",
    "E10,A1,PR1,2024-06-26 10:00,155,in_person,,,",  # at the bar: flagged
    "E11,A1,PR1,2024-06-27 10:00,154,in_person,,,",  # a minute under
    QUIET_ON_AS_OF,
)
E10 = Flag("extended_contact", "review", "PR1", "A1", "E10", "2024-06-26",
           "A 155-minute in-person contact: 120 minutes or more and at least 2× the program's "
           "median in-person contact (77.5 minutes).")
E04 = Flag("extended_contact", "review", "PR1", "A1", "E04", "2024-06-24",
           "A 120-minute phone contact: 120 minutes or more and at least 2× the program's "
           "median phone contact (30 minutes).")


@pytest.fixture
def extended_warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=EXTENDED_CONTACTS)


def test_extended_contact_at_the_bar_and_a_minute_under(extended_warehouse):
    assert flags(extended_warehouse, as_of=AS_OF) == [E10, E04]


def test_the_mode_median_is_the_programs_whatever_the_scope(extended_warehouse):
    """Half of the May contacts are PR2's: narrowing to PR1 does not move the bar."""
    assert flags(extended_warehouse, as_of=AS_OF, peer_id="PR1") == [E10, E04]
    assert flags(extended_warehouse, as_of=AS_OF, peer_id="PR2") == []


def test_extended_thresholds_are_settings(warehouse_of):
    """At least 100 minutes and 1.5 x the median: phone max(100, 45) = 100 takes E05 (119);
    in person max(100, 116.25) takes E11 (154)."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=EXTENDED_CONTACTS,
                             settings=Settings(extended_min_minutes=100,
                                               extended_median_multiple=1.5))
    rows = flags(warehouse, as_of=AS_OF)
    assert [row.contact_id for row in rows] == ["E11", "E10", "E05", "E04"]
    assert rows[2].detail == ("A 119-minute phone contact: 100 minutes or more and at least "
                              "1.5× the program's median phone contact (30 minutes).")


# --- post_discharge_contact --------------------------------------------------------------------

DISCHARGE_CONTACTS = csv(
    CONTACT_HEADER,  # B1 was discharged on 06-25
    "D01,B1,PR1,2024-06-25 10:00,30,phone,,,",  # on the discharge day: not flagged
    "D02,B1,PR1,2024-06-26 10:00,30,phone,,,",  # the next day: flagged
    "D03,B1,PR2,2024-06-28 10:00,30,phone,,,",  # by another peer than the assigned one
    "D04,B1,PR1,2024-07-01 10:00,30,phone,,,",  # after the window
    "D05,A1,PR1,2024-06-27 10:00,30,phone,,,",  # a participant never discharged
)
D03 = Flag("post_discharge_contact", "review", "PR2", "B1", "D03", "2024-06-28",
           "Contact 3 days after the participant's discharge on 2024-06-25.")
D02 = Flag("post_discharge_contact", "review", "PR1", "B1", "D02", "2024-06-26",
           "Contact 1 day after the participant's discharge on 2024-06-25.")


@pytest.fixture
def discharge_warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=DISCHARGE_CONTACTS)


def test_post_discharge_contact_from_the_day_after(discharge_warehouse):
    assert flags(discharge_warehouse, as_of=AS_OF) == [D03, D02]


@pytest.mark.parametrize("scope, expected", [
    ({"peer_id": "PR1"}, [D02]),
    ({"peer_id": "PR2"}, [D03]),  # the peer who made the contact, not B1's assigned peer
    ({"supervisor_id": "SV1"}, [D03, D02]),
    ({"supervisor_id": "SV2"}, []),
    ({"site": "North"}, [D03, D02]),
    ({"site": "South"}, []),
    ({"site": "North", "peer_id": "PR3"}, []),
])
def test_scope_picks_the_peer_who_made_the_contact(discharge_warehouse, scope, expected):
    assert flags(discharge_warehouse, as_of=AS_OF, **scope) == expected


# --- reported_concern --------------------------------------------------------------------------

CONCERN_CONTACTS = csv(
    CONTACT_HEADER,
    "R01,A1,PR1,2024-06-24 10:00,30,phone,romantic_or_sexual,,",  # urgent
    "R02,A1,PR1,2024-06-24 11:00,30,phone,money,,",  # urgent
    "R03,A1,PR1,2024-06-25 10:00,30,phone,substance_use,,",  # urgent
    "R04,A1,PR1,2024-06-25 11:00,30,phone,gift,,",  # review
    "R05,A1,PR1,2024-06-26 10:00,30,phone,self_disclosure,,",  # review
    "R06,A1,PR1,2024-06-26 11:00,30,phone,none,,",  # "none" is no concern
    "R07,A1,PR1,2024-06-27 10:00,30,phone,,,",  # empty is no concern
    "R08,A1,PR1,2024-06-27 11:00,30,phone,personal_contact_info,,",  # review
    QUIET_ON_AS_OF,
)


def _concern(contact, severity, day, words):
    return Flag("reported_concern", severity, "PR1", "A1", contact, day,
                f"Boundary concern recorded: {words}.")


def test_reported_concerns_urgent_first(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONCERN_CONTACTS)
    assert flags(warehouse, as_of=AS_OF) == [
        _concern("R03", "urgent", "2024-06-25", "substance use"),
        _concern("R01", "urgent", "2024-06-24", "romantic or sexual"),
        _concern("R02", "urgent", "2024-06-24", "money"),
        _concern("R08", "review", "2024-06-27", "personal contact info"),
        _concern("R05", "review", "2024-06-26", "self disclosure"),
        _concern("R04", "review", "2024-06-25", "gift"),
    ]


def test_urgent_concerns_are_a_setting(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONCERN_CONTACTS,
                             settings=Settings(urgent_concerns=["gift"]))
    assert [(row.contact_id, row.severity) for row in flags(warehouse, as_of=AS_OF)] == [
        ("R04", "urgent"), ("R08", "review"), ("R05", "review"), ("R03", "review"),
        ("R01", "review"), ("R02", "review")]


# --- unescalated_safety ------------------------------------------------------------------------

SAFETY_CONTACTS = csv(
    CONTACT_HEADER,
    "S1,A1,PR1,2024-06-24 10:00,30,phone,,true,2024-06-25 10:00",  # exactly 24 h: in time
    "S2,A1,PR1,2024-06-24 11:00,30,phone,,true,2024-06-25 11:01",  # 24 h 1 min: flagged
    "S3,A1,PR1,2024-06-25 10:00,30,phone,,TRUE,",  # never escalated: flagged
    "S4,A1,PR1,2024-06-26 10:00,30,phone,,yes,2024-06-27 16:30",  # 30.5 h: flagged
    "S5,A1,PR1,2024-06-26 11:00,30,phone,,false,",  # no safety concern
    "S6,A1,PR1,2024-06-27 10:00,30,phone,,,",  # empty: no safety concern
    "S7,A1,PR1,2024-06-27 11:00,30,phone,,no,2024-06-29 11:00",  # no concern, late escalation
    "S8,A1,PR1,2024-06-28 10:00,30,phone,,1,2024-06-28 11:00",  # one hour: in time
    "S9,A1,PR1,2024-06-21 10:00,30,phone,,true,",  # the day before the window
    "S10,A1,PR1,2024-06-27 12:00,30,phone,,true,2024-06-28 12:33",  # 24.55 h, shown 24.6
)
S10 = Flag("unescalated_safety", "urgent", "PR1", "A1", "S10", "2024-06-27",
           "Safety concern escalated 24.6 hours after the contact began (the program asks "
           "within 24).")
S4 = Flag("unescalated_safety", "urgent", "PR1", "A1", "S4", "2024-06-26",
          "Safety concern escalated 30.5 hours after the contact began (the program asks "
          "within 24).")
S3 = Flag("unescalated_safety", "urgent", "PR1", "A1", "S3", "2024-06-25",
          "Safety concern recorded with no escalation.")
S2 = Flag("unescalated_safety", "urgent", "PR1", "A1", "S2", "2024-06-24",
          "Safety concern escalated 24 hours 1 minute after the contact began (the program "
          "asks within 24).")


def test_unescalated_safety(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=SAFETY_CONTACTS)
    assert flags(warehouse, as_of=AS_OF) == [S10, S4, S3, S2]


def _within(flag, hours):
    return flag._replace(detail=flag.detail.replace("within 24", f"within {hours}"))


@pytest.mark.parametrize("hours, expected", [
    (48, [S3]),
    (30, [_within(S4, 30), S3]),
    (24.5, [_within(S10, 24.5), _within(S4, 24.5), S3]),
])
def test_escalation_hours_is_a_setting(warehouse_of, hours, expected):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=SAFETY_CONTACTS,
                             settings=Settings(escalation_hours=hours))
    assert flags(warehouse, as_of=AS_OF) == expected


# --- concentration -----------------------------------------------------------------------------

CONCENTRATION_PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,20",  # room for every participant: no over_capacity flag
    "PR2,North,SV1,20",
    "PR3,South,SV2,20",
)
CONCENTRATION_PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    *(f"{who},{peer},2024-01-01," for peer, group in (("PR1", "C"), ("PR2", "D"), ("PR3", "E"))
      for who in (f"{group}1", f"{group}2", f"{group}3", f"{group}4")),
)
# Every contact is before 06-22 (outside the contact window) or a short weekday call.
CONCENTRATION_CONTACTS = csv(
    CONTACT_HEADER,
    # PR1 sees four participants: 30, 30, 30 and 90 minutes -> median 30; C4 has exactly 3x it
    # over 4 contacts: flagged.
    "C11,C1,PR1,2024-06-03 10:00,30,phone,,,",
    "C10,C1,PR1,2024-05-31 10:00,60,phone,,,",  # the day before the window (C1 would be 90)
    "C12,C1,PR1,2024-06-29 10:00,60,phone,,,",  # the day after it
    "C21,C2,PR1,2024-06-04 10:00,30,phone,,,",
    "C31,C3,PR1,2024-06-05 10:00,30,phone,,,",
    "C41,C4,PR1,2024-06-01 10:00,20,phone,,,",  # the window's first day
    "C42,C4,PR1,2024-06-06 10:00,20,phone,,,",
    "C43,C4,PR1,2024-06-07 10:00,25,phone,,,",
    "C44,C4,PR1,2024-06-10 10:00,25,phone,,,",
    # PR2: the same minutes, but D4's 90 come from 3 contacts: not flagged.
    "D11,D1,PR2,2024-06-03 10:00,30,phone,,,",
    "D21,D2,PR2,2024-06-04 10:00,30,phone,,,",
    "D31,D3,PR2,2024-06-05 10:00,30,phone,,,",
    "D41,D4,PR2,2024-06-06 10:00,30,phone,,,",
    "D42,D4,PR2,2024-06-07 10:00,30,phone,,,",
    "D43,D4,PR2,2024-06-10 10:00,30,phone,,,",
    # PR3 sees three participants: 30, 30, 120 over 4 contacts -> 4x the median, not flagged.
    "E11,E1,PR3,2024-06-03 10:00,30,phone,,,",
    "E21,E2,PR3,2024-06-04 10:00,30,phone,,,",
    "E31,E3,PR3,2024-06-05 10:00,30,phone,,,",
    "E32,E3,PR3,2024-06-06 10:00,30,phone,,,",
    "E33,E3,PR3,2024-06-07 10:00,30,phone,,,",
    "E34,E3,PR3,2024-06-10 10:00,30,phone,,,",
)
C4 = Flag("concentration", "review", "PR1", "C4", None, "2024-06-28",
          "90 minutes with this participant over 4 contacts in the 28 days ending 2024-06-28: "
          "3× the peer's median of 30 minutes per participant.")
D4 = Flag("concentration", "review", "PR2", "D4", None, "2024-06-28",
          "90 minutes with this participant over 3 contacts in the 28 days ending 2024-06-28: "
          "3× the peer's median of 30 minutes per participant.")
E3 = Flag("concentration", "review", "PR3", "E3", None, "2024-06-28",
          "120 minutes with this participant over 4 contacts in the 28 days ending 2024-06-28: "
          "4× the peer's median of 30 minutes per participant.")


def _concentration(warehouse_of, **settings):
    return warehouse_of(peers=CONCENTRATION_PEERS, participants=CONCENTRATION_PARTICIPANTS,
                        contacts=CONCENTRATION_CONTACTS, settings=Settings(**settings))


def test_concentration_at_exactly_the_multiple(warehouse_of):
    assert flags(_concentration(warehouse_of), as_of=AS_OF) == [C4]


@pytest.mark.parametrize("settings, expected", [
    ({"concentration_min_contacts": 3}, [C4, D4]),
    ({"concentration_min_participants": 3}, [C4, E3]),
    ({"concentration_multiple": 3.5}, []),
    # 29 days take in C1's contact of 05-31: C1 90 minutes, PR1's median 60, C4 only 1.5x.
    ({"concentration_window_days": 29}, []),
])
def test_concentration_thresholds_are_settings(warehouse_of, settings, expected):
    assert flags(_concentration(warehouse_of, **settings), as_of=AS_OF) == expected


def test_concentration_is_scoped_to_the_peer(warehouse_of):
    warehouse = _concentration(warehouse_of, concentration_min_contacts=3)
    assert flags(warehouse, as_of=AS_OF, peer_id="PR2") == [D4]
    assert flags(warehouse, as_of=AS_OF, site="South") == []


# --- over_capacity -----------------------------------------------------------------------------

CAPACITY_PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "O1,PR1,2024-01-01,",
    "O2,PR1,2024-06-28,",  # enrolled on end: active
    "O3,PR1,2024-01-01,2024-06-28",  # discharged on end: not active -> PR1 at capacity (2)
    "Q1,PR3,2024-01-01,",
    "Q2,PR3,2024-01-01,",
    "Q3,PR3,2024-01-01,",
    "Q4,PR3,2024-01-01,2024-06-29",  # discharged the day after end: active -> 4 over 3
    "Q5,PR3,2024-06-29,",  # enrolled the day after end: not active
    *(f"N{number:02d},PR2,2024-01-01," for number in range(1, 14)),  # 13 over the default 12
)
CAPACITY_CONTACTS = csv(CONTACT_HEADER, "K1,O1,PR1,2024-06-28 10:00,30,phone,,,")


def _capacity(peer, day, active, capacity):
    return Flag("over_capacity", "review", peer, None, None, day,
                f"{active} active participants against a capacity of {capacity}.")


def test_over_capacity(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=CAPACITY_PARTICIPANTS,
                             contacts=CAPACITY_CONTACTS)
    assert flags(warehouse, as_of=AS_OF) == [
        _capacity("PR2", "2024-06-28", 13, 12),
        _capacity("PR3", "2024-06-28", 4, 3),
    ]
    # On 06-27 O2 is not enrolled yet and O3 not yet discharged: PR1 still at 2.
    assert flags(warehouse, as_of=AS_OF, end="2024-06-27") == [
        _capacity("PR2", "2024-06-27", 13, 12),
        _capacity("PR3", "2024-06-27", 4, 3),
    ]


def test_default_capacity_is_a_setting(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=CAPACITY_PARTICIPANTS,
                             contacts=CAPACITY_CONTACTS, settings=Settings(default_capacity=13))
    assert flags(warehouse, as_of=AS_OF) == [_capacity("PR3", "2024-06-28", 4, 3)]


# --- supervision_gap ---------------------------------------------------------------------------

SUPERVISION_PEERS = PEERS + "PR4,South,SV2,\n"
SUPERVISION_PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    "A1,PR1,2024-01-01,",
    "A2,PR2,2024-01-01,",
    "A3,PR3,2024-01-01,",
    "A4,PR4,2024-01-01,2024-06-01",  # PR4 has no active participant: never flagged
)
SUPERVISION_CONTACTS = csv(CONTACT_HEADER, "K1,A1,PR1,2024-06-28 10:00,30,phone,,,")
SUPERVISION = csv(
    "peer_id,supervisor_id,held_on,duration_min,format",
    "PR1,SV1,2024-06-01,60,individual",
    "PR1,SV1,2024-06-15,60,individual",  # end - 13, the window's first day: no flag
    "PR2,SV1,2024-06-14,60,group",  # end - 14, the day before: flagged
    "PR3,SV9,2024-06-29,60,individual",  # after end only: none on or before it
)
PR2_GAP = Flag("supervision_gap", "review", "PR2", None, None, "2024-06-28",
               "No supervision session in the 14 days ending 2024-06-28; the last was on "
               "2024-06-14.")
PR3_GAP = Flag("supervision_gap", "review", "PR3", None, None, "2024-06-28",
               "No supervision session in the 14 days ending 2024-06-28; none is recorded.")


def test_supervision_gap(warehouse_of):
    warehouse = warehouse_of(peers=SUPERVISION_PEERS, participants=SUPERVISION_PARTICIPANTS,
                             contacts=SUPERVISION_CONTACTS, supervision=SUPERVISION)
    assert flags(warehouse, as_of=AS_OF) == [PR2_GAP, PR3_GAP]
    assert flags(warehouse, as_of=AS_OF, site="South") == [PR3_GAP]


def test_supervision_interval_is_a_setting(warehouse_of):
    warehouse = warehouse_of(peers=SUPERVISION_PEERS, participants=SUPERVISION_PARTICIPANTS,
                             contacts=SUPERVISION_CONTACTS, supervision=SUPERVISION,
                             settings=Settings(supervision_interval_days=15))
    assert flags(warehouse, as_of=AS_OF) == [PR3_GAP._replace(
        detail=PR3_GAP.detail.replace("14 days", "15 days"))]


def test_no_supervision_extract_no_supervision_gap(warehouse_of):
    warehouse = warehouse_of(peers=SUPERVISION_PEERS, participants=SUPERVISION_PARTICIPANTS,
                             contacts=SUPERVISION_CONTACTS)
    frame = warehouse.query("boundary_flags", as_of=AS_OF)
    assert frame.empty
    assert frame.attrs["notes"] == ["no supervision extract loaded"]


# --- several rules together --------------------------------------------------------------------

MIXED_CONTACTS = csv(
    CONTACT_HEADER,
    "M1,B1,PR1,2024-06-28 21:00,30,phone,,,",  # after hours, and 3 days after B1's discharge
    "M2,A3,PR3,2024-06-28 07:00,30,phone,,,",  # after hours
    "M3,A1,PR1,2024-06-26 10:00,30,phone,,true,",  # safety, never escalated: urgent
    "M4,A2,PR2,2024-06-24 10:00,30,phone,money,,",  # urgent
    "M5,A1,PR1,2024-06-25 10:00,30,phone,gift,,",  # review
)
MIXED = [
    Flag("unescalated_safety", "urgent", "PR1", "A1", "M3", "2024-06-26",
         "Safety concern recorded with no escalation."),
    Flag("reported_concern", "urgent", "PR2", "A2", "M4", "2024-06-24",
         "Boundary concern recorded: money."),
    Flag("after_hours", "review", "PR1", "B1", "M1", "2024-06-28",
         f"Contact began at 21:00 on Friday 2024-06-28, {HOURS}"),
    Flag("post_discharge_contact", "review", "PR1", "B1", "M1", "2024-06-28",
         "Contact 3 days after the participant's discharge on 2024-06-25."),
    Flag("after_hours", "review", "PR3", "A3", "M2", "2024-06-28",
         f"Contact began at 07:00 on Friday 2024-06-28, {HOURS}"),
    Flag("reported_concern", "review", "PR1", "A1", "M5", "2024-06-25",
         "Boundary concern recorded: gift."),
]


@pytest.fixture
def mixed_warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=MIXED_CONTACTS)


def test_order_urgent_first_then_latest_then_peer_and_rule(mixed_warehouse):
    """One contact (M1) raises two flags; as_of defaults to the last contact, 06-28."""
    assert flags(mixed_warehouse) == MIXED
    assert flags(mixed_warehouse, as_of=AS_OF) == MIXED


@pytest.mark.parametrize("scope, peers", [
    ({"site": "South"}, {"PR3"}),
    ({"supervisor_id": "SV1"}, {"PR1", "PR2"}),
    ({"peer_id": "PR2"}, {"PR2"}),
    ({"site": "South", "supervisor_id": "SV1"}, set()),
])
def test_scope(mixed_warehouse, scope, peers):
    assert flags(mixed_warehouse, **scope) == [row for row in MIXED if row.peer_id in peers]


def test_a_one_day_window(mixed_warehouse):
    assert flags(mixed_warehouse, start="2024-06-26", end="2024-06-26") == MIXED[:1]
