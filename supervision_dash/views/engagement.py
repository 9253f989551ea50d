"""Engagement and equity: who the program reaches, month by month and group by group.

Engagement rate by month for each site and for the whole program; then, for each demographic
dimension and for language concordance with the peer, how many are active, how many engaged
in the not-seen window (30 days by default), and how many of those with outcomes reliably
improved — with n beside every rate, because a rate without its denominator misleads.
"""

from __future__ import annotations

import holoviews as hv
import pandas as pd
import panel as pn

from .base import WATCHED, View
from ..disclosure import for_display
from .style import CYCLE, OKABE_ITO, Chart, Table, empty, plottable, why_empty

DIMENSIONS = {"age_band": "Age band", "gender": "Gender", "race_ethnicity": "Race / ethnicity",
              "preferred_language": "Preferred language",
              "language_concordance": "Language shared with the peer"}


def engagement_chart(by_site: pd.DataFrame, program: pd.DataFrame) -> hv.Element:
    """A coloured line per site with a legend, or — beyond what colours can tell apart — a thin
    grey line per site (hover names it) under the program's line."""
    by_site, program = plottable(by_site), plottable(program)
    sites = list(by_site.groupby("site"))
    few = len(sites) <= len(CYCLE)
    curves = [hv.Curve(group, "month", ["engagement_rate", "site"], label=str(site)).opts(
        color=CYCLE[index] if few else OKABE_ITO["grey"], line_width=3 if few else 1,
        alpha=1 if few else 0.6, tools=["hover"]) for index, (site, group) in enumerate(sites)]
    # dashed, drawn first: a site that is the whole scope still shows beside the program
    overall = hv.Curve(program, "month", "engagement_rate", label="program").opts(
        color=OKABE_ITO["black"], line_width=2, line_dash="dashed", tools=["hover"])
    return (overall * hv.Overlay(curves)).opts(
        responsive=True, height=320, ylim=(0, 1), xlabel="Month",
        ylabel="Engaged ÷ active participants", legend_position="right", show_legend=few,
        title="Engagement rate by month (a contact in the month)"
              + ("" if few else f": {len(sites)} sites in grey, the program dashed"))


def equity_chart(equity: pd.DataFrame, dimension: str, days: int) -> hv.Element:
    """Engagement rate per category, n beside each (suppressed counts written <11)."""
    shown_n = for_display(equity)["participants"].astype(str)
    rows = plottable(equity).assign(label=equity["category"] + " (n=" + shown_n + ")")
    rows = rows[rows["dimension"] == dimension]
    return hv.Bars(rows, "label", ["engagement_rate", "participants", "engaged"]).opts(
        color=OKABE_ITO["blue"], responsive=True, height=240, ylim=(0, 1), xrotation=30,
        tools=["hover"], xlabel="", ylabel="Engagement rate",
        title=f"{DIMENSIONS[dimension]}: engaged in the last {days} days")


class EngagementView(View):
    """Engagement rate by month; engagement and improvement by group."""

    title = "Engagement & equity"
    watched = WATCHED

    def _build(self):
        self.chart = Chart(sizing_mode="stretch_width")
        self.no_engagement = empty("")
        self.table = Table("engagement", "No participants in this scope.")
        self.dimension = pn.widgets.RadioButtonGroup(
            label="Dimension", options={label: key for key, label in DIMENSIONS.items()},
            value="age_band")
        self.dimension.param.watch(self._filters_changed, "value")
        self.equity_chart = Chart(sizing_mode="stretch_width")
        self.equity = Table("equity", "No participants in this scope.")
        return pn.Column(self.no_engagement, self.chart, self.table,
                         pn.pane.HTML("<h2>Equity</h2>"), self.dimension, self.equity_chart,
                         self.equity, sizing_mode="stretch_width")

    def compute(self) -> dict:
        return {"by_site": self.state.engagement("site"),
                "program": self.state.engagement("program"), "equity": self.state.equity()}

    def show(self, data: dict) -> None:
        by_site, program, equity = data["by_site"], data["program"], data["equity"]
        has = bool(len(program) > 0 and program["active_participants"].sum() > 0)
        self.no_engagement.object = (f"<div class='sd-empty'>"
                                     f"{why_empty(program, 'No participants in this scope.')}"
                                     "</div>")
        self.no_engagement.visible = not has
        self.chart.visible = has
        if has:  # months before anyone was active are left off the axis
            self.chart.object = engagement_chart(by_site[by_site["active_participants"] > 0],
                                                 program[program["active_participants"] > 0])
        self.table.show(by_site)
        rows = equity[equity["dimension"] == self.dimension.value]
        self.equity_chart.visible = bool(len(rows) > 0)
        if len(rows):
            self.equity_chart.object = equity_chart(equity, self.dimension.value,
                                                     self.state.settings.not_seen_days)
        self.equity.show(equity, why_empty(equity, "No participants in this scope."))
