"""The weekly review: the supervisor's home page, on a projector in the supervision meeting.

A card per peer — caseload against capacity, this week's contacts and hours against the four
weeks before, flags by severity, the latest fidelity totals (supervisor and self side by side,
never averaged), the last supervision, participants not seen lately, and a line each for
training (courses expired or expiring) and mentoring when the extract has those tables — then
this week's flags to discuss, urgent first, each with its sentence.
"""

from __future__ import annotations

import io

import pandas as pd
import panel as pn

from ..packet import RULE_NAMES

from ..state import ALL
from .base import View
from .style import (
    OKABE_ITO, Table, escape_html, badge, colour_severity, fmt_date, fmt_figure, severity_badge,
    why_empty,
)

MAX_CARDS = 60


def training_line(row, warning_days: int) -> str:
    """The card's training line: courses expired and expiring soon, or all current."""
    expired, expiring, courses = (int(row.courses_expired), int(row.courses_expiring),
                                  int(row.courses))
    if expired or expiring:
        parts = ([f"<b>{expired} expired</b>"] if expired else []) + (
            [f"{expiring} due in {warning_days} days"] if expiring else [])
        text = " · ".join(parts)
    else:
        text = f"all {courses} current" if courses else "none recorded"
    return f'<div class="sd-line sd-training">Training: {text}</div>'


def mentoring_line(row) -> str:
    """The card's mentoring line: the mentor and the months paired, the mentees, or — for a
    new peer without a mentor — the prompt to pair them."""
    parts = []
    if pd.notna(row.needs_mentor) and row.needs_mentor:
        parts.append("<b>new peer, no mentor yet</b>")
    elif pd.notna(row.months_paired):
        mentor = escape_html(row.mentor_peer_id) if pd.notna(row.mentor_peer_id) else "paired"
        parts.append(f"mentor {mentor} ({int(row.months_paired)} mo)")
    if pd.notna(row.mentees):
        several = ";" in row.mentees
        parts.append(f"mentee{'s' if several else ''} {escape_html(row.mentees)}")
    text = " · ".join(parts) or "no pairing"
    return f'<div class="sd-line sd-mentoring">Mentoring: {text}</div>'


def peer_card(row, not_seen_days: int, development: str = "") -> str:
    """One peer's card as HTML: every number in words a supervisor reads aloud;
    ``development`` holds its training and mentoring lines."""
    active, capacity = int(row.active_participants), int(row.caseload_capacity)
    share = active / capacity if capacity else 0
    bar_colour = OKABE_ITO["vermillion"] if share > 1 else OKABE_ITO["blue"]
    over = " — over capacity" if share > 1 else ""
    flags = "".join(
        severity_badge(severity, int(getattr(row, f"{severity}_flags")))
        for severity in ("urgent", "review") if getattr(row, f"{severity}_flags")
    ) or '<span class="sd-muted">No flags this week</span>'
    fidelity = (f"Supervisor <b>{fmt_figure(row.fidelity_supervisor, 2)}</b> · "
                f"Self <b>{fmt_figure(row.fidelity_self, 2)}</b>")
    rated = (f"supervisor rating of {fmt_date(row.fidelity_supervisor_on)}"
             if pd.notna(row.fidelity_supervisor_on) else "not yet rated by a supervisor")
    supervised = fmt_date(row.last_supervised_on)
    if pd.notna(row.days_since_supervision):
        supervised += f" ({int(row.days_since_supervision)} days ago)"
    overdue = badge("overdue", OKABE_ITO["vermillion"]) if row.supervision_overdue is True else ""
    not_seen = int(row.not_seen)
    return f"""
<div class="sd-card" data-peer="{escape_html(row.peer_id)}">
  <h3>{escape_html(row.peer_id)} <span class="sd-muted">{escape_html(row.site)}</span></h3>
  <div>Caseload <b>{active} of {capacity}</b> ({share:.0%}){over}</div>
  <div class="sd-bar"><div style="width:{min(share, 1) * 100:.0f}%;background:{bar_colour}">
  </div></div>
  <table>
    <tr><td>Contacts this week</td><td class="sd-figure">{int(row.contacts_7d)}
      <span class="sd-muted">(avg {fmt_figure(row.contacts_avg_prior_4wk)})</span></td></tr>
    <tr><td>Hours this week</td><td class="sd-figure">{fmt_figure(row.contact_hours_7d)}
      <span class="sd-muted">(avg {fmt_figure(row.contact_hours_avg_prior_4wk)})</span></td></tr>
    <tr><td>Not seen in {not_seen_days} days</td><td class="sd-figure">{not_seen}</td></tr>
  </table>
  <div style="margin-top:6px">{flags}</div>
  <div style="margin-top:6px">Fidelity: {fidelity}
    <div class="sd-muted">{rated}</div></div>
  <div style="margin-top:4px">Last supervision: {supervised} {overdue}</div>{development}
</div>"""


class WeeklyReview(View):
    """The week's card per peer of the chosen supervisor, then the flags to discuss."""

    title = "Weekly review"

    def _build(self):
        self.heading = pn.pane.HTML(sizing_mode="stretch_width")
        self.packet = pn.widgets.FileDownload(
            callback=self._packet, label="Download the week's packet (HTML)", width=300,
            filename="weekly_review.html",
            description="A standalone file to file or print: no server or network needed.")
        # one pane for every card: a filter change sends one HTML string, not a model per card
        self.cards = pn.pane.HTML(sizing_mode="stretch_width", margin=0)
        self.flags = Table("flags_this_week", "No flags this week.", page_size=20)
        return pn.Column(
            pn.Row(self.heading, self.packet, sizing_mode="stretch_width"), self.cards,
            pn.pane.HTML("<h2>Flags to discuss</h2>"), self.flags, sizing_mode="stretch_width")

    def _packet(self) -> io.BytesIO:
        return io.BytesIO(self.state.packet().encode("utf-8"))

    def compute(self) -> dict:
        return {"peers": self.state.weekly_review(), "flags": self.state.flags()}

    def show(self, data: dict) -> None:
        peers, flags = data["peers"], data["flags"]
        state = self.state
        who = (f"Supervisor {state.supervisor_id}" if state.supervisor_id != ALL
               else "All supervisors")
        if state.site != ALL:
            who += f" · {state.site}"
        self.heading.object = (
            f"<h2 style='margin-bottom:0'>Week of {fmt_date(state.week_start)} – "
            f"{fmt_date(state.as_of)}</h2><div class='sd-muted'>{escape_html(who)} · "
            f"{len(peers)} peer{'s' if len(peers) != 1 else ''} · "
            f"{int((flags['severity'] == 'urgent').sum())} urgent and "
            f"{int((flags['severity'] == 'review').sum())} review flags</div>")
        shown = peers.head(MAX_CARDS)
        not_seen_days = state.settings.not_seen_days
        warning_days = state.settings.training_warning_days
        notes = peers.attrs.get("notes") or []
        trained, mentored = ("no training extract loaded" not in notes,
                             "no mentoring extract loaded" not in notes)
        cards = "".join(peer_card(row, not_seen_days, (
            training_line(row, warning_days) if trained else "")
            + (mentoring_line(row) if mentored else "")) for row in shown.itertuples())
        if len(peers) > MAX_CARDS:
            cards += (f"<div class='sd-note'>Showing {MAX_CARDS} of {len(peers)} peers: choose "
                      "a supervisor or site to see every card.</div>")
        if not cards:
            cards = (f"<div class='sd-empty'>"
                     f"{escape_html(why_empty(peers, 'No peers in this scope.'))}</div>")
        self.cards.object = f'<div class="sd-cards">{cards}</div>'
        chosen = state.supervisor_id != ALL
        self.packet.disabled = not chosen
        self.packet.filename = f"weekly_review_{state.supervisor_id}_{state.as_of}.html"
        self.packet.description = ("A standalone file to file or print: no server or network "
                                   "needed." if chosen else "Choose a supervisor first.")
        table = flags.assign(rule=flags["rule"].map(RULE_NAMES).fillna(flags["rule"]))
        self.flags.show(table, "No flags this week: nothing to discuss from the data.")
        colour_severity(self.flags.tabulator)

