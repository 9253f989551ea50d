"""participant_feedback against answers worked out by hand, and what leadership sees of it.

as_of is Sun 2024-06-30, so the default window is the 90 days 04-02 (as_of − 89: 29 days of
June before the 30th, 31 of May, 29 of April from the 2nd) to 06-30. A participant is active in
it when enrolled on or before 06-30 and not discharged by 04-02. Answers are shown for 5
respondents or more (the default minimum).

    PR1 (North): A1 … A6 and A8 active; A7 discharged on 04-02, so not active: 7 participants
    PR2 (North): B1, B2, B3: 3 participants
    PR3 (South): C2 enrolled on 06-30: 1; C1 enrolled after the window: not counted
    North: 10, South: 1, the program: 11
"""

from __future__ import annotations

import pytest

from supervision_dash.settings import Settings
from tests.conftest import contacts_on, csv, rows

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,North,SV1",
    "PR3,South,SV2",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on",
    *[f"A{n},PR1,2024-01-01," for n in range(1, 7)],
    "A7,PR1,2024-01-01,2024-04-02",  # discharged on the first day: not active in the window
    "A8,PR1,2024-01-01,2024-04-03",  # discharged the day after it: active
    "B1,PR2,2024-01-01,", "B2,PR2,2024-01-01,", "B3,PR2,2024-01-01,",
    "C1,PR3,2024-07-01,",  # enrolled after the window
    "C2,PR3,2024-06-30,",  # enrolled on its last day
)
FEEDBACK = csv(
    "participant_id,peer_id,surveyed_on,item,score",
    "A1,PR1,2024-05-01,useful,5",
    "A1,PR1,2024-06-01,useful,1",  # a later answer: A1's useful is 1
    "A2,PR1,2024-05-01,useful,4",
    "A3,PR1,2024-05-01,useful,3",
    "A4,PR1,2024-05-01,useful,2",
    "A5,PR1,2024-05-01,useful,5",
    "A6,PR1,2024-04-01,useful,5",  # the day before the window
    "A2,PR1,2024-07-01,useful,1",  # the day after it
    *[f"A{n},PR1,2024-05-02,safe,5" for n in range(1, 6)],
    "A8,PR1,2024-04-02,respected,5",  # the window's first day
    "A3,PR1,2024-06-10,respected,5",  # two answers on one day: the lower, 2, counts
    "A3,PR1,2024-06-10,respected,2",
    "B1,PR2,2024-05-15,hopeful,4",
    "B2,,2024-05-15,useful,5",  # names no peer: counts for North and the program only
    "C2,PR3,2024-06-30,safe,5",  # the window's last day
)
CONTACTS = contacts_on("2024-04-01", "2024-06-30", participant="A1", peer="PR1")
COLUMNS = ["site", "peer_id", "item", "respondents", "agreeing", "neutral", "disagreeing",
           "share_agreeing", "share_disagreeing", "mean_score", "participants", "response_rate",
           "figures_note"]
WITHHELD = "fewer than 5 respondents: answers not shown"


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        feedback=FEEDBACK)


def test_by_peer(warehouse):
    """PR1 safe: A1 … A5 all 5. PR1 useful: A1 1, A2 4, A3 3, A4 2, A5 5: 2 agree, 1 neither,
    2 disagree, mean 15 / 5 = 3.0. PR1 respected: A8 5 and A3 2, too few. Response rates over
    PR1's 7: 5/7 = 0.714, 2/7 = 0.286. B2's answer names no peer: in no peer's row."""
    frame = warehouse.query("participant_feedback", by="peer", as_of="2024-06-30")
    assert rows(frame, COLUMNS) == [
        ("North", "PR1", "safe", 5, 5, 0, 0, 1.0, 0.0, 5.0, 7, 0.714, None),
        ("North", "PR1", "useful", 5, 2, 1, 2, 0.4, 0.4, 3.0, 7, 0.714, None),
        ("North", "PR1", "respected", 2, None, None, None, None, None, None, 7, 0.286, WITHHELD),
        ("North", "PR2", "hopeful", 1, None, None, None, None, None, None, 3, 0.333, WITHHELD),
        ("South", "PR3", "safe", 1, None, None, None, None, None, None, 1, 1.0, WITHHELD),
    ]
    assert frame.attrs["notes"] == []


def test_by_site_the_answers_naming_no_peer_count(warehouse):
    """North useful: PR1's five and B2's 5: 3 agree (A2, A5, B2), 1 neither, 2 disagree, of 6:
    0.5 and 0.333, mean 20 / 6 = 3.33; 6 of North's 10 answered. North safe: 5 of 10."""
    frame = warehouse.query("participant_feedback", by="site", as_of="2024-06-30")
    assert rows(frame, COLUMNS) == [
        ("North", None, "safe", 5, 5, 0, 0, 1.0, 0.0, 5.0, 10, 0.5, None),
        ("North", None, "useful", 6, 3, 1, 2, 0.5, 0.333, 3.33, 10, 0.6, None),
        ("North", None, "hopeful", 1, None, None, None, None, None, None, 10, 0.1, WITHHELD),
        ("North", None, "respected", 2, None, None, None, None, None, None, 10, 0.2, WITHHELD),
        ("South", None, "safe", 1, None, None, None, None, None, None, 1, 1.0, WITHHELD),
    ]


def test_for_the_program_strengths_first(warehouse):
    """safe: A1 … A5 and C2, all 5; useful as North's; over all 11 participants."""
    frame = warehouse.query("participant_feedback", as_of="2024-06-30")
    assert rows(frame, COLUMNS) == [
        (None, None, "safe", 6, 6, 0, 0, 1.0, 0.0, 5.0, 11, 0.545, None),
        (None, None, "useful", 6, 3, 1, 2, 0.5, 0.333, 3.33, 11, 0.545, None),
        (None, None, "hopeful", 1, None, None, None, None, None, None, 11, 0.091, WITHHELD),
        (None, None, "respected", 2, None, None, None, None, None, None, 11, 0.182, WITHHELD),
    ]


def test_a_window_of_ones_own(warehouse):
    """04-01 … 05-31: A6's answer of 04-01 comes in and A1's of 06-01 goes out (A1's useful is
    5 again): PR1 useful 5, 4, 3, 2, 5, 5: 4 of 6 agree, mean 24 / 6 = 4.0. A7 (discharged
    04-02) was active on 04-01: PR1 has 8 participants, 6/8 = 0.75."""
    frame = warehouse.query("participant_feedback", by="peer", start="2024-04-01",
                            end="2024-05-31", peer_id="PR1")
    useful = frame.set_index("item").loc["useful"]
    assert (useful.respondents, useful.agreeing, useful.share_agreeing, useful.mean_score,
            useful.participants, useful.response_rate) == (6, 4, 0.667, 4.0, 8, 0.75)


def test_the_minimum_number_of_respondents_is_a_setting(warehouse_of):
    """With 6, PR1's useful (5 respondents) is withheld; North's useful (6) still shows."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             feedback=FEEDBACK, settings=Settings(min_peer_respondents=6))
    by_peer = warehouse.query("participant_feedback", by="peer", peer_id="PR1").set_index("item")
    assert by_peer.loc["useful", "share_agreeing"] != by_peer.loc["useful", "share_agreeing"]
    assert by_peer.loc["useful", "figures_note"] == "fewer than 6 respondents: answers not shown"
    by_site = warehouse.query("participant_feedback", by="site", site="North").set_index("item")
    assert by_site.loc["useful", "share_agreeing"] == 0.5


def test_a_filter_of_one_peer_never_shows_fewer_answers_than_the_minimum(warehouse):
    """Filtered to PR2, the program's figures are PR2's: B1's answer about PR2 and B2's naming
    no peer, one respondent each, so both withheld, whatever the grouping."""
    frame = warehouse.query("participant_feedback", peer_id="PR2")
    assert rows(frame, ["item", "respondents", "share_agreeing", "participants",
                        "response_rate", "figures_note"]) == [
        ("hopeful", 1, None, 3, 0.333, WITHHELD), ("useful", 1, None, 3, 0.333, WITHHELD)]


def test_without_a_feedback_extract_the_query_says_so(warehouse_of):
    frame = warehouse_of(peers=PEERS, participants=PARTICIPANTS,
                         contacts=CONTACTS).query("participant_feedback")
    assert frame.empty and frame.attrs["notes"] == ["no feedback extract loaded"]


# For leadership: North's 14 participants (N01 … N14, of PR1), 12 of whom answered useful (9
# agree with a 5, 3 disagree with a 2); South's 13 (S01 … S13, of PR3), all answering 4.
BIG_PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on",
    *[f"N{n:02d},PR1,2024-01-01" for n in range(1, 15)],
    *[f"S{n:02d},PR3,2024-01-01" for n in range(1, 14)],
)
BIG_FEEDBACK = csv(
    "participant_id,peer_id,surveyed_on,item,score",
    *[f"N{n:02d},PR1,2024-05-01,useful,{5 if n <= 9 else 2}" for n in range(1, 13)],
    *[f"S{n:02d},PR3,2024-05-01,useful,4" for n in range(1, 14)],
)


def test_leadership_hides_small_counts_of_respondents(warehouse_of):
    """By site, North's 9 agreeing and 3 disagreeing are small counts of participants: hidden
    (and the shares built on them). With them hidden, South's 13 agreeing and 0 disagreeing
    would give North's away through the program's totals (22 and 3, known from the program
    row), so they are hidden too. The respondents (12, 13), the participants (14, 13), the
    response rates (12/14 = 0.857, 1.0) and North's mean (9 × 5 + 3 × 2 = 51, / 12 = 4.25) are
    over 11 or more and stay. For the program (25 respondents: 22, 0, 3), the 3 is small, and
    the 22 would give it away (25 − 22 − 0): both hidden."""
    warehouse = warehouse_of(peers=PEERS, participants=BIG_PARTICIPANTS,
                             contacts=contacts_on("2024-06-30", participant="N01", peer="PR1"),
                             feedback=BIG_FEEDBACK, role="leadership")
    by_site = warehouse.query("participant_feedback", by="site")
    assert rows(by_site, ["site", "respondents", "agreeing", "neutral", "disagreeing",
                          "share_agreeing", "mean_score", "participants", "response_rate"]) == [
        ("North", 12, None, 0, None, None, 4.25, 14, 0.857),
        ("South", 13, None, 0, None, None, 4.0, 13, 1.0),
    ]
    assert by_site.attrs["small"] == {"agreeing": [0], "disagreeing": [0]}
    program = warehouse.query("participant_feedback")
    assert rows(program, ["respondents", "agreeing", "neutral", "disagreeing", "share_agreeing",
                          "share_disagreeing", "mean_score"]) == [
        (25, None, 0, None, None, None, 4.12)]  # (51 + 13 × 4) / 25 = 103 / 25
    for frame in (by_site, program):
        for column in ("respondents", "agreeing", "neutral", "disagreeing", "participants"):
            assert not frame[column].dropna().between(1, 10).any(), column


def test_leadership_narrows_by_site_only_and_small_counts_hide(warehouse_of):
    """The leadership role is never told a peer; by site, every count here is small (North's 10
    participants and at most 6 respondents, South's 1 and 1): all hidden, and with them every
    share, mean and rate."""
    warehouse = warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                             feedback=FEEDBACK, role="leadership")
    with pytest.raises(ValueError, match="the leadership role narrows by site only"):
        warehouse.query("participant_feedback", peer_id="PR1")
    frame = warehouse.query("participant_feedback", by="site")
    assert len(frame) == 5
    for column in ("respondents", "agreeing", "participants", "share_agreeing", "mean_score",
                   "response_rate"):
        assert frame[column].isna().all(), column


def test_the_minimum_is_never_below_five():
    from supervision_dash.settings import SettingsError

    with pytest.raises(SettingsError, match="min_peer_respondents"):
        Settings.from_mapping({"feedback": {"min_peer_respondents": 4}})
    assert Settings.from_mapping({"feedback": {"min_peer_respondents": 8}}
                                 ).min_peer_respondents == 8
