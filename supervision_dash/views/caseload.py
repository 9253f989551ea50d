"""Caseload: every peer in scope against capacity, and a drill-down to one peer's participants.

The table sorts by any column and downloads whole, and carries each peer's courses expired or
expiring and their mentoring when the extract has those tables; the plot shows utilisation (a
bar per peer, or the spread of utilisation when there are too many peers for bars); choosing a
peer — in the list or by clicking a row — lists that peer's active participants by pseudonymous
ID, their last contact and open flags, the longest unseen first.
"""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn

from .base import View
from .style import OKABE_ITO, Chart, Table, escape_html, plottable, why_empty

MAX_BARS = 60
TITLES = {
    "peer_id": "Peer", "site": "Site", "supervisor_id": "Supervisor",
    "active_participants": "Active", "caseload_capacity": "Capacity",
    "utilization": "Utilisation", "contacts_7d": "Contacts (7 d)",
    "contact_hours_7d": "Hours (7 d)", "contacts_avg_prior_4wk": "Contacts/wk (prior 4)",
    "contact_hours_avg_prior_4wk": "Hours/wk (prior 4)", "participants_seen_28d": "Seen (28 d)",
    "new_28d": "New (28 d)",
    "discharged_28d": "Discharged (28 d)",
    "courses_expired": "Courses expired", "mentor_peer_id": "Mentor", "mentees": "Mentees",
    "needs_mentor": "Needs a mentor",
}
# The training and mentoring columns of peer_development beside each peer's caseload, each set
# only when the extract has its table.
DEVELOPMENT = {"training": ["courses_expired", "courses_expiring"],
               "mentoring": ["mentor_peer_id", "mentees", "needs_mentor"]}


def with_development(caseload: pd.DataFrame, development: pd.DataFrame) -> pd.DataFrame:
    """The caseload with the peer's training and mentoring columns, where the extract has them
    (the caseload's notes stay, so an empty table still says why)."""
    notes = development.attrs.get("notes") or []
    columns = [column for table, names in DEVELOPMENT.items()
               if f"no {table} extract loaded" not in notes for column in names]
    merged = caseload.merge(development[["peer_id", *columns]], on="peer_id", how="left")
    merged.attrs = caseload.attrs
    return merged


def utilisation_plot(caseload) -> hv.Element:
    """Bars per peer against the capacity line, or a histogram when there are many peers."""
    caseload = plottable(caseload)
    if len(caseload) <= MAX_BARS:
        data = caseload.sort_values("utilization", ascending=False).assign(
            load=lambda f: np.where(f["utilization"] > 1, "over capacity", "within capacity"))
        bars = hv.Bars(data, ["peer_id", "load"], ["utilization", "active_participants",
                                                   "caseload_capacity"]).opts(
            stacked=True, cmap={"over capacity": OKABE_ITO["vermillion"],
                                "within capacity": OKABE_ITO["blue"]},
            tools=["hover"], xrotation=60, show_legend=True, legend_position="top_right")
        shape = dict(xlabel="Peer", ylabel="Active ÷ capacity")
    else:
        counts, edges = np.histogram(caseload["utilization"], bins=20)
        bars = hv.Histogram((edges, counts)).opts(color=OKABE_ITO["blue"], tools=["hover"])
        shape = dict(xlabel="Active ÷ capacity", ylabel="Peers")
    capacity = hv.HLine(1.0) if len(caseload) <= MAX_BARS else hv.VLine(1.0)
    return (bars * capacity.opts(color=OKABE_ITO["black"], line_dash="dashed")).opts(
        height=320, responsive=True, title="Caseload utilisation (dashed: capacity)", **shape)


class CaseloadView(View):
    """All peers in scope, a utilisation plot, and one peer's participants."""

    title = "Caseload"

    def _build(self):
        settings = self.state.settings
        self.table = Table("caseload", "No peers in this scope.", titles={
            **TITLES, "not_seen": f"Not seen ({settings.not_seen_days} d)",
            "courses_expiring": f"Expiring ({settings.training_warning_days} d)"},
            frozen_columns=["peer_id"])
        self.plot = Chart(sizing_mode="stretch_width", min_height=320)
        self.peer = pn.widgets.Select(label="Drill down to peer", options=[], width=260)
        self.participants = Table("participants", "No active participants.")
        self.participants_note = pn.pane.HTML(css_classes=["sd-note"])
        self.peer.param.watch(self._peer_chosen, "value")
        self.table.tabulator.on_click(self._row_clicked)
        return pn.Column(
            self.plot, self.table,
            pn.pane.HTML("<h2>A peer's participants</h2><div class='sd-note'>Pseudonymous IDs "
                         "only; this list is protected health information.</div>"),
            self.peer, self.participants_note, self.participants,
            sizing_mode="stretch_width")

    def compute(self) -> dict:
        caseload = with_development(self.state.caseload(), self.state.peer_development())
        peer = self.state.scope["peer_id"] or (
            self.peer.value if self.peer.value in set(caseload["peer_id"]) else None) or (
            caseload["peer_id"].iloc[0] if len(caseload) else None)
        return {"caseload": caseload, "peer": peer,
                "participants": self.state.participants(peer) if peer else None}

    def show(self, data: dict) -> None:
        caseload = data["caseload"]
        self.table.show(caseload, why_empty(caseload, "No peers in this scope."))
        self.plot.object = utilisation_plot(caseload) if len(caseload) else None
        self.plot.visible = bool(len(caseload) > 0)
        with_peer = list(caseload["peer_id"])
        self.peer.param.update(options=with_peer, value=data["peer"])
        self._show_participants(data["participants"], data["peer"])

    def _show_participants(self, participants, peer) -> None:
        if participants is None:
            self.participants.show(pd.DataFrame(), "Choose a peer to list their participants.")
            self.participants_note.object = ""
            return
        self.participants.show(participants, f"{peer} has no active participants.")
        self.participants.download.filename = f"participants_{peer}.csv"
        unseen = int(participants["not_seen"].sum()) if len(participants) else 0
        self.participants_note.object = escape_html(
            f"{peer}: {len(participants)} active participant"
            f"{'s' if len(participants) != 1 else ''}, {unseen} not seen in "
            f"{self.state.settings.not_seen_days} days.")

    def _peer_chosen(self, event) -> None:
        if event.new and event.new != event.old:
            self._show_participants(self.state.participants(event.new), event.new)

    def _row_clicked(self, event) -> None:
        frame = self.table.frame
        if 0 <= event.row < len(frame):
            self.peer.value = frame["peer_id"].iloc[event.row]

