"""The extract contract (README, "The extract contract"), as data.

Validation, the loader, the synthetic generator and the README's contract table all read this
module, so a rule changes in one place. Bump CONTRACT_VERSION when a rule changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import identifiers
from .settings import BOUNDARY_CONCERNS, INSTRUMENTS, Settings

CONTRACT_VERSION = "1.1"  # 1.1: feedback, training and mentoring
DEFAULT_CAPACITY = Settings.param.default_capacity.default

# Contract type -> DuckDB storage type.
SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "integer": "INTEGER",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}
BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    unique: bool = False
    key: bool = False  # a pseudonymous key (an ID, or a reference to one), not free text
    allowed: tuple[str, ...] | None = None  # enumerated values, matched in any case
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None  # "table.column"
    not_before: str | None = None  # another column of the row this one may not precede
    differs_from: str | None = None  # another column of the row this one may not equal
    years_ahead: int = 1  # a date may fall this many years after the day of validation
    range_by: str | None = None  # the range comes from the instrument named in this column
    null_words: tuple[str, ...] = ()  # values that mean null (boundary_concern "none")
    note: str = ""  # extra wording for the README table

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    @property
    def text_kind(self) -> str:
        """What the identifier guard checks a text value of this column for."""
        return identifiers.KEY if self.key else identifiers.FREE_TEXT

    def rule_text(self) -> str:
        """The rule as the README's contract table states it."""
        parts = ["required" if self.required else "optional"]
        if self.key:
            parts.append("key")
        if self.unique:
            parts.append("unique")
        if self.references:
            parts.append(f"in {self.references}")
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"{format_number(self.minimum)}–{format_number(self.maximum)}")
        elif self.minimum is not None:
            parts.append(f"≥ {format_number(self.minimum)}")
        if self.not_before:
            parts.append(f"≥ {self.not_before}")
        if self.differs_from:
            parts.append(f"≠ {self.differs_from}")
        if self.years_ahead != 1:
            parts.append(f"up to {self.years_ahead} years after the day of validation")
        if self.range_by:
            parts.append(f"inside the range of the instrument in {self.range_by}")
        if self.allowed:
            parts.append("one of " + ", ".join(f"`{value}`" for value in self.allowed))
        if self.null_words:
            parts.append(" / ".join(f"`{word}`" for word in self.null_words) + " = none")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    columns: tuple[Column, ...]
    unique_together: tuple[str, ...] = ()
    sort_by: tuple[str, ...] = ()  # storage order: DuckDB skips row groups outside a window
    date_column: str | None = None  # the column that says how recent the table is

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


AGE_BANDS = ("<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown")
CONTACT_MODES = ("in_person", "phone", "video", "text", "group", "other")
SETTINGS = ("clinic", "community", "home", "hospital", "virtual", "other")
ACTIVITIES = (
    "appointment_support", "crisis_planning", "resource_navigation", "health_literacy",
    "wellness_skills", "goal_planning", "social_support", "other",
)
RATER_ROLES = ("supervisor", "self", "participant", "external")
# The participant survey's items, each a statement answered from 1 (strongly disagree) to 5
# (strongly agree); docs/metrics.md ("The survey") words each one.
FEEDBACK_ITEMS = ("useful", "respected", "hopeful", "belonging", "safe", "culturally_respected",
                  "in_control", "would_recommend")

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table("peers", True, (
            Column("peer_id", "text", key=True, required=True, unique=True),
            Column("site", "text", required=True),
            Column("supervisor_id", "text", key=True, required=True),
            Column("hired_on", "date"),
            Column("caseload_capacity", "integer", minimum=1,
                   note=f"null → program default ({DEFAULT_CAPACITY})"),
            Column("languages", "text", note="`;`-separated codes, e.g. `en;es`"),
            Column("certified_on", "date"),
        ), date_column="hired_on"),
        Table("participants", True, (
            Column("participant_id", "text", key=True, required=True, unique=True),
            Column("peer_id", "text", key=True, required=True, references="peers.peer_id",
                   note="the currently assigned peer"),
            Column("site", "text", note="null → the peer's site"),
            Column("enrolled_on", "date", required=True),
            Column("discharged_on", "date", not_before="enrolled_on"),
            Column("age_band", "text", allowed=AGE_BANDS),
            Column("gender", "text", note="free categories"),
            Column("race_ethnicity", "text", note="free categories"),
            Column("preferred_language", "text", note="free categories"),
        ), date_column="enrolled_on"),
        Table("contacts", True, (
            Column("contact_id", "text", key=True, required=True, unique=True),
            Column("participant_id", "text", key=True, required=True,
                   references="participants.participant_id"),
            Column("peer_id", "text", key=True, required=True, references="peers.peer_id"),
            Column("started_at", "timestamp", required=True),
            Column("duration_min", "integer", required=True, minimum=1, maximum=1440),
            Column("mode", "text", required=True, allowed=CONTACT_MODES),
            Column("setting", "text", allowed=SETTINGS),
            Column("activity", "text", allowed=ACTIVITIES),
            Column("group_session_id", "text", key=True,
                   note="rows sharing it are one group session"),
            Column("boundary_concern", "text", allowed=BOUNDARY_CONCERNS, null_words=("none",)),
            Column("safety_concern", "boolean", note="null = false"),
            Column("escalated_at", "timestamp", not_before="started_at"),
        ), sort_by=("started_at",), date_column="started_at"),
        Table("outcomes", False, (
            Column("participant_id", "text", key=True, required=True,
                   references="participants.participant_id"),
            Column("measure", "text", required=True, allowed=tuple(INSTRUMENTS)),
            Column("assessed_on", "date", required=True),
            Column("score", "number", required=True, range_by="measure"),
        ), date_column="assessed_on"),
        Table("fidelity", False, (
            Column("peer_id", "text", key=True, required=True, references="peers.peer_id"),
            Column("rated_on", "date", required=True),
            Column("rater_role", "text", required=True, allowed=RATER_ROLES),
            Column("rater_id", "text", key=True),
            Column("domain", "text", required=True),
            Column("item", "text", required=True),
            Column("score", "integer", required=True, minimum=1, maximum=5),
        ), date_column="rated_on"),
        Table("supervision", False, (
            Column("peer_id", "text", key=True, required=True, references="peers.peer_id"),
            Column("supervisor_id", "text", key=True, required=True),
            Column("held_on", "date", required=True),
            Column("duration_min", "integer", required=True, minimum=1, maximum=600),
            Column("format", "text", allowed=("individual", "group")),
        ), date_column="held_on"),
        Table("admissions", False, (
            Column("participant_id", "text", key=True, required=True,
                   references="participants.participant_id"),
            Column("admitted_on", "date", required=True),
            Column("discharged_on", "date", not_before="admitted_on",
                   note="null = still admitted"),
        ), date_column="admitted_on"),
        Table("appointments", False, (
            Column("participant_id", "text", key=True, required=True,
                   references="participants.participant_id"),
            Column("scheduled_on", "date", required=True),
            Column("kind", "text"),
            Column("attended", "boolean", required=True),
        ), date_column="scheduled_on"),
        Table("goals", False, (
            Column("participant_id", "text", key=True, required=True,
                   references="participants.participant_id"),
            Column("goal_id", "text", key=True, required=True, note="unique per participant"),
            Column("domain", "text"),
            Column("set_on", "date", required=True),
            Column("achieved_on", "date", not_before="set_on"),
        ), unique_together=("participant_id", "goal_id"), date_column="set_on"),
        Table("feedback", False, (
            Column("participant_id", "text", key=True, required=True,
                   references="participants.participant_id"),
            Column("peer_id", "text", key=True, references="peers.peer_id",
                   note="the peer the answer is about; empty: the survey names no peer"),
            Column("surveyed_on", "date", required=True),
            Column("item", "text", required=True, allowed=FEEDBACK_ITEMS),
            Column("score", "integer", required=True, minimum=1, maximum=5,
                   note="5 = strongly agree"),
        ), date_column="surveyed_on"),
        Table("training", False, (
            Column("peer_id", "text", key=True, required=True, references="peers.peer_id"),
            Column("course", "text", required=True, note="free text, e.g. `Safety planning`"),
            Column("completed_on", "date", required=True),
            Column("expires_on", "date", not_before="completed_on", years_ahead=5,
                   note="null = does not expire"),
        ), date_column="completed_on"),
        Table("mentoring", False, (
            Column("mentor_peer_id", "text", key=True, required=True,
                   references="peers.peer_id"),
            Column("mentee_peer_id", "text", key=True, required=True,
                   references="peers.peer_id", differs_from="mentor_peer_id"),
            Column("started_on", "date", required=True),
            Column("ended_on", "date", not_before="started_on", note="null = still paired"),
        ), date_column="started_on"),
    )
}

def markdown_table() -> str:
    """The contract as the Markdown table the README carries (a test keeps them equal)."""
    lines = ["| table | column | type | rule |", "|---|---|---|---|"]
    for table in TABLES.values():
        label = f"**{table.name}**" + ("" if table.required else " (optional)")
        for index, column in enumerate(table.columns):
            lines.append(
                f"| {label if index == 0 else ''} | {column.name} | {column.type} "
                f"| {column.rule_text()} |"
            )
        if table.unique_together:
            lines.append(
                f"| | ({', '.join(table.unique_together)}) | | unique together |"
            )
    return "\n".join(lines)
