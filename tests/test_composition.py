"""Queries built on other queries (`-- uses:`): a query's signature is its own header's, a used
query's parameters are pinned, inherited by name or left at their defaults, and the SQL is
put together on sqlglot's parse tree, never by editing its text."""

from __future__ import annotations

import pytest

from supervision_dash.catalogue import Catalogue, CatalogueError, builtin_folder
from tests.conftest import BASE, csv

CATALOGUE = Catalogue([builtin_folder()])

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity",
    "PR1,North,SV1,12",
    "PR2,North,SV1,12",
    "PR3,North,SV2,12",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on",
    "A1,PR1,2024-01-01",
    "A2,PR2,2024-01-01",
    "A3,PR3,2024-01-01",
)
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode",
    "K1,A1,PR1,2024-06-30 10:00,30,phone",
)
# Three supervisor episodes per peer (March, April, June): the latest is each peer's rating.
# PR1 4 then 5 (meets in June), PR2 always 3, PR3 5, 5, 2 (the June 2 fails).
FIDELITY = csv(
    "peer_id,rated_on,rater_role,domain,item,score",
    "PR1,2024-03-01,supervisor,trust,a,4", "PR1,2024-04-01,supervisor,trust,a,4",
    "PR1,2024-06-01,supervisor,trust,a,5",
    "PR2,2024-03-01,supervisor,trust,a,3", "PR2,2024-04-01,supervisor,trust,a,3",
    "PR2,2024-06-01,supervisor,trust,a,3",
    "PR3,2024-03-01,supervisor,trust,a,5", "PR3,2024-04-01,supervisor,trust,a,5",
    "PR3,2024-06-01,supervisor,trust,a,2",
)


@pytest.fixture
def rated(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        fidelity=FIDELITY)


def test_workforce_counts_each_peer_once_and_has_no_episode_parameter(rated):
    """North has 3 peers. Nine episodes reached workforce when all_episodes leaked into its
    signature (3 peers × 3 episodes); now it is not a workforce parameter at all."""
    frame = rated.query("workforce", as_of="2024-06-30")
    assert frame["peers"].tolist() == [3]
    assert (frame["peers_rated"].tolist(), frame["peers_meeting_standard"].tolist()) == ([3], [1])
    assert frame["mean_fidelity"].tolist() == [3.33]  # (5 + 3 + 2) / 3
    with pytest.raises(TypeError, match="workforce has no parameter 'all_episodes'"):
        rated.query("workforce", as_of="2024-06-30", all_episodes=True)
    with pytest.raises(TypeError, match="no parameter 'rater_role'"):
        rated.query("fidelity_distribution", as_of="2024-06-30", rater_role="self")


def test_fidelity_distribution_counts_three_peers(rated):
    frame = rated.query("fidelity_distribution", as_of="2024-06-30")
    # PR3's 2.0 below 3, PR2's 3.0 in 3 to 3.5, PR1's 5.0 in 4.5 and above
    assert frame["peers"].tolist() == [1, 1, 0, 0, 1]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_a_querys_signature_is_its_own_header(name):
    """One answer everywhere: the header, catalogue.parameters, the README table."""
    assert list(CATALOGUE.parameters(name)) == list(CATALOGUE[name].parameters)
    row = CATALOGUE.to_frame().set_index("name").loc[name]
    assert row["parameters"] == ", ".join(CATALOGUE[name].parameters)


@pytest.mark.parametrize("name", ["weekly_review", "workforce", "fidelity_distribution",
                                  "flags_weekly", "equity", "outcome_summary"])
def test_queries_built_on_others_expose_only_their_own_parameters(name):
    assert "all_episodes" not in CATALOGUE.parameters(name)
    assert "rater_role" not in CATALOGUE.parameters(name)


def test_weekly_review_is_the_scope_and_the_day():
    assert set(CATALOGUE.parameters("weekly_review")) == {"as_of", "site", "supervisor_id",
                                                          "peer_id"}
    assert "error(" not in CATALOGUE["weekly_review"].sql


# --- user queries ------------------------------------------------------------------------------

TOP = """\
-- top_contacts: the five longest contacts, longest first.
-- param as_of date: the last day (default: the last contact date)
-- column contact_id id: the contact
-- column duration_min value: its minutes
SELECT contact_id, duration_min
FROM contacts
WHERE started_at < CAST($as_of + 1 AS TIMESTAMP)
ORDER BY duration_min DESC, contact_id
LIMIT 2
"""
COUNT_TOP = """\
-- count_top: how many contacts top_contacts lists.
-- uses: top_contacts
-- column n value: rows of top_contacts
SELECT count(*) AS n FROM top_contacts
"""
QUOTED = """\
-- quoted: a text over two lines, the second starting with two dashes, inside quotes.
-- column words value: the text
SELECT 'one
-- two' AS words
ORDER BY words
"""
USES_QUOTED = """\
-- uses_quoted: the quoted query's text, through a use.
-- uses: quoted
-- column words value: the text
SELECT words FROM quoted
"""
GREETING = """\
-- greeting: a greeting to someone, loud or not.
-- param who text = world: who is greeted
-- param loud boolean = false: shout it
-- column words value: the greeting
SELECT CASE WHEN $loud THEN upper('hello ' || $who) ELSE 'hello ' || $who END AS words
"""
PINNED = """\
-- pinned: the greeting, always loud, to whoever the caller names.
-- param who text = you: who is greeted
-- uses: greeting(loud = true)
-- column words value: the greeting
SELECT words FROM greeting
"""
DEFAULTED = """\
-- defaulted: the greeting with its own defaults, whatever this query is given.
-- param loud_here boolean = true: a parameter of this query only
-- uses: greeting
-- column words value: the greeting
-- column loud_here value: this query's own parameter
SELECT words, $loud_here AS loud_here FROM greeting
"""


@pytest.fixture
def mine(tmp_path, warehouse_of):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, text in {"top_contacts": TOP, "count_top": COUNT_TOP, "quoted": QUOTED,
                       "uses_quoted": USES_QUOTED, "greeting": GREETING, "pinned": PINNED,
                       "defaulted": DEFAULTED}.items():
        (folder / f"{name}.sql").write_text(text, encoding="utf-8")
    return warehouse_of(queries=folder)


def test_a_used_querys_limit_is_kept(mine):
    """BASE has four contacts; top_contacts keeps two of them, and so does its user."""
    assert mine.query("top_contacts")["contact_id"].tolist() == ["C3", "C4"]  # 90, 90 minutes
    assert mine.query("count_top")["n"].tolist() == [2]


def test_two_dashes_inside_quotes_survive(mine):
    assert mine.query("quoted")["words"].tolist() == ["one\n-- two"]
    assert mine.query("uses_quoted")["words"].tolist() == ["one\n-- two"]


def test_a_pinned_value_reaches_the_used_query(mine):
    assert mine.query("pinned")["words"].tolist() == ["HELLO YOU"]  # who inherited, loud pinned
    assert mine.query("pinned", who="Sam")["words"].tolist() == ["HELLO SAM"]
    with pytest.raises(TypeError, match="no parameter 'loud'"):
        mine.query("pinned", loud=False)


def test_an_unpinned_undeclared_parameter_takes_its_default(mine):
    frame = mine.query("defaulted")
    assert frame["words"].tolist() == ["hello world"]  # greeting's own defaults
    assert frame["loud_here"].tolist() == [True]
    assert list(mine.catalogue.parameters("defaulted")) == ["loud_here"]


def test_a_pin_of_an_unknown_parameter_or_a_bad_value_is_refused(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "greeting.sql").write_text(GREETING, encoding="utf-8")
    (folder / "pinned.sql").write_text(PINNED.replace("loud = true", "volume = 11"),
                                       encoding="utf-8")
    with pytest.raises(CatalogueError, match="pinned.sql: greeting has no parameter 'volume'"):
        Catalogue([folder])
    (folder / "pinned.sql").write_text(PINNED.replace("loud = true", "loud = maybe"),
                                       encoding="utf-8")
    with pytest.raises(CatalogueError, match="pinned.sql: .*loud.* must be a boolean"):
        Catalogue([folder])


def test_every_builtin_query_survives_sqlglot_unchanged(warehouse_of):
    """sqlglot's duckdb dialect reads and writes back every built-in query (placeholders
    included) to SQL that returns the same rows as the query as written."""
    import sqlglot

    warehouse = warehouse_of(**BASE)
    for name in CATALOGUE:
        spec = CATALOGUE[name]
        tree = sqlglot.parse_one(spec.sql, dialect="duckdb")
        written = tree.sql(dialect="duckdb")
        assert sqlglot.parse_one(written, dialect="duckdb").sql(dialect="duckdb") == written
        if not spec.uses:
            bound = warehouse.bound_parameters(name, {})
            as_written = warehouse._run(spec.sql, bound)
            assert warehouse._run(written, bound).equals(as_written), name
