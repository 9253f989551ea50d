"""Workforce, for program managers and leadership: each site's peers, caseloads against
capacity, supervision, fidelity, training and mentoring — counted per site, never a peer's own
row.

In the leadership role small counts of participants arrive suppressed (shown "<11"), counts of
peers as they are (unless the program suppresses staff counts too), and a plot leaves a gap
where a figure is hidden rather than drawing a number that could point at a person.
"""

from __future__ import annotations

import holoviews as hv
import pandas as pd
import panel as pn

from .base import View
from .style import OKABE_ITO, Chart, Table, empty, plottable, why_empty

BAND_COLOURS = {"below 3": OKABE_ITO["vermillion"], "3 to 3.5": OKABE_ITO["orange"],
                "3.5 to 4": OKABE_ITO["yellow"], "4 to 4.5": OKABE_ITO["sky"],
                "4.5 and above": OKABE_ITO["blue"]}


def utilisation_by_site(workforce: pd.DataFrame) -> hv.Element:
    data = plottable(workforce).dropna(subset=["utilization"])
    top = max(1.1, float(data["utilization"].max()) * 1.05) if len(data) else 1.1
    return (hv.Bars(data, "site", ["utilization", "active_participants"]).opts(
        color=OKABE_ITO["blue"], tools=["hover"]) * hv.HLine(1.0).opts(
        color=OKABE_ITO["black"], line_dash="dashed")).opts(
        responsive=True, height=300, ylim=(0, top), xrotation=45 if len(data) > 8 else 0,
        xlabel="Site", ylabel="Active ÷ capacity",
        title="Caseload utilisation by site (dashed: capacity; hidden figures left out)")


def fidelity_bands(distribution: pd.DataFrame) -> hv.Element:
    data = plottable(distribution).dropna(subset=["peers"])
    return hv.Bars(data, ["site", "band"], "peers").opts(
        stacked=True, cmap=BAND_COLOURS, responsive=True, height=300, tools=["hover"],
        xrotation=45 if data["site"].nunique() > 8 else 0,
        xlabel="Site", ylabel="Peers", legend_position="right",
        title="Peers by band of their latest supervisor fidelity total (hidden counts left out)")


DEVELOPMENT = {"peers_training_expired": "with a course expired",
               "peers_training_expiring": "with a course expiring soon",
               "new_peers_without_mentor": "new, without a mentor"}
DEVELOPMENT_COLOURS = dict(zip(DEVELOPMENT.values(), (OKABE_ITO["vermillion"],
                                                      OKABE_ITO["orange"], OKABE_ITO["purple"]),
                               strict=True))


def development_by_site(workforce: pd.DataFrame) -> hv.Element:
    """Peers per site with a course expired or expiring soon, and new peers without a mentor
    (a figure the extract cannot give, or hidden, is left out)."""
    known = [column for column in DEVELOPMENT if workforce[column].notna().any()]
    data = plottable(workforce[["site", *known]]).melt(
        id_vars=["site"], var_name="what", value_name="peers").dropna(subset=["peers"])
    data["what"] = data["what"].map(DEVELOPMENT)
    return hv.Bars(data, ["site", "what"], "peers").opts(
        cmap=DEVELOPMENT_COLOURS, responsive=True, height=280,
        tools=["hover"], xrotation=45 if data["site"].nunique() > 8 else 0, xlabel="Site",
        ylabel="Peers", legend_position="right",
        title="Training and mentoring: peers per site (prompts for supervision)")


class WorkforceView(View):
    """Site-level caseloads, supervision and fidelity."""

    title = "Workforce"
    watched = ("as_of", "site")

    def _build(self):
        self.note = pn.pane.HTML(css_classes=["sd-note"], sizing_mode="stretch_width")
        self.placeholder = empty("")
        self.utilisation = Chart(sizing_mode="stretch_width")
        self.table = Table("workforce", "No peers in this scope.")
        self.bands = Chart(sizing_mode="stretch_width")
        self.bands_table = Table("fidelity_distribution", "No supervisor fidelity ratings.")
        self.development = Chart(sizing_mode="stretch_width")
        self.development_note = pn.pane.HTML(css_classes=["sd-note"], sizing_mode="stretch_width")
        return pn.Column(self.note, self.placeholder, self.utilisation, self.table,
                         pn.pane.HTML("<h2>Fidelity</h2>"), self.bands, self.bands_table,
                         pn.pane.HTML("<h2>Training and mentoring</h2>"),
                         self.development_note, self.development, sizing_mode="stretch_width")

    def compute(self) -> dict:
        return {"workforce": self.state.workforce(),
                "bands": self.state.fidelity_distribution()}

    def show(self, data: dict) -> None:
        workforce, bands = data["workforce"], data["bands"]
        role = self.state.role
        settings = self.state.settings
        self.note.object = (
            "Counts per site; no peer's own row. " + (
                f"Counts of participants from 1 to {settings.min_cell_size - 1} are shown as "
                f"&lt;{settings.min_cell_size}; figures that would reveal them are shown as "
                "n/s. " + ("Counts of peers are suppressed the same way."
                           if settings.suppress_staff_counts else
                           "Counts of peers (staff) are shown as they are.")
                if role == "leadership" else ""))
        has = len(workforce) > 0
        self.placeholder.object = (f"<div class='sd-empty'>"
                                   f"{why_empty(workforce, 'No peers in this scope.')}</div>")
        self.placeholder.visible = not has
        self.utilisation.visible = bool(has and workforce["utilization"].notna().any())
        if self.utilisation.visible:
            self.utilisation.object = utilisation_by_site(workforce)
        self.table.show(workforce)
        self.bands.visible = bool(len(bands) and bands["peers"].notna().any())
        if self.bands.visible:
            self.bands.object = fidelity_bands(bands)
        self.bands_table.show(bands, why_empty(bands, "No supervisor fidelity ratings."))
        settings = self.state.settings
        absent = [note for note in workforce.attrs.get("notes") or []
                  if note in ("no training extract loaded", "no mentoring extract loaded")]
        self.development_note.object = (
            f"Per site, in the table above: peers with a course expired on the day, or expiring "
            f"within {settings.training_warning_days} days; peers hired in the last "
            f"{settings.new_peer_days} days, and those of them without a mentor. "
            + " ".join(note.capitalize() + "." for note in absent))
        self.development.visible = bool(has and workforce[list(DEVELOPMENT)].notna().any()
                                        .any())
        if self.development.visible:
            self.development.object = development_by_site(workforce)
