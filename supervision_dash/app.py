"""The served dashboard: the template, the sidebar filters, the pages, and the link in the URL.

Only served entry points use this module (through service.py: `supervision-dash serve`,
`supervision-dash demo` and `panel serve dashboards/supervision.py`); a notebook shows the views
without the template. Each session has its own filters. The filters and the page live in the
URL's query string, so a reload keeps them and a copied link opens the same view; a URL value
that is not a choice of the session (outside the user's scope, or unknown) is ignored and
audited as refused; a week outside the extract's contact dates is moved to the nearer end. The
leadership role serves the program-level pages only; a site manager gets the supervision pages
of their sites and the program-level pages after them. A session on a database that lacks part
of the contract gets a plain page that says what is missing (`message_page`).
"""

from __future__ import annotations

import datetime as dt

import panel as pn
from panel.util import edit_readonly

from .state import ProgramState, ReviewState
from .views import PAGES
from .views.engagement import EngagementView
from .views.outcomes import ProgramOutcomesView
from .views.style import OKABE_ITO, escape_html, fmt_date
from .views.voice import ProgramVoiceView
from .views.workforce import WorkforceView
from .warehouse import Warehouse

TITLE = "Peer support supervision"
LEADERSHIP_TITLE = "Peer support program"
LEADERSHIP_PAGES = (WorkforceView, EngagementView, ProgramOutcomesView, ProgramVoiceView)
URL_NAMES = {"as_of": "week", "site": "site", "supervisor_id": "supervisor", "peer_id": "peer",
             "measure": "measure"}


def week_choices(state: ProgramState) -> dict[str, dt.date]:
    choices = {f"{fmt_date(day)}": day for day in state.weeks()}
    if state.as_of not in choices.values():
        choices = {fmt_date(state.as_of): state.as_of, **choices}
    return choices


def sidebar(state: ProgramState) -> list:
    """The filters every page follows; keyboard-friendly native controls."""
    week = pn.widgets.Select(label="Week ending", options=week_choices(state),
                             value=state.as_of, sizing_mode="stretch_width",
                             description="Figures cover the 7 days ending on this day.")

    def week_chosen(event):
        state.as_of = event.new

    def as_of_changed(event):
        if event.new in week.options.values():
            week.value = event.new
        else:
            week.param.update(options=week_choices(state), value=event.new)

    week.param.watch(week_chosen, "value")
    state.param.watch(as_of_changed, "as_of")
    labels = {"site": "Site", "supervisor_id": "Supervisor", "peer_id": "Peer",
              "measure": "Outcome measure"}
    return [week, *[pn.widgets.Select.from_param(state.param[name], label=label,
                                                 sizing_mode="stretch_width")
                    for name, label in labels.items() if name in state.param]]


def _url_arguments() -> dict:
    """The filters and page given in the URL this session was opened with (values unchecked)."""
    arguments = {}
    for key, values in (pn.state.session_args or {}).items():
        if values:
            value = values[0]
            arguments[key] = value.decode() if isinstance(value, bytes) else value
    return arguments


def _initial_filters(state: ProgramState, arguments: dict) -> list[str]:
    """Apply the URL's filters that are valid choices, narrowing in order; ignore the rest.
    The URL names of the values ignored."""
    ignored = []
    for name, key in URL_NAMES.items():
        if name not in state.param or key not in arguments:
            continue
        value = arguments[key]
        if name == "as_of":
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                ignored.append(key)
                continue
            first, last = state.param.as_of.bounds
            value = min(max(value, first), last)  # outside the data: its nearest end
        elif value not in state.param[name].objects:
            ignored.append(key)
            continue
        setattr(state, name, value)
    return ignored


def _sync_url(state: ProgramState, tabs: pn.Tabs) -> None:
    location = pn.state.location
    if location is None:
        return
    names = {name: key for name, key in URL_NAMES.items() if name in state.param}

    def restore(_):
        """A URL value the session refused is replaced by the session's own, so the address
        bar (and every message about it) shows what the page shows."""
        location.update_query(**{key: str(state.param[name].serialize(getattr(state, name)))
                                 for name, key in names.items()})
        with edit_readonly(location):
            location.href = location.href.split("?")[0].split("#")[0] + location.search + \
                location.hash

    location.sync(state, names, on_error=restore)
    location.sync(tabs, {"active": "page"})


class TabKeys(pn.reactive.ReactiveHTML):
    """Bokeh's tab headers take the keyboard's focus but not its keys: Enter or Space on a
    focused tab header opens it, as a click would."""

    _template = '<div id="keys" style="display: none"></div>'
    _scripts = {"render": """
      if (!window.supervisionDashTabKeys) {
        window.supervisionDashTabKeys = true;
        document.addEventListener('keydown', (event) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          const target = event.composedPath()[0];
          if (target && target.classList && target.classList.contains('bk-tab')) {
            event.preventDefault();
            target.click();
          }
        }, true);
      }"""}


def build(warehouse: Warehouse, state: ProgramState | None = None, *,
          program_state: ProgramState | None = None, header: tuple = (),
          notices: tuple = ()) -> pn.template.BaseTemplate:
    """One session's dashboard: the filters in the sidebar, a tab per view, the URL in sync.

    A supervisor warehouse gets the supervision pages; a leadership warehouse the program-level
    pages only, on a state with no peer or participant among its choices. With a
    `program_state` (a site manager's, on a leadership warehouse), the program-level pages
    follow the supervision pages, on the same week and measure. `header` goes in the header
    bar (the login and its logout link), `notices` above the pages."""
    leadership = warehouse.role == "leadership"
    arguments = _url_arguments()
    if state is None:
        state = ProgramState(warehouse) if leadership else ReviewState(warehouse)
    audit = state.audit
    if not leadership and len(state.param.supervisor_id.objects) > 1:
        # a supervisor's week, unless the URL names another choice of the session
        state.supervisor_id = state.param.supervisor_id.objects[1]
    for key in _initial_filters(state, arguments):
        audit("refused", detail={"reason": "not a choice of this session", "url": key,
                                 "value": arguments[key][:100]})
    pages = [(page.title, page, state) for page in (LEADERSHIP_PAGES if leadership else PAGES)]
    if program_state is not None:
        pages += [(f"Program: {page.title}", page, program_state) for page in LEADERSHIP_PAGES]
        _follow(program_state, state)
    try:
        first = min(max(int(arguments.get("page", 0)), 0), len(pages) - 1)
    except ValueError:
        first = 0
    views = [page(on, active=index == first) for index, (_, page, on) in enumerate(pages)]
    # Every tab is built with the page (dynamic tabs raced Tabulator's first render); a view
    # not shown still fetches nothing until it is shown.
    tabs = pn.Tabs(*[(title, view) for (title, _, _), view in zip(pages, views, strict=True)],
                   active=first, sizing_mode="stretch_width")
    audit("page", detail={"page": pages[first][0]})

    def tab_chosen(event):
        for index, view in enumerate(views):
            view.active = index == event.new
        audit("page", detail={"page": pages[event.new][0]})

    tabs.param.watch(tab_chosen, "active")
    _sync_url(state, tabs)
    load = warehouse.load_info
    if leadership:
        about = (f"Program-level figures only. Counts from 1 to "
                 f"{warehouse.settings.min_cell_size - 1} are shown as "
                 f"&lt;{warehouse.settings.min_cell_size}; other figures hidden so that "
                 "those cannot be worked out are shown as n/s.")
    else:
        about = ("Contains protected health information: pseudonymous participant IDs and "
                 "contact dates.")
    notice = pn.pane.HTML(
        f"<div class='sd-note'>Extract <b>{escape_html(load['source_folder'])}</b>, loaded "
        f"{fmt_date(load['loaded_at'])}.<br>{about}</div>", sizing_mode="stretch_width")
    # The Bootstrap template loads no web font: the served page fetches nothing from outside.
    template = pn.template.BootstrapTemplate(
        title=LEADERSHIP_TITLE if leadership else TITLE, header=list(header),
        sidebar=[*sidebar(state), notice, TabKeys(width=0, height=0, margin=0)],
        main=[*notices, tabs], header_background=OKABE_ITO["blue"], sidebar_width=300)
    template.state, template.views, template.tabs = state, views, tabs
    return template


def message_page(message: str, leadership: bool = False) -> pn.template.BaseTemplate:
    """A plain page in place of the dashboard, saying in one sentence why it cannot be shown
    (the same template, nothing fetched from outside)."""
    return pn.template.BootstrapTemplate(
        title=LEADERSHIP_TITLE if leadership else TITLE, header_background=OKABE_ITO["blue"],
        main=[pn.pane.HTML(f"<h2>The dashboard cannot be shown</h2><p>{escape_html(message)}.</p>",
                           sizing_mode="stretch_width", css_classes=["sd-failure"])])


def _follow(program_state: ProgramState, state: ProgramState) -> None:
    """The program-level pages show the week (and measure, when it has one) chosen in the
    sidebar."""
    def chosen(event):
        if event.name == "measure" and event.new not in program_state.param.measure.objects:
            return
        setattr(program_state, event.name, event.new)

    program_state.param.update(as_of=state.as_of)
    state.param.watch(chosen, ["as_of", "measure"])


def websocket_origins(address: str, port: int, allowed: list[str] | None) -> list[str]:
    """The hosts a browser may open the dashboard from: those given, else this machine by name
    and by number (Bokeh's default allows only "localhost")."""
    if allowed:
        return list(allowed)
    hosts = ["localhost", "127.0.0.1"] if address in ("127.0.0.1", "localhost") else [address]
    return [f"{host}:{port}" for host in hosts]


__all__ = ["build", "message_page", "websocket_origins"]
