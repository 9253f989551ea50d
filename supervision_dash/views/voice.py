"""Participant voice: what participants said in the survey, item by item.

Each item is a diverging bar — the share disagreeing (1 or 2) to the left, the share agreeing (4
or 5) to the right, the rest having answered 3 — strengths at the top, and its number of
respondents and response rate written beside it, because a share without its n misleads; items
with fewer than ten respondents are named in a note. Answers about fewer participants than the
program's minimum are never drawn (the query withholds them; docs/metrics.md,
`participant_feedback`). The supervisor's page shows the whole scope of the sidebar's filters,
then a table by peer, site or program; leadership sees the program and each site, with small
counts suppressed.
"""

from __future__ import annotations

import datetime as dt

import holoviews as hv
import pandas as pd
import panel as pn
from bokeh.models import CustomJSTickFormatter

from ..disclosure import for_display
from ..state import ALL
from .base import View
from .style import OKABE_ITO, Chart, Table, empty, escape_html, fmt_date, plottable, why_empty

ITEM_WORDS = {
    "useful": "Useful", "respected": "Respected", "hopeful": "Hopeful", "belonging": "Belonging",
    "safe": "Safe", "culturally_respected": "Culturally respected",
    "in_control": "In control of recovery", "would_recommend": "Would recommend",
}
FEW_RESPONDENTS = 10  # fewer than this: the note asks for care in reading the item
ANSWER_COLOURS = {"disagree (1-2)": OKABE_ITO["orange"], "agree (4-5)": OKABE_ITO["blue"]}
NO_ANSWERS = "No survey answers in this window."
# Windows a page offers, each ending on the chosen day: a quarter's survey, two, or four.
WINDOWS = {"90 days": 90, "182 days": 182, "365 days": 365}
TITLES = {
    "site": "Site", "peer_id": "Peer", "item": "Item", "respondents": "Respondents",
    "agreeing": "Agree (4-5)", "neutral": "Neither (3)", "disagreeing": "Disagree (1-2)",
    "share_agreeing": "Share agreeing", "share_disagreeing": "Share disagreeing",
    "mean_score": "Mean (1-5)", "participants": "Participants",
    "response_rate": "Response rate", "figures_note": "Not shown because",
}


def item_label(row) -> str:
    """The item in words with its n and response rate, e.g. 'Safe (n=23, 41% responded)'."""
    respondents = "n not shown" if pd.isna(row["respondents"]) else f"n={int(row['respondents'])}"
    rate = ("response rate not shown" if pd.isna(row["response_rate"])
            else f"{row['response_rate']:.0%} responded")
    return f"{ITEM_WORDS.get(row['item'], row['item'])} ({respondents}, {rate})"


def diverging_bars(items: pd.DataFrame, title: str) -> hv.Element:
    """One bar per item whose answers are shown: disagreeing to the left of zero, agreeing to
    the right, in percent of respondents; the first item (the strongest) on top."""
    shown = plottable(items).dropna(subset=["share_agreeing"])
    labels = shown.apply(item_label, axis=1)
    parts = []
    for answer, share, sign in (("disagree (1-2)", "share_disagreeing", -1),
                                ("agree (4-5)", "share_agreeing", 1)):
        parts.append(pd.DataFrame({
            "item": labels, "answer": answer, "percent": (sign * 100 * shown[share]).round(1),
            "respondents": shown["respondents"], "mean_score": shown["mean_score"]}))
    # Bokeh lists categories from the bottom up: the last row drawn first puts strengths on top
    data = pd.concat(parts, ignore_index=True).iloc[::-1]
    absolute = CustomJSTickFormatter(code="return Math.abs(tick) + '%'")
    return hv.Bars(data, ["item", "answer"], ["percent", "respondents", "mean_score"]).opts(
        stacked=True, invert_axes=True, cmap=ANSWER_COLOURS, tools=["hover"],
        responsive=True, height=110 + 34 * len(shown), ylim=(-100, 100), xformatter=absolute,
        xlabel="", ylabel="← disagree · % of respondents · agree →", legend_position="right",
        title=title)


def few_note(items: pd.DataFrame) -> str:
    """A sentence naming the items with fewer than ten respondents, or nothing."""
    few = items[items["respondents"].notna() & (items["respondents"] < FEW_RESPONDENTS)]
    if few.empty:
        return ""
    named = ", ".join(f"{ITEM_WORDS.get(row.item, row.item)} (n={int(row.respondents)})"
                      for row in few.itertuples())
    return (f"Fewer than {FEW_RESPONDENTS} respondents: {named}. A few answers move a share a "
            "long way; read these with care.")


class VoiceBase(View):
    """What both roles' pages share: an intro, the chart of one group's items, the note on few
    respondents and a table; each page says which frames fill them."""

    title = "Participant voice"

    def _build(self):
        self.window = pn.widgets.RadioButtonGroup(label="Answers of the last", options=WINDOWS,
                                                  value=90)
        self.window.param.watch(self._filters_changed, "value")
        self.intro = pn.pane.HTML(css_classes=["sd-note"], sizing_mode="stretch_width")
        self.placeholder = empty("")
        self.chart = Chart(sizing_mode="stretch_width")
        self.few = pn.pane.HTML(css_classes=["sd-note"], sizing_mode="stretch_width")
        self.table = Table("participant_feedback", NO_ANSWERS, wrap=("figures_note",),
                           titles=TITLES)
        return pn.Column(pn.Row(pn.pane.HTML("<b>Answers of the last</b>"), self.window),
                         self.intro, self.placeholder, self.chart, self.few, *self._controls(),
                         self.table, sizing_mode="stretch_width")

    def _controls(self) -> list:
        return []

    def _intro(self, extra: str) -> str:
        settings, as_of, days = self.state.settings, self.state.as_of, self.window.value
        start = as_of - dt.timedelta(days=days - 1)
        return (f"Survey answers of the {days} days {fmt_date(start)} – {fmt_date(as_of)} (a "
                "participant who answered more than once counts once, with the latest answer). "
                "Bars: the share who disagreed (1 or 2) to the left, who agreed (4 or 5) to the "
                "right; the rest answered 3. Strengths first. An item's answers show only "
                f"where at least {settings.min_peer_respondents} participants answered it. "
                + extra)

    def _show_items(self, items: pd.DataFrame, title: str) -> None:
        drawn = items.dropna(subset=["share_agreeing"])
        self.placeholder.object = (f"<div class='sd-empty'>"
                                   f"{escape_html(why_empty(items, NO_ANSWERS))}</div>")
        self.placeholder.visible = items.empty
        self.chart.visible = bool(len(drawn))
        if len(drawn):
            self.chart.object = diverging_bars(items, title)
        self.few.object = escape_html(few_note(items))


class VoiceView(VoiceBase):
    """The scope of the sidebar's filters as a whole, then a table by peer, site or program."""

    def _controls(self) -> list:
        self.group = pn.widgets.RadioButtonGroup(
            label="Table by", options={"Peer": "peer", "Site": "site", "Program": "program"},
            value="peer")
        self.group.param.watch(self._filters_changed, "value")
        return [pn.Row(pn.pane.HTML("<b>Table by</b>"), self.group)]

    def compute(self) -> dict:
        days = self.window.value
        scope = self.state.participant_feedback("program", days)
        table = scope if self.group.value == "program" else \
            self.state.participant_feedback(self.group.value, days)
        return {"scope": scope, "table": table}

    def show(self, data: dict) -> None:
        scope, table = data["scope"], data["table"]
        self.intro.object = self._intro(
            "By peer, only the answers that name the peer count; by site and for the whole "
            "scope, those that name none count too.")
        self._show_items(scope, f"{self._scope_name()}: agreeing and disagreeing, item by item")
        self.table.show(table, why_empty(table, NO_ANSWERS))

    def _scope_name(self) -> str:
        state = self.state
        for name, label in (("peer_id", "Peer"), ("supervisor_id", "Supervisor"),
                            ("site", "Site")):
            if getattr(state, name) != ALL:
                return f"{label} {getattr(state, name)}"
        return "All peers"


class ProgramVoiceView(VoiceBase):
    """The program's items (or the chosen site's) and a table of the program and each site,
    disclosure-controlled: no peer's row."""

    watched = ("as_of", "site")

    def compute(self) -> dict:
        days = self.window.value
        return {"program": self.state.participant_feedback("program", days),
                "by_site": self.state.participant_feedback("site", days)}

    def show(self, data: dict) -> None:
        program, by_site = data["program"], data["by_site"]
        settings = self.state.settings
        self.intro.object = self._intro(
            f"Counts of participants from 1 to {settings.min_cell_size - 1} show as "
            f"&lt;{settings.min_cell_size}, and a share or rate over fewer is not shown (n/s).")
        where = "The program" if self.state.site == ALL else f"Site {self.state.site}"
        self._show_items(program, f"{where}: agreeing and disagreeing, item by item")
        # each frame carries its own suppressed cells: write them as <11 before joining; no row
        # is a peer's, so the peer column goes
        rows = pd.concat([for_display(program), for_display(by_site)], ignore_index=True)
        self.table.show(rows.drop(columns="peer_id"), why_empty(program, NO_ANSWERS))
