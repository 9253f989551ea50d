"""The query catalogue, read from the comment headers of the `.sql` files in `queries/`.

The header is the documentation and the only list: a query exists because its file exists, and
its parameters and columns are what its header says (a test checks the header against what the
SQL uses and returns). The header's shape:

    -- caseload: one line that says what the query answers.
    -- More lines: a paragraph a supervisor can read, the choices made where the docs are silent.
    -- uses: peer_scope                  (optional: that query's rows, as a table of this name)
    -- uses: fidelity_scores(rater_role = 'supervisor', all_episodes = false)   (values pinned)
    -- param as_of date: what it means (default: ...)
    -- param months integer = 12, from 1 to 120: a default and bounds
    -- param by text = peer, one of peer|site|program: a default and the values allowed
    -- setting default_capacity: why the query needs this program setting
    -- context allowed_peers: a value the warehouse binds (see CONTEXT)
    -- column peer_id key: what the column holds
    -- column active_participants count: ...
    -- column utilization rate of active_participants/caseload_capacity: ...

A query's parameters are exactly those its own header declares. Each parameter of a query it
uses gets the value pinned in the `uses:` line, else the value of the user's parameter of the
same name when the user declares one, else its own default: nothing else reaches it.

Column kinds drive disclosure control (see disclosure.py): `key` (a grouping dimension), `id`
(identifies a participant or a contact: the query is participant-level), `count` (of
participants or of their contacts, assessments...), `staff count` (of peers), `count part of
TOTAL`, `rate of NUMERATOR/DENOMINATOR`, `stat over COUNT` (a mean, median or percentage
summarising COUNT units) and `value` (anything else).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import importlib.resources
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlglot
from sqlglot import exp

from .contract import BOOLEAN_WORDS

PARAM_TYPES = ("date", "text", "integer", "number", "boolean")
_NAME = r"[a-z_][a-z0-9_]*"
_PARAM = re.compile(rf"^param ({_NAME}) ({'|'.join(PARAM_TYPES)})(?: = ([^\s,]+))?"
                    r"(?:, one of ([^\s,:|]+(?:\|[^\s,:|]+)+))?"
                    r"(?:, from (-?\d+) to (-?\d+))?: (.+)$")
_SETTING = re.compile(rf"^setting ({_NAME}): (.+)$")
_CONTEXT = re.compile(rf"^context ({_NAME}): (.+)$")
_COLUMN = re.compile(rf"^column ({_NAME}) (key|id|count|staff count|value|count part of {_NAME}|"
                     rf"rate of {_NAME}/{_NAME}|stat over {_NAME}): (.+)$")
_LITERAL = r"'(?:[^']|'')*'|[^\s,()']+"
_PIN = rf"{_NAME} = (?:{_LITERAL})"
_USE = rf"{_NAME}(?:\({_PIN}(?:, {_PIN})*\))?"
_USES = re.compile(rf"^uses: ({_USE}(?:, {_USE})*)$")
_TITLE = re.compile(rf"^({_NAME}): (.+)$")

# Values the warehouse binds itself, from who is asking and what was loaded; a query names the
# ones it reads in `-- context` lines.
CONTEXT = {
    "allowed_peers": "the peers the caller may see, as a list of peer IDs (empty: every peer)",
    "min_category_size": "a free category with fewer participants than this is shown as "
                         "Other (0 for the supervisor role, min_cell_size for leadership)",
    "contract": "each contract table's date columns and optional columns, by table name",
}
CHOICES_LISTED = 12  # more valid values than this: the closest are named instead


class CatalogueError(ValueError):
    """A query file whose header does not follow the shape above."""


class ParameterError(ValueError):
    """A parameter value a query cannot answer: the message names the parameter and what it may
    be, and never repeats the value given."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: object = None
    allowed: tuple[str, ...] | None = None  # an enumerated text parameter's values
    bounds: tuple[int, int] | None = None  # an integer parameter's lowest and highest value

    def coerce(self, value):
        """The value as the SQL expects it (empty text is no value); ParameterError naming the
        parameter when it cannot be one, or is not one of the allowed values or bounds."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            value = self._typed(value)
        except (TypeError, ValueError, KeyError, OverflowError):
            raise ParameterError(f"{self.name}: must be {_TYPE_WORDS[self.type]}") from None
        if self.allowed is not None:
            spelled = {choice.lower(): choice for choice in self.allowed}
            if value.lower() not in spelled:
                raise ParameterError(f"{self.name}: must be one of {', '.join(self.allowed)}")
            value = spelled[value.lower()]
        if self.bounds is not None and not self.bounds[0] <= value <= self.bounds[1]:
            raise ParameterError(f"{self.name}: must be from {self.bounds[0]} to "
                                 f"{self.bounds[1]}")
        return value

    def _typed(self, value):
        if self.type == "date":
            if isinstance(value, str):
                return dt.date.fromisoformat(value.strip())
            if isinstance(value, dt.datetime | pd.Timestamp):
                return value.date()
            if isinstance(value, dt.date):
                return value
            raise TypeError
        if self.type == "integer":
            number = float(value)
            if isinstance(value, bool) or not math.isfinite(number) or number != int(number):
                raise TypeError
            return int(number)
        if self.type == "number":
            number = float(value)
            if isinstance(value, bool) or not math.isfinite(number):
                raise TypeError
            return number
        if self.type == "boolean":
            if isinstance(value, str):
                return BOOLEAN_WORDS[value.strip().lower()]
            if value not in (True, False):  # a bool, 0 or 1 (numpy's too)
                raise TypeError
            return bool(value)
        return str(value)


_TYPE_WORDS = {"date": "a date (YYYY-MM-DD)", "text": "text", "integer": "an integer",
               "number": "a number", "boolean": "a boolean (true or false)"}


def not_a_choice(name: str, value: str, choices: list[str]) -> ParameterError:
    """The error for a value that is not one of ``choices`` (the values the caller may see):
    every choice when there are few, else the closest ones to the value given. The value
    itself is never repeated."""
    if not choices:
        return ParameterError(f"{name}: nothing to choose from in this scope")
    if len(choices) <= CHOICES_LISTED:
        return ParameterError(f"{name}: no such {name}; the choices are {', '.join(choices)}")
    closest = difflib.get_close_matches(str(value), choices, n=5)
    if not closest:
        return ParameterError(f"{name}: no such {name} among the {len(choices)} choices")
    return ParameterError(f"{name}: no such {name}; the closest are {', '.join(closest)}")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # key, id, count, staff count, value, count part of X, rate of N/D, stat over X
    description: str

    @property
    def base_kind(self) -> str:
        """key, id, count, staff, value, rate or stat."""
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
    pins: dict[str, dict[str, str]] = field(default_factory=dict)  # used query -> literals
    context: tuple[str, ...] = ()

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
    description, parameters, settings, columns, context = [summary], {}, [], [], []
    pins: dict[str, dict[str, str]] = {}
    for line in header[1:]:
        if match := _PARAM.match(line):
            param_name, kind, default, allowed, low, high, about = match.groups()
            if allowed and kind != "text" or low and kind != "integer":
                raise CatalogueError(f"{where}: only text parameters take 'one of' and only "
                                     f"integer ones 'from … to': '-- {line}'")
            parameter = Parameter(param_name, kind, about,
                                  allowed=tuple(allowed.split("|")) if allowed else None,
                                  bounds=(int(low), int(high)) if low else None)
            if default is not None:
                try:
                    parameter = Parameter(param_name, kind, about, parameter.coerce(default),
                                          parameter.allowed, parameter.bounds)
                except ParameterError as exc:
                    raise CatalogueError(f"{where}: the default of {exc}") from None
            parameters[param_name] = parameter
        elif match := _SETTING.match(line):
            settings.append(match.group(1))
        elif match := _CONTEXT.match(line):
            if match.group(1) not in CONTEXT:
                raise CatalogueError(f"{where}: unknown context value {match.group(1)!r}; "
                                     f"the warehouse binds {', '.join(CONTEXT)}")
            context.append(match.group(1))
        elif match := _COLUMN.match(line):
            columns.append(Column(*match.groups()))
        elif match := _USES.match(line):
            for used, listed in re.findall(rf"({_NAME})(?:\(([^()]*)\))?", match.group(1)):
                if used in pins:
                    raise CatalogueError(f"{where}: uses {used} twice")
                pins[used] = dict(re.findall(rf"({_NAME}) = ({_LITERAL})", listed))
        elif line.startswith(("param ", "setting ", "context ", "column ", "uses")):
            raise CatalogueError(f"{where}: cannot read the header line '-- {line}'")
        elif line:
            description.append(line)
    if not columns:
        raise CatalogueError(f"{where}: the header lists no '-- column' lines")
    return QuerySpec(name, summary, " ".join(description), text, path, parameters,
                     tuple(settings), tuple(columns), tuple(pins), pins, tuple(context))


def builtin_folder() -> Path:
    """The queries shipped with the package (the top-level queries/ folder of a checkout)."""
    return Path(str(importlib.resources.files("supervision_dash.queries")))


@dataclass(frozen=True)
class InnerValue:
    """A value bound for a parameter of a used query that its user does not pass on: pinned in
    the `uses:` line, or the used query's own default."""

    parameter: Parameter
    value: object
    pinned: bool


@dataclass(frozen=True)
class Composition:
    """A query ready to run: its SQL with the queries it uses as leading CTEs, and the values of
    their parameters that are not the caller's, by placeholder name."""

    sql: str
    inner: dict[str, InnerValue] = field(default_factory=dict)


class Catalogue(Mapping):
    """Every query by name: the built-in ones, then those of extra folders (which may replace a
    built-in query of the same name)."""

    def __init__(self, folders: list[Path]):
        self._specs: dict[str, QuerySpec] = {}
        for folder in folders:
            for path in sorted(Path(folder).glob("*.sql")):
                self._specs[path.stem] = parse(path)
        self._pins: dict[tuple[str, str], dict[str, object]] = {}
        for spec in self._specs.values():
            for used, literals in spec.pins.items():
                self._pins[spec.name, used] = self._pinned(spec, used, literals)
        self._compositions: dict[str, Composition] = {}

    def _pinned(self, spec: QuerySpec, used: str, literals: dict[str, str]) -> dict:
        """The pinned values of one `uses:` entry, checked against the used query's header."""
        where = spec.path.name
        if used not in self._specs:
            raise CatalogueError(f"{where}: uses unknown query {used!r}")
        declared = self._specs[used].parameters
        for name in set(declared) & set(spec.parameters):
            if declared[name].type != spec.parameters[name].type:
                raise CatalogueError(f"{where}: {name} is a {spec.parameters[name].type} here "
                                     f"and a {declared[name].type} in {used}")
        values = {}
        for name, literal in literals.items():
            if name not in declared:
                raise CatalogueError(f"{where}: {used} has no parameter {name!r}")
            text = literal[1:-1].replace("''", "'") if literal.startswith("'") else literal
            try:
                values[name] = declared[name].coerce(None if text.lower() == "null" else text)
            except ParameterError as exc:
                raise CatalogueError(f"{where}: {used}'s {exc}") from None
        return values

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

    def parameters(self, name: str) -> dict[str, Parameter]:
        """The query's parameters, in its header's order: exactly those its header declares."""
        return dict(self[name].parameters)

    def settings(self, name: str) -> set[str]:
        """The program settings the query and the queries it uses read."""
        names = set(self[name].settings)
        for used in self[name].uses:
            names |= self.settings(used)
        return names

    def context(self, name: str) -> set[str]:
        """The context values (see CONTEXT) the query and the queries it uses read."""
        names = set(self[name].context)
        for used in self[name].uses:
            names |= self.context(used)
        return names

    def composition(self, name: str) -> Composition:
        """The query as it runs. A query that uses no other runs as written; otherwise its
        parse tree gets every used query as a leading CTE (see `_tree`)."""
        if name not in self._compositions:
            if not self[name].uses:
                self._compositions[name] = Composition(self[name].sql)
            else:
                tree, inner = self._tree(name, None, "")
                self._compositions[name] = Composition(
                    tree.sql(dialect="duckdb", comments=False), inner)
        return self._compositions[name]

    def composed_sql(self, name: str) -> str:
        """The SQL that runs for the query (see `composition`)."""
        return self.composition(name).sql

    def _tree(self, name: str, placeholders: dict[str, str] | None, prefix: str):
        """The query's parse tree, its parameters' placeholders renamed as ``placeholders``
        says (None: kept, for the query asked for), with each query it uses as a CTE of the
        same name put first, and the values that only those CTEs read."""
        spec = self[name]
        tree = _parsed(spec.sql, spec.path.name)
        if placeholders:
            for node in tree.find_all(exp.Placeholder):
                if node.name in placeholders:
                    node.set("this", placeholders[node.name])
        inner: dict[str, InnerValue] = {}
        ctes = []
        for used in spec.uses:
            pins = self._pins[name, used]
            renamed = {}
            for key, parameter in self[used].parameters.items():
                if key in pins:
                    renamed[key] = f"{prefix}{used}__{key}"
                    inner[renamed[key]] = InnerValue(parameter, pins[key], True)
                elif key in spec.parameters:  # the user's own parameter of that name
                    renamed[key] = (placeholders or {}).get(key, key)
                else:
                    renamed[key] = f"{prefix}{used}__{key}"
                    inner[renamed[key]] = InnerValue(parameter, parameter.default, False)
            subtree, subinner = self._tree(used, renamed, f"{prefix}{used}__")
            inner.update(subinner)
            # A used query's rows need no order: its final ORDER BY only costs a sort, unless a
            # LIMIT or OFFSET makes the order part of which rows there are.
            if not (subtree.args.get("limit") or subtree.args.get("offset")):
                subtree.set("order", None)
            ctes.append(exp.CTE(this=subtree, alias=exp.TableAlias(
                this=exp.to_identifier(used))))
        existing = tree.args.get("with_")
        if existing is not None:
            existing.set("expressions", [*ctes, *existing.expressions])
        else:
            tree.set("with_", exp.With(expressions=ctes))
        return tree, inner

    def to_frame(self) -> pd.DataFrame:
        """One row per query: name, summary, parameters and columns, for a notebook."""
        return pd.DataFrame([
            {
                "name": spec.name,
                "summary": spec.summary,
                "parameters": ", ".join(spec.parameters),
                "columns": ", ".join(spec.column_names),
                "participant_level": spec.participant_level,
            }
            for spec in (self[name] for name in self)
        ])

    def markdown_table(self) -> str:
        """The catalogue as the README lists it (a test keeps the two equal)."""
        lines = ["| query | what it answers | parameters |", "|---|---|---|"]
        for name in self:
            parameters = ", ".join(f"`{p}`" for p in self[name].parameters) or "—"
            level = " *(participant-level)*" if self[name].participant_level else ""
            lines.append(f"| `{name}` | {self[name].summary}{level} | {parameters} |")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


@functools.lru_cache(maxsize=256)
def _parsed_once(sql: str, where: str) -> exp.Expression:
    try:
        return sqlglot.parse_one(sql, dialect="duckdb")
    except sqlglot.errors.SqlglotError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CatalogueError(f"{where}: a query that uses another, or is used, must be SQL "
                             f"sqlglot can read: {first}") from None


def _parsed(sql: str, where: str) -> exp.Expression:
    """A fresh copy of the query's parse tree (the parse itself is done once per text)."""
    return _parsed_once(sql, where).copy()
