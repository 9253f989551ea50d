"""Fidelity: how each peer's practice matches the model, as rated by supervisors and by peers.

A heatmap of peers × domains from the latest supervisor episode, each peer's total over their
episodes with the program's standard and floor drawn as lines, and the gap between the peer's
own rating and the supervisor's (self-ratings run higher: Chinman et al. 2016), side by side
and never averaged together.
"""

from __future__ import annotations

import holoviews as hv
import pandas as pd
import panel as pn

from .base import View
from .style import (CYCLE, OKABE_ITO, ROLE_COLOURS, Chart, Table, empty, plottable,
                    why_empty)

MAX_HEATMAP_PEERS = 40
MAX_TREND_PEERS = 12


def heatmap(domains: pd.DataFrame) -> hv.Element:
    domains = plottable(domains)
    peers = sorted(domains["peer_id"].unique())[:MAX_HEATMAP_PEERS]
    data = domains[domains["peer_id"].isin(peers)].assign(
        # dark cells (low scores on cividis) get white figures, light ones black
        ink=lambda frame: frame["domain_score"].map(lambda v: "white" if v < 3.2 else "black"))
    return (hv.HeatMap(data, ["domain", "peer_id"], ["domain_score", "rated_on"]).opts(
        cmap="cividis", clim=(1, 5), colorbar=True, tools=["hover"], xrotation=30,
        responsive=True, height=max(260, 24 * len(peers) + 120), xlabel="Domain",
        ylabel="Peer", title="Latest supervisor rating by domain (1 = rarely … 5 = almost always)")
        * hv.Labels(data, ["domain", "peer_id"], ["domain_score", "ink"]).opts(
            text_font_size="8pt", text_color="ink"))


def thresholds(settings) -> hv.Overlay:
    return (hv.HLine(settings.fidelity_standard).opts(color=OKABE_ITO["green"],
                                                      line_dash="dashed")
            * hv.HLine(settings.fidelity_domain_floor).opts(color=OKABE_ITO["vermillion"],
                                                            line_dash="dotted"))


def trend(scores: pd.DataFrame, settings) -> hv.Element:
    """Each peer's supervisor-rated total over episodes (or one peer's, by both roles)."""
    scores = plottable(scores)
    peers = sorted(scores["peer_id"].unique())
    if len(peers) == 1:
        curves = [hv.Curve(group, "rated_on", "total_score", label=role).opts(
            color=ROLE_COLOURS.get(role, OKABE_ITO["grey"])) * hv.Scatter(
            group, "rated_on", "total_score").opts(color=ROLE_COLOURS.get(role), size=6)
            for role, group in scores.groupby("rater_role")]
        title = f"{peers[0]}: total by rater over episodes"
    else:
        supervisor = scores[scores["rater_role"] == "supervisor"]
        # a marker on every episode, so a peer rated once still shows
        curves = [hv.Curve(group, "rated_on", "total_score", label=peer).opts(color=colour)
                  * hv.Scatter(group, "rated_on", "total_score").opts(color=colour, size=6)
                  for (peer, group), colour in zip(supervisor.groupby("peer_id"), CYCLE * 2,
                                                   strict=False)][:MAX_TREND_PEERS]
        title = ("Supervisor-rated total over episodes"
                 + (f" (first {MAX_TREND_PEERS} peers; choose a peer for one)"
                    if len(peers) > MAX_TREND_PEERS else ""))
    return (hv.Overlay(curves) * thresholds(settings)).opts(
        hv.opts.Curve(tools=["hover"]), hv.opts.Overlay(
            responsive=True, height=300, ylim=(1, 5), xlabel="Rated on", ylabel="Total (1–5)",
            title=title + " — dashed: standard, dotted: floor", legend_position="right"))


def gap(latest: pd.DataFrame, settings) -> hv.Element:
    """Supervisor and self totals per peer, joined by a line: the gap at a glance."""
    wide = plottable(latest).pivot_table(index="peer_id", columns="rater_role",
                                         values="total_score")
    wide = wide.dropna(subset=[c for c in ("supervisor", "self") if c in wide.columns])
    if not {"supervisor", "self"} <= set(wide.columns) or wide.empty:
        return None
    wide = wide.reset_index().head(MAX_HEATMAP_PEERS)
    segments = hv.Segments(wide, ["supervisor", "peer_id", "self", "peer_id"]).opts(
        color=OKABE_ITO["grey"], line_width=2)
    points = [hv.Scatter(wide, role, "peer_id", label=role).opts(
        color=ROLE_COLOURS[role], size=9, marker=marker, tools=["hover"])
        for role, marker in (("supervisor", "circle"), ("self", "triangle"))]
    return (segments * points[0] * points[1] * hv.VLine(settings.fidelity_standard).opts(
        color=OKABE_ITO["green"], line_dash="dashed")).opts(
        responsive=True, height=max(240, 22 * len(wide) + 100), xlim=(0.9, 5.1),
        xlabel="Total (1–5)", ylabel="Peer", legend_position="top_left",
        title="Latest total: supervisor (●) and self (▲)")


class FidelityView(View):
    """Heatmap of domains, totals over time, and the self-versus-supervisor gap."""

    title = "Fidelity"

    def _build(self):
        self.note = pn.pane.HTML(css_classes=["sd-note"], sizing_mode="stretch_width")
        self.heatmap = Chart(sizing_mode="stretch_width")
        self.trend = Chart(sizing_mode="stretch_width")
        self.gap = Chart(sizing_mode="stretch_width")
        self.placeholder = empty("")
        self.table = Table("fidelity_scores", "No fidelity ratings in this scope.")
        return pn.Column(self.note, self.placeholder, self.heatmap, self.trend, self.gap,
                         self.table, sizing_mode="stretch_width")

    def compute(self) -> dict:
        return {"domains": self.state.fidelity_domains("supervisor"),
                "history": self.state.fidelity_scores(all_episodes=True),
                "latest": self.state.fidelity_scores()}

    def show(self, data: dict) -> None:
        settings = self.state.settings
        latest = data["latest"]
        has = len(latest) > 0
        self.placeholder.object = (f"<div class='sd-empty'>"
                                   f"{why_empty(latest, 'No fidelity ratings in this scope.')}"
                                   "</div>")
        self.placeholder.visible = bool(not has)
        self.note.object = (f"An episode meets the standard at a total of "
                            f"{settings.fidelity_standard:g} or more with no domain below "
                            f"{settings.fidelity_domain_floor:g}. Self and supervisor ratings "
                            "are shown apart, never averaged.")
        for pane in (self.heatmap, self.trend, self.gap):
            pane.visible = bool(has)
        if has:
            self.heatmap.object = heatmap(data["domains"]) if len(data["domains"]) else None
            self.trend.object = trend(data["history"], settings)
            self.gap.object = gap(latest, settings)
            self.gap.visible = bool(self.gap.object is not None)
        self.table.show(latest, why_empty(latest, "No fidelity ratings in this scope."))
