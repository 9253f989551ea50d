"""The dashboard by keyboard alone: Tab moves through the sidebar's filters in reading order,
the arrow keys change one (they are native selects), and Enter or Space opens a focused tab."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from tiny_program import PEERS_OF

FOCUSED_LABEL = """() => {
  // the label of the filter whose <select> has the focus (it lives in Bokeh's shadow DOM)
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) {
    element = element.shadowRoot.activeElement;
  }
  if (!element || element.tagName !== 'SELECT') return null;
  const group = element.closest('.bk-input-group');
  const label = group && group.querySelector('label');
  return label ? label.textContent.trim() : null;
}"""


def test_tab_walks_the_filters_and_arrows_change_them(dashboard):
    page = dashboard.page
    dashboard.select("Week ending").focus()
    assert page.evaluate(FOCUSED_LABEL) == "Week ending"
    visited = []
    for _ in range(3):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUSED_LABEL))
    assert visited == ["Site", "Supervisor", "Peer"]
    page.keyboard.press("Shift+Tab")  # back to Supervisor
    assert page.evaluate(FOCUSED_LABEL) == "Supervisor"
    page.keyboard.press("ArrowDown")  # SV1 → SV2, as a keyboard user changes a select
    expect(dashboard.select("Supervisor").locator("option:checked")).to_have_text("SV2")
    dashboard.expect_cards(PEERS_OF["SV2"])



def test_a_focused_tab_opens_with_enter_or_space(dashboard):
    for name, key in (("Caseload", "Enter"), ("Flags", " ")):
        tab = dashboard.tab(name)
        tab.focus()
        dashboard.page.keyboard.press(key)
        expect(tab).to_have_class(re.compile(r"\bbk-active\b"))
