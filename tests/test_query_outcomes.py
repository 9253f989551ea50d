"""outcome_change and outcome_summary, against answers worked out by hand (docs/metrics.md#outcomes).

as_of is 2024-06-30 throughout. P01–P03 are enrolled on 2024-03-01, so their baseline window
opens on 2024-01-31 (30 days before: 29 days of February 2024 plus March 1st's day before);
P04 and P05 on 2024-04-01 (window from 2024-03-02). Q01–Q06 belong to PR3 at another site:
they are there for the RAS-R Jacobson–Truax threshold, and only Q05 has a pair (PHQ-9). A site
is the assigned peer's: P02's own site is South, but PR1's North is the one that counts, except
by participant_site. The contacts span 05-31 … 07-15, every as_of asked about (the outcome
queries read no contacts).

Thresholds on the raw scale: PHQ-9 5, GAD-7 4, WHO-5 10 points ÷ 4 = 2.5 raw, RAS-R from the
ten baselines (see RAS_R_THRESHOLD).
"""

from __future__ import annotations

import math

import pytest

from supervision_dash.catalogue import ParameterError
from supervision_dash.settings import INSTRUMENTS, Settings
from tests.conftest import csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id,languages",
    "PR1,North,SV1,en;es",
    "PR2,South,SV2,en",
    "PR3,East,SV3,",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,site,enrolled_on",
    "P01,PR1,,2024-03-01",
    "P02,PR1,South,2024-03-01",  # PR1's participant, but at South
    "P03,PR1,,2024-03-01",
    "P04,PR2,,2024-04-01",
    "P05,PR2,,2024-04-01",
    "Q01,PR3,,2024-03-01",
    "Q02,PR3,,2024-03-01",
    "Q03,PR3,,2024-03-01",
    "Q04,PR3,,2024-03-01",
    "Q05,PR3,,2024-03-01",
    "Q06,PR3,,2024-03-01",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "C0,P01,PR1,2024-05-31 10:00,30,phone",
    "C1,P01,PR1,2024-06-30 10:00,30,phone",
    "C2,P01,PR1,2024-07-15 10:00,30,phone",
)
OUTCOME_LINES = [
    # PHQ-9 (lower is better; threshold 5; caseness 10)
    "P01,PHQ9,2024-01-31,15",  # exactly 30 days before enrolment: the baseline
    "P01,PHQ9,2024-06-01,10",  # improvement 5 = threshold: improved; latest 10: not recovered
    "P02,PHQ9,2024-01-30,20",  # 31 days before enrolment: not a baseline...
    "P02,PHQ9,2024-02-15,14",  # ...this is
    "P02,PHQ9,2024-06-10,10",  # improvement 4, one under: no reliable change
    "P03,PHQ9,2024-03-01,10",  # baseline exactly at caseness: a case
    "P03,PHQ9,2024-05-01,5",  # improvement 5 to below caseness: recovered
    "P03,PHQ9,2024-07-15,20",  # after as_of: ignored
    "P04,PHQ9,2024-04-01,4",
    "P04,PHQ9,2024-06-01,9",  # change +5: improvement -5 = -threshold: deteriorated
    "P05,PHQ9,2024-04-10,12",  # a single assessment: no row
    "Q05,PHQ9,2024-03-01,18",
    "Q05,PHQ9,2024-06-01,12",  # improvement 6: improved; 12 is still a case: not recovered
    # GAD-7 (lower is better; threshold 4; caseness 8)
    "P01,GAD7,2024-03-01,8",  # exactly at caseness
    "P01,GAD7,2024-06-01,4",  # improvement 4: improved and recovered
    "P02,GAD7,2024-03-01,7",  # not a case
    "P02,GAD7,2024-06-01,3",  # improved, not recovered
    "P04,GAD7,2024-04-01,12",  # two on one day: the lower score, 10, counts
    "P04,GAD7,2024-04-01,10",
    "P04,GAD7,2024-06-01,9",  # two on one day: the lower score, 6, counts
    "P04,GAD7,2024-06-01,6",  # change -4: improved, and recovered (10 >= 8, 6 < 8)
    # WHO-5 (higher is better; 10 percentage points = 2.5 raw points)
    "P01,WHO5,2024-03-01,10",
    "P01,WHO5,2024-06-01,13",  # +3 raw = 12 points >= 10: improved
    "P02,WHO5,2024-03-01,10",
    "P02,WHO5,2024-06-01,12",  # +2 raw = 8 points: no reliable change
    "P03,WHO5,2024-03-01,12",
    "P03,WHO5,2024-06-01,9",  # -3 raw = -12 points: deteriorated
    # RAS-R (higher is better; Jacobson-Truax, r = 0.90): ten baselines
    "P01,RAS_R,2024-03-01,55",
    "P01,RAS_R,2024-06-01,64",  # +9 >= 8.77: improved
    "P02,RAS_R,2024-03-01,55",
    "P02,RAS_R,2024-06-01,63",  # +8 < 8.77: no reliable change
    "P03,RAS_R,2024-03-01,70",
    "P03,RAS_R,2024-06-01,61",  # -9 <= -8.77: deteriorated
    "P04,RAS_R,2024-04-01,70",  # a baseline without a later assessment: counts for the SD
    "Q01,RAS_R,2024-01-01,30",  # before Q01's window: neither a baseline nor in the SD
    "Q01,RAS_R,2024-03-01,70",
    "Q02,RAS_R,2024-01-31,70",  # exactly 30 days before enrolment: a baseline
    "Q03,RAS_R,2024-03-01,70",
    "Q04,RAS_R,2024-07-10,70",  # after as_of: still one of the extract's baselines
    "Q05,RAS_R,2024-03-01,85",
    "Q06,RAS_R,2024-03-01,85",
]
OUTCOMES = csv("participant_id,measure,assessed_on,score", *OUTCOME_LINES)

# The ten RAS-R baselines: 55, 55, 70, 70, 70, 70, 70, 70, 85, 85. Mean 70; squared deviations
# 4 × 15² = 900; sample variance 900 / (10 - 1) = 100; SD = 10.
# Threshold = 1.96 × √2 × 10 × √(1 - 0.90) = 19.6 × √0.2 = 19.6 × 0.4472 = 8.765 → 8.77.
RAS_R_THRESHOLD = 8.77
assert round(1.96 * math.sqrt(2) * 10 * math.sqrt(1 - 0.90), 2) == RAS_R_THRESHOLD

COLUMNS = ["participant_id", "peer_id", "measure", "baseline_on", "baseline_score", "latest_on",
           "latest_score", "change", "improvement", "threshold", "category", "recovered"]
T = RAS_R_THRESHOLD
# In the query's order: measure, peer_id, participant_id.
EXPECTED = [
    ("P01", "PR1", "GAD7", "2024-03-01", 8, "2024-06-01", 4, -4, 4, 4, "improved", True),
    ("P02", "PR1", "GAD7", "2024-03-01", 7, "2024-06-01", 3, -4, 4, 4, "improved", False),
    ("P04", "PR2", "GAD7", "2024-04-01", 10, "2024-06-01", 6, -4, 4, 4, "improved", True),
    ("P01", "PR1", "PHQ9", "2024-01-31", 15, "2024-06-01", 10, -5, 5, 5, "improved", False),
    ("P02", "PR1", "PHQ9", "2024-02-15", 14, "2024-06-10", 10, -4, 4, 5, "no_reliable_change",
     False),
    ("P03", "PR1", "PHQ9", "2024-03-01", 10, "2024-05-01", 5, -5, 5, 5, "improved", True),
    ("P04", "PR2", "PHQ9", "2024-04-01", 4, "2024-06-01", 9, 5, -5, 5, "deteriorated", False),
    ("Q05", "PR3", "PHQ9", "2024-03-01", 18, "2024-06-01", 12, -6, 6, 5, "improved", False),
    ("P01", "PR1", "RAS_R", "2024-03-01", 55, "2024-06-01", 64, 9, 9, T, "improved", None),
    ("P02", "PR1", "RAS_R", "2024-03-01", 55, "2024-06-01", 63, 8, 8, T, "no_reliable_change",
     None),
    ("P03", "PR1", "RAS_R", "2024-03-01", 70, "2024-06-01", 61, -9, -9, T, "deteriorated", None),
    ("P01", "PR1", "WHO5", "2024-03-01", 10, "2024-06-01", 13, 3, 3, 2.5, "improved", None),
    ("P02", "PR1", "WHO5", "2024-03-01", 10, "2024-06-01", 12, 2, 2, 2.5, "no_reliable_change",
     None),
    ("P03", "PR1", "WHO5", "2024-03-01", 12, "2024-06-01", 9, -3, -3, 2.5, "deteriorated", None),
]
AS_OF = "2024-06-30"



def by_key(frame, columns, key="participant_id"):
    return {(row[columns.index(key)], row[columns.index("measure")]): row
            for row in rows(frame, columns)}


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        outcomes=OUTCOMES)


def _expected(participants=None, measure=None):
    return [row for row in EXPECTED
            if (participants is None or row[0] in participants)
            and (measure is None or row[2] == measure)]


# outcome_change ----------------------------------------------------------------------------


def test_outcome_change_by_hand(warehouse):
    frame = warehouse.query("outcome_change", as_of=AS_OF)
    assert list(frame.columns) == COLUMNS
    assert rows(frame, COLUMNS) == EXPECTED


def test_single_assessments_and_early_or_late_ones_make_no_pair(warehouse):
    """P05 (one PHQ-9), P04 and Q01–Q06 (RAS-R baseline only; Q01's 2024-01-01 score is before
    its window, so its 70 is the first and only baseline) have no RAS-R or PHQ-9 row."""
    keys = set(by_key(warehouse.query("outcome_change", as_of=AS_OF), COLUMNS))
    assert ("P05", "PHQ9") not in keys
    assert not {("P04", "RAS_R"), ("Q01", "RAS_R"), ("Q04", "RAS_R")} & keys


def test_an_earlier_as_of_moves_the_latest_assessment(warehouse):
    """On 2024-05-31 P03's latest PHQ-9 is still 2024-05-01; P01's latest (06-01) is in the future,
    so P01 has no pair; P02's baseline (02-15) has no later assessment yet."""
    frame = warehouse.query("outcome_change", as_of="2024-05-31", measure="PHQ9")
    assert rows(frame, COLUMNS) == _expected({"P03"}, "PHQ9")


def test_the_assessment_after_as_of_becomes_the_latest_when_as_of_moves(warehouse):
    """With as_of 2024-07-15, P03's PHQ-9 goes 10 → 20: improvement -10, deteriorated."""
    row = by_key(warehouse.query("outcome_change", as_of="2024-07-15"), COLUMNS)[("P03", "PHQ9")]
    assert row[5:] == ("2024-07-15", 20, 10, -10, 5, "deteriorated", False)


@pytest.mark.parametrize("code", ["WHO5", "who5"])
def test_measure_parameter(warehouse, code):
    frame = warehouse.query("outcome_change", as_of=AS_OF, measure=code)
    assert rows(frame, COLUMNS) == _expected(measure="WHO5")


@pytest.mark.parametrize("scope, participants", [
    ({"peer_id": "PR1"}, {"P01", "P02", "P03"}),
    ({"site": "North"}, {"P01", "P02", "P03"}),  # PR1's site, although P02's own is South
    ({"site": "South"}, {"P04"}),  # PR2's
    ({"supervisor_id": "SV2"}, {"P04"}),
    ({"site": "East", "peer_id": "PR1"}, set()),
])
def test_scope_keeps_the_thresholds_of_the_whole_extract(warehouse, scope, participants):
    """The RAS-R threshold stays 8.77 although Q01–Q06's baselines are out of scope."""
    frame = warehouse.query("outcome_change", as_of=AS_OF, **scope)
    assert rows(frame, COLUMNS) == _expected(participants)


def test_fewer_than_ten_baselines_leave_the_threshold_empty(warehouse_of):
    """Without Q06 there are nine RAS-R baselines: no threshold, no category."""
    outcomes = csv("participant_id,measure,assessed_on,score",
                   *[line for line in OUTCOME_LINES if not line.startswith("Q06,")])
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=outcomes)
    frame = warehouse.query("outcome_change", as_of=AS_OF, measure="RAS_R")
    assert [row[:9] for row in rows(frame, COLUMNS)] == [
        row[:9] for row in _expected(measure="RAS_R")]
    assert [row[9:] for row in rows(frame, COLUMNS)] == [(None, None, None)] * 3


def test_min_baselines_is_a_setting(warehouse_of):
    """Ten baselines, but the program asks for eleven: no RAS-R threshold."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=Settings(min_baselines_for_rci=11))
    frame = warehouse.query("outcome_change", as_of=AS_OF, measure="RAS_R")
    assert list(frame["threshold"].isna()) == [True] * 3
    assert list(frame["category"].isna()) == [True] * 3


def test_baseline_window_is_a_setting(warehouse_of):
    """With 31 days, P02's 2024-01-30 PHQ-9 (20) is the baseline: 20 → 10 is an improvement of
    10, improved, but the latest 10 is still a case: not recovered."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=Settings(baseline_window_days=31))
    row = by_key(warehouse.query("outcome_change", as_of=AS_OF), COLUMNS)[("P02", "PHQ9")]
    assert row == ("P02", "PR1", "PHQ9", "2024-01-30", 20, "2024-06-10", 10, -10, 10, 5,
                   "improved", False)


def test_a_reliable_change_override_from_the_settings_file(warehouse_of):
    """A PHQ-9 threshold of 6: P01's and P03's improvements of 5 are no longer reliable (so P03
    is not recovered), P04's -5 is no longer a deterioration; Q05's 6 still improved."""
    settings = Settings.from_mapping({"instruments": {"PHQ9": {"reliable_change": 6}}})
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=settings)
    frame = warehouse.query("outcome_change", as_of=AS_OF, measure="PHQ9")
    assert [(row[0], row[9], row[10], row[11]) for row in rows(frame, COLUMNS)] == [
        ("P01", 6, "no_reliable_change", False),
        ("P02", 6, "no_reliable_change", False),
        ("P03", 6, "no_reliable_change", False),
        ("P04", 6, "no_reliable_change", False),
        ("Q05", 6, "improved", False),
    ]


def test_instrument_objects_as_settings(warehouse_of):
    """A fixed RAS-R threshold of 9 replaces Jacobson-Truax (P02's +8 stays unreliable, P01's +9
    improves); a WHO-5 of 12 points is 3 raw points, so P01's +3 (12 points) still improves."""
    from dataclasses import replace

    instruments = dict(INSTRUMENTS)
    instruments["RAS_R"] = replace(INSTRUMENTS["RAS_R"], reliable_change=9)
    instruments["WHO5"] = replace(INSTRUMENTS["WHO5"], reliable_change=12)
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=Settings(instruments=instruments))
    result = by_key(warehouse.query("outcome_change", as_of=AS_OF), COLUMNS)
    assert [result[key][9:11] for key in [("P01", "RAS_R"), ("P02", "RAS_R"), ("P03", "RAS_R")]] \
        == [(9, "improved"), (9, "no_reliable_change"), (9, "deteriorated")]
    assert [result[key][9:11] for key in [("P01", "WHO5"), ("P02", "WHO5"), ("P03", "WHO5")]] \
        == [(3, "improved"), (3, "no_reliable_change"), (3, "deteriorated")]


def test_who5_thirteen_points_is_not_reached_by_three_raw_points(warehouse_of):
    """A WHO-5 threshold of 13 points is 3.25 raw: P01's +3 raw (12 points) falls short."""
    settings = Settings.from_mapping({"instruments": {"WHO5": {"reliable_change": 13}}})
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=settings)
    frame = warehouse.query("outcome_change", as_of=AS_OF, measure="WHO5")
    assert [(row[0], row[9], row[10]) for row in rows(frame, COLUMNS)] == [
        ("P01", 3.25, "no_reliable_change"),
        ("P02", 3.25, "no_reliable_change"),
        ("P03", 3.25, "no_reliable_change"),
    ]


def test_a_caseness_override_changes_recovery(warehouse_of):
    """With a PHQ-9 caseness of 15, only P01 (baseline 15) and Q05 (18) are cases; P01 improved
    to 10 < 15: recovered; Q05 to 12: recovered too. P03 (baseline 10) is no longer a case."""
    settings = Settings.from_mapping({"instruments": {"PHQ9": {"caseness": 15}}})
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=OUTCOMES, settings=settings)
    frame = warehouse.query("outcome_change", as_of=AS_OF, measure="PHQ9")
    assert list(frame["recovered"]) == [True, False, False, False, True]


def test_outcome_change_without_outcomes_says_so(warehouse_of):
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)
    frame = warehouse.query("outcome_change", as_of=AS_OF)
    assert frame.empty
    assert frame.attrs["notes"] == ["no outcomes extract loaded"]


# outcome_summary ---------------------------------------------------------------------------

SUMMARY = ["measure", "site", "peer_id", "pairs", "improved", "no_reliable_change",
           "deteriorated", "unclassified", "improved_pct", "deteriorated_pct",
           "cases_at_baseline", "recovered", "recovered_pct", "mean_improvement"]
PROGRAM = [
    # GAD7: P01, P02, P04 all improved by 4; cases P01 (8) and P04 (10), both recovered.
    ("GAD7", None, None, 3, 3, 0, 0, 0, 100.0, 0.0, 2, 2, 100.0, 4.0),
    # PHQ9: improved P01, P03, Q05; no change P02; deteriorated P04: 3/5 = 60%, 1/5 = 20%.
    # Cases P01 15, P02 14, P03 10, Q05 18 (P04's 4 is not): 4; recovered P03: 1/4 = 25%.
    # Mean improvement (5 + 4 + 5 - 5 + 6) / 5 = 3.
    ("PHQ9", None, None, 5, 3, 1, 1, 0, 60.0, 20.0, 4, 1, 25.0, 3.0),
    # RAS_R: one each: 1/3 = 33.3%; no caseness; mean (9 + 8 - 9) / 3 = 2.67.
    ("RAS_R", None, None, 3, 1, 1, 1, 0, 33.3, 33.3, 0, 0, None, 2.67),
    # WHO5: one each; mean (3 + 2 - 3) / 3 = 0.67.
    ("WHO5", None, None, 3, 1, 1, 1, 0, 33.3, 33.3, 0, 0, None, 0.67),
]
BY_SITE = [
    # The assigned peer's site: P01, P02 (own site South) and P03 at North (PR1); P04 at South
    # (PR2); Q05 at East (PR3). GAD-7: P01 (case, recovered), P02 (not a case): 4 and 4.
    ("GAD7", "North", None, 2, 2, 0, 0, 0, 100.0, 0.0, 1, 1, 100.0, 4.0),
    ("GAD7", "South", None, 1, 1, 0, 0, 0, 100.0, 0.0, 1, 1, 100.0, 4.0),
    ("PHQ9", "East", None, 1, 1, 0, 0, 0, 100.0, 0.0, 1, 0, 0.0, 6.0),
    # North: P01 (5, case), P02 (4, case), P03 (5, case, recovered): as PR1's row of the scope
    # test, 2 of 3 improved, mean 4.67.
    ("PHQ9", "North", None, 3, 2, 1, 0, 0, 66.7, 0.0, 3, 1, 33.3, 4.67),
    ("PHQ9", "South", None, 1, 0, 0, 1, 0, 0.0, 100.0, 0, 0, None, -5.0),  # P04
    # Every RAS-R and WHO-5 pair is PR1's: the program's rows, at North.
    ("RAS_R", "North", None, 3, 1, 1, 1, 0, 33.3, 33.3, 0, 0, None, 2.67),
    ("WHO5", "North", None, 3, 1, 1, 1, 0, 33.3, 33.3, 0, 0, None, 0.67),
]
BY_PARTICIPANT_SITE = [
    # The participant's own site: P01 at North; P02 (its own site) and P04 (PR2's) at South;
    # Q05 at East.
    ("GAD7", "North", None, 1, 1, 0, 0, 0, 100.0, 0.0, 1, 1, 100.0, 4.0),
    ("GAD7", "South", None, 2, 2, 0, 0, 0, 100.0, 0.0, 1, 1, 100.0, 4.0),
    ("PHQ9", "East", None, 1, 1, 0, 0, 0, 100.0, 0.0, 1, 0, 0.0, 6.0),
    # North: P01 (5, case, not recovered), P03 (5, case, recovered): mean 5, 1/2 = 50%.
    ("PHQ9", "North", None, 2, 2, 0, 0, 0, 100.0, 0.0, 2, 1, 50.0, 5.0),
    # South: P02 (4, case), P04 (-5): mean -0.5.
    ("PHQ9", "South", None, 2, 0, 1, 1, 0, 0.0, 50.0, 1, 0, 0.0, -0.5),
    ("RAS_R", "North", None, 2, 1, 0, 1, 0, 50.0, 50.0, 0, 0, None, 0.0),
    ("RAS_R", "South", None, 1, 0, 1, 0, 0, 0.0, 0.0, 0, 0, None, 8.0),
    ("WHO5", "North", None, 2, 1, 0, 1, 0, 50.0, 50.0, 0, 0, None, 0.0),
    ("WHO5", "South", None, 1, 0, 1, 0, 0, 0.0, 0.0, 0, 0, None, 2.0),
]
# One row per peer, at the peer's site: here each site has one peer, so the site rows again.
BY_PEER = [(measure, site, {"North": "PR1", "South": "PR2", "East": "PR3"}[site], *rest)
           for measure, site, _, *rest in BY_SITE]


def test_outcome_summary_for_the_program(warehouse):
    frame = warehouse.query("outcome_summary", as_of=AS_OF)
    assert list(frame.columns) == SUMMARY
    assert rows(frame, SUMMARY) == PROGRAM


def test_outcome_summary_by_site(warehouse):
    assert rows(warehouse.query("outcome_summary", as_of=AS_OF, by="site"), SUMMARY) == BY_SITE


def test_outcome_summary_by_participant_site(warehouse):
    frame = warehouse.query("outcome_summary", as_of=AS_OF, by="participant_site")
    assert rows(frame, SUMMARY) == BY_PARTICIPANT_SITE


def test_outcome_summary_by_peer_adds_up_to_the_sites(warehouse):
    by_peer = warehouse.query("outcome_summary", as_of=AS_OF, by="peer")
    assert rows(by_peer, SUMMARY) == BY_PEER
    counts = ["pairs", "improved", "no_reliable_change", "deteriorated", "unclassified",
              "cases_at_baseline", "recovered"]
    summed = by_peer.groupby(["measure", "site"], as_index=False)[counts].sum()
    by_site = warehouse.query("outcome_summary", as_of=AS_OF, by="site")
    assert rows(summed, ["measure", "site", *counts]) == rows(by_site,
                                                              ["measure", "site", *counts])


def test_outcome_summary_scope_and_measure(warehouse):
    """PR1's PHQ-9 pairs only: P01, P02, P03 — improved 2 of 3 (66.7%), cases 3, recovered P03
    (33.3%), mean (5 + 4 + 5) / 3 = 4.67."""
    frame = warehouse.query("outcome_summary", as_of=AS_OF, peer_id="PR1", measure="PHQ9")
    assert rows(frame, SUMMARY) == [
        ("PHQ9", None, None, 3, 2, 1, 0, 0, 66.7, 0.0, 3, 1, 33.3, 4.67)]


def test_outcome_summary_counts_unclassified_pairs(warehouse_of):
    """Nine RAS-R baselines (Q06 left out): the three RAS-R pairs are unclassified."""
    outcomes = csv("participant_id,measure,assessed_on,score",
                   *[line for line in OUTCOME_LINES if not line.startswith("Q06,")])
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             outcomes=outcomes)
    frame = warehouse.query("outcome_summary", as_of=AS_OF, measure="RAS_R")
    assert rows(frame, SUMMARY) == [
        ("RAS_R", None, None, 3, 0, 0, 0, 3, 0.0, 0.0, 0, 0, None, 2.67)]


def test_outcome_summary_refuses_an_unknown_grouping(warehouse):
    with pytest.raises(ParameterError, match="^by: must be one of program, site, "
                                             "participant_site, peer$"):
        warehouse.query("outcome_summary", as_of=AS_OF, by="supervisor")
