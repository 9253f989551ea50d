"""Shareable filters: the sidebar's filters and the page live in the URL, so a reload keeps
them and a copied link opens the same view in another browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from served_dashboard import Dashboard
from tiny_program import PEERS_OF, PREVIOUS_WEEK_LABEL


def _choose_a_view(dashboard: Dashboard) -> None:
    dashboard.choose("Supervisor", "SV2")
    dashboard.expect_cards(PEERS_OF["SV2"])
    dashboard.choose("Week ending", PREVIOUS_WEEK_LABEL)
    expect(dashboard.heading).to_contain_text(PREVIOUS_WEEK_LABEL)
    dashboard.choose("Peer", "P05")
    dashboard.expect_cards(["P05"])
    dashboard.choose("Outcome measure", "GAD7") if "GAD7" in dashboard.select(
        "Outcome measure").inner_text() else None
    dashboard.open_tab("Flags")


def _expect_the_view(dashboard: Dashboard) -> None:
    expect(dashboard.select("Supervisor")).to_have_value(re.compile(r".+"))
    assert dashboard.select("Supervisor").evaluate("s => s.options[s.selectedIndex].text") \
        == "SV2"
    assert dashboard.select("Peer").evaluate("s => s.options[s.selectedIndex].text") == "P05"
    assert dashboard.select("Week ending").evaluate(
        "s => s.options[s.selectedIndex].text") == PREVIOUS_WEEK_LABEL
    expect(dashboard.tab("Flags")).to_have_class(re.compile(r"\bbk-active\b"))


def test_the_url_carries_the_filters_and_the_page(dashboard):
    _choose_a_view(dashboard)
    page = dashboard.page
    expect(page).to_have_url(re.compile(r"supervisor=SV2"))
    expect(page).to_have_url(re.compile(r"peer=P05"))
    expect(page).to_have_url(re.compile(r"week=2025-03-07"))
    expect(page).to_have_url(re.compile(r"page=2"))


def test_a_reload_keeps_every_filter(dashboard):
    _choose_a_view(dashboard)
    expect(dashboard.page).to_have_url(re.compile(r"page=2"))
    dashboard.page.reload()
    expect(dashboard.tab("Flags")).to_be_visible()
    _expect_the_view(dashboard)


def test_a_copied_link_opens_the_same_view_elsewhere(dashboard, browser, browser_context_args):
    _choose_a_view(dashboard)
    expect(dashboard.page).to_have_url(re.compile(r"page=2"))
    link = dashboard.page.url
    other = browser.new_context(**browser_context_args)
    try:
        elsewhere = Dashboard(other.new_page(), link)
        elsewhere.page.goto(link)
        expect(elsewhere.tab("Flags")).to_be_visible()
        _expect_the_view(elsewhere)
        elsewhere.open_tab("Weekly review")
        elsewhere.expect_cards(["P05"])
        expect(elsewhere.heading).to_contain_text(PREVIOUS_WEEK_LABEL)
    finally:
        other.close()
