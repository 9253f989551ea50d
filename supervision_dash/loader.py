"""Loading a validated extract into its DuckDB database, atomically.

The database is built in a temporary file beside the target and moved into place only when
everything succeeded, so a failed load leaves the previous database byte for byte as it was,
and a server reading the old file keeps reading it until it reopens. Every contract table
exists in the database (an absent optional table is created empty and recorded as absent), so
queries never fail on a missing table and can say "no <table> extract" instead.

Everything a load writes on the way (the temporary database, its write-ahead log, DuckDB's
spill files) lives in one folder beside the target, ``.<name>.loading/``, readable by its owner
only. A load holds ``.<name>.lock`` (``flock``) while it works: a second load into the same
target is refused while the first runs, and the first thing a load does under the lock is to
remove what a killed load left behind. See the README, "Loading".
"""


from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import __version__
from .contract import CONTRACT_VERSION, TABLES
from .report import Report
from .staging import Params, ctrl_c_as_keyboard_interrupt, quote, typed_sql
from .validation import ExtractError, stage_and_check

# Bump when the database layout changes (derived tables, metadata): older files must be
# loaded again, and cached ones are.
STORAGE_VERSION = "2"
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class TargetError(ValueError):
    """A target the loader will not write: a folder, a file that is not a database built by
    this tool, or a file inside the extract folder. Nothing was touched."""


class LoadError(RuntimeError):
    """A load that could not complete (another load running, the disk full, a value DuckDB
    could not write). The previous database is as it was; the message quotes no value."""


@dataclass
class LoadResult:
    database: Path
    report: Report
    rows: dict[str, int]
    seconds: float


def work_folder(database: Path) -> Path:
    """Where a load into ``database`` keeps its temporary files."""
    return database.with_name(f".{database.name}.loading")


def lock_file(database: Path) -> Path:
    return database.with_name(f".{database.name}.lock")


def load(extract: str | Path, database: str | Path, progress=None,
         today: dt.date | None = None) -> LoadResult:
    """Validate ``extract`` and build ``database`` from it; raise ExtractError if it fails.
    ``today`` is the day of validation (default: today), which bounds the dates accepted."""
    started = time.perf_counter()
    extract, database = Path(extract), Path(database)
    check_target(extract, database)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(database):
        work = work_folder(database)
        _remove_leftovers(database)
        work.mkdir(mode=0o700)
        try:
            with ctrl_c_as_keyboard_interrupt():
                rows, report = _build(extract, database, work, progress, today)
            os.replace(work / database.name, database)
        except duckdb.Error as exc:  # DuckDB's message may quote a value: never pass it on
            raise LoadError(f"the load failed ({_failure(exc)}); "
                            f"{database} is unchanged") from None
        except OSError as exc:
            raise LoadError(f"the load failed ({exc.strerror}); "
                            f"{database} is unchanged") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return LoadResult(database, report, rows, time.perf_counter() - started)


def _build(extract: Path, database: Path, work: Path, progress,
           today: dt.date | None) -> tuple[dict[str, int], Report]:
    """Build the new database in ``work`` (under the same name as the target)."""
    staging = duckdb.connect(config={"temp_directory": str(work / "spill")})
    try:
        report, staged = stage_and_check(extract, staging, progress, today)
        if not report.ok:
            raise ExtractError(report)
        staging.execute("ATTACH $path AS target", {"path": str(work / database.name)})
        rows = {}
        for name, table in TABLES.items():
            if progress:
                progress(f"writing {name}")
            try:
                if name in staged:
                    params = Params()
                    columns = ", ".join(
                        f"{typed_sql(staged[name], column, params)} AS {quote(column.name)}"
                        for column in table.columns
                    )
                    order = (f" ORDER BY {', '.join(map(quote, table.sort_by))}"
                             if table.sort_by else "")
                    staging.execute(
                        f"CREATE TABLE target.{quote(name)} AS SELECT {columns} "
                        f"FROM {quote(staged[name].staging)}{order}", params.values)
                    rows[name] = staged[name].rows
                else:
                    columns = ", ".join(f"{quote(c.name)} {c.sql_type}" for c in table.columns)
                    staging.execute(f"CREATE TABLE target.{quote(name)} ({columns})")
            except duckdb.Error as exc:
                if _failure(exc) != CONVERSION_FAILURE:
                    raise
                raise LoadError(f"writing table {name} failed ({CONVERSION_FAILURE}); "
                                f"{database} is unchanged") from None
        # Durations per mode: the extended-contact rule's median over the whole extract is
        # read off these counts instead of scanning every contact on every query.
        staging.execute("CREATE TABLE target.contact_durations AS SELECT mode, duration_min, "
                        "count(*) AS contacts FROM target.contacts GROUP BY ALL ORDER BY ALL")
        _write_metadata(staging, extract, report, rows)
        staging.execute("DETACH target")
        return rows, report
    finally:
        staging.close()


CONVERSION_FAILURE = "DuckDB could not convert a value; value not shown"


def _failure(exc: Exception) -> str:
    """Why DuckDB failed, in words; its message (which may quote a value) is only looked at.
    A write that fails is often reported inside another error (a failed commit)."""
    text = str(exc).lower()
    if isinstance(exc, duckdb.OutOfMemoryException) or "out of memory" in text:
        return "out of memory"
    if any(words in text for words in ("no space", "too large", "quota")):
        return "the disk is full, or a file size limit was reached"
    if isinstance(exc, duckdb.IOException) or "could not write" in text:
        return "a file could not be written"
    return CONVERSION_FAILURE


def check_target(extract: Path, database: Path) -> None:
    """Refuse, without writing anything, a target that a load must not replace."""
    if database.is_dir():
        raise TargetError(f"{database} is a folder; give the path of the database file to build")
    if database.resolve().is_relative_to(extract.resolve()):
        raise TargetError(f"{database} is inside the extract folder {extract}; build the "
                          "database elsewhere")
    try:
        mode = database.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):  # the load would replace the link itself, not what it points to
        raise TargetError(f"{database} is a symbolic link; give the path of the file itself")
    if not stat.S_ISREG(mode):
        raise TargetError(f"{database} exists and is not a regular file; it is left as it is")
    if not built_by_this_tool(database):
        raise TargetError(f"{database} exists and is not a database built by supervision-dash "
                          "load; it is left as it is (remove it, or choose another file)")


def built_by_this_tool(database: Path) -> bool:
    """A DuckDB file (by its header) that holds the ``extract_load`` table, checked read-only."""
    with database.open("rb") as handle:
        if handle.read(12)[8:12] != DUCKDB_MAGIC:
            return False
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute("SELECT count(*) FROM duckdb_tables() "
                               "WHERE table_name = 'extract_load'").fetchone()[0] > 0
    except duckdb.Error:
        return False


@contextmanager
def _exclusive(database: Path):
    """Hold the target's lock file; refuse when another load holds it. The lock file is
    removed when the load ends (a load that locked a file just removed locks a new one)."""
    path = lock_file(database)
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise LoadError(f"another load into {database} is running (it holds {path.name}); "
                            "wait for it to finish, then load again") from None
        try:
            if os.stat(path).st_ino == os.fstat(descriptor).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(descriptor)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _remove_leftovers(database: Path) -> None:
    """What a killed load left: its work folder, and the temporary files earlier versions of
    this tool kept beside the target (``.<name>.<hex>.tmp`` and its ``.wal``)."""
    shutil.rmtree(work_folder(database), ignore_errors=True)
    older = re.compile(rf"\.{re.escape(database.name)}\.[0-9a-f]{{8}}\.tmp(\.wal)?")
    for path in database.parent.iterdir():
        if older.fullmatch(path.name):
            path.unlink(missing_ok=True)


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
