"""Validation of an extract folder against the contract: every problem, reported at once.

All checks run inside DuckDB over the staged tables: the reader's rejected lines (a value that
does not parse, a line of the wrong shape, bytes that are not UTF-8), then one pass per table
for the row rules (required, allowed values, ranges, dates inside the accepted span, ordering,
two columns that must differ, NUL bytes, time zones, identifier-shaped values), then uniqueness
and the references between tables. A rule reports how many lines broke it and the first few. No
message ever carries a value from the extract: DuckDB's own error messages may quote one, so
they are never shown.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import identifiers
from .contract import TABLES, Column, Table, format_number
from .report import SHOWN_LOCATIONS, Report, TableSummary
from .settings import INSTRUMENTS
from .staging import (
    ZONE_MESSAGE, ZONED_TIMESTAMP, Params, RefusedFile, StagedTable, csv_header,
    ctrl_c_as_keyboard_interrupt, find_files, is_null_sql, quote, refuse_odd_file, stage_csv,
    stage_parquet, typed_sql,
)

SHOWN = {"shown": SHOWN_LOCATIONS}  # the bound parameter of how many places a problem lists

TYPE_MESSAGES = {
    "date": "not a date that exists, written YYYY-MM-DD",
    "timestamp": "not a date and time that exist, written YYYY-MM-DD HH:MM[:SS]",
    "integer": "not a whole number",
    "number": "not a finite number",
    "boolean": "not a boolean (true/false, 1/0, yes/no)",
}


# Dates and timestamps are accepted from EARLIEST_DATE to one year after the day of validation.
EARLIEST_DATE = dt.date(1900, 1, 1)
# DuckDB errors that are not about a value: they stop the work rather than become a problem.
STOPPING_ERRORS = (duckdb.InterruptException, duckdb.IOException, duckdb.OutOfMemoryException)


def latest_date(today: dt.date, years: int = 1) -> dt.date:
    """The last date a column may hold: one year (or the column's ``years_ahead``) after the
    day of validation."""
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


class ExtractError(Exception):
    """An extract that failed validation; ``report`` holds every problem."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(str(report))


def validate(path: str | Path, today: dt.date | None = None) -> Report:
    """Check an extract folder against the contract and return the report of every problem.
    ``today`` is the day of validation (default: today), which bounds the dates accepted."""
    con = duckdb.connect()
    try:
        with ctrl_c_as_keyboard_interrupt():
            report, _ = stage_and_check(Path(path), con, today=today)
        return report
    finally:
        con.close()


def stage_and_check(folder: Path, con: duckdb.DuckDBPyConnection, progress=None,
                    today: dt.date | None = None) -> tuple[Report, dict[str, StagedTable]]:
    """Stage every table of the extract into ``con`` and check it; the loader reuses both."""
    today = today or dt.date.today()
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:  # in Jupyter without ipywidgets DuckDB refuses to touch the setting
        pass
    report = Report(extract=folder.name or str(folder))
    if not folder.is_dir():
        report.add("error", "extract", None, "folder", "the extract folder does not exist")
        return report, {}
    found, unknown = find_files(folder)
    for path in unknown:
        report.add("warning", "extract", None, "unknown file",
                   f"{path.name} is not a table of the contract; it is ignored")
    staged: dict[str, StagedTable] = {}
    for name, table in TABLES.items():
        paths = found.get(name, [])
        if not paths:
            if table.required:
                report.add("error", name, None, "missing table",
                           f"the required table {name} has no {name}.csv or {name}.parquet")
            continue
        if len(paths) > 1:
            report.add("error", name, None, "ambiguous table",
                       f"{name} is given twice ({', '.join(p.name for p in paths)}); keep one")
            continue
        if progress:
            progress(f"reading {paths[0].name}")
        staged_table = _stage(con, name, paths[0], report)
        if staged_table is not None:
            staged[name] = staged_table
            report.tables[name] = TableSummary(name, paths[0].name, staged_table.format,
                                               staged_table.rows)
    for name, staged_table in staged.items():
        if progress:
            progress(f"checking {name} ({staged_table.rows:,} rows)")
        with _unreadable_values(report, name):
            _check_table(con, TABLES[name], staged_table, report, today)
    if progress:
        progress("checking references between tables")
    for name, staged_table in staged.items():
        with _unreadable_values(report, name):
            _check_references(con, TABLES[name], staged_table, staged, report)
    order = {name: index for index, name in enumerate(["extract", *TABLES])}
    report.problems.sort(key=lambda problem: order.get(problem.table, len(order)))
    return report, staged


@contextmanager
def _unreadable_values(report: Report, table: str):
    """A DuckDB error while checking a table becomes one problem naming the table; DuckDB's
    message is never shown (it may quote a value)."""
    try:
        yield
    except STOPPING_ERRORS:
        raise
    except duckdb.Error:
        report.add("error", table, None, "unreadable value",
                   "the table could not be checked: DuckDB could not read or convert one of its "
                   "values (value not shown)")


def _stage(con, name: str, path: Path, report: Report) -> StagedTable | None:
    try:
        refuse_odd_file(path)
        if path.suffix.lower() == ".csv":
            if not _header_ok(name, path, report):
                return None
            table = stage_csv(con, name, path)
        else:
            table = stage_parquet(con, name, path)
            names = [column for column in table.source_types if column != "_file_row"]
            if not _names_ok(name, names, report, {"unit": "file"}):
                return None
    except RefusedFile as refused:
        for column, rule, message in refused.problems:
            report.add("error", name, column, rule, message)
        return None
    except OSError as exc:
        report.add("error", name, None, "unreadable file",
                   f"{path.name} could not be read: {exc.strerror or 'an operating system error'}")
        return None
    except STOPPING_ERRORS:
        raise
    except (duckdb.Error, ValueError) as exc:
        report.add("error", name, None, "unreadable file",
                   f"{path.name} could not be read as {path.suffix[1:].upper()}: "
                   f"{_read_failure(exc)}")
        return None
    if table.structure_lines:
        report.add("error", name, None, "structure",
                   "the line does not have one field per header column (check quoting and "
                   "delimiters)", "line", table.structure_lines)
    for column_name, (count, places) in table.not_utf8.items():
        report.add("error", name, column_name, "encoding", "the value is not UTF-8 text",
                   table.unit, places, count)
    for column_name, lines in table.cast_lines.items():
        column = TABLES[name].column(column_name) if column_name in TABLES[name].column_names \
            else None
        message = TYPE_MESSAGES[column.type] if column else "the value could not be read"
        report.add("error", name, column_name, "type", message, "line", lines)
    if table.rows == 0 and not table.rejected_lines:
        if TABLES[name].required:
            report.add("error", name, None, "empty table",
                       f"{path.name} has no data rows; the table is required")
        else:
            report.add("warning", name, None, "empty table", f"{path.name} has no data rows")
    return table


def _header_ok(name: str, path: Path, report: Report) -> bool:
    try:
        header = csv_header(path)
    except ValueError as exc:
        report.add("error", name, None, "header", f"{path.name}: {exc}", "line", [1])
        return False
    if not _names_ok(name, header, report, {"unit": "line", "locations": [1]}):
        return False
    keys = [column.strip().lower() for column in header]
    if "" in keys:
        report.add("error", name, None, "header", "a header column has no name", "line", [1])
        return False
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        report.add("error", name, None, "header",
                   f"columns named more than once: {', '.join(repeated)}", "line", [1])
        return False
    return True


def _names_ok(name: str, names: list[str], report: Report, where: dict) -> bool:
    """Column names that are most likely a data row read as the header (the header line is
    missing): one shaped like an email, phone number or other identifier, or none of the
    table's required columns named. The table is refused without ever putting those names,
    which are values, in the report."""
    for number, column_name in enumerate(names, start=1):
        kind = identifiers.value_kind(column_name)
        if kind:
            report.add("error", name, None, "identifier value",
                       f"the name of column {number} looks like {identifiers.with_article(kind)}, "
                       "not a column name: is the header line missing? (value not shown)",
                       **where)
            return False
    required = [column.name for column in TABLES[name].columns if column.required]
    if not {column_name.strip().lower() for column_name in names} & set(required):
        what = "the header line" if where["unit"] == "line" else "the column names"
        report.add("error", name, None, "header",
                   f"{what} is missing or wrong: none of the required columns "
                   f"({', '.join(required)}) is named (names not shown)", **where)
        return False
    return True


def _read_failure(exc: Exception) -> str:
    """The kind of read failure, without echoing file contents that DuckDB may quote."""
    text = str(exc).lower()
    if "unicode" in text or "utf" in text:
        return "it is not UTF-8 text"
    if "parquet" in text or "magic" in text:
        return "it is not a Parquet file"
    return "DuckDB could not parse it"


def _header_locations(staged: StagedTable) -> dict:
    """Where a header problem is: line 1 of a CSV file; the whole file for Parquet."""
    if staged.format == "csv":
        return {"unit": "line", "locations": [1]}
    return {"unit": "file"}


def _check_table(con, table: Table, staged: StagedTable, report: Report,
                 today: dt.date) -> None:
    for extra in staged.extras:
        kind = identifiers.identifier_column_kind(extra)
        if kind:
            report.add("error", table.name, extra, "identifier column",
                       f"the column name suggests a direct identifier ({kind}); remove it "
                       "from the extract", **_header_locations(staged))
        else:
            report.add("warning", table.name, extra, "extra column",
                       "not in the contract; dropped", **_header_locations(staged))
    for column in table.columns:
        if column.required and column.name not in staged.columns:
            report.add("error", table.name, column.name, "missing column",
                       "the required column is missing", **_header_locations(staged))

    params = Params()
    checks: list[tuple[str, str, str, str]] = []  # (column, rule, message, SQL true when bad)
    for column in table.columns:
        if column.name in staged.columns:
            checks.extend(_row_checks(table, staged, column, params, today))
    for extra in staged.extras:
        if staged.source_types[extra] != "VARCHAR":
            continue
        checks.append((extra, "NUL byte", NUL_MESSAGE, f"contains({quote(extra)}, chr(0))"))
        if not identifiers.identifier_column_kind(extra):  # a column outside the contract is
            checks.append((extra, "identifier value", "",  # checked as free text
                           _identifier_sql(quote(extra), identifiers.FREE_TEXT, params)))
    # Counting is cheap; finding the first places is not, so it is done only for broken rules.
    newline = staged.newline_sql()
    selects = [f"count(*) FILTER (WHERE {newline})" if newline else "0"]
    selects += [f"count(*) FILTER (WHERE {condition})" for *_, condition in checks]
    counts = con.execute(f"SELECT {', '.join(selects)} FROM {quote(staged.staging)}",
                         params.values).fetchone()
    if counts[0]:
        staged.find_newlines(con)
    for (column, rule, message, condition), count in zip(checks, counts[1:], strict=True):
        if not count:
            continue
        if rule == "identifier value":
            _report_identifier_kinds(con, table, staged, column, _text_kind(table, column),
                                     report)
            continue
        positions = con.execute(
            f"SELECT min({staged.position}, $shown) FROM {quote(staged.staging)} "
            f"WHERE {condition}", {**params.used_in(condition), **SHOWN}).fetchone()[0]
        report.add("error", table.name, column, rule, message, staged.unit,
                   staged.locate(positions), count)
    _check_unique(con, table, staged, report)


NUL_MESSAGE = "holds a NUL byte (binary data, not text)"


def _text_kind(table: Table, column: str) -> str:
    """What the identifier guard checks a staged column for: its contract kind, or free text
    for a column outside the contract."""
    if column in table.column_names:
        return table.column(column).text_kind
    return identifiers.FREE_TEXT


def _row_checks(table: Table, staged: StagedTable, column: Column, params: Params,
                today: dt.date):
    """(column, rule, message, SQL true on a bad row) for one column's row rules."""
    source = staged.column_sql(column.name)
    typed = typed_sql(staged, column, params)
    is_null = is_null_sql(staged, column, params)
    name = column.name
    if column.required:
        yield name, "required", "a value is required", is_null
    if staged.is_text(name):
        yield name, "NUL byte", NUL_MESSAGE, f"contains({source}, chr(0))"
    zoned = "false"
    if column.type == "timestamp" and staged.is_text(name):  # the pattern only where needed
        zoned = (f"CASE WHEN {source} IS NOT NULL AND {typed} IS NULL THEN "
                 f"regexp_full_match(trim({source}), {params(ZONED_TIMESTAMP)}) ELSE false END")
        yield name, "time zone", ZONE_MESSAGE, zoned
    if column.allowed:
        yield (name, "allowed values", "not one of: " + ", ".join(column.allowed),
               f"NOT {is_null} AND {typed} IS NULL")
    elif column.type != "text":
        yield (name, "type", TYPE_MESSAGES[column.type],
               f"{source} IS NOT NULL AND {typed} IS NULL AND NOT {zoned}")
    if column.type in ("date", "timestamp"):
        latest = latest_date(today, column.years_ahead)
        earliest, after = EARLIEST_DATE, latest + dt.timedelta(days=1)
        if column.type == "timestamp":
            earliest, after = (dt.datetime.combine(day, dt.time()) for day in (earliest, after))
        ahead = "a year" if column.years_ahead == 1 else f"{column.years_ahead} years"
        yield (name, "date range", f"before {EARLIEST_DATE} or after {latest} (dates are "
                                   f"accepted up to {ahead} after the day of validation)",
               f"{typed} < {params(earliest)} OR {typed} >= {params(after)}")
    if column.minimum is not None or column.maximum is not None:
        low = column.minimum if column.minimum is not None else float("-inf")
        high = column.maximum if column.maximum is not None else float("inf")
        yield (name, "range", _range_message(column),
               f"{typed} < {params(low)} OR {typed} > {params(high)}")
    if column.range_by and column.range_by in staged.columns:
        by = typed_sql(staged, table.column(column.range_by), params)
        position = f"list_position({params(list(INSTRUMENTS))}, {by})"
        yield (name, "range", f"outside the range of the instrument named in {column.range_by}",
               f"{typed} < {params([i.minimum for i in INSTRUMENTS.values()])}[{position}] OR "
               f"{typed} > {params([i.maximum for i in INSTRUMENTS.values()])}[{position}]")
    if column.not_before and column.not_before in staged.columns:
        earlier = typed_sql(staged, table.column(column.not_before), params)
        yield name, "order", f"must not be before {column.not_before}", f"{typed} < {earlier}"
    if column.differs_from and column.differs_from in staged.columns:
        other = typed_sql(staged, table.column(column.differs_from), params)
        yield (name, "different", f"must not be the same as {column.differs_from}",
               f"{typed} = {other}")
    # A reference's values are keys of the table it points to, which is scanned itself; only
    # its broken references are scanned here (in _check_references).
    if column.type == "text" and not column.allowed and not column.references:
        yield name, "identifier value", "", _identifier_sql(source, column.text_kind, params)


def _identifier_sql(source: str, text_kind: str, params: Params) -> str:
    return f"regexp_matches({source}, {params(identifiers.any_value_pattern(text_kind))})"


def _range_message(column: Column) -> str:
    if column.maximum is None:
        return f"must be at least {format_number(column.minimum)}"
    return f"must be from {format_number(column.minimum)} to {format_number(column.maximum)}"


def _report_identifier_kinds(con, table: Table, staged: StagedTable, column: str,
                             text_kind: str, report: Report, where: str = "true") -> None:
    """Say which identifier each flagged value looks like (the first kind it matches, as
    ``identifiers.value_kind`` does); the value itself stays unsaid."""
    source = quote(staged.columns.get(column, column))
    patterns = identifiers.value_patterns(text_kind)
    params = Params()
    first_kind = " ".join(f"WHEN regexp_matches({source}, {params(pattern)}) THEN {index}"
                          for index, pattern in enumerate(patterns.values()))
    found = con.execute(
        f"SELECT kind, count(*), min(position, $shown) FROM (SELECT CASE {first_kind} END AS "
        f"kind, {staged.position} AS position FROM {quote(staged.staging)} s "
        f"WHERE {_identifier_sql(source, text_kind, params)} AND {where}) GROUP BY kind "
        "ORDER BY kind", {**params.values, **SHOWN},
    ).fetchall()
    kinds = list(patterns)
    for index, count, positions in found:
        report.add("error", table.name, column, "identifier value",
                   f"a value looks like {identifiers.with_article(kinds[index])}; the extract "
                   "must be de-identified (value not shown)", staged.unit,
                   staged.locate(positions), count)


def _check_unique(con, table: Table, staged: StagedTable, report: Report) -> None:
    keys = [(column.name,) for column in table.columns if column.unique]
    if table.unique_together:
        keys.append(table.unique_together)
    for key in keys:
        if not all(column in staged.columns for column in key):
            continue
        columns = ", ".join(staged.column_sql(column) for column in key)
        not_null = " AND ".join(f"{staged.column_sql(column)} IS NOT NULL" for column in key)
        source = quote(staged.staging)
        count, positions = con.execute(
            f"WITH repeated AS (SELECT {columns} FROM {source} WHERE {not_null} "
            f"GROUP BY ALL HAVING count(*) > 1), "
            f"later AS (SELECT {staged.position} AS position, row_number() OVER "
            f"(PARTITION BY {columns} ORDER BY {staged.position}) AS occurrence "
            f"FROM {source} SEMI JOIN repeated USING ({columns})) "
            "SELECT count(*), min(position, $shown) FROM later WHERE occurrence > 1", SHOWN
        ).fetchone()
        if count:
            what = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
            report.add("error", table.name, ", ".join(key), "unique",
                       f"repeats the {what} of an earlier {staged.unit}", staged.unit,
                       staged.locate(positions), count)


def _check_references(con, table: Table, staged: StagedTable, all_staged, report) -> None:
    for column in table.columns:
        if not column.references or column.name not in staged.columns:
            continue
        target_table, target_column = column.references.split(".")
        target = all_staged.get(target_table)
        if target is None or target_column not in target.columns:
            continue
        if target.rejected_lines:  # the unread lines might hold the keys: no false alarms
            report.add("warning", table.name, column.name, "reference not checked",
                       f"not checked against {column.references}: fix the unreadable "
                       f"{target_table} lines first")
            continue
        source = staged.column_sql(column.name)
        broken = (f"{source} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {quote(target.staging)} t "
                  f"WHERE t.{target.column_sql(target_column)} = s.{source})")
        count, positions = con.execute(
            f"SELECT count(*), min({staged.position}, $shown) "
            f"FROM {quote(staged.staging)} s WHERE {broken}", SHOWN
        ).fetchone()
        if count:
            report.add("error", table.name, column.name, "reference",
                       f"not found in {column.references}", staged.unit,
                       staged.locate(positions), count)
            _report_identifier_kinds(con, table, staged, column.name, column.text_kind,
                                     report, broken)
