"""What a dashboard session filters by, and the data each view shows — nothing displayed here.

`ReviewState` holds the filters a supervisor sets in the sidebar (the day the review is as of,
site, supervisor, peer, outcome measure) and turns them into the parameters of `wh.query`;
`ProgramState` is its program-level part, all a leadership session has.
Views read their frames through it, so the same numbers reach a served page, a notebook and a
test; the warehouse keeps recent results for every session.

A served session may be narrowed to some peers (`allowed_peers`, from the access file): every
query then runs through the warehouse's scoped handle, so the choices, the frames, the
downloads and the packet hold those peers and their participants only. An `audit` callable,
when given, is told of every read (query name, bound parameters, rows), filter change,
download and packet: `audit(event, query=..., parameters=..., rows=..., detail=...)`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import param

from .packet import weekly_packet
from .settings import INSTRUMENTS
from .warehouse import Warehouse

ALL = "All"
WEEKS_OFFERED = 26  # the week choices: the last contact date and the 25 weeks before
SCOPE = ("site", "supervisor_id", "peer_id")
FILTERS = ("as_of", "site", "supervisor_id", "peer_id", "measure")


def _not_audited(event: str, **fields) -> None:
    """The audit of a session that keeps none (a notebook, a test)."""


class ProgramState(param.Parameterized):
    """The filters of a program-level session (leadership): the day, the site, the measure.

    No peer or participant is ever a choice here, so none reaches the browser; every frame is
    a program- or site-level query, disclosure-controlled by a leadership warehouse."""

    as_of = param.CalendarDate(doc="Figures are as of this day.")
    site = param.Selector(default=ALL, objects=[ALL], doc="Only this site.")
    measure = param.Selector(default="PHQ9", objects=list(INSTRUMENTS),
                             doc="The outcome measure shown.")
    scope_names: tuple[str, ...] = ("site",)

    def __init__(self, warehouse: Warehouse, allowed_peers: list[str] | None = None,
                 audit=None, **params):
        self.allowed_peers = allowed_peers
        self.warehouse = warehouse if allowed_peers is None else warehouse.scoped(allowed_peers)
        self.audit = audit or _not_audited
        last = warehouse.last_contact_date or dt.date.today()
        super().__init__(as_of=last)
        self.param.as_of.bounds = (warehouse.first_contact_date, last)
        self.param.site.objects = [ALL, *self._sites()]
        measures = self._read("outcome_summary", as_of=last)["measure"].unique().tolist()
        if measures:
            self.param.measure.objects = [m for m in INSTRUMENTS if m in measures]
            if self.measure not in measures:
                self.measure = self.param.measure.objects[0]
        self._apply(params)
        self.param.watch(self._filters_changed, [name for name in FILTERS if name in self.param])

    def _read(self, name: str, **params) -> pd.DataFrame:
        """One query through this session's (scoped) warehouse, audited."""
        frame = self.warehouse.query(name, **params)
        self.audit("query", query=name, parameters=self._parameters_of(frame), rows=len(frame))
        return frame

    def _parameters_of(self, frame: pd.DataFrame) -> dict:
        """The query's own bound parameters (not the program settings) of a frame."""
        declared = self.warehouse.catalogue.parameters(frame.attrs["query"])
        return {key: value for key, value in frame.attrs["parameters"].items()
                if key in declared}

    @property
    def filters(self) -> dict:
        return {name: str(getattr(self, name)) for name in FILTERS if name in self.param}

    def _filters_changed(self, *events) -> None:
        self.audit("filters", detail=self.filters)

    def downloaded(self, filename: str, frame: pd.DataFrame) -> None:
        """A view handed the user a table as a file."""
        self.audit("download", query=frame.attrs.get("query"),
                   parameters=self._parameters_of(frame) if "query" in frame.attrs else None,
                   rows=len(frame), detail={"file": filename})

    def _sites(self) -> list[str]:
        return sorted(self._read("workforce")["site"].dropna().unique())

    def _apply(self, params: dict) -> None:
        for name in ("site", "supervisor_id", "peer_id", "measure", "as_of"):
            if name in params:  # in this order, so each narrows the choices of the next
                setattr(self, name, params.pop(name))
        self.param.update(**params)

    @property
    def scope(self) -> dict:
        """The scope parameters every query takes (None = all)."""
        return {name: (None if getattr(self, name) == ALL else getattr(self, name))
                for name in self.scope_names}

    def weeks(self, count: int = WEEKS_OFFERED) -> list[dt.date]:
        """Week-ending days to offer, newest first: the last contact date and the weeks before,
        as long as they end inside the extract's contact dates (a query refuses any other)."""
        first, last = self.param.as_of.bounds
        days = (last - dt.timedelta(days=7 * index) for index in range(count))
        return [day for day in days if first is None or day >= first]

    def query(self, name: str, **params) -> pd.DataFrame:
        """wh.query with this session's scope and as_of (the warehouse caches results)."""
        return self._read(name, **{**self.scope, "as_of": self.as_of, **params})

    @property
    def settings(self):
        return self.warehouse.settings

    @property
    def role(self) -> str:
        return self.warehouse.role

    @property
    def load_info(self) -> dict:
        """Where the data came from: source folder, loaded_at, contract version."""
        return self.warehouse.load_info

    @property
    def last_contact_date(self) -> dt.date | None:
        return self.warehouse.last_contact_date

    def workforce(self) -> pd.DataFrame:
        return self.query("workforce")

    def fidelity_distribution(self) -> pd.DataFrame:
        return self.query("fidelity_distribution")

    def engagement(self, by: str = "site") -> pd.DataFrame:
        return self.query("engagement", by=by)

    def equity(self) -> pd.DataFrame:
        return self.query("equity", measure=self.measure)

    def outcome_summary(self, by: str = "site") -> pd.DataFrame:
        return self.query("outcome_summary", by=by, measure=self.measure)

    def outcome_medians(self) -> pd.DataFrame:
        return self.query("outcome_medians", measure=self.measure)

    def participant_feedback(self, by: str = "program", days: int = 90) -> pd.DataFrame:
        """Survey answers item by item in the ``days`` days ending as_of, for the scope as a
        whole (program), by site or by peer."""
        return self.query("participant_feedback", by=by,
                          start=self.as_of - dt.timedelta(days=days - 1))

    def data_quality(self) -> pd.DataFrame:
        return self._read("data_quality")

    def load_warnings(self) -> pd.DataFrame:
        return self._read("load_warnings")


class ReviewState(ProgramState):
    """A supervisor's session: the program filters plus supervisor and peer, and the data of
    every supervision view (participant-level included)."""

    as_of = param.CalendarDate(doc="The review is as of this day: 'this week' is the 7 days "
                                   "ending on it.")
    supervisor_id = param.Selector(default=ALL, objects=[ALL], label="Supervisor",
                                   doc="Only this supervisor's peers.")
    peer_id = param.Selector(default=ALL, objects=[ALL], label="Peer", doc="Only this peer.")
    scope_names = SCOPE

    def packet(self) -> str:
        """The week's packet for the chosen supervisor (and site), as standalone HTML."""
        html = weekly_packet(self.warehouse, self.supervisor_id, self.as_of, self.scope["site"])
        self.audit("packet", parameters={"supervisor_id": self.supervisor_id,
                                         "as_of": self.as_of, "site": self.scope["site"]})
        return html

    def _sites(self) -> list[str]:
        directory = self._read("caseload")[["peer_id", "site", "supervisor_id"]]
        self.directory = directory.sort_values(["site", "supervisor_id", "peer_id"])
        return sorted(self.directory["site"].unique())

    def _apply(self, params: dict) -> None:
        self._narrow_choices()
        super()._apply(params)

    @param.depends("site", "supervisor_id", watch=True)
    def _narrow_choices(self):
        """Supervisors of the chosen site; peers of the chosen site and supervisor."""
        peers = self.directory
        if self.site != ALL:
            peers = peers[peers["site"] == self.site]
        supervisors = [ALL, *sorted(peers["supervisor_id"].unique())]
        with param.parameterized.discard_events(self):
            self.param.supervisor_id.objects = supervisors
        if self.supervisor_id not in supervisors:
            self.supervisor_id = ALL
        if self.supervisor_id != ALL:
            peers = peers[peers["supervisor_id"] == self.supervisor_id]
        choices = [ALL, *peers["peer_id"]]
        self.param.peer_id.objects = choices
        if self.peer_id not in choices:
            self.peer_id = ALL

    @property
    def week_start(self) -> dt.date:
        return self.as_of - dt.timedelta(days=6)

    # --- each supervision view's data -------------------------------------------------------

    def weekly_review(self) -> pd.DataFrame:
        return self.query("weekly_review")

    def flags(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return self.query("boundary_flags", start=start, end=end)

    def flags_weekly(self, weeks: int = 12) -> pd.DataFrame:
        return self.query("flags_weekly", start=self.as_of - dt.timedelta(days=7 * weeks - 1))

    def caseload(self) -> pd.DataFrame:
        return self.query("caseload")

    def participants(self, peer_id: str | None = None) -> pd.DataFrame:
        """The active participants of one peer (or of the scope) for the caseload drill-down."""
        params = {"peer_id": peer_id} if peer_id else {}
        return self.query("caseload_participants", **params)

    def contacts(self, start: dt.date, end: dt.date, peer_id: str | None = None,
                 participant_id: str | None = None) -> pd.DataFrame:
        params = {"peer_id": peer_id} if peer_id else {}
        return self.query("contact_log", start=start, end=end, participant_id=participant_id,
                          **params)

    def fidelity_domains(self, rater_role: str = "supervisor") -> pd.DataFrame:
        return self.query("fidelity_domains", rater_role=rater_role)

    def fidelity_scores(self, all_episodes: bool = False) -> pd.DataFrame:
        return self.query("fidelity_scores", all_episodes=all_episodes)

    def supervision(self) -> pd.DataFrame:
        return self.query("supervision_coverage")

    def outcome_summary(self, by: str = "peer") -> pd.DataFrame:
        return super().outcome_summary(by)

    def outcome_trajectories(self) -> pd.DataFrame:
        return self.query("outcome_trajectories", measure=self.measure)

    def hospital_days(self) -> pd.DataFrame:
        return self.query("hospital_days")

    def appointments(self) -> pd.DataFrame:
        return self.query("appointment_adherence")

    def goals(self) -> pd.DataFrame:
        return self.query("goal_attainment")

    def training_currency(self) -> pd.DataFrame:
        return self.query("training_currency")

    def mentoring(self) -> pd.DataFrame:
        return self.query("mentoring")

    def peer_development(self) -> pd.DataFrame:
        return self.query("peer_development")
