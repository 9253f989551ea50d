"""fidelity_domains and fidelity_scores, against answers worked out by hand (docs/metrics.md#fidelity).

as_of 2024-06-30 (the tests also ask about 06-29 and 07-01, the extract's first and last contact
days; fidelity reads no contacts). Domains: choice, safety, trust. A total is the mean of the
domain scores as shown (2 decimals); it meets the standard at 4.0 or more with no domain below
3.0.
"""

from __future__ import annotations

import datetime as dt

import pytest

from supervision_dash.settings import Settings
from tests.conftest import contacts_on, csv

PEERS = csv(
    "peer_id,site,supervisor_id",
    "PR1,North,SV1",
    "PR2,South,SV2",
    "PR3,North,SV1",
    "PR4,North,SV1",  # never rated: no row
)


def _items(peer, day, role, domain, *scores, rater=""):
    return [f"{peer},{day},{role},{rater},{domain},{domain}_{n},{score}"
            for n, score in enumerate(scores, 1)]


CONTACTS = contacts_on("2024-06-29", "2024-07-01")
FIDELITY = csv(
    "peer_id,rated_on,rater_role,rater_id,domain,item,score",
    # PR1, supervisor: an older episode, one on as_of, and one the day after (ignored on as_of).
    *_items("PR1", "2024-03-01", "supervisor", "trust", 2, 2),
    *_items("PR1", "2024-03-01", "supervisor", "choice", 3),
    *_items("PR1", "2024-06-30", "supervisor", "trust", 4, 5),
    *_items("PR1", "2024-06-30", "supervisor", "choice", 3, 3),  # exactly 3.00: not below
    *_items("PR1", "2024-06-30", "supervisor", "safety", 5, 4),
    *_items("PR1", "2024-07-01", "supervisor", "trust", 1),
    *_items("PR1", "2024-07-01", "supervisor", "choice", 1),
    *_items("PR1", "2024-07-01", "supervisor", "safety", 1),
    # PR1, self: rated higher, kept apart from the supervisor's rating.
    *_items("PR1", "2024-06-15", "self", "trust", 5, 5),
    *_items("PR1", "2024-06-15", "self", "choice", 5, 4),
    *_items("PR1", "2024-06-15", "self", "safety", 5, 5, 4),
    # PR2, supervisor: trust is 99 threes and one two, 299/100 = 2.99, just below the floor.
    *_items("PR2", "2024-05-20", "supervisor", "trust", *([3] * 99 + [2])),
    *_items("PR2", "2024-05-20", "supervisor", "choice", 5, 5),
    *_items("PR2", "2024-05-20", "supervisor", "safety", 5, 5),
    *_items("PR2", "2024-04-10", "self", "trust", 4, 4),
    *_items("PR2", "2024-04-10", "self", "choice", 4, 3),
    *_items("PR2", "2024-04-10", "self", "safety", 4, 4, 3),
    # PR3, two participants rating on the same day: one episode, both ratings of each item count.
    *_items("PR3", "2024-06-01", "participant", "trust", 4, rater="P1"),
    *_items("PR3", "2024-06-01", "participant", "choice", 4, rater="P1"),
    *_items("PR3", "2024-06-01", "participant", "safety", 4, rater="P1"),
    *_items("PR3", "2024-06-01", "participant", "trust", 2, rater="P2"),
    *_items("PR3", "2024-06-01", "participant", "choice", 3, rater="P2"),
    *_items("PR3", "2024-06-01", "participant", "safety", 5, rater="P2"),
)

DOMAIN_COLUMNS = ["peer_id", "site", "rater_role", "rated_on", "domain", "domain_score",
                  "items_rated"]
SCORE_COLUMNS = ["peer_id", "site", "rater_role", "rated_on", "total_score", "domains_rated",
                 "domains_below_floor", "meets_standard"]

# (peer, site, role, rated_on): {domain: (score, items)}, in the queries' order (site, peer,
# role, day, domain).
DOMAINS = {
    ("PR1", "North", "self", "2024-06-15"): {
        "choice": (4.5, 2),  # (5 + 4) / 2
        "safety": (4.67, 3),  # (5 + 5 + 4) / 3 = 4.666…
        "trust": (5.0, 2),
    },
    ("PR1", "North", "supervisor", "2024-06-30"): {  # the episode on as_of; 07-01 is ignored
        "choice": (3.0, 2),
        "safety": (4.5, 2),  # (5 + 4) / 2
        "trust": (4.5, 2),  # (4 + 5) / 2
    },
    ("PR3", "North", "participant", "2024-06-01"): {
        "choice": (3.5, 2),  # (4 + 3) / 2: two raters, one episode
        "safety": (4.5, 2),  # (4 + 5) / 2
        "trust": (3.0, 2),  # (4 + 2) / 2
    },
    ("PR2", "South", "self", "2024-04-10"): {
        "choice": (3.5, 2),  # (4 + 3) / 2
        "safety": (3.67, 3),  # (4 + 4 + 3) / 3 = 3.666…
        "trust": (4.0, 2),
    },
    ("PR2", "South", "supervisor", "2024-05-20"): {
        "choice": (5.0, 2),
        "safety": (5.0, 2),
        "trust": (2.99, 100),  # (99 × 3 + 2) / 100
    },
}
SCORES = {
    # total = mean of the shown domain scores; domains rated; domains below 3; meets
    ("PR1", "North", "self", "2024-06-15"): (4.72, 3, 0, True),  # (4.5 + 4.67 + 5) / 3 = 4.7233
    ("PR1", "North", "supervisor", "2024-06-30"): (4.0, 3, 0, True),  # (3 + 4.5 + 4.5) / 3 = 4
    ("PR3", "North", "participant", "2024-06-01"): (3.67, 3, 0, False),  # 11 / 3 = 3.666…
    ("PR2", "South", "self", "2024-04-10"): (3.72, 3, 0, False),  # (3.5 + 3.67 + 4) / 3 = 3.7233
    ("PR2", "South", "supervisor", "2024-05-20"): (4.33, 3, 1, False),  # 12.99 / 3 = 4.33;
    # the total reaches 4 but trust, 2.99, is below 3
}


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, contacts=CONTACTS, fidelity=FIDELITY)


def _domains(frame):
    assert list(frame.columns) == DOMAIN_COLUMNS
    result: dict = {}
    for peer, site, role, day, domain, score, items in frame.itertuples(index=False):
        episode = (peer, site, role, day.date().isoformat())
        result.setdefault(episode, {})[domain] = (score, items)
    return result


def _scores(frame):
    assert list(frame.columns) == SCORE_COLUMNS
    return {(peer, site, role, day.date().isoformat()): tuple(rest)
            for peer, site, role, day, *rest in frame.itertuples(index=False)}


def test_domain_scores_of_the_latest_episode_by_hand(warehouse):
    frame = warehouse.query("fidelity_domains", as_of="2024-06-30")
    assert _domains(frame) == DOMAINS
    # Ordered by site, peer, role, day, domain; PR4 (never rated) has no row.
    assert list(zip(frame["peer_id"], frame["rater_role"], frame["domain"], strict=True))[:4] == [
        ("PR1", "self", "choice"), ("PR1", "self", "safety"), ("PR1", "self", "trust"),
        ("PR1", "supervisor", "choice")]
    assert list(dict.fromkeys(frame["peer_id"])) == ["PR1", "PR3", "PR2"]


def test_totals_by_hand(warehouse):
    frame = warehouse.query("fidelity_scores", as_of="2024-06-30")
    assert _scores(frame) == SCORES
    assert list(frame["peer_id"]) == ["PR1", "PR1", "PR3", "PR2", "PR2"]


def test_self_and_supervisor_ratings_are_never_averaged_together(warehouse):
    """PR1's two rows keep 4.72 (self) and 4.0 (supervisor): never one row of 4.36."""
    frame = warehouse.query("fidelity_scores", as_of="2024-06-30", peer_id="PR1")
    assert dict(zip(frame["rater_role"], frame["total_score"], strict=True)) == {
        "self": 4.72, "supervisor": 4.0}


def test_the_day_before_an_episode_the_previous_one_counts(warehouse):
    """On 06-29 PR1's supervisor episode of 06-30 has not happened: the one of 03-01 counts,
    trust (2 + 2) / 2 = 2.0 and choice 3.0, total 2.5, one domain below 3."""
    scores = _scores(warehouse.query("fidelity_scores", as_of="2024-06-29", peer_id="PR1"))
    assert scores == {
        ("PR1", "North", "self", "2024-06-15"): (4.72, 3, 0, True),
        ("PR1", "North", "supervisor", "2024-03-01"): (2.5, 2, 1, False),
    }


def test_a_later_episode_of_one_role_leaves_the_other_role_alone(warehouse):
    """On 07-01 PR1's supervisor episode scores 1 in each domain; the self-rating stays."""
    scores = _scores(warehouse.query("fidelity_scores", as_of="2024-07-01", peer_id="PR1"))
    assert scores == {
        ("PR1", "North", "self", "2024-06-15"): (4.72, 3, 0, True),
        ("PR1", "North", "supervisor", "2024-07-01"): (1.0, 3, 3, False),
    }


def test_all_episodes_up_to_as_of(warehouse):
    """The 03-01 episode joins the list; the 07-01 one is still after as_of."""
    scores = _scores(warehouse.query("fidelity_scores", as_of="2024-06-30", all_episodes=True))
    assert scores == {**SCORES, ("PR1", "North", "supervisor", "2024-03-01"): (2.5, 2, 1, False)}
    frame = warehouse.query("fidelity_domains", as_of="2024-06-30", all_episodes=True,
                            peer_id="PR1", rater_role="supervisor")
    assert _domains(frame) == {
        ("PR1", "North", "supervisor", "2024-03-01"): {"choice": (3.0, 1), "trust": (2.0, 2)},
        ("PR1", "North", "supervisor", "2024-06-30"): DOMAINS[
            ("PR1", "North", "supervisor", "2024-06-30")],
    }
    assert list(frame["rated_on"].dt.date.unique()) == [dt.date(2024, 3, 1), dt.date(2024, 6, 30)]


@pytest.mark.parametrize("role", ["self", "supervisor", "participant", "external"])
def test_rater_role_filter(warehouse, role):
    expected = {episode: row for episode, row in SCORES.items() if episode[2] == role}
    scores = _scores(warehouse.query("fidelity_scores", as_of="2024-06-30", rater_role=role))
    assert scores == expected
    domains = _domains(warehouse.query("fidelity_domains", as_of="2024-06-30", rater_role=role))
    assert domains == {episode: row for episode, row in DOMAINS.items() if episode[2] == role}
    assert len(expected) == {"self": 2, "supervisor": 2, "participant": 1, "external": 0}[role]


@pytest.mark.parametrize("scope, peers", [
    ({"site": "South"}, ["PR2", "PR2"]),
    ({"supervisor_id": "SV1"}, ["PR1", "PR1", "PR3"]),
    ({"peer_id": "PR4"}, []),
])
def test_scope(warehouse, scope, peers):
    frame = warehouse.query("fidelity_scores", as_of="2024-06-30", **scope)
    assert list(frame["peer_id"]) == peers
    assert _scores(frame) == {episode: row for episode, row in SCORES.items()
                              if episode[0] in peers}


def test_the_standard_and_the_floor_are_settings(warehouse_of):
    """With a standard of 4.5 and a floor of 3.5: PR1's supervisor choice (3.0) and PR3's trust
    (3.0) fall below it, PR2's self choice (3.5) does not; only PR1's self total (4.72) with no
    domain under 3.5 meets."""
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS, fidelity=FIDELITY,
                             settings=Settings(fidelity_standard=4.5, fidelity_domain_floor=3.5))
    scores = _scores(warehouse.query("fidelity_scores", as_of="2024-06-30"))
    assert {episode: row[2:] for episode, row in scores.items()} == {
        ("PR1", "North", "self", "2024-06-15"): (0, True),
        ("PR1", "North", "supervisor", "2024-06-30"): (1, False),
        ("PR3", "North", "participant", "2024-06-01"): (1, False),
        ("PR2", "South", "self", "2024-04-10"): (0, False),
        ("PR2", "South", "supervisor", "2024-05-20"): (1, False),
    }


@pytest.mark.parametrize("name, columns", [("fidelity_domains", DOMAIN_COLUMNS),
                                           ("fidelity_scores", SCORE_COLUMNS)])
def test_no_fidelity_extract(warehouse_of, name, columns):
    warehouse = warehouse_of(peers=PEERS, contacts=CONTACTS)
    frame = warehouse.query(name, as_of="2024-06-30")
    assert frame.empty
    assert list(frame.columns) == columns
    assert frame.attrs["notes"] == ["no fidelity extract loaded"]


def test_a_loaded_fidelity_extract_has_no_note(warehouse):
    assert warehouse.query("fidelity_scores", as_of="2024-06-30").attrs["notes"] == []
