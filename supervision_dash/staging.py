"""Reading an extract folder into DuckDB staging tables, as the files have it.

CSV is read by DuckDB's own reader with every column as text, so that a bad value becomes a
reported problem instead of a failed read, IDs keep their leading zeros, and a 10-million-row
file reads in seconds. Parquet keeps its own types for dates, numbers and booleans; every other
column (a text column of the contract, whatever its physical type, and every column outside
the contract) is staged as text, so the identifier guard and every rule see what would end up
as text in the database. Each staged row keeps its position so a problem can be reported at its
CSV line or Parquet row. The typed expressions here turn staged text into contract types, and
are shared by validation (a value that does not convert is an error) and the loader (which
stores the converted value).
"""

from __future__ import annotations

import csv
import itertools
import re
import stat
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contract import BOOLEAN_WORDS, TABLES, Column
from .report import SHOWN_LOCATIONS

FORMATS = (".csv", ".parquet")


class Params:
    """Collects bound parameters while SQL text is built: values never enter the text."""

    def __init__(self):
        self.values: dict[str, object] = {}
        self._counter = itertools.count()

    def __call__(self, value) -> str:
        name = f"p{next(self._counter)}"
        self.values[name] = value
        return f"${name}"

    def used_in(self, sql: str) -> dict[str, object]:
        """The parameters a piece of the SQL refers to (DuckDB refuses unused ones)."""
        return {name: self.values[name] for name in re.findall(r"\$(p\d+)\b", sql)}


def quote(identifier: str) -> str:
    """A SQL identifier (a column or table name from the contract or a file header)."""
    return '"' + identifier.replace('"', '""') + '"'


# What DuckDB's CSV reader parses each contract type as. Dates and numbers are parsed by the
# reader itself (fast, in parallel; a value that does not parse is recorded as a rejected line).
# Whole numbers are read as DOUBLE so that 12.5 is an error rather than silently rounded;
# timestamps as text, because the reader would take a date alone as midnight.
READER_TYPES = {"date": "DATE", "integer": "DOUBLE", "number": "DOUBLE"}

# The contract's timestamps: local time, no offset. A value of this shape followed by an offset
# or a zone name is refused with its own message rather than converted.
TIMESTAMP_SHAPE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
TIMESTAMP_TEXT = r"\s*" + TIMESTAMP_SHAPE + r"\s*"  # as a CSV field may have it
ZONED_TIMESTAMP = (TIMESTAMP_SHAPE
                   + r"\s*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?|[A-Za-z][A-Za-z0-9_/+\-]*)")
ZONE_MESSAGE = ("has a time zone or an offset; the contract wants the program's local time "
                "without an offset (YYYY-MM-DD HH:MM[:SS])")


@dataclass
class StagedTable:
    name: str
    path: Path
    format: str  # "csv" or "parquet"
    staging: str  # the staging table's name in the connection
    columns: dict[str, str]  # contract column -> staged column name
    source_types: dict[str, str]  # staged column name -> DuckDB type
    extras: list[str]  # staged columns outside the contract
    rows: int = 0
    rejected_lines: list[int] = field(default_factory=list)  # CSV lines the reader skipped
    structure_lines: list[int] = field(default_factory=list)  # ...for their shape
    cast_lines: dict[str, list[int]] = field(default_factory=dict)  # ...for a column's value
    # column -> (count, first places) of values that are not UTF-8 text: CSV lines the reader
    # skipped, or Parquet binary values (staged in an escaped form so that nothing is lost)
    not_utf8: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    newline_rows: list[tuple[int, int]] = field(default_factory=list)  # (position, newlines)

    @property
    def unit(self) -> str:
        return "line" if self.format == "csv" else "row"

    @property
    def position(self) -> str:
        """The SQL expression of a staged row's position (converted by ``locate``)."""
        return "rowid" if self.format == "csv" else "_file_row"

    def locate(self, positions) -> list[int]:
        """CSV lines (header = line 1) or Parquet rows (first row = 1) of staged positions."""
        if self.format == "parquet":
            return [int(position) + 1 for position in positions]
        newline_at = [position for position, _ in self.newline_rows]
        newline_sum = list(itertools.accumulate(count for _, count in self.newline_rows))
        lines = []
        for position in positions:
            line = int(position) + 2
            for rejected in self.rejected_lines:  # lines the reader skipped come before it
                if rejected <= line:
                    line += 1
            before = bisect_right(newline_at, int(position) - 1)
            lines.append(line + (newline_sum[before - 1] if before else 0))
        return lines

    def find_newlines(self, con) -> None:
        """Rows whose quoted values span several lines, so that later lines are counted right."""
        text = [quote(c) for c, kind in self.source_types.items() if kind == "VARCHAR"]
        if self.format != "csv" or not text:
            return
        count = " + ".join(
            f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)" for c in text)
        self.newline_rows = [
            (int(position), int(newlines)) for position, newlines in con.execute(
                f"SELECT rowid, {count} FROM {quote(self.staging)} "
                f"WHERE {' OR '.join(f'contains({c}, chr(10))' for c in text)} ORDER BY rowid"
            ).fetchall()
        ]

    def newline_sql(self) -> str | None:
        """SQL true on a row with a line break inside a value (None for Parquet)."""
        text = [quote(c) for c, kind in self.source_types.items() if kind == "VARCHAR"]
        if self.format != "csv" or not text:
            return None
        return " OR ".join(f"contains({c}, chr(10))" for c in text)

    def column_sql(self, column: str) -> str | None:
        staged = self.columns.get(column)
        return quote(staged) if staged else None

    def is_text(self, column: str) -> bool:
        return self.source_types[self.columns[column]] == "VARCHAR"


@contextmanager
def ctrl_c_as_keyboard_interrupt():
    """DuckDB answers Ctrl-C by stopping its query with RuntimeError("Query interrupted") (or
    an InterruptException) instead of Python's KeyboardInterrupt: make it that again."""
    try:
        yield
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except RuntimeError as exc:
        if str(exc) != "Query interrupted":
            raise
        raise KeyboardInterrupt from None


class RefusedFile(ValueError):
    """A table file that is not read at all; ``problems`` are (column or None, rule, message)."""

    def __init__(self, problems: list[tuple[str | None, str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, _, message in problems))


def find_files(folder: Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """Contract tables -> their entries (whatever they are: see ``refuse_odd_file``), and the
    files the contract does not know (folders and hidden entries are passed over)."""
    found: dict[str, list[Path]] = {}
    unknown = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix.lower() in FORMATS and path.stem.lower() in TABLES:
            found.setdefault(path.stem.lower(), []).append(path)
        elif not stat.S_ISDIR(path.lstat().st_mode):
            unknown.append(path)
    return found, unknown


def refuse_odd_file(path: Path) -> None:
    """A table file must be a regular file in the extract folder: a symbolic link could point
    anywhere (and a dangling one would pass for an absent table), and a device or a pipe is
    not a file to read. The extract folder itself may be reached through a link."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise RefusedFile([(None, "not a regular file", f"{path.name} is a symbolic link; "
                            "put the file itself in the extract folder")])
    if not stat.S_ISREG(mode):
        raise RefusedFile([(None, "not a regular file",
                            f"{path.name} is not a regular file (a folder, device or pipe)")])


HEADER_LIMIT = 1 << 20  # bytes: a longer first line is not a header


def csv_header(path: Path) -> list[str]:
    """The header row (a BOM tolerated); ValueError when the file has none or it is not UTF-8.
    Only the header's own bytes are decoded: a bad byte further down is reported at its line."""

    def header_lines(handle):
        for number, raw in enumerate(iter(lambda: handle.readline(HEADER_LIMIT), b"")):
            if len(raw) == HEADER_LIMIT and not raw.endswith(b"\n"):
                raise ValueError("the header line is longer than 1 MiB")
            try:
                yield raw.decode("utf-8-sig" if number == 0 else "utf-8")
            except UnicodeDecodeError:
                raise ValueError("the header line is not UTF-8 text") from None

    with path.open("rb") as handle:
        header = next(csv.reader(header_lines(handle)), None)
    if not header or not any(name.strip() for name in header):
        raise ValueError("the file has no header line")
    return header


def stage_csv(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> StagedTable:
    header = csv_header(path)
    contract = {column.name: column for column in TABLES[name].columns}
    reader_types = {}
    for source in header:
        column = contract.get(source.strip().lower())
        reader_types[source] = READER_TYPES.get(column.type, "VARCHAR") if column else "VARCHAR"
    staging, rejects = f"staged_{name}", f"rejects_{name}"
    con.execute(
        f"CREATE OR REPLACE TABLE {quote(staging)} AS SELECT * FROM read_csv($path, "
        "header = true, auto_detect = false, columns = $columns, delim = ',', quote = '\"', "
        "escape = '\"', strict_mode = true, store_rejects = true, "
        f"rejects_table = {_literal(rejects)}, rejects_scan = {_literal('rejects_scan_' + name)})",
        {"path": str(path), "columns": reader_types},
    )
    table = _staged(con, name, path, "csv", staging, header)
    not_utf8: dict[str, list[int]] = {}
    for line, column, error in con.execute(
            f"SELECT DISTINCT line, column_name, error_type FROM {quote(rejects)} "
            "ORDER BY line").fetchall():
        key = column.strip().lower() if column else None
        key = key if key in contract else column
        if error == "CAST" and column:
            table.cast_lines.setdefault(key, []).append(int(line))
        elif error == "INVALID ENCODING":
            not_utf8.setdefault(key, []).append(int(line))
        elif int(line) not in table.structure_lines:
            table.structure_lines.append(int(line))
    table.not_utf8 = {column: (len(lines), lines) for column, lines in not_utf8.items()}
    table.rejected_lines = sorted({line for lines in table.cast_lines.values() for line in lines}
                                  | {line for lines in not_utf8.values() for line in lines}
                                  | set(table.structure_lines))
    return table


def _literal(text: str) -> str:
    """A string literal for read_csv options that DuckDB does not accept as parameters."""
    return "'" + text.replace("'", "''") + "'"


# The Parquet types staged as they are for each non-text contract type (DuckDB's names); a
# column of any other type is staged as text and parsed like a CSV value.
NATIVE_TYPES = {
    "date": r"DATE|TIMESTAMP(_S|_MS|_NS)?",
    "timestamp": r"DATE|TIMESTAMP(_S|_MS|_NS)?",
    "integer": r"U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(.*\)",
    "number": r"U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(.*\)",
    "boolean": r"BOOLEAN",
}
NESTED_TYPE = r".*\]|(STRUCT|MAP|UNION)\(.*"  # lists, arrays, structs, maps, unions
ZONED_TYPE = r"(TIMESTAMP|TIME) WITH TIME ZONE"


def stage_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> StagedTable:
    """Stage a Parquet file: contract dates, numbers and booleans in their own types, every
    other column as text (binary decoded as UTF-8; a value that is not is reported at its row
    and staged in DuckDB's escaped form). Nested columns and zoned timestamps are refused."""
    con.execute("CREATE OR REPLACE TEMP TABLE parquet_probe AS "
                "SELECT * FROM read_parquet($path) LIMIT 0", {"path": str(path)})
    described = con.execute("DESCRIBE parquet_probe").fetchall()
    con.execute("DROP TABLE parquet_probe")
    contract = {column.name: column for column in TABLES[name].columns}
    selects, refused, binary = [], [], []
    for source, kind, *_ in described:
        column = contract.get(source.strip().lower())
        wanted = column.type if column else "text"
        if re.fullmatch(NESTED_TYPE, kind):
            refused.append((source, "type", "a nested column (a list, struct or map); the "
                                            "contract wants one plain value per row"))
        elif re.fullmatch(ZONED_TYPE, kind) and wanted in ("date", "timestamp"):
            refused.append((source, "time zone", ZONE_MESSAGE))
        elif wanted != "text" and re.fullmatch(NATIVE_TYPES[wanted], kind):
            selects.append(quote(source))
        elif kind == "BLOB":
            binary.append(source)
            selects.append(f"coalesce(try(decode({quote(source)})), "
                           f"CAST({quote(source)} AS VARCHAR)) AS {quote(source)}")
        elif kind == "VARCHAR":
            selects.append(quote(source))
        else:
            selects.append(f"CAST({quote(source)} AS VARCHAR) AS {quote(source)}")
    if refused:
        raise RefusedFile(refused)
    staging = f"staged_{name}"
    con.execute(
        f"CREATE OR REPLACE TABLE {quote(staging)} AS SELECT {', '.join(selects)}, "
        "file_row_number AS _file_row FROM read_parquet($path, file_row_number = true)",
        {"path": str(path)},
    )
    header = [row[0] for row in described]
    table = _staged(con, name, path, "parquet", staging, header)
    for source in binary:
        count, rows = con.execute(
            "SELECT count(*), min(file_row_number, $shown) "
            "FROM read_parquet($path, file_row_number = true) "
            f"WHERE try(decode({quote(source)})) IS NULL AND {quote(source)} IS NOT NULL",
            {"path": str(path), "shown": SHOWN_LOCATIONS}).fetchone()
        if count:
            key = source.strip().lower()
            table.not_utf8[key if key in contract else source] = (count, table.locate(rows))
    return table


def _staged(con, name, path, fmt, staging, header) -> StagedTable:
    described = {row[0]: row[1] for row in con.execute(f"DESCRIBE {quote(staging)}").fetchall()}
    contract = TABLES[name].column_names
    columns: dict[str, str] = {}
    extras = []
    for source in header:
        key = source.strip().lower()
        if key in contract and key not in columns:
            columns[key] = source
        else:
            extras.append(source)
    rows = con.execute(f"SELECT count(*) FROM {quote(staging)}").fetchone()[0]
    return StagedTable(name, path, fmt, staging, columns,
                       {source: described[source] for source in header}, extras, rows)


def typed_sql(table: StagedTable, column: Column, params: Params) -> str:
    """SQL turning a staged column into its contract type; NULL where it does not convert."""
    source = table.column_sql(column.name)
    if source is None:
        return f"NULL::{column.sql_type}"
    if not table.is_text(column.name):
        if column.type == "integer":  # a double read from CSV or Parquet must be whole
            number = f"TRY_CAST({source} AS DOUBLE)"
            return f"TRY_CAST(CASE WHEN {number} = trunc({number}) THEN {number} END AS INTEGER)"
        if column.type == "number":
            number = f"TRY_CAST({source} AS DOUBLE)"
            return f"CASE WHEN isfinite({number}) THEN {number} END"
        return f"TRY_CAST({source} AS {column.sql_type})"
    text = f"trim({source})"
    # DuckDB's casts parse ISO text fast; the shape tests keep the contract's forms (a date
    # alone is not a timestamp: it has no ':'; a timestamp is not a date: it is longer).
    if column.type == "date":
        return f"CASE WHEN length({text}) = 10 THEN TRY_CAST({text} AS DATE) END"
    if column.type == "timestamp":
        # DuckDB's cast would drop an offset or a zone name: only the contract's shape is cast.
        # The usual lengths (16, 19) are told by a few characters; the rest need the pattern.
        usual = (f"substr({source}, 14, 1) = ':' AND (length({source}) = 16 OR "
                 f"length({source}) = 19 AND substr({source}, 17, 1) = ':') AND "
                 f"NOT contains({source}, 'Z')")
        return (f"CASE WHEN {usual} OR regexp_full_match({source}, "
                f"{params(TIMESTAMP_TEXT)}) "
                f"THEN TRY_CAST({source} AS TIMESTAMP) END")
    if column.type == "integer":
        number = f"TRY_CAST({text} AS DOUBLE)"
        return f"TRY_CAST(CASE WHEN {number} = trunc({number}) THEN {number} END AS INTEGER)"
    if column.type == "number":
        number = f"TRY_CAST({text} AS DOUBLE)"
        return f"CASE WHEN isfinite({number}) THEN {number} END"
    if column.type == "boolean":  # exact words first: the common case costs least
        true_words = params([word for word, value in BOOLEAN_WORDS.items() if value])
        false_words = params([word for word, value in BOOLEAN_WORDS.items() if not value])
        return (f"CASE WHEN list_contains({true_words}, {source}) THEN true "
                f"WHEN list_contains({false_words}, {source}) THEN false "
                f"WHEN list_contains({true_words}, lower({text})) THEN true "
                f"WHEN list_contains({false_words}, lower({text})) THEN false END")
    if column.allowed:  # enumerated text: any case in the file, the contract's spelling stored
        allowed = list(column.allowed)
        return (f"CASE WHEN list_contains({params(allowed)}, {source}) THEN {source} "
                f"ELSE {params(allowed)}[list_position({params([v.lower() for v in allowed])}, "
                f"lower({text}))] END")
    return source


def is_null_sql(table: StagedTable, column: Column, params: Params) -> str:
    """SQL true where the staged value means null (empty, or a null word such as 'none')."""
    source = table.column_sql(column.name)
    if column.null_words and table.is_text(column.name):
        return (f"({source} IS NULL OR list_contains({params(list(column.null_words))}, "
                f"lower(trim({source}))))")
    return f"{source} IS NULL"
