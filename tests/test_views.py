"""The state classes and views without a browser: filters, data, what each view puts on screen,
and that every view renders to Bokeh models."""

from __future__ import annotations

import datetime as dt

import panel as pn
import pytest

from supervision_dash.state import ALL, ReviewState
from supervision_dash.views import PAGES, CaseloadView, FidelityView, FlagsView, WeeklyReview
from tests.conftest import BASE, csv

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


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_every_view_renders_to_bokeh(warehouse, page):
    view = page(ReviewState(warehouse, supervisor_id="SV1"))
    model = pn.panel(view).get_root()
    assert model is not None
    assert view.title


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_every_view_survives_an_extract_with_only_the_required_tables(warehouse_of, page):
    state = ReviewState(warehouse_of(**{name: BASE[name] for name in
                                        ("peers", "participants", "contacts")}))
    pn.panel(page(state)).get_root()


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
