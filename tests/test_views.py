"""The state classes and views without a browser: filters, data, and what each view puts on
screen — read from the Bokeh models it renders to, with values worked out by hand from the
tiny extract below."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import panel as pn
import pytest
from bokeh.models import GlyphRenderer, Plot
from panel.models.markup import HTML as Markup
from panel.models.tabulator import DataTabulator

from supervision_dash.state import ALL, ReviewState
from supervision_dash.views import (
    PAGES, CaseloadView, DataQualityView, EngagementView, FidelityView, FlagsView, OutcomesView,
    VoiceView, WeeklyReview,
)
from tests.conftest import BASE, csv, plain

PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity,languages",
    "PR1,North,SV1,2,en",
    "PR2,North,SV1,12,en;es",
    "PR3,South,SV2,12,en",
)
PARTICIPANTS = csv(
    "participant_id,peer_id,enrolled_on,discharged_on,preferred_language",
    "A1,PR1,2024-01-01,,en", "A2,PR1,2024-01-01,,en", "A3,PR1,2024-01-01,,es",
    "B1,PR2,2024-01-01,,es", "C1,PR3,2024-01-01,,en",
)
# as_of 2024-06-30 (Sunday). This week: K1 after hours (review), K2 unescalated safety (urgent),
# K4 on a Sunday (after hours, review); PR1 holds 3 active participants against a capacity of 2
# (review). The week before: K3 after hours.
CONTACTS = csv(
    "contact_id,participant_id,peer_id,started_at,duration_min,mode,safety_concern",
    "K1,A1,PR1,2024-06-27 20:30,30,phone,",
    "K2,B1,PR2,2024-06-28 10:00,30,phone,true",
    "K3,C1,PR3,2024-06-20 21:00,30,phone,",
    "K4,A2,PR1,2024-06-30 10:00,30,phone,",
)


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        fidelity=csv("peer_id,rated_on,rater_role,domain,item,score",
                                     "PR1,2024-06-01,supervisor,trust,a,4",
                                     "PR1,2024-06-02,self,trust,a,5"))


def test_the_state_offers_the_extract_choices(warehouse):
    state = ReviewState(warehouse)
    assert state.as_of == dt.date(2024, 6, 30)
    assert state.param.site.objects == [ALL, "North", "South"]
    assert state.param.supervisor_id.objects == [ALL, "SV1", "SV2"]
    assert state.param.peer_id.objects == [ALL, "PR1", "PR2", "PR3"]
    # the contacts run from 06-20: the week ending 06-16 is not offered
    assert state.weeks(3) == [dt.date(2024, 6, 30), dt.date(2024, 6, 23)]


def test_choices_narrow_site_to_supervisor_to_peer(warehouse):
    state = ReviewState(warehouse, site="South")
    assert state.param.supervisor_id.objects == [ALL, "SV2"]
    assert state.param.peer_id.objects == [ALL, "PR3"]
    state.site = ALL
    state.supervisor_id = "SV1"
    assert state.param.peer_id.objects == [ALL, "PR1", "PR2"]
    state.peer_id = "PR2"
    state.supervisor_id = "SV2"  # PR2 is not SV2's: the peer filter resets
    assert state.peer_id == ALL
    assert state.scope == {"site": None, "supervisor_id": "SV2", "peer_id": None}


def test_results_are_shared_through_the_warehouse_cache(warehouse, monkeypatch):
    state = ReviewState(warehouse, supervisor_id="SV1")
    first = state.caseload()
    runs = []
    original = type(warehouse)._run
    monkeypatch.setattr(type(warehouse), "_run",
                        lambda self, *args: runs.append(args) or original(self, *args))
    another_session = ReviewState(warehouse, supervisor_id="SV1")
    assert another_session.caseload().equals(first) and runs == []  # served from the cache
    another_session.supervisor_id = "SV2"
    assert list(another_session.caseload()["peer_id"]) == ["PR3"] and len(runs) == 1


def test_weekly_review_cards_and_flags(warehouse):
    state = ReviewState(warehouse, supervisor_id="SV1")
    view = WeeklyReview(state)
    cards = view.cards.object.split('<div class="sd-card"')[1:]
    assert [card.split('data-peer="')[1].split('"')[0] for card in cards] == ["PR1", "PR2"]
    assert "Caseload <b>3 of 2</b> (150%) — over capacity" in cards[0]
    assert ">3 review<" in cards[0] and ">1 urgent<" in cards[1]
    assert "1 urgent and 3 review flags" in view.heading.object
    flags = view.flags.frame
    assert list(flags["severity"]) == ["urgent", "review", "review", "review"]
    assert set(flags["rule"]) == {"Safety not escalated", "After hours", "Over capacity"}


def test_changing_the_week_and_the_supervisor_updates_the_review(warehouse):
    state = ReviewState(warehouse, supervisor_id="SV2")
    view = WeeklyReview(state)
    assert "0 urgent and 0 review flags" in view.heading.object
    state.as_of = dt.date(2024, 6, 23)  # the week with K3 at 21:00
    assert "0 urgent and 1 review flags" in view.heading.object
    state.supervisor_id = "SV1"
    assert view.cards.object.count('data-peer="PR') == 2 and 'data-peer="PR3"' not in \
        view.cards.object


def test_caseload_drill_down(warehouse):
    state = ReviewState(warehouse, supervisor_id="SV1")
    view = CaseloadView(state)
    assert list(view.table.frame["peer_id"]) == ["PR1", "PR2"]
    assert view.peer.value == "PR1"
    assert sorted(view.participants.frame["participant_id"]) == ["A1", "A2", "A3"]
    view.peer.value = "PR2"
    assert list(view.participants.frame["participant_id"]) == ["B1"]
    assert view.participants.download.filename == "participants_PR2.csv"


def test_a_download_holds_the_whole_table(warehouse):
    view = CaseloadView(ReviewState(warehouse))
    downloaded = view.table.download.callback().getvalue().decode()
    assert downloaded.splitlines()[0].startswith("peer_id,site,supervisor_id")
    assert len(downloaded.splitlines()) == 1 + 3


def test_flags_view_filters_and_shows_the_contact_behind_a_flag(warehouse):
    state = ReviewState(warehouse)
    view = FlagsView(state)
    assert len(view.table.frame) == 4
    view.severities.value = ["urgent"]
    assert list(view.table.frame["rule"]) == ["unescalated_safety"]
    view.table.tabulator.selection = [0]
    assert list(view.behind.frame["contact_id"]) == ["K2"]


def test_an_absent_optional_table_shows_why(warehouse_of):
    view = FidelityView(ReviewState(warehouse_of(peers=PEERS, participants=PARTICIPANTS,
                                                  contacts=CONTACTS)))
    assert view.placeholder.visible
    assert "No fidelity extract loaded." in view.placeholder.object
    assert not view.heatmap.visible


def test_fidelity_keeps_self_and_supervisor_apart(warehouse):
    view = FidelityView(ReviewState(warehouse))
    latest = view.table.frame
    assert sorted(zip(latest["rater_role"], latest["total_score"], strict=True)) == [
        ("self", 5.0), ("supervisor", 4.0)]


@dataclass
class Screen:
    """What a view puts on the page once rendered to Bokeh models, hidden parts left out."""

    text: str  # the text of every visible HTML pane, one per line
    tables: list[dict]  # each visible table: column → the values it shows
    plots: list[list[dict]]  # each visible plot: its glyphs' data, column → values


def on_screen(view) -> Screen:
    def shown(model):
        if not getattr(model, "visible", True):
            return
        yield model
        for child in getattr(model, "children", None) or []:
            yield from shown(child[0] if isinstance(child, tuple) else child)

    models = list(shown(pn.panel(view).get_root()))
    return Screen(
        text="\n".join(html.unescape(model.text) for model in models
                       if isinstance(model, Markup) and model.text),
        tables=[columns(model.source) for model in models if isinstance(model, DataTabulator)],
        plots=[[columns(glyph.data_source) for glyph in model.select({"type": GlyphRenderer})]
               for model in models if isinstance(model, Plot)])


def columns(source) -> dict:
    """A data source's columns as plain lists (missing values as None; see `plain`)."""
    return {name: [plain(value) for value in values] for name, values in source.data.items()}


def test_the_weekly_review_page_shows_the_cards_and_the_flags(warehouse):
    """SV1's peers on 2024-06-30. PR1: A1, A2, A3 active against a capacity of 2; this week K1
    (Thu 20:30) and K4 (Sunday), 30 minutes each, so 2 contacts, 1.0 hours; A3 never contacted,
    so 1 not seen; flags K1 and K4 after hours and over capacity: 3 review; rated 4 by the
    supervisor and 5 by self. PR2: B1 against 12; K2, 30 minutes, with a safety concern never
    escalated: 1 urgent. No contact in the four weeks before: averages 0.0."""
    screen = on_screen(WeeklyReview(ReviewState(warehouse, supervisor_id="SV1")))
    assert "Week of Mon 24 Jun 2024 – Sun 30 Jun 2024" in screen.text
    assert "Supervisor SV1 · 2 peers · 1 urgent and 3 review flags" in screen.text
    pr1, pr2 = [card.split("</div>\n</div>")[0] for card in
                screen.text.split('<div class="sd-card"')[1:]]
    assert "<h3>PR1 <span class=\"sd-muted\">North</span></h3>" in pr1
    assert "Caseload <b>3 of 2</b> (150%) — over capacity" in pr1
    assert re.search(r"Contacts this week</td><td class=\"sd-figure\">2\s*"
                     r"<span class=\"sd-muted\">\(avg 0\.0\)", pr1)
    assert re.search(r"Hours this week</td><td class=\"sd-figure\">1\.0\s", pr1)
    assert re.search(r"Not seen in 30 days</td><td class=\"sd-figure\">1<", pr1)
    assert ">3 review<" in pr1 and "urgent" not in pr1
    assert "Supervisor <b>4.00</b> · Self <b>5.00</b>" in pr1
    assert "supervisor rating of Sat 01 Jun 2024" in pr1
    assert "Caseload <b>1 of 12</b> (8%)</div>" in pr2
    assert ">1 urgent<" in pr2 and "review<" not in pr2
    assert "Supervisor <b>—</b> · Self <b>—</b>" in pr2
    [flags] = screen.tables
    assert flags["severity"] == ["urgent", "review", "review", "review"]
    assert flags["rule"] == ["Safety not escalated", "After hours", "Over capacity",
                             "After hours"]
    assert flags["participant_id"] == ["B1", "A2", None, "A1"]


def test_the_caseload_page_shows_peers_a_plot_and_one_peers_participants(warehouse):
    """PR1 3 active of 2 (1.5, over), PR2 1 of 12 (0.083); PR1 is drilled into first: A3 never
    contacted comes first, then A1 (3 days since K1), then A2 (seen on as_of)."""
    screen = on_screen(CaseloadView(ReviewState(warehouse, supervisor_id="SV1")))
    caseload, participants = screen.tables
    assert caseload["peer_id"] == ["PR1", "PR2"]
    assert caseload["active_participants"] == [3, 1]
    [plot] = screen.plots
    [bars] = [glyph for glyph in plot if "load" in glyph]
    assert bars["peer_id"] == ["PR1", "PR2"] and bars["utilization"] == [1.5, 0.083]
    assert bars["load"] == ["over capacity", "within capacity"]
    assert "PR1: 3 active participants, 1 not seen in 30 days." in screen.text
    assert participants["participant_id"] == ["A3", "A1", "A2"]
    assert participants["days_since_contact"] == [None, 3, 0]


def test_the_flags_page_shows_the_weeks_flags_and_asks_for_one(warehouse):
    """The same four flags as the weekly review; the chart's newest week (ending 30 Jun) holds
    1 urgent and 3 review, the eleven weeks before none (K3 is SV2's); no flag chosen yet."""
    screen = on_screen(FlagsView(ReviewState(warehouse, supervisor_id="SV1")))
    [flags] = screen.tables
    assert flags["rule"] == ["Safety not escalated", "After hours", "Over capacity",
                             "After hours"]
    [[bars]] = screen.plots
    counted = {(week, severity): flags for week, severity, flags in
               zip(bars["week"], bars["severity"], bars["flags"], strict=True) if flags}
    assert counted == {("30 Jun", "urgent"): 1, ("30 Jun", "review"): 3}
    assert len(set(bars["week"])) == 12
    assert "Choose a flag to see the contacts behind it." in screen.text


def test_the_fidelity_page_shows_the_domains_the_totals_and_the_gap(warehouse):
    """PR1's one item, trust a: 4 by the supervisor on 1 June, 5 by self on 2 June."""
    screen = on_screen(FidelityView(ReviewState(warehouse, supervisor_id="SV1")))
    assert ("An episode meets the standard at a total of 4 or more with no domain below 3."
            in screen.text)
    [latest] = screen.tables
    assert list(zip(latest["rater_role"], latest["total_score"], strict=True)) == [
        ("self", 5.0), ("supervisor", 4.0)]
    heatmap, totals, gap = screen.plots
    [cells] = [glyph for glyph in heatmap if "zvalues" in glyph]
    assert (cells["peer_id"], cells["domain"], cells["zvalues"]) == (["PR1"], ["trust"], [4.0])
    # one peer in scope: a line and a marker per rater role, one episode each
    assert sorted(glyph["total_score"] for glyph in totals) == [[4.0], [4.0], [5.0], [5.0]]
    assert {"supervisor": [4.0], "self": [5.0], "peer_id": ["PR1"]} in gap


def test_the_outcomes_page_says_which_extracts_are_missing(warehouse):
    """This extract has no outcomes, admissions, appointments or goals: the page says so for
    each, and draws no chart."""
    screen = on_screen(OutcomesView(ReviewState(warehouse, supervisor_id="SV1")))
    for sentence in ("No outcomes extract loaded.", "No admissions extract loaded.",
                     "No appointments extract loaded.", "No goals extract loaded."):
        assert sentence in screen.text
    assert screen.tables == [] and screen.plots == []


def test_the_engagement_page_shows_months_and_groups(warehouse):
    """North (SV1's site) in June 2024: A1, A2, A3 and B1 active; A1, A2 and B1 had a contact:
    3 of 4, 0.75. Nobody had a contact before June. By language: en A1, A2 (both engaged),
    es A3 (not) and B1 (engaged); shared with the peer: A1, A2 (PR1: en), B1 (PR2: en;es)
    concordant, A3 (es, PR1: en) not."""
    screen = on_screen(EngagementView(ReviewState(warehouse, supervisor_id="SV1")))
    months, equity = screen.tables
    june = months["month"].index("2024-06-01")
    assert (months["active_participants"][june], months["engaged"][june],
            months["engagement_rate"][june]) == (4, 3, 0.75)
    assert by_site(screen) == {"North": [0.0] * 5 + [0.75]}  # January to June
    rows = {(dimension, category): (n, rate) for dimension, category, n, rate in zip(
        equity["dimension"], equity["category"], equity["participants"],
        equity["engagement_rate"], strict=True)}
    assert rows[("preferred_language", "en")] == (2, 1.0)
    assert rows[("preferred_language", "es")] == (2, 0.5)
    assert rows[("language_concordance", "concordant")] == (3, 1.0)
    assert rows[("language_concordance", "not concordant")] == (1, 0.0)
    [[age_bands]] = [plot for plot in screen.plots if "label" in plot[0]]
    assert age_bands["label"] == ["not recorded (n=4)"] and age_bands["engagement_rate"] == [0.75]


def by_site(screen: Screen) -> dict:
    """The engagement chart's line of each site: its rates, month by month."""
    [chart] = [plot for plot in screen.plots if any("month" in glyph for glyph in plot)]
    return {glyph["site"][0]: glyph["engagement_rate"] for glyph in chart if "site" in glyph}


def test_the_data_quality_page_lists_the_tables_and_what_is_absent(warehouse):
    screen = on_screen(DataQualityView(ReviewState(warehouse)))
    assert "Last contact: Sun 30 Jun 2024." in screen.text
    assert ("Tables not in this extract: outcomes, supervision, admissions, appointments, goals, "
            "feedback, training, mentoring." in screen.text)
    assert "The load recorded no warnings." in screen.text
    [tables] = screen.tables
    rows = dict(zip(tables["table_name"], tables["row_count"], strict=True))
    assert (rows["peers"], rows["participants"], rows["contacts"], rows["fidelity"],
            rows["outcomes"]) == (3, 5, 4, 2, 0)


# With only the required tables (conftest's BASE: PR1 North with 0001 and 0002, PR2 South with
# 0003; the last contact Wed 8 May 2024, C4 recording a gift), every page still draws, and says
# what is missing where it would have shown it.
ONLY_REQUIRED = {
    WeeklyReview: ["Caseload <b>2 of 12</b>", "not yet rated by a supervisor",
                   "Last supervision: — ", "0 urgent and 1 review flags"],
    CaseloadView: ["PR1: 2 active participants, 0 not seen in 30 days."],
    FlagsView: ["Choose a flag to see the contacts behind it."],
    FidelityView: ["No fidelity extract loaded."],
    OutcomesView: ["No outcomes extract loaded.", "No admissions extract loaded.",
                   "No appointments extract loaded.", "No goals extract loaded."],
    EngagementView: ["<h2>Equity</h2>"],
    VoiceView: ["No feedback extract loaded."],
    DataQualityView: ["Tables not in this extract: outcomes, fidelity, supervision, admissions, "
                      "appointments, goals, feedback, training, mentoring."],
}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_every_view_shows_what_it_can_from_only_the_required_tables(warehouse_of, page):
    state = ReviewState(warehouse_of(**{name: BASE[name] for name in
                                        ("peers", "participants", "contacts")}))
    screen = on_screen(page(state))
    for sentence in ONLY_REQUIRED[page]:
        assert sentence in screen.text
    if page is FlagsView:
        [flags] = screen.tables
        assert (flags["rule"], flags["participant_id"]) == (["Boundary concern"], ["0001"])
    if page is EngagementView:
        # North: 0001 and 0002 active from March, both contacted in May; South: 0003 active
        # from April, contacted in May. Months before anyone was active are not drawn.
        assert by_site(screen) == {"North": [0.0, 0.0, 1.0], "South": [0.0, 1.0]}


def test_the_app_shows_a_supervisor_and_refreshes_only_the_shown_tab(warehouse):
    from supervision_dash.app import build

    template = build(warehouse)
    assert template.state.supervisor_id == "SV1"
    weekly, caseload = template.views[0], template.views[1]
    assert weekly.active and not caseload.active
    template.state.supervisor_id = "SV2"
    assert caseload._stale and not weekly._stale
    template.tabs.active = 1
    assert caseload.active and not caseload._stale
    assert list(caseload.table.frame["peer_id"]) == ["PR3"]


def test_the_contacts_behind_a_concentration_flag_span_the_configured_window(warehouse_of):
    """With a 40-day concentration window, P4's 90 minutes include a contact 35 days before
    as_of; the view shows all four contacts the flag counted, not only the last 28 days'."""
    from supervision_dash.settings import Settings

    warehouse = warehouse_of(
        peers=csv("peer_id,site,supervisor_id,caseload_capacity", "PR1,North,SV1,20"),
        participants=csv("participant_id,peer_id,enrolled_on,discharged_on",
                         *(f"P{n},PR1,2024-01-01," for n in range(1, 5))),
        contacts=csv("contact_id,participant_id,peer_id,started_at,duration_min,mode",
                     "K1,P1,PR1,2024-06-28 10:00,30,phone", "K2,P2,PR1,2024-06-27 10:00,30,phone",
                     "K3,P3,PR1,2024-06-26 10:00,30,phone", "K4,P4,PR1,2024-05-24 10:00,30,phone",
                     "K5,P4,PR1,2024-06-05 10:00,20,phone", "K6,P4,PR1,2024-06-06 10:00,20,phone",
                     "K7,P4,PR1,2024-06-07 10:00,20,phone"),
        settings=Settings(concentration_window_days=40))
    view = FlagsView(ReviewState(warehouse))
    assert list(view.table.frame["rule"]) == ["concentration"]
    view.table.tabulator.selection = [0]
    assert sorted(view.behind.frame["contact_id"]) == ["K4", "K5", "K6", "K7"]


def test_a_view_is_marked_ready_only_while_it_shows_the_current_filters(warehouse):
    """Browsers and browser tests wait for the `sd-ready` class instead of guessing how long a
    view takes: it is set with the data shown, and dropped when a filter change makes that data
    stale (a view not shown keeps no class until it is shown again)."""
    state = ReviewState(warehouse, supervisor_id="SV2")
    view = FlagsView(state)
    assert "sd-ready" in view._layout.css_classes
    assert view.table.frame.empty  # SV2's PR3 had no flag this week (K3 was the week before)
    view.active = False
    state.supervisor_id = "SV1"
    assert "sd-ready" not in view._layout.css_classes
    view.active = True
    assert "sd-ready" in view._layout.css_classes
    # SV1's week: K2 (PR2, urgent), K4 and K1 after hours and PR1 over capacity (review)
    assert view.table.frame["rule"].tolist() == [
        "unescalated_safety", "after_hours", "over_capacity", "after_hours"]


# --- participant voice, training and mentoring ------------------------------------------------

# SV1's peers on 2024-06-30 (the warning window 07-01 … 08-29, new peers hired from 01-03):
# PR1 has Ethics expired on 06-20 and Safety planning expiring on 07-15, mentors PR2, and was
# hired long ago; PR2, hired 2024-03-01, is mentored by PR1 since 03-10 (3 whole months on
# 06-30), with one current course; PR3 (SV2), hired 2024-05-01, has no course and no mentor.
TRAINING = csv("peer_id,course,completed_on,expires_on",
               "PR1,Ethics and confidentiality,2023-06-20,2024-06-20",
               "PR1,Safety planning,2022-07-15,2024-07-15",
               "PR2,Safety planning,2024-03-05,2026-03-05")
MENTORING = csv("mentor_peer_id,mentee_peer_id,started_on,ended_on", "PR1,PR2,2024-03-10,")
HIRED_PEERS = csv(
    "peer_id,site,supervisor_id,caseload_capacity,languages,hired_on",
    "PR1,North,SV1,2,en,2019-01-01",
    "PR2,North,SV1,12,en;es,2024-03-01",
    "PR3,South,SV2,12,en,2024-05-01",
)


@pytest.fixture
def developing(warehouse_of):
    return warehouse_of(peers=HIRED_PEERS, participants=PARTICIPANTS, contacts=CONTACTS,
                        training=TRAINING, mentoring=MENTORING)


def test_the_cards_carry_a_line_for_training_and_one_for_mentoring(developing):
    view = WeeklyReview(ReviewState(developing, supervisor_id="SV1"))
    pr1, pr2 = view.cards.object.split('<div class="sd-card"')[1:]
    assert ('<div class="sd-line sd-training">Training: <b>1 expired</b> · 1 due in 60 '
            'days</div>') in pr1
    assert '<div class="sd-line sd-mentoring">Mentoring: mentee PR2</div>' in pr1
    assert "Training: all 1 current" in pr2
    assert "Mentoring: mentor PR1 (3 mo)" in pr2
    state = ReviewState(developing, supervisor_id="SV2")
    [pr3] = WeeklyReview(state).cards.object.split('<div class="sd-card"')[1:]
    assert "Training: none recorded" in pr3
    assert "Mentoring: <b>new peer, no mentor yet</b>" in pr3


def test_without_training_or_mentoring_extracts_the_cards_have_no_such_line(warehouse):
    cards = WeeklyReview(ReviewState(warehouse, supervisor_id="SV1")).cards.object
    assert "Training:" not in cards and "Mentoring:" not in cards


def test_the_caseload_table_shows_training_and_mentoring(developing):
    screen = on_screen(CaseloadView(ReviewState(developing, supervisor_id="SV1")))
    caseload = screen.tables[0]
    assert caseload["peer_id"] == ["PR1", "PR2"]
    assert caseload["courses_expired"] == [1, 0] and caseload["courses_expiring"] == [1, 0]
    assert caseload["mentor_peer_id"] == [None, "PR1"] and caseload["mentees"] == ["PR2", None]
    assert caseload["needs_mentor"] == [False, False]


def test_the_caseload_table_leaves_out_what_the_extract_lacks(warehouse):
    frame = CaseloadView(ReviewState(warehouse)).table.frame
    assert not {"courses_expired", "mentor_peer_id", "needs_mentor"} & set(frame.columns)


@pytest.fixture
def voices(warehouse_of):
    from tests.test_query_feedback import CONTACTS as SPAN
    from tests.test_query_feedback import FEEDBACK, PARTICIPANTS as SURVEYED
    from tests.test_query_feedback import PEERS as SURVEY_PEERS

    return warehouse_of(peers=SURVEY_PEERS, participants=SURVEYED, contacts=SPAN,
                        feedback=FEEDBACK)


def test_the_voice_page_draws_diverging_bars_strengths_on_top(voices):
    """The scope as a whole (test_query_feedback's program): safe 6 of 6 agree; useful 3 of 6
    agree and 2 of 6 disagree (33.3%); each labelled with n and the response rate (6 of 11,
    55%). Hopeful and respected are withheld (1 and 2 respondents): not drawn, but named in
    the note on few respondents, with safe and useful (6 each)."""
    screen = on_screen(VoiceView(ReviewState(voices)))
    [[bars]] = screen.plots
    drawn = {(item, answer): percent for item, answer, percent in
             zip(bars["item"], bars["answer"], bars["percent"], strict=True)}
    assert drawn == {
        ("Useful (n=6, 55% responded)", "disagree (1-2)"): -33.3,
        ("Useful (n=6, 55% responded)", "agree (4-5)"): 50.0,
        ("Safe (n=6, 55% responded)", "disagree (1-2)"): 0.0,
        ("Safe (n=6, 55% responded)", "agree (4-5)"): 100.0}
    assert bars["item"][0].startswith("Useful")  # drawn first: at the bottom, strengths on top
    assert ("Fewer than 10 respondents: Safe (n=6), Useful (n=6), Hopeful (n=1), Respected "
            "(n=2).") in screen.text
    assert "where at least 5 participants answered it" in screen.text
    [table] = screen.tables  # by peer: PR1's three items, PR2's and PR3's one each
    assert table["peer_id"] == ["PR1", "PR1", "PR1", "PR2", "PR3"]
    assert table["item"] == ["safe", "useful", "respected", "hopeful", "safe"]


def test_the_voice_table_follows_its_grouping_and_the_sidebar(voices):
    state = ReviewState(voices)
    view = VoiceView(state)
    view.group.value = "site"
    assert list(view.table.frame["site"]) == ["North"] * 4 + ["South"]
    state.site = "South"  # the chart is then South's: one item, withheld, so no bar
    assert not view.chart.visible
    assert "Fewer than 10 respondents: Safe (n=1)." in view.few.object
    assert list(view.table.frame["item"]) == ["safe"]


def test_the_leadership_voice_page_shows_the_program_and_sites_suppressed(warehouse_of):
    """test_query_feedback's larger program: the program row and North's and South's, counts
    under 11 written <11, hidden figures n/s; no peer's row."""
    from supervision_dash.state import ProgramState
    from supervision_dash.views.voice import ProgramVoiceView
    from tests.test_query_feedback import BIG_FEEDBACK, BIG_PARTICIPANTS
    from tests.test_query_feedback import PEERS as SURVEY_PEERS

    warehouse = warehouse_of(peers=SURVEY_PEERS, participants=BIG_PARTICIPANTS,
                             contacts=csv("contact_id,participant_id,peer_id,started_at,"
                                          "duration_min,mode", "K1,N01,PR1,2024-06-30 10:00,30,"
                                          "phone"),
                             feedback=BIG_FEEDBACK, role="leadership")
    screen = on_screen(ProgramVoiceView(ProgramState(warehouse)))
    [table] = screen.tables
    assert table["site"] == [None, "North", "South"]
    assert table["respondents"] == [25, 12, 13]
    assert table["agreeing"] == ["n/s", "<11", "n/s"]
    assert table["disagreeing"] == ["<11", "<11", "n/s"]
    assert "peer_id" not in table
    assert "Counts of participants from 1 to 10 show as &lt;11" in screen.text
    assert screen.plots == []  # every share agreeing is hidden: nothing to draw


def test_the_workforce_page_counts_training_and_mentoring_per_site(developing):
    """North: PR1 with a course expired and one expiring; PR2 new, mentored. South: PR3 new
    without a mentor."""
    from supervision_dash.views.workforce import WorkforceView

    screen = on_screen(WorkforceView(ReviewState(developing)))
    workforce = screen.tables[0]
    assert workforce["peers_training_expired"] == [1, 0]
    assert workforce["new_peers_without_mentor"] == [0, 1]
    [bars] = [glyph for plot in screen.plots for glyph in plot if "what" in glyph]
    counted = {(site, what): peers for site, what, peers in
               zip(bars["site"], bars["what"], bars["peers"], strict=True)}
    assert counted == {
        ("North", "with a course expired"): 1, ("South", "with a course expired"): 0,
        ("North", "with a course expiring soon"): 1, ("South", "with a course expiring soon"): 0,
        ("North", "new, without a mentor"): 0, ("South", "new, without a mentor"): 1}
    assert "within 60 days; peers hired in the last 180 days" in screen.text


def test_the_voice_page_widens_its_window(voices):
    """Over the 365 days ending 06-30, A6's answer of 04-01 counts: useful 1, 4, 3, 2, 5, 5
    and B2's 5: 4 of 7 agree (57.1%), 2 disagree (28.6%); A7, discharged on 04-02, was active
    in the window: 12 participants, 7 of them (58%) answered."""
    view = VoiceView(ReviewState(voices))
    view.window.value = 365
    [[bars]] = on_screen(view).plots
    useful = {answer: percent for item, answer, percent in
              zip(bars["item"], bars["answer"], bars["percent"], strict=True)
              if item == "Useful (n=7, 58% responded)"}
    assert useful == {"disagree (1-2)": -28.6, "agree (4-5)": 57.1}
    assert "Survey answers of the 365 days Sun 02 Jul 2023 – Sun 30 Jun 2024" in view.intro.object
