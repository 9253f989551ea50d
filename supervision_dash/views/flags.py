"""Flags: what to talk about in supervision, over a chosen window, and the contacts behind one.

Filters by rule and severity (the sidebar sets site, supervisor and peer; the window defaults to
the review week), a chart of flags per week over the last twelve weeks, the flags with their
sentences, and — choosing a flag — the contact rows behind it.
"""

from __future__ import annotations

import datetime as dt

import holoviews as hv
import pandas as pd
import panel as pn

from ..packet import RULE_NAMES
from .base import View
from .style import (SEVERITY_COLOURS, Chart, Table, colour_severity, escape_html, plottable,
                    why_empty)

WEEKS_CHARTED = 12


def flags_chart(weekly: pd.DataFrame, last_week: dt.date) -> hv.Element:
    """Flags per week, stacked by severity (colour and legend word both say which); every one
    of the weeks is on the axis, an empty week as an empty slot."""
    weeks = [last_week - dt.timedelta(days=7 * back) for back in range(WEEKS_CHARTED - 1, -1, -1)]
    labels = {week: f"{week:%d %b}" for week in weeks}
    rows = plottable(weekly).assign(week=pd.to_datetime(weekly["week_ending"]).dt.date.map(labels))
    totals = rows.groupby(["week", "severity"], as_index=False)["flags"].sum()
    slots = pd.MultiIndex.from_product([list(labels.values()), ["urgent", "review"]],
                                       names=["week", "severity"])
    totals = totals.set_index(["week", "severity"]).reindex(slots, fill_value=0).reset_index()
    return hv.Bars(totals, ["week", "severity"], "flags").opts(
        stacked=True, cmap=SEVERITY_COLOURS, responsive=True, height=260, tools=["hover"],
        xlabel="Week ending", ylabel="Flags", legend_position="top_left",
        title=f"Flags per week, last {WEEKS_CHARTED} weeks "
              "(peer rules are counted on each window's last day)")


class FlagsView(View):
    """Flags by rule, severity, peer and window; their weekly trend; the contacts behind one."""

    title = "Flags"

    def _build(self):
        self.rules = pn.widgets.MultiChoice(label="Rules", options=dict(
            (label, rule) for rule, label in RULE_NAMES.items()), value=list(RULE_NAMES),
            width=420)
        self.severities = pn.widgets.CheckButtonGroup(
            label="Severity", options=["urgent", "review"], value=["urgent", "review"])
        self.window = pn.widgets.DateRangePicker(label="Window (contacts dated)", width=260)
        self.chart = Chart(sizing_mode="stretch_width", min_height=260)
        self.table = Table("flags", "No flags in this window.", page_size=15,
                           selectable=1)
        self.behind = Table("flag_contacts", "Choose a flag to see the contacts behind it.")
        self.behind_note = pn.pane.HTML(css_classes=["sd-note"])
        for widget in (self.rules, self.severities, self.window):
            widget.param.watch(self._filters_changed, "value")
        self.table.tabulator.param.watch(self._flag_chosen, "selection")
        return pn.Column(
            pn.Row(self.rules, self.severities, self.window), self.chart, self.table,
            pn.pane.HTML("<h2>Contacts behind the flag</h2>"), self.behind_note, self.behind,
            sizing_mode="stretch_width")

    def _window(self) -> tuple[dt.date, dt.date]:
        """The chosen window, kept inside the review's as_of; the review week by default."""
        if self.window.value and self.window.value[1] <= self.state.as_of:
            return self.window.value
        return self.state.week_start, self.state.as_of

    def compute(self) -> dict:
        start, end = self._window()
        return {"flags": self.state.flags(start, end), "weekly": self.state.flags_weekly(
            WEEKS_CHARTED), "window": (start, end)}

    def show(self, data: dict) -> None:
        flags = data["flags"]
        start, end = data["window"]
        with pn.io.hold():
            if self.window.value != (start, end):
                self.window.param.update(value=(start, end), end=self.state.as_of)
        shown = flags[flags["rule"].isin(self.rules.value)
                      & flags["severity"].isin(self.severities.value)]
        self.table.show(shown.reset_index(drop=True), why_empty(
            flags, f"No flags between {start} and {end} for these filters."))
        self.table.tabulator.value = self.table.tabulator.value.assign(
            rule=lambda frame: frame["rule"].map(RULE_NAMES).fillna(frame["rule"]))
        colour_severity(self.table.tabulator)
        self.chart.object = flags_chart(data["weekly"], self.state.as_of)
        self._show_behind(None)

    def _flag_chosen(self, event) -> None:
        rows = event.new
        frame = self.table.frame
        self._show_behind(frame.iloc[rows[0]] if rows and rows[0] < len(frame) else None)

    def _show_behind(self, flag) -> None:
        if flag is None:
            self.behind.show(pd.DataFrame(), "Choose a flag to see the contacts behind it.")
            self.behind_note.object = ""
            return
        self.behind_note.object = escape_html(
            f"{RULE_NAMES.get(flag['rule'], flag['rule'])}: {flag['detail']}")
        if pd.isna(flag["participant_id"]):
            self.behind.show(pd.DataFrame(), "This flag is about the peer's workload or "
                                             "supervision, not particular contacts.")
            return
        end = pd.Timestamp(flag["flagged_on"]).date()
        # a concentration flag looked at the whole window of contacts; every other at one day
        days = (self.state.settings.concentration_window_days
                if flag["rule"] == "concentration" else 1)
        contacts = self.state.contacts(end - dt.timedelta(days=days - 1), end,
                                       peer_id=flag["peer_id"],
                                       participant_id=flag["participant_id"])
        if pd.notna(flag["contact_id"]):
            contacts = contacts[contacts["contact_id"] == flag["contact_id"]]
        self.behind.show(contacts.reset_index(drop=True), "No contact rows found.")
