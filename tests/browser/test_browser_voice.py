"""Participant voice and workforce development in the browser: the Participant voice page, and
the training and mentoring lines of the weekly review's cards.

The expected values are worked out in tiny_program.py's docstring.
"""

from __future__ import annotations

from playwright.sync_api import expect

from supervision_dash import open_warehouse

# The categories of every plot on the page, read from Bokeh's own document (the chart is drawn
# on a canvas, so its labels are not text in the page).
PLOT_FACTORS = """() => {
  const found = [];
  for (const doc of window.Bokeh.documents) {
    for (const model of doc.all_models) {
      if (model.constructor.__name__ === 'FactorRange') found.push(model.factors);
    }
  }
  return found;
}"""


def test_the_hand_worked_answers_are_what_the_queries_say(tiny_database):
    """The extract itself: if this fails, the page tests below cannot be right either."""
    with open_warehouse(tiny_database) as warehouse:
        scope = warehouse.query("participant_feedback", supervisor_id="SV1").set_index("item")
        assert list(scope.index) == ["safe", "useful", "hopeful"]
        assert scope.loc["useful", ["respondents", "agreeing", "participants"]].tolist() == \
            [6, 4, 7]
        assert scope.loc["hopeful", "share_agreeing"] != scope.loc["hopeful", "share_agreeing"]
        by_peer = warehouse.query("participant_feedback", by="peer")
        assert by_peer["share_agreeing"].isna().all()  # no peer has 5 respondents
        development = warehouse.query("peer_development", supervisor_id="SV1").set_index(
            "peer_id")
        assert development[["courses_expired", "courses_expiring"]].to_dict("index") == {
            "P01": {"courses_expired": 1, "courses_expiring": 1},
            "P02": {"courses_expired": 0, "courses_expiring": 0},
            "P03": {"courses_expired": 0, "courses_expiring": 1}}
        assert development.loc["P03", "months_paired"] == 13
        assert not development["needs_mentor"].any()


def test_each_card_has_one_line_for_training_and_one_for_mentoring(dashboard):
    lines = {
        "P01": ("Training: 1 expired · 1 due in 60 days", "Mentoring: mentee P03"),
        "P02": ("Training: all 1 current", "Mentoring: no pairing"),
        "P03": ("Training: 1 due in 60 days", "Mentoring: mentor P01 (13 mo)"),
    }
    for peer, (training, mentoring) in lines.items():
        card = dashboard.card(peer)
        expect(card.locator(".sd-training")).to_have_text(training)
        expect(card.locator(".sd-mentoring")).to_have_text(mentoring)
    # one line each, however narrow the card: the cards stay compact
    for line in dashboard.page.locator(".sd-card:visible .sd-line").all():
        assert line.bounding_box()["height"] < 26
    dashboard.choose("Supervisor", "SV3")
    dashboard.expect_cards([f"P{number:02d}" for number in range(6, 18)])
    expect(dashboard.page.locator(".sd-card:visible .sd-training")).to_have_text(
        ["Training: none recorded"] * 12)


def test_the_voice_page_draws_the_scope_strengths_on_top_with_n_and_response_rate(dashboard):
    """SV1's scope: safe (6 of 6 agree) above useful (4 of 6), each answered by 6 of North's 7
    participants (86%); hopeful (1 respondent) is not drawn but named in the note. By peer,
    every peer has fewer than 5 respondents: the table says so on every row."""
    dashboard.open_tab("Participant voice")
    dashboard.wait_until_ready()
    page = dashboard.page
    expect(page.get_by_text("Fewer than 10 respondents: Safe (n=6), Useful (n=6), Hopeful "
                            "(n=1).", exact=False)).to_be_visible()
    expect(page.locator("canvas:visible").first).to_be_visible()
    items = [factors for factors in page.evaluate(PLOT_FACTORS)
             if any("responded" in factor for factor in factors)]
    # Bokeh lists categories bottom up: the strength, safe, is last, at the top
    assert items == [["Useful (n=6, 86% responded)", "Safe (n=6, 86% responded)"]]
    table = page.locator(".sd-table:visible")
    expect(table.locator(".tabulator-row")).to_have_count(6)
    expect(table.locator(".tabulator-row").first).to_contain_text(
        "fewer than 5 respondents: answers not shown")
    page.locator(".bk-btn:visible", has_text="Site").click()
    expect(table.locator(".tabulator-row")).to_have_count(3)
    expect(table.locator(".tabulator-row").first).to_contain_text("North")
    assert dashboard.problems == []


def test_the_voice_page_follows_the_sidebar(dashboard):
    """SV3's twelve participants each answered respected with a 5: 12 of 12, no note."""
    dashboard.choose("Supervisor", "SV3")
    dashboard.open_tab("Participant voice")
    dashboard.wait_until_ready()
    page = dashboard.page
    expect(page.locator("canvas:visible").first).to_be_visible()
    expect(page.get_by_text("Fewer than 10 respondents", exact=False)).to_have_count(0)
    items = [factors for factors in page.evaluate(PLOT_FACTORS)
             if any("responded" in factor for factor in factors)]
    assert items == [["Respected (n=12, 100% responded)"]]
