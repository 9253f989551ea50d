"""The query catalogue, read from the comment headers of the `.sql` files in `queries/`.

The header is the documentation and the only list: a query exists because its file exists, and
its parameters and columns are what its header says (a test checks the header against what the
SQL uses and returns). The header's shape:

    -- caseload: one line that says what the query answers.
    -- More lines: a paragraph a supervisor can read, the choices made where DESIGN.md is silent.
    -- uses: another_query            (optional: that query's rows, as a table of this name)
    -- param as_of date: what it means (default: ...)
    -- param months integer = 12: a parameter with a default value
    -- setting default_capacity: why the query needs this program setting
    -- column peer_id key: what the column holds
    -- column active_participants count: ...
    -- column utilization rate of active_participants/caseload_capacity: ...

Column kinds drive disclosure control (see disclosure.py): `key` (a grouping dimension), `id`
(identifies a participant or a contact: the query is participant-level), `count`,
`count part of TOTAL`, `rate of NUMERATOR/DENOMINATOR`, `stat over COUNT` (a mean, median or
percentage summarising COUNT units) and `value` (anything else).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .contract import BOOLEAN_WORDS

PARAM_TYPES = ("date", "text", "integer", "number", "boolean")
_NAME = r"[a-z_][a-z0-9_]*"
_PARAM = re.compile(rf"^param ({_NAME}) ({'|'.join(PARAM_TYPES)})(?: = (\S+))?: (.+)$")
_SETTING = re.compile(rf"^setting ({_NAME}): (.+)$")
_COLUMN = re.compile(rf"^column ({_NAME}) (key|id|count|value|count part of {_NAME}|"
                     rf"rate of {_NAME}/{_NAME}|stat over {_NAME}): (.+)$")
_USES = re.compile(rf"^uses: ({_NAME}(?:, {_NAME})*)$")
_TITLE = re.compile(rf"^({_NAME}): (.+)$")


class CatalogueError(ValueError):
    """A query file whose header does not follow the shape above."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: object = None

    def coerce(self, value):
        """The value as the SQL expects it; ValueError naming the parameter when it cannot be."""
        if value is None:
            return None
        try:
            if self.type == "date":
                if isinstance(value, str):
                    return dt.date.fromisoformat(value)
                if isinstance(value, dt.datetime | pd.Timestamp):
                    return value.date()
                if isinstance(value, dt.date):
                    return value
                raise TypeError
            if self.type == "integer":
                if isinstance(value, bool) or float(value) != int(float(value)):
                    raise TypeError
                return int(float(value))
            if self.type == "number":
                return float(value)
            if self.type == "boolean":
                if isinstance(value, str):
                    return BOOLEAN_WORDS[value.strip().lower()]
                return bool(value)
            return str(value)
        except (TypeError, ValueError, KeyError):
            raise ValueError(f"parameter {self.name!r} must be a {self.type}") from None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # key, id, count, value, count part of X, rate of N/D, stat over X
    description: str

    @property
    def base_kind(self) -> str:
        return self.kind.split(" ")[0]

    @property
    def refers_to(self) -> tuple[str, ...]:
        """The columns a count part, rate or stat is computed from."""
        if self.kind.startswith("count part of "):
            return (self.kind.removeprefix("count part of "),)
        if self.kind.startswith("rate of "):
            return tuple(self.kind.removeprefix("rate of ").split("/"))
        if self.kind.startswith("stat over "):
            return (self.kind.removeprefix("stat over "),)
        return ()


@dataclass(frozen=True)
class QuerySpec:
    name: str
    summary: str
    description: str
    sql: str  # the body, header included (comments are SQL too)
    path: Path
    parameters: dict[str, Parameter] = field(default_factory=dict)
    settings: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    uses: tuple[str, ...] = ()

    @property
    def participant_level(self) -> bool:
        """Rows that identify participants or contacts: never shown to leadership."""
        return any(column.kind == "id" for column in self.columns)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def parse(path: Path) -> QuerySpec:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    where = f"{path.name}"
    if not header or not _TITLE.match(header[0]):
        raise CatalogueError(f"{where}: the first line must be '-- {path.stem}: what it answers'")
    name, summary = _TITLE.match(header[0]).groups()
    if name != path.stem:
        raise CatalogueError(f"{where}: the header names {name!r}, the file {path.stem!r}")
    description, parameters, settings, columns, uses = [summary], {}, [], [], ()
    for line in header[1:]:
        if match := _PARAM.match(line):
            param_name, kind, default, about = match.groups()
            parameter = Parameter(param_name, kind, about)
            if default is not None:
                parameter = Parameter(param_name, kind, about, parameter.coerce(default))
            parameters[param_name] = parameter
        elif match := _SETTING.match(line):
            settings.append(match.group(1))
        elif match := _COLUMN.match(line):
            columns.append(Column(*match.groups()))
        elif match := _USES.match(line):
            uses = tuple(match.group(1).split(", "))
        elif line.startswith(("param ", "setting ", "column ", "uses")):
            raise CatalogueError(f"{where}: cannot read the header line '-- {line}'")
        elif line:
            description.append(line)
    if not columns:
        raise CatalogueError(f"{where}: the header lists no '-- column' lines")
    return QuerySpec(name, summary, " ".join(description), text, path, parameters,
                     tuple(settings), tuple(columns), uses)


def builtin_folder() -> Path:
    """The queries shipped with the package (the top-level queries/ folder of a checkout)."""
    return Path(str(importlib.resources.files("supervision_dash.queries")))


class Catalogue(Mapping):
    """Every query by name: the built-in ones, then those of extra folders (which may replace a
    built-in query of the same name)."""

    def __init__(self, folders: list[Path]):
        self._specs: dict[str, QuerySpec] = {}
        for folder in folders:
            for path in sorted(Path(folder).glob("*.sql")):
                self._specs[path.stem] = parse(path)
        for spec in self._specs.values():
            missing = [used for used in spec.uses if used not in self._specs]
            if missing:
                raise CatalogueError(f"{spec.path.name}: uses unknown query {missing[0]!r}")

    def __getitem__(self, name: str) -> QuerySpec:
        try:
            return self._specs[name]
        except KeyError:
            raise KeyError(f"unknown query {name!r}; the queries are: "
                           f"{', '.join(sorted(self._specs))}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._specs))

    def __len__(self) -> int:
        return len(self._specs)

    def composed_sql(self, name: str) -> str:
        """The query's SQL with the queries it uses as leading CTEs."""
        spec = self[name]
        if not spec.uses:
            return spec.sql
        ctes = ",\n".join(f"{used} AS (\n{_without_final_order(self.composed_sql(used))}\n)"
                          for used in spec.uses)
        return f"WITH {ctes}\n{spec.sql}" if not _starts_with_with(spec.sql) else \
            re.sub(r"^\s*WITH\b", f"WITH {ctes},", _strip_header(spec.sql), count=1,
                   flags=re.I)

    def parameters(self, name: str) -> dict[str, Parameter]:
        """The query's own parameters, in its header's order, then those only the queries it
        uses declare."""
        merged = dict(self[name].parameters)
        for used in self[name].uses:
            for key, parameter in self.parameters(used).items():
                merged.setdefault(key, parameter)
        return merged

    def settings(self, name: str) -> set[str]:
        names = set(self[name].settings)
        for used in self[name].uses:
            names |= self.settings(used)
        return names

    def to_frame(self) -> pd.DataFrame:
        """One row per query: name, summary, parameters and columns, for a notebook."""
        return pd.DataFrame([
            {
                "name": spec.name,
                "summary": spec.summary,
                "parameters": ", ".join(self.parameters(spec.name)),
                "columns": ", ".join(spec.column_names),
                "participant_level": spec.participant_level,
            }
            for spec in (self[name] for name in self)
        ])

    def markdown_table(self) -> str:
        """The catalogue as the README lists it (a test keeps the two equal)."""
        lines = ["| query | what it answers | parameters |", "|---|---|---|"]
        for name in self:
            parameters = ", ".join(f"`{p}`" for p in self.parameters(name)) or "—"
            level = " *(participant-level)*" if self[name].participant_level else ""
            lines.append(f"| `{name}` | {self[name].summary}{level} | {parameters} |")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


def _without_final_order(sql: str) -> str:
    """A used query's rows need no order: its last top-level ORDER BY only costs a sort."""
    return re.sub(r"\bORDER\s+BY\b[^()]*$", "", _strip_header(sql).rstrip().rstrip(";"),
                  flags=re.I)


def _strip_header(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.startswith("--"))


def _starts_with_with(sql: str) -> bool:
    return re.match(r"^\s*WITH\b", _strip_header(sql), re.I) is not None
