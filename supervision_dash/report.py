"""The validation report: every problem of an extract at once, grouped and capped per rule.

A problem names table, column, rule and where (CSV line with the header as line 1, or Parquet
row); it never carries a value from the extract, so a report can be pasted anywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SHOWN_LOCATIONS = 20


@dataclass
class Problem:
    severity: str  # "error" or "warning"
    table: str
    column: str | None
    rule: str  # a short rule name: type, required, allowed, range, unique, reference, ...
    message: str  # what is wrong, in words; never a value from the extract
    unit: str = "line"  # "line" (CSV) or "row" (Parquet) or "file"
    locations: list[int] = field(default_factory=list)  # the first SHOWN_LOCATIONS
    count: int = 0  # how many lines or rows in all

    def where(self) -> str:
        if not self.locations:
            return ""
        shown = ", ".join(str(location) for location in self.locations[:SHOWN_LOCATIONS])
        plural = "s" if self.count > 1 else ""
        more = self.count - min(len(self.locations), SHOWN_LOCATIONS)
        return f"{self.unit}{plural} {shown}" + (f" and {more} more" if more > 0 else "")

    def __str__(self) -> str:
        place = self.table + (f".{self.column}" if self.column else "")
        where = self.where()
        return f"{place} [{self.rule}] {self.message}" + (f" — {where}" if where else "")


@dataclass
class TableSummary:
    table: str
    file: str
    format: str
    rows: int


@dataclass
class Report:
    """What validation found. ``ok`` is true when there are no errors (warnings allowed)."""

    extract: str
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, TableSummary] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, severity, table, column, rule, message, unit="file", locations=(), count=None):
        """Record a problem; one already recorded with the same words gains these places."""
        count = len(locations) if count is None else count
        for problem in self.problems:
            if (problem.severity, problem.table, problem.column, problem.rule,
                    problem.message) == (severity, table, column, rule, message):
                problem.locations = sorted({*problem.locations, *locations})[:SHOWN_LOCATIONS]
                problem.count += count
                return
        self.problems.append(Problem(severity, table, column, rule, message, unit,
                                     sorted(locations)[:SHOWN_LOCATIONS], count))

    def to_dict(self) -> dict:
        return {
            "extract": self.extract,
            "ok": self.ok,
            "tables": {name: asdict(summary) for name, summary in self.tables.items()},
            "errors": [asdict(problem) for problem in self.errors],
            "warnings": [asdict(problem) for problem in self.warnings],
        }

    def __str__(self) -> str:
        verdict = "passes" if self.ok else "fails"
        lines = [
            f"Extract {self.extract} {verdict} validation: "
            f"{_plural(len(self.errors), 'error')}, {_plural(len(self.warnings), 'warning')}."
        ]
        for name, summary in self.tables.items():
            lines.append(f"  {name}: {summary.rows:,} rows from {summary.file}")
        for title, problems in (("Errors", self.errors), ("Warnings", self.warnings)):
            if problems:
                lines.append(f"{title}:")
                lines.extend(f"  - {problem}" for problem in problems)
        return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
