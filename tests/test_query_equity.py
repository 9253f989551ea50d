"""equity, against answers worked out by hand (docs/metrics.md#equity).

as_of 2024-06-30; the not-seen window is the 30 days 2024-06-01 … 2024-06-30. Active on as_of:
E1, E2, E4, E5, E6 (E3 is discharged on as_of, E7 enrolled the day after). Engaged: E1 (seen on
the window's first day), E4 (seen by another peer in the window's last hour) and E6; E2 was
last seen one minute before the window, E5 only after as_of. PHQ-9 pairs (threshold 5): E1 15→9
improved, E2 12→10 no reliable change, E3 10→5 improved (not active, still counted), E4 4→9
deteriorated, E6 20→14 improved.
"""

from __future__ import annotations


import pytest

from supervision_dash.settings import Settings
from tests.conftest import csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id,languages",
    "PR1,North,SV1,en; ES",  # spaces and case in the languages are ignored
    "PR2,South,SV2,en",
    "PR3,East,SV3,",  # no languages recorded
)
PARTICIPANTS = csv(
    "participant_id,peer_id,site,enrolled_on,discharged_on,age_band,gender,race_ethnicity,"
    "preferred_language",
    "E1,PR1,,2024-03-01,,25-34,female,White,es",
    "E2,PR1,South,2024-03-01,,25-34,male,Black,fr",
    "E3,PR1,,2024-03-01,2024-06-30,35-44,female,,EN",
    "E4,PR2,,2024-04-01,,,female,White,",
    "E5,PR2,,2024-04-01,,25-34,male,Black,en",
    "E6,PR3,,2024-03-01,,65+,,Asian,vi",
    "E7,PR1,,2024-07-01,,18-24,female,White,en",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K1,E1,PR1,2024-06-01 09:00,30,phone",  # the window's first day
    "K2,E2,PR1,2024-05-31 23:59,30,phone",  # one minute before it
    "K3,E4,PR3,2024-06-30 23:30,30,phone",  # by another peer, on as_of
    "K4,E6,PR3,2024-06-15 10:00,30,in_person",
    "K5,E3,PR1,2024-06-20 10:00,30,phone",  # E3 is not active on as_of
    "K6,E5,PR2,2024-07-01 09:00,30,phone",  # after as_of
)
OUTCOMES = csv(
    "participant_id,measure,assessed_on,score",
    "E1,PHQ9,2024-03-01,15", "E1,PHQ9,2024-06-01,9",
    "E2,PHQ9,2024-03-01,12", "E2,PHQ9,2024-06-01,10",
    "E3,PHQ9,2024-03-01,10", "E3,PHQ9,2024-05-01,5",
    "E4,PHQ9,2024-04-01,4", "E4,PHQ9,2024-06-01,9",
    "E6,PHQ9,2024-03-01,20", "E6,PHQ9,2024-06-20,14",
    "E5,GAD7,2024-04-01,10", "E5,GAD7,2024-06-01,4",  # improved on GAD-7 only
)
COLUMNS = ["dimension", "category", "participants", "engaged", "engagement_rate",
           "outcome_pairs", "improved", "improved_pct"]
AS_OF = "2024-06-30"
EXPECTED = [
    # 25-34: E1, E2, E5 active; E1 engaged (1/3); pairs E1 (improved), E2: 1/2.
    ("age_band", "25-34", 3, 1, 0.333, 2, 1, 50.0),
    # 35-44: only E3, not active, but with an improved pair: listed with an empty rate.
    ("age_band", "35-44", 0, 0, None, 1, 1, 100.0),
    ("age_band", "65+", 1, 1, 1.0, 1, 1, 100.0),  # E6
    ("age_band", "not recorded", 1, 1, 1.0, 1, 0, 0.0),  # E4
    # 18-24 (E7, neither active nor with a pair) is left out.
    # female: E1, E4 active and engaged; pairs E1 (improved), E3 (improved), E4: 2/3.
    ("gender", "female", 2, 2, 1.0, 3, 2, 66.7),
    ("gender", "male", 2, 0, 0.0, 1, 0, 0.0),  # E2, E5; pair E2
    ("gender", "not recorded", 1, 1, 1.0, 1, 1, 100.0),  # E6
    ("race_ethnicity", "Asian", 1, 1, 1.0, 1, 1, 100.0),  # E6
    ("race_ethnicity", "Black", 2, 0, 0.0, 1, 0, 0.0),  # E2, E5
    ("race_ethnicity", "White", 2, 2, 1.0, 2, 1, 50.0),  # E1, E4 (E7 not active)
    ("race_ethnicity", "not recorded", 0, 0, None, 1, 1, 100.0),  # E3
    ("preferred_language", "EN", 0, 0, None, 1, 1, 100.0),  # E3, as written
    ("preferred_language", "en", 1, 0, 0.0, 0, 0, None),  # E5 (E7 not active)
    ("preferred_language", "es", 1, 1, 1.0, 1, 1, 100.0),  # E1
    ("preferred_language", "fr", 1, 0, 0.0, 1, 0, 0.0),  # E2
    ("preferred_language", "not recorded", 1, 1, 1.0, 1, 0, 0.0),  # E4
    ("preferred_language", "vi", 1, 1, 1.0, 1, 1, 100.0),  # E6
    # concordant: E1 (es in "en; ES"), E3 (EN), E5 (en with PR2), E7 (not active):
    # active E1, E5, engaged E1: 1/2; pairs E1, E3, both improved.
    ("language_concordance", "concordant", 2, 1, 0.5, 2, 2, 100.0),
    ("language_concordance", "not concordant", 1, 0, 0.0, 1, 0, 0.0),  # E2 (fr)
    # not recorded: E4 (no preferred language), E6 (PR3 has no languages): pairs E4, E6.
    ("language_concordance", "not recorded", 2, 2, 1.0, 2, 1, 50.0),
]



@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        outcomes=OUTCOMES)


def test_equity_by_hand(warehouse):
    frame = warehouse.query("equity", as_of=AS_OF)
    assert list(frame.columns) == COLUMNS
    assert rows(frame, COLUMNS) == EXPECTED


def test_every_dimension_adds_up_to_the_same_totals(warehouse):
    """Five active participants, three engaged and five PHQ-9 pairs, in every dimension."""
    frame = warehouse.query("equity", as_of=AS_OF)
    totals = frame.groupby("dimension", sort=False)[["participants", "engaged",
                                                      "outcome_pairs", "improved"]].sum()
    assert list(totals.index) == ["age_band", "gender", "race_ethnicity", "preferred_language",
                                  "language_concordance"]
    assert totals.values.tolist() == [[5, 3, 5, 3]] * 5


def test_measure_parameter(warehouse):
    """On GAD-7 only E5 has a pair (10 → 4, improved)."""
    frame = warehouse.query("equity", as_of=AS_OF, measure="GAD7")
    gender = {row[1]: row[5:] for row in rows(frame, COLUMNS) if row[0] == "gender"}
    assert gender == {"female": (0, 0, None), "male": (1, 1, 100.0),
                      "not recorded": (0, 0, None)}


@pytest.mark.parametrize("scope, expected", [
    # PR1: E1, E2, E3 (E7 neither active nor with a pair).
    ({"peer_id": "PR1"}, [("concordant", 1, 1, 1.0, 2, 2, 100.0),
                          ("not concordant", 1, 0, 0.0, 1, 0, 0.0)]),
    # South: PR2's E4 and E5 (E2, whose own site is South, is PR1's, at North).
    ({"site": "South"}, [("concordant", 1, 0, 0.0, 0, 0, None),
                         ("not recorded", 1, 1, 1.0, 1, 0, 0.0)]),
    ({"supervisor_id": "SV3"}, [("not recorded", 1, 1, 1.0, 1, 1, 100.0)]),
    ({"site": "East", "peer_id": "PR1"}, []),
])
def test_scope(warehouse, scope, expected):
    frame = warehouse.query("equity", as_of=AS_OF, **scope)
    assert [row[1:] for row in rows(frame, COLUMNS)
            if row[0] == "language_concordance"] == expected


def test_the_not_seen_window_is_a_setting(warehouse_of):
    """With 31 days the window opens on 2024-05-31: E2's contact at 23:59 that day counts."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=Settings(not_seen_days=31))
    frame = warehouse.query("equity", as_of=AS_OF)
    assert [row for row in rows(frame, COLUMNS) if row[0] == "gender"][1] == (
        "gender", "male", 2, 1, 0.5, 1, 0, 0.0)


def test_an_earlier_as_of(warehouse):
    """On 2024-06-29 E3 is still active (discharged the next day) and was seen on 06-20: the
    35-44 row gets one engaged participant; E4's contact (06-30) is now after as_of."""
    frame = warehouse.query("equity", as_of="2024-06-29")
    age = {row[1]: row[2:5] for row in rows(frame, COLUMNS) if row[0] == "age_band"}
    assert age["35-44"] == (1, 1, 1.0)
    assert age["not recorded"] == (1, 0, 0.0)


def test_without_outcomes_engagement_still_shows(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("equity", as_of=AS_OF)
    assert frame.attrs["notes"] == ["no outcomes extract loaded"]
    assert rows(frame, COLUMNS)[0] == ("age_band", "25-34", 3, 1, 0.333, 0, 0, None)
    assert "35-44" not in set(frame["category"])  # E3: neither active nor with a pair
