"""Outcomes: who reliably improved, how scores moved since enrolment, hospital use before and
after, appointments kept and goals reached.

The measure comes from the sidebar. Reliable change follows docs/metrics.md#reliable-change (recovered for PHQ9
and GAD7); trajectories draw each participant's scores faintly and the median by month since
enrolment boldly, so a supervisor sees the program's direction without singling anyone out.
"""

from __future__ import annotations

import holoviews as hv
import pandas as pd
import panel as pn

from ..disclosure import for_display
from .base import WATCHED, View
from .style import CATEGORY_COLOURS, OKABE_ITO, Chart, Table, empty, plottable, why_empty

MAX_LINES = 150
CATEGORIES = {"improved": "Improved", "no_reliable_change": "No reliable change",
              "deteriorated": "Deteriorated", "unclassified": "Unclassified"}


def categories_chart(summary: pd.DataFrame, group: str) -> hv.Element:
    rows = plottable(summary).assign(group=summary[group].fillna("program"))
    long = rows.melt(id_vars=["group", "pairs"], value_vars=list(CATEGORIES),
                     var_name="category", value_name="participants")
    long["percent"] = 100 * long["participants"] / long["pairs"].where(long["pairs"] > 0)
    long["category"] = long["category"].map(CATEGORIES)
    return hv.Bars(long, ["group", "category"], ["percent", "participants", "pairs"]).opts(
        stacked=True, cmap={CATEGORIES[k]: v for k, v in CATEGORY_COLOURS.items()
                            if k in CATEGORIES},
        responsive=True, height=300, tools=["hover"], xrotation=45, ylim=(0, 100),
        xlabel=group.replace("_id", ""), ylabel="% of pairs", legend_position="right",
        title="Reliable change by " + group.replace("_id", "")
        + " (a pair: a baseline and a later score)")


def trajectories(lines: pd.DataFrame, medians: pd.DataFrame, measure: str) -> hv.Element:
    lines, medians = plottable(lines), plottable(medians)
    participants = lines["participant_id"].unique()[:MAX_LINES]
    faint = hv.Path([group[["days_since_enrolment", "score"]].to_numpy() for _, group in
                     lines[lines["participant_id"].isin(participants)].groupby("participant_id")],
                    ["days_since_enrolment", "score"]).opts(
        color=OKABE_ITO["grey"], alpha=0.25, line_width=1)
    median = medians.assign(day=30 * medians["months_since_enrolment"] + 15)
    bold = hv.Curve(median, "day", "median_score", label="median").opts(
        color=OKABE_ITO["blue"], line_width=4, tools=["hover"])
    spread = hv.Area(median, "day", ["lower_quartile", "upper_quartile"],
                     label="middle half").opts(color=OKABE_ITO["sky"], alpha=0.3)
    shown = (f"{len(participants)} of {lines['participant_id'].nunique()} participants"
             if lines["participant_id"].nunique() > MAX_LINES else "each participant")
    return (faint * spread * bold).opts(
        responsive=True, height=320, xlabel="Days since enrolment", ylabel=f"{measure} score",
        legend_position="top_right",
        title=f"{measure} since enrolment: {shown} (grey) and the monthly median (blue)")


def before_after(hospital: pd.DataFrame, days: int) -> hv.Element:
    """Mean bed days per eligible participant, before and after enrolment, a point per peer."""
    data = plottable(hospital).dropna(subset=["mean_bed_days_before", "mean_bed_days_after"])
    top = float(max(data["mean_bed_days_before"].max(), data["mean_bed_days_after"].max(), 1))
    return (hv.Curve([(0, 0), (top, top)]).opts(color=OKABE_ITO["grey"], line_dash="dashed")
            * hv.Scatter(data, "mean_bed_days_before", ["mean_bed_days_after", "peer_id",
                                                          "participants"]).opts(
                color=OKABE_ITO["purple"], size=8, tools=["hover"])).opts(
        responsive=True, height=300, xlabel=f"Bed days per participant, {days} days before",
        ylabel=f"… {days} days after", title="Hospital days before and after enrolment, "
        "a point per peer (below the dashed line: fewer after)")


def rate_bars(frame: pd.DataFrame, rate: str, label: str, colour: str) -> hv.Element:
    data = plottable(frame).dropna(subset=[rate]).sort_values(rate)
    return hv.Bars(data, "peer_id", rate).opts(
        color=colour, responsive=True, height=260, ylim=(0, 1), xrotation=60,
        tools=["hover"], xlabel="Peer", ylabel=label, title=label + " by peer")


class OutcomesView(View):
    """Reliable change, trajectories, hospital days, appointments and goals."""

    title = "Outcomes"
    watched = WATCHED

    def _build(self):
        self.group = pn.widgets.RadioButtonGroup(
            label="Group by", options={"Peer": "peer", "Site": "site", "Program": "program"},
            value="peer")
        self.group.param.watch(self._filters_changed, "value")
        self.categories = Chart(sizing_mode="stretch_width")
        self.summary = Table("outcome_summary", "No outcome pairs in this scope.")
        self.trajectories = Chart(sizing_mode="stretch_width")
        self.no_outcomes = empty("")
        self.hospital = Chart(sizing_mode="stretch_width")
        self.hospital_table = Table("hospital_days",
                                    "No participants enrolled long enough to compare.")
        self.appointments = Chart(sizing_mode="stretch_width")
        self.appointments_table = Table("appointment_adherence", "No appointments.")
        self.goals = Chart(sizing_mode="stretch_width")
        self.goals_table = Table("goal_attainment", "No goals.")
        return pn.Column(
            pn.Row(pn.pane.HTML("<b>Group by</b>"), self.group), self.no_outcomes,
            self.categories, self.summary, self.trajectories,
            pn.pane.HTML("<h2>Hospital days</h2>"), self.hospital, self.hospital_table,
            pn.pane.HTML("<h2>Appointments kept</h2>"), self.appointments,
            self.appointments_table,
            pn.pane.HTML("<h2>Goals achieved</h2>"), self.goals, self.goals_table,
            sizing_mode="stretch_width")

    def compute(self) -> dict:
        state = self.state
        return {"summary": state.outcome_summary(self.group.value),
                "lines": state.outcome_trajectories(), "medians": state.outcome_medians(),
                "hospital": state.hospital_days(), "appointments": state.appointments(),
                "goals": state.goals()}

    def show(self, data: dict) -> None:
        summary, measure = data["summary"], self.state.measure
        group = {"peer": "peer_id", "site": "site", "program": "measure"}[self.group.value]
        has = len(summary) > 0
        self.no_outcomes.object = (
            "<div class='sd-empty'>"
            f"{why_empty(summary, f'No {measure} baselines with a later score in this scope.')}"
            "</div>")
        self.no_outcomes.visible = bool(not has)
        self.categories.visible = self.trajectories.visible = bool(has)
        if has:
            self.categories.object = categories_chart(summary, group)
            self.trajectories.object = trajectories(data["lines"], data["medians"], measure)
        self.summary.show(summary)
        self._show_pair(self.hospital, self.hospital_table, data["hospital"],
                        lambda f: before_after(f, self.state.settings.hospital_window_days),
                        "participants")
        self._show_pair(self.appointments, self.appointments_table, data["appointments"],
                        lambda f: rate_bars(f, "kept_rate", "Share of appointments kept",
                                            OKABE_ITO["green"]), "kept_rate")
        self._show_pair(self.goals, self.goals_table, data["goals"],
                        lambda f: rate_bars(f, "achieved_rate", "Share of goals achieved",
                                            OKABE_ITO["orange"]), "achieved_rate")

    @staticmethod
    def _show_pair(plot, table, frame, chart, needed) -> None:
        """A chart and its table, or — without the extract they need — a note saying so."""
        if frame.attrs.get("notes"):
            plot.visible = False
            table.show(frame.iloc[0:0], why_empty(frame, ""))
            return
        usable = frame[frame[needed].notna() & (frame[needed] != 0)] if len(frame) else frame
        table.show(frame, "Nothing recorded in this scope.")
        plot.visible = bool(len(usable) > 0)
        if plot.visible:
            plot.object = chart(usable)


def medians_chart(medians: pd.DataFrame, measure: str) -> hv.Element:
    """The program's median score by month since enrolment, with the middle half shaded."""
    median = plottable(medians).assign(day=30 * medians["months_since_enrolment"] + 15)
    return (hv.Area(median, "day", ["lower_quartile", "upper_quartile"],
                    label="middle half").opts(color=OKABE_ITO["sky"], alpha=0.3)
            * hv.Curve(median, "day", "median_score", label="median").opts(
                color=OKABE_ITO["blue"], line_width=4, tools=["hover"])).opts(
        responsive=True, height=300, xlabel="Days since enrolment", ylabel=f"{measure} score",
        title=f"{measure}: the program's monthly median since enrolment")


class ProgramOutcomesView(View):
    """Reliable change by site and for the program, and the median trajectory: no
    participant's own line or row."""

    title = "Outcomes"
    watched = ("as_of", "site", "measure")

    def _build(self):
        self.no_outcomes = empty("")
        self.categories = Chart(sizing_mode="stretch_width")
        self.summary = Table("outcome_summary", "No outcome pairs in this scope.")
        self.medians = Chart(sizing_mode="stretch_width")
        self.medians_table = Table("outcome_medians", "No assessments in this scope.")
        return pn.Column(self.no_outcomes, self.categories, self.summary, self.medians,
                         self.medians_table, sizing_mode="stretch_width")

    def compute(self) -> dict:
        return {"by_site": self.state.outcome_summary("site"),
                "program": self.state.outcome_summary("program"),
                "medians": self.state.outcome_medians()}

    def show(self, data: dict) -> None:
        by_site, program, medians = data["by_site"], data["program"], data["medians"]
        summary = pd.concat([program, by_site], ignore_index=True) if len(by_site) else program
        measure = self.state.measure
        usable = summary.dropna(subset=list(CATEGORIES) + ["pairs"])
        self.no_outcomes.object = (
            "<div class='sd-empty'>"
            f"{why_empty(summary, f'No {measure} baselines with a later score in this scope.')}"
            "</div>")
        self.no_outcomes.visible = summary.empty
        self.categories.visible = bool(len(usable))
        if len(usable):
            self.categories.object = categories_chart(
                usable.assign(site=usable["site"].fillna("program")), "site")
        # each frame carries its own suppressed cells: write them as <11 before joining
        self.summary.show(pd.concat([for_display(program), for_display(by_site)],
                                    ignore_index=True))
        shown = medians.dropna(subset=["median_score"])
        self.medians.visible = bool(len(shown))
        if len(shown):
            self.medians.object = medians_chart(shown, measure)
        self.medians_table.show(medians)
