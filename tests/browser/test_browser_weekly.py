"""The weekly review in the browser: the chosen supervisor's cards and their flags, by hand.

The expected values are worked out in tiny_program.py's docstring.
"""

from __future__ import annotations

from playwright.sync_api import expect
from tiny_program import (
    ALL_PEERS, FLAGS_THIS_WEEK, FLAGS_WEEK_BEFORE, LAST_DAY_LABEL, PEERS_OF, PREVIOUS_WEEK_LABEL,
)

from supervision_dash import open_warehouse

THIS_WEEK = "Week of Sat 08 Mar 2025 – Fri 14 Mar 2025"
WEEK_BEFORE = "Week of Sat 01 Mar 2025 – Fri 07 Mar 2025"


def summary(who: str, peers: int, urgent: int, review: int) -> str:
    return f"{who} · {peers} peers · {urgent} urgent and {review} review flags"


def totals(flags: dict, peers: list[str]) -> tuple[int, int]:
    return (sum(flags[peer][0] for peer in peers), sum(flags[peer][1] for peer in peers))


def test_the_hand_worked_flags_are_what_the_queries_say(tiny_database):
    """The extract itself: if this fails, the page tests below cannot be right either."""
    with open_warehouse(tiny_database) as warehouse:
        assert warehouse.last_contact_date.isoformat() == "2025-03-14"
        for as_of, expected in (("2025-03-14", FLAGS_THIS_WEEK), ("2025-03-07", FLAGS_WEEK_BEFORE)):
            review = warehouse.query("weekly_review", as_of=as_of).set_index("peer_id")
            assert list(review.index) == ALL_PEERS
            counted = {peer: (int(row.urgent_flags), int(row.review_flags))
                       for peer, row in review.iterrows()}
            assert counted == expected, as_of
        assert totals(FLAGS_THIS_WEEK, PEERS_OF["SV1"]) == (1, 4)
        assert totals(FLAGS_WEEK_BEFORE, PEERS_OF["SV1"]) == (1, 2)


def test_weekly_review_opens_on_the_first_supervisor_with_their_peers_and_flags(dashboard):
    expect(dashboard.select("Supervisor").locator("option:checked")).to_have_text("SV1")
    expect(dashboard.select("Week ending").locator("option:checked")).to_have_text(
        LAST_DAY_LABEL)
    expect(dashboard.heading).to_have_text(THIS_WEEK)
    expect(dashboard.summary).to_have_text(summary("Supervisor SV1", 3, 1, 4))
    dashboard.expect_cards(PEERS_OF["SV1"])
    for peer in PEERS_OF["SV1"]:
        dashboard.expect_flags(peer, *FLAGS_THIS_WEEK[peer])
    expect(dashboard.card("P02")).to_contain_text("Caseload 3 of 2 (150%) — over capacity")
    # "Flags to discuss": the five flags of SV1's peers, urgent first.
    rows = dashboard.page.locator(".tabulator-row:visible")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Safety not escalated")
    expect(rows.first).to_contain_text("urgent")
    # The Peer filter offers only SV1's peers.
    expect(dashboard.select("Peer").locator("option")).to_have_text(["All", "P01", "P02", "P03"])


def test_choosing_another_supervisor_shows_their_cards_and_flags(dashboard):
    dashboard.choose("Supervisor", "SV2")
    dashboard.expect_cards(PEERS_OF["SV2"])
    expect(dashboard.summary).to_have_text(summary("Supervisor SV2", 2, 1, 0))
    for peer in PEERS_OF["SV2"]:
        dashboard.expect_flags(peer, *FLAGS_THIS_WEEK[peer])
    expect(dashboard.card("P01")).to_have_count(0)
    expect(dashboard.select("Peer").locator("option")).to_have_text(["All", "P04", "P05"])
    # A supervisor whose peers raised no flag: every card and the table say so.
    dashboard.choose("Supervisor", "SV3")
    dashboard.expect_cards(PEERS_OF["SV3"])
    expect(dashboard.summary).to_have_text(summary("Supervisor SV3", 12, 0, 0))
    expect(dashboard.page.locator(".sd-card:visible .sd-badge")).to_have_count(0)
    expect(dashboard.page.locator(".sd-card:visible", has_text="No flags this week"))\
        .to_have_count(12)
    expect(dashboard.page.get_by_text("No flags this week: nothing to discuss from the data."))\
        .to_be_visible()


def test_choosing_the_week_before_recounts_the_flags(dashboard):
    dashboard.choose("Week ending", PREVIOUS_WEEK_LABEL)
    expect(dashboard.heading).to_have_text(WEEK_BEFORE)
    expect(dashboard.summary).to_have_text(summary("Supervisor SV1", 3, 1, 2))
    dashboard.expect_cards(PEERS_OF["SV1"])
    for peer in PEERS_OF["SV1"]:
        dashboard.expect_flags(peer, *FLAGS_WEEK_BEFORE[peer])
    # The week stays chosen when the supervisor changes.
    dashboard.choose("Supervisor", "SV2")
    dashboard.expect_cards(PEERS_OF["SV2"])
    expect(dashboard.heading).to_have_text(WEEK_BEFORE)
    expect(dashboard.summary).to_have_text(summary("Supervisor SV2", 2, 0, 1))
    for peer in PEERS_OF["SV2"]:
        dashboard.expect_flags(peer, *FLAGS_WEEK_BEFORE[peer])
