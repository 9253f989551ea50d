"""The weekly review packet: one standalone HTML file a supervisor can file or print.

It needs no server and no network: styles are inline and the two charts are SVG drawn here, so
the file opens offline, prints cleanly, and stays small. It carries the week's per-peer summary,
the flags to discuss with their sentences, fidelity (supervisor and self side by side), the
participants not seen lately, and prompts on training (courses expired or expiring before the
next meeting) and mentoring (new peers without a mentor); it is dated, names the supervisor and
the extract it came from, and says "contains protected health information" whenever it lists
participant IDs. The same file comes from `supervision-dash report` and from the weekly review
page's download button.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from .palette import OKABE_ITO
from .warehouse import Warehouse

RULE_NAMES = {
    "after_hours": "After hours", "extended_contact": "Extended contact",
    "post_discharge_contact": "After discharge", "reported_concern": "Boundary concern",
    "unescalated_safety": "Safety not escalated", "concentration": "Concentration",
    "over_capacity": "Over capacity", "supervision_gap": "Supervision gap",
}
STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2328;
       margin: 24px; font-size: 13px; }
h1 { font-size: 20px; margin: 0 0 4px 0; } h2 { font-size: 16px; margin: 22px 0 6px 0; }
.muted { color: #57606a; } .phi { border: 2px solid #D55E00; color: #8a2e00; padding: 6px 10px;
       border-radius: 6px; margin: 10px 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 6px; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; } td.n { text-align: right; white-space: nowrap; }
.urgent { color: #D55E00; font-weight: 700; } .review { color: #0072B2; font-weight: 700; }
.empty { color: #57606a; font-style: italic; }
@media print { body { margin: 10mm; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def _e(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%Y-%m-%d")
    return html.escape(str(value))


def _table(frame: pd.DataFrame, columns: dict[str, str], numeric=(), empty="Nothing.",
           classes=None) -> str:
    if frame.empty:
        return f'<p class="empty">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(title)}</th>" for title in columns.values())
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in columns:
            css = ' class="n"' if column in numeric else ""
            if classes and column in classes:
                css = f' class="{_e(row[column])}"'
            cells.append(f"<td{css}>{_e(row[column])}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def utilisation_svg(peers: pd.DataFrame) -> str:
    """Horizontal bars of active ÷ capacity per peer, with the capacity line."""
    if peers.empty:
        return ""
    width, row, left, scale = 560, 22, 90, 300
    top = max(1.5, float(peers["utilization"].max()) + 0.1)
    height = row * len(peers) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="Caseload utilisation by peer">']
    for index, peer in enumerate(peers.itertuples()):
        y = 10 + index * row
        length = scale * float(peer.utilization) / top
        colour = OKABE_ITO["vermillion"] if peer.utilization > 1 else OKABE_ITO["blue"]
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
                     f'{_e(peer.peer_id)}</text><rect x="{left}" y="{y + 3}" width="{length:.1f}" '
                     f'height="14" fill="{colour}"/><text x="{left + length + 4:.1f}" '
                     f'y="{y + 14}" font-size="11">{int(peer.active_participants)} of '
                     f'{int(peer.caseload_capacity)}</text>')
    capacity = left + scale / top
    parts.append(f'<line x1="{capacity:.1f}" x2="{capacity:.1f}" y1="6" y2="{height - 14}" '
                 f'stroke="#000" stroke-dasharray="4 3"/><text x="{capacity:.1f}" '
                 f'y="{height - 2}" font-size="11" text-anchor="middle">capacity</text></svg>')
    return "".join(parts)


def fidelity_svg(peers: pd.DataFrame, standard: float) -> str:
    """Supervisor (●) and self (▲) totals per peer on the 1–5 scale, joined by a line."""
    rated = peers.dropna(subset=["fidelity_supervisor", "fidelity_self"], how="all")
    if rated.empty:
        return ""
    width, row, left, scale = 560, 22, 90, 400
    height = row * len(rated) + 34

    def x(score):
        return left + scale * (float(score) - 1) / 4

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="Fidelity totals, supervisor and self">']
    for tick in range(1, 6):
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 4}" font-size="11" '
                     f'text-anchor="middle">{tick}</text>')
    parts.append(f'<line x1="{x(standard):.1f}" x2="{x(standard):.1f}" y1="4" '
                 f'y2="{height - 16}" stroke="{OKABE_ITO["green"]}" stroke-dasharray="4 3"/>')
    for index, peer in enumerate(rated.itertuples()):
        y = 16 + index * row
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="12">'
                     f'{_e(peer.peer_id)}</text>')
        sup, own = peer.fidelity_supervisor, peer.fidelity_self
        if pd.notna(sup) and pd.notna(own):
            parts.append(f'<line x1="{x(sup):.1f}" x2="{x(own):.1f}" y1="{y}" y2="{y}" '
                         f'stroke="{OKABE_ITO["grey"]}" stroke-width="2"/>')
        if pd.notna(sup):
            parts.append(f'<circle cx="{x(sup):.1f}" cy="{y}" r="5" fill="{OKABE_ITO["blue"]}"/>')
        if pd.notna(own):
            parts.append(f'<path d="M{x(own):.1f},{y - 6} l6,10 h-12 z" '
                         f'fill="{OKABE_ITO["orange"]}"/>')
    parts.append("</svg>")
    return "".join(parts)


NEXT_MEETING_DAYS = 7  # the packet's training prompts reach to the next weekly meeting


def development_prompts(warehouse: Warehouse, scope: dict, week_ending: dt.date) -> str:
    """The packet's prompts: courses expired, or expiring before the next meeting (in the 7
    days after the week's end); new peers without a mentor. Each says when its extract is
    absent."""
    training = warehouse.query("training_currency", **scope)
    before_next = pd.Timestamp(week_ending + dt.timedelta(days=NEXT_MEETING_DAYS))
    due = training[training["expired"] | (training["expires_on"] <= before_next)]
    due = due.assign(when=[_expiry_words(int(days)) for days in due["days_to_expiry"]])
    mentoring = warehouse.query("mentoring", **scope)
    waiting = mentoring[mentoring["needs_mentor"].fillna(False).astype(bool)]
    waiting = waiting.assign(since=[(week_ending - hired.date()).days
                                    for hired in waiting["hired_on"]])
    return "".join([
        "<h2>Training and mentoring</h2>",
        '<p class="muted">Prompts for the conversation: courses expired or expiring before the '
        f"next meeting (by {before_next:%a %d %b %Y}), and new peers still without a "
        "mentor.</p>",
        _table(due, {"peer_id": "Peer", "course": "Course", "expires_on": "Expires",
                     "when": "When"},
               empty=_absent(training, "No course expired or expiring before the next "
                                       "meeting.")),
        _table(waiting, {"peer_id": "Peer", "hired_on": "Hired", "since": "Days since hired"},
               numeric={"since"},
               empty=_absent(mentoring, "Every new peer has a mentor.")),
    ])


def _expiry_words(days: int) -> str:
    """Days from the week's last day to a course's expiry, in words (0: it expired that day)."""
    if days == 0:
        return "expired on the week's last day"
    count = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    return (f"expired {count} before the week's end" if days < 0
            else f"expires {count} after the week's end")


def _absent(frame: pd.DataFrame, otherwise: str) -> str:
    """The note of an absent optional table ('No training extract loaded.') or ``otherwise``."""
    notes = frame.attrs.get("notes") or []
    return notes[0].capitalize() + "." if notes else otherwise


def weekly_packet(warehouse: Warehouse, supervisor_id: str, week_ending: dt.date,
                  site: str | None = None) -> str:
    """The packet for one supervisor's week (the 7 days ending ``week_ending``) as HTML."""
    if warehouse.role != "supervisor":
        raise PermissionError("the weekly packet lists participants: supervisor role only")
    scope = {"supervisor_id": supervisor_id, "site": site, "as_of": week_ending}
    peers = warehouse.query("weekly_review", **scope)
    if peers.empty:
        where = f"at site {site!r}" if site else "in this extract"
        raise ValueError(f"no peers for supervisor {supervisor_id!r} {where}")
    flags = warehouse.query("boundary_flags", **scope)
    unseen = warehouse.query("caseload_participants", **scope)
    unseen = unseen[unseen["not_seen"].astype(bool)]
    fidelity = warehouse.query("fidelity_scores", **scope)
    settings = warehouse.settings
    load = warehouse.load_info
    start = week_ending - dt.timedelta(days=6)
    has_ids = not flags["participant_id"].dropna().empty or not unseen.empty
    urgent = int((flags["severity"] == "urgent").sum())
    flag_rows = flags.assign(rule=flags["rule"].map(RULE_NAMES).fillna(flags["rule"]))
    body = [
        f"<h1>Weekly supervision review — {_e(supervisor_id)}</h1>",
        f'<div class="muted">Week of {start:%a %d %b %Y} – {week_ending:%a %d %b %Y} · '
        f"{len(peers)} peers · {urgent} urgent and {len(flags) - urgent} review flags<br>"
        f"Extract {_e(load['source_folder'])}, loaded {_e(load['loaded_at'])} · packet made "
        f"{dt.datetime.now():%Y-%m-%d %H:%M} by supervision_dash</div>",
        ('<div class="phi">Contains protected health information: pseudonymous participant '
         "IDs and contact dates. File and share it as your program requires.</div>"
         if has_ids else ""),
        "<h2>Peers this week</h2>",
        _table(peers, {
            "peer_id": "Peer", "site": "Site", "active_participants": "Active",
            "caseload_capacity": "Capacity", "contacts_7d": "Contacts",
            "contacts_avg_prior_4wk": "Avg prior 4 wk", "contact_hours_7d": "Hours",
            "not_seen": f"Not seen {settings.not_seen_days} d", "urgent_flags": "Urgent",
            "review_flags": "Review", "last_supervised_on": "Last supervision",
        }, numeric={"active_participants", "caseload_capacity", "contacts_7d",
                    "contacts_avg_prior_4wk", "contact_hours_7d", "not_seen",
                    "urgent_flags", "review_flags"}),
        utilisation_svg(peers),
        "<h2>Flags to discuss</h2>",
        '<p class="muted">Each flag prompts a conversation; none is a finding.</p>',
        _table(flag_rows, {"severity": "Severity", "rule": "Rule", "peer_id": "Peer",
                           "participant_id": "Participant", "flagged_on": "Date",
                           "detail": "Detail"},
               empty="No flags this week.", classes={"severity"}),
        "<h2>Fidelity</h2>",
        f'<p class="muted">Latest totals by rater, never averaged together. Standard: '
        f"{settings.fidelity_standard:g} or more with no domain below "
        f"{settings.fidelity_domain_floor:g} (dashed line).</p>",
        _table(fidelity, {"peer_id": "Peer", "rater_role": "Rater", "rated_on": "Rated on",
                          "total_score": "Total", "domains_below_floor": "Domains below floor",
                          "meets_standard": "Meets standard"},
               numeric={"total_score", "domains_below_floor"},
               empty=(fidelity.attrs.get("notes") or ["No fidelity ratings yet."])[0]),
        fidelity_svg(peers, settings.fidelity_standard),
        f"<h2>Participants not seen in {settings.not_seen_days} days</h2>",
        _table(unseen, {"participant_id": "Participant", "peer_id": "Peer",
                        "last_contact_on": "Last contact", "days_since_contact": "Days since"},
               numeric={"days_since_contact"}, empty="Everyone was seen."),
        development_prompts(warehouse, scope, week_ending),
    ]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Weekly review {_e(supervisor_id)} {week_ending}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>")


def write_packet(warehouse: Warehouse, supervisor_id: str, week_ending: dt.date,
                 path: str | Path, site: str | None = None) -> Path:
    path = Path(path)
    path.write_text(weekly_packet(warehouse, supervisor_id, week_ending, site),
                    encoding="utf-8")
    return path


CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def print_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Print the packet to PDF with headless Chromium (Debian's `chromium`)."""
    browser = next((shutil.which(name) for name in CHROMIUM if shutil.which(name)), None)
    if browser is None:
        raise FileNotFoundError("printing to PDF needs Chromium (apt-get install chromium)")
    pdf_path = Path(pdf_path).resolve()
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
         Path(html_path).resolve().as_uri()],
        check=True, capture_output=True, timeout=120)
    return pdf_path
