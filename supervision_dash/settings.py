"""Program settings and the outcome instruments (README, "Settings"; docs/metrics.md#outcomes).

Every threshold a metric uses is a setting here, so a program can change what a flag means
without touching SQL. Queries receive them as bound parameters named like the settings.
An optional TOML file overrides the defaults; an unknown key or a bad value is refused with
an error that names it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import param


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    minimum: float
    maximum: float
    better: str  # "lower" or "higher": the direction of improvement
    reliable_change: float | None  # on the reported scale; None: Jacobson–Truax index
    reliability: float | None  # test-retest r for the Jacobson–Truax index
    caseness: float | None  # raw score at or above which a participant counts as a case
    report_scale: float = 1.0  # reported score = raw × this (WHO5: percentage points)
    source: str = ""


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in (
        Instrument("PHQ9", "PHQ-9 depression", 0, 27, "lower", 5, None, 10,
                   source="Löwe et al. 2004"),
        Instrument("GAD7", "GAD-7 anxiety", 0, 21, "lower", 4, None, 8,
                   source="Toussaint et al. 2020"),
        Instrument("WHO5", "WHO-5 well-being (raw 0-25; x4 = %)", 0, 25, "higher", 10, None, None,
                   report_scale=4, source="Topp et al. 2015"),
        Instrument("RAS_R", "Recovery Assessment Scale - Revised", 24, 120, "higher", None, 0.90,
                   None, source="Jacobson-Truax"),
        Instrument("QPR15", "Questionnaire about the Process of Recovery", 0, 60, "higher", None,
                   0.89, None, source="Jacobson-Truax"),
        Instrument("SWEMWBS", "Short Warwick-Edinburgh wellbeing", 7, 35, "higher", 3, None, None),
    )
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BOUNDARY_CONCERNS = (
    "self_disclosure", "dual_relationship", "gift", "money", "physical_contact", "social_media",
    "personal_contact_info", "transportation", "romantic_or_sexual", "substance_use", "other",
)
_CLOCK = r"^([01]\d|2[0-4]):[0-5]\d$"

# Settings keys by TOML section; the flat names are also the SQL parameter names.
SECTIONS: dict[str, tuple[str, ...]] = {
    "hours": ("sanctioned_start", "sanctioned_end", "sanctioned_days"),
    "flags": (
        "extended_min_minutes", "extended_median_multiple", "escalation_hours",
        "urgent_concerns", "concentration_window_days", "concentration_multiple",
        "concentration_min_contacts", "concentration_min_participants",
    ),
    "caseload": ("default_capacity", "not_seen_days"),
    "supervision": ("supervision_interval_days",),
    "fidelity": ("fidelity_standard", "fidelity_domain_floor"),
    "outcomes": ("baseline_window_days", "min_baselines_for_rci", "hospital_window_days"),
    "disclosure": ("min_cell_size", "suppress_staff_counts"),
    "feedback": ("min_peer_respondents",),
    "workforce": ("training_warning_days", "new_peer_days"),
}
INSTRUMENT_KEYS = ("reliable_change", "reliability", "caseness")


class SettingsError(ValueError):
    """A settings file or value that cannot be used; the message names the key."""


class Settings(param.Parameterized):
    """The thresholds behind every metric, with the defaults the README's settings table lists."""

    sanctioned_start = param.String("08:00", regex=_CLOCK, doc=(
        "Start of sanctioned contact hours (HH:MM, inclusive)."))
    sanctioned_end = param.String("20:00", regex=_CLOCK, doc=(
        "End of sanctioned contact hours (HH:MM, exclusive)."))
    sanctioned_days = param.ListSelector(default=list(WEEKDAYS[:5]), objects=list(WEEKDAYS),
                                         doc="Days on which contacts are sanctioned.")
    extended_min_minutes = param.Integer(120, bounds=(1, 1440), doc=(
        "An extended_contact flag needs a contact of at least this many minutes and..."))
    extended_median_multiple = param.Number(2.0, bounds=(0, None), doc=(
        "...at least this multiple of the program's median duration for the contact's mode."))
    escalation_hours = param.Number(24, bounds=(0, None), doc=(
        "A safety concern escalated later than this many hours after the contact is flagged."))
    urgent_concerns = param.ListSelector(
        default=["romantic_or_sexual", "money", "substance_use"], objects=list(BOUNDARY_CONCERNS),
        doc="Boundary concerns whose flag is urgent rather than for review.")
    concentration_window_days = param.Integer(28, bounds=(1, 366), doc=(
        "Days looked at by the concentration rule."))
    concentration_multiple = param.Number(3.0, bounds=(0, None), doc=(
        "A participant's minutes with a peer at or above this multiple of the peer's median."))
    concentration_min_contacts = param.Integer(4, bounds=(1, None), doc=(
        "The concentration rule needs at least this many contacts with the participant."))
    concentration_min_participants = param.Integer(4, bounds=(1, None), doc=(
        "The concentration rule needs the peer to have seen at least this many participants."))
    default_capacity = param.Integer(12, bounds=(1, None), doc=(
        "Caseload capacity of a peer whose caseload_capacity is empty."))
    not_seen_days = param.Integer(30, bounds=(1, 366), doc=(
        "An active participant with no contact in this many days is 'not seen'."))
    supervision_interval_days = param.Integer(14, bounds=(1, 366), doc=(
        "A peer with no supervision in this many days is overdue (supervision_gap flag)."))
    fidelity_standard = param.Number(4.0, bounds=(1, 5), doc=(
        "An episode meets the fidelity standard with a total at least this and..."))
    fidelity_domain_floor = param.Number(3.0, bounds=(1, 5), doc=(
        "...no domain score below this."))
    baseline_window_days = param.Integer(30, bounds=(0, 366), doc=(
        "An outcome assessment this many days before enrolment can be the baseline."))
    min_baselines_for_rci = param.Integer(10, bounds=(2, None), doc=(
        "Fewest baselines of a measure for a Jacobson-Truax threshold."))
    hospital_window_days = param.Integer(180, bounds=(1, 3660), doc=(
        "Days before and after enrolment compared by hospital_days."))
    min_cell_size = param.Integer(11, bounds=(11, None), doc=(
        "Leadership views suppress counts of participants from 1 to this minus one, and rates "
        "with a smaller denominator; free categories with fewer participants show as Other. "
        "11 at least (the CMS minimum)."))
    suppress_staff_counts = param.Boolean(False, doc=(
        "Leadership views suppress small counts of peers (staff) too, as they do counts of "
        "participants."))
    min_peer_respondents = param.Integer(5, bounds=(5, None), doc=(
        "Participant feedback figures (share agreeing, mean score) are shown only for groups "
        "with at least this many respondents to the item; 5 at least."))
    training_warning_days = param.Integer(60, bounds=(1, 730), doc=(
        "A course expires soon when its expiry falls in this many days after as_of."))
    new_peer_days = param.Integer(180, bounds=(1, 3660), doc=(
        "A peer hired in this many days ending as_of is new: without a mentor, a prompt."))
    instruments = param.Dict(default=dict(INSTRUMENTS), doc="Outcome instruments by code.")

    def __init__(self, **params):
        unknown = sorted(set(params) - set(self.param))
        if unknown:
            raise SettingsError(f"unknown setting {unknown[0]!r}")
        try:
            super().__init__(**params)
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc
        if self.sanctioned_start >= self.sanctioned_end:
            raise SettingsError("setting 'sanctioned_start' must be before 'sanctioned_end'")

    @classmethod
    def from_toml(cls, path: str | Path | None) -> Settings:
        """Defaults overridden by a TOML file; None gives the defaults."""
        if path is None:
            return cls()
        path = Path(path)
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"settings file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"settings file {path.name} is not valid TOML: {exc}") from None
        return cls.from_mapping(document)

    @classmethod
    def from_mapping(cls, document: dict) -> Settings:
        values: dict = {}
        instruments = dict(INSTRUMENTS)
        for section, content in document.items():
            if section == "instruments":
                instruments = _instrument_overrides(content)
                continue
            if section not in SECTIONS:
                raise SettingsError(f"unknown settings section [{section}]")
            if not isinstance(content, dict):
                raise SettingsError(f"settings section [{section}] must be a table")
            for key, value in content.items():
                if key not in SECTIONS[section]:
                    raise SettingsError(f"unknown setting '{section}.{key}'")
                values[key] = value
        try:
            return cls(instruments=instruments, **values)
        except SettingsError as exc:
            raise SettingsError(f"settings: {exc}") from None

    def sql_parameters(self) -> dict:
        """Every setting as the value a query binds: times as TIME, days as ISO numbers."""
        values = {name: getattr(self, name) for names in SECTIONS.values() for name in names}
        values["sanctioned_start"] = _clock(self.sanctioned_start)
        values["sanctioned_end"] = _clock(self.sanctioned_end)
        values["sanctioned_days"] = [WEEKDAYS.index(day) + 1 for day in self.sanctioned_days]
        values["instruments"] = [
            {
                "measure": i.code,
                "higher_is_better": i.better == "higher",
                "reliable_change": i.reliable_change,
                "reliability": i.reliability,
                "caseness": i.caseness,
                "report_scale": i.report_scale,
            }
            for i in self.instruments.values()
        ]
        return values


def _clock(text: str) -> dt.time:
    hours, minutes = (int(part) for part in text.split(":"))
    return dt.time.max if hours == 24 else dt.time(hours, minutes)


def _instrument_overrides(content) -> dict[str, Instrument]:
    if not isinstance(content, dict):
        raise SettingsError("settings section [instruments] must be a table")
    instruments = dict(INSTRUMENTS)
    for code, overrides in content.items():
        if code not in INSTRUMENTS:
            raise SettingsError(f"unknown instrument 'instruments.{code}'")
        if not isinstance(overrides, dict):
            raise SettingsError(f"settings section [instruments.{code}] must be a table")
        for key, value in overrides.items():
            where = f"instruments.{code}.{key}"
            if key not in INSTRUMENT_KEYS:
                raise SettingsError(f"unknown setting '{where}'")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise SettingsError(f"setting '{where}' must be a number ≥ 0")
            if key == "reliability" and not 0 < value < 1:
                raise SettingsError(f"setting '{where}' must be between 0 and 1")
        instruments[code] = replace(instruments[code], **overrides)
    return instruments


def markdown_table() -> str:
    """The settings as the README documents them (a test keeps the two equal)."""
    defaults = Settings()
    lines = ["| TOML key | default | meaning |", "|---|---|---|"]
    for section, names in SECTIONS.items():
        for name in names:
            value = getattr(defaults, name)
            shown = (", ".join(value) if isinstance(value, list)
                     else str(value).lower() if isinstance(value, bool) else value)
            lines.append(f"| `{section}.{name}` | `{shown}` | {Settings.param[name].doc} |")
    for key in INSTRUMENT_KEYS:
        lines.append(f"| `instruments.<CODE>.{key}` | see the instrument table | "
                     f"{_INSTRUMENT_KEY_DOCS[key]} |")
    return "\n".join(lines)


def instruments_markdown_table() -> str:
    """The outcome instruments and their default thresholds, for the README."""
    lines = ["| code | instrument | range | better | reliable change | caseness |",
             "|---|---|---|---|---|---|"]
    for i in INSTRUMENTS.values():
        unit = " percentage points (raw × 4)" if i.report_scale != 1 else " points"
        change = (f"{i.reliable_change:g}{unit}" if i.reliable_change is not None
                  else f"Jacobson–Truax, r = {i.reliability:g}")
        lines.append(f"| {i.code} | {i.title} | {i.minimum:g}–{i.maximum:g} | {i.better} "
                     f"| {change} | {'≥ ' + format(i.caseness, 'g') if i.caseness else '—'} |")
    return "\n".join(lines)


_INSTRUMENT_KEY_DOCS = {
    "reliable_change": "Reliable-change threshold on the reported scale (points; WHO5 in %).",
    "reliability": "Test-retest reliability r for the Jacobson-Truax index.",
    "caseness": "Raw score at or above which a participant counts as a case.",
}
