"""Loading a validated extract into its DuckDB database, atomically.

The database is built in a temporary file beside the target and moved into place only when
everything succeeded, so a failed load leaves the previous database byte for byte as it was,
and a server reading the old file keeps reading it until it reopens. Every contract table
exists in the database (an absent optional table is created empty and recorded as absent), so
queries never fail on a missing table and can say "no <table> extract" instead.
"""


from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import __version__
from .contract import CONTRACT_VERSION, TABLES
from .report import Report
from .staging import Params, quote, typed_sql
from .validation import ExtractError, stage_and_check

# Bump when the database layout changes (derived tables, metadata): older files must be
# loaded again, and cached ones are.
STORAGE_VERSION = "2"


@dataclass
class LoadResult:
    database: Path
    report: Report
    rows: dict[str, int]
    seconds: float


def load(extract: str | Path, database: str | Path, progress=None) -> LoadResult:
    """Validate ``extract`` and build ``database`` from it; raise ExtractError if it fails."""
    started = time.perf_counter()
    extract, database = Path(extract), Path(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    spill = tempfile.mkdtemp(prefix="supervision_dash_")
    staging = duckdb.connect(config={"temp_directory": spill})
    temporary = database.with_name(f".{database.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        report, staged = stage_and_check(extract, staging, progress)
        if not report.ok:
            raise ExtractError(report)
        staging.execute("ATTACH $path AS target", {"path": str(temporary)})
        rows = {}
        for name, table in TABLES.items():
            if progress:
                progress(f"writing {name}")
            if name in staged:
                params = Params()
                columns = ", ".join(
                    f"{typed_sql(staged[name], column, params)} AS {quote(column.name)}"
                    for column in table.columns
                )
                order = f" ORDER BY {', '.join(map(quote, table.sort_by))}" if table.sort_by else ""
                staging.execute(
                    f"CREATE TABLE target.{quote(name)} AS SELECT {columns} "
                    f"FROM {quote(staged[name].staging)}{order}", params.values)
                rows[name] = staged[name].rows
            else:
                columns = ", ".join(f"{quote(c.name)} {c.sql_type}" for c in table.columns)
                staging.execute(f"CREATE TABLE target.{quote(name)} ({columns})")
        # Durations per mode: the extended-contact rule's median over the whole extract is
        # read off these counts instead of scanning every contact on every query.
        staging.execute("CREATE TABLE target.contact_durations AS SELECT mode, duration_min, "
                        "count(*) AS contacts FROM target.contacts GROUP BY ALL ORDER BY ALL")
        _write_metadata(staging, extract, report, rows)
        staging.execute("DETACH target")
        staging.close()
        os.replace(temporary, database)
        return LoadResult(database, report, rows, time.perf_counter() - started)
    finally:
        staging.close()
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)


def _write_metadata(con, extract: Path, report: Report, rows: dict[str, int]) -> None:
    """What the database was built from: read by the data-quality view and `open_warehouse`."""
    con.execute("CREATE TABLE target.extract_load (source_folder VARCHAR, loaded_at TIMESTAMP, "
                "contract_version VARCHAR, tool_version VARCHAR, storage_version VARCHAR)")
    con.execute("INSERT INTO target.extract_load VALUES ($folder, $at, $contract, $tool, "
                "$storage)", {
        "folder": extract.resolve().name, "at": dt.datetime.now().replace(microsecond=0),
        "contract": CONTRACT_VERSION, "tool": __version__, "storage": STORAGE_VERSION,
    })
    con.execute("CREATE TABLE target.extract_tables (table_name VARCHAR, present BOOLEAN, "
                "source_file VARCHAR, row_count BIGINT)")
    for name in TABLES:
        summary = report.tables.get(name)
        con.execute("INSERT INTO target.extract_tables VALUES ($name, $present, $file, $rows)", {
            "name": name, "present": name in rows,
            "file": summary.file if summary else None, "rows": rows.get(name, 0),
        })
    con.execute("CREATE TABLE target.extract_warnings (table_name VARCHAR, column_name VARCHAR, "
                "rule VARCHAR, message VARCHAR, locations VARCHAR, count BIGINT)")
    for warning in report.warnings:
        con.execute("INSERT INTO target.extract_warnings VALUES ($t, $c, $r, $m, $w, $n)", {
            "t": warning.table, "c": warning.column, "r": warning.rule,
            "m": warning.message, "w": warning.where(), "n": warning.count,
        })
