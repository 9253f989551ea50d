"""The warehouse: a read-only view of one loaded extract, and the way into its metrics.

`open_warehouse` takes a `.duckdb` file built by `load`, or an extract folder, which is validated
and loaded once into a cache keyed by the files' names, sizes and modification times. Every
metric is a named query from the catalogue; its values are bound parameters (the caller's,
then the program settings), never text formatted into the SQL. In the leadership role every
result passes through disclosure control and participant-level queries are refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import warnings
from collections import OrderedDict
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import disclosure
from .catalogue import Catalogue, builtin_folder
from .contract import CONTRACT_VERSION, TABLES
from .loader import STORAGE_VERSION, load
from .settings import Settings

ROLES = ("supervisor", "leadership")
CACHE_SIZE = 512  # results kept per warehouse...
CACHED_ROWS = 100_000  # ...when no larger than this
OPTIONAL_TABLES = tuple(name for name, table in TABLES.items() if not table.required)


class LeadershipError(PermissionError):
    """What the leadership role may not see: participant rows, ad-hoc SQL."""


# DuckDB advises the relation API for Arrow output to save a copy of the rows; its double
# planning costs more than that copy for every query of the catalogue (benchmarks/README.md).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning,
                        module=__name__)


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """The frame DuckDB's `.df()` gives, built from Arrow, which converts several times faster
    (a million rows of text in a fraction of a second): dates as datetime64[us], whole numbers
    and booleans with gaps as pandas' nullable types."""
    columns = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        kind = field.type
        if pa.types.is_date32(kind):
            columns[field.name] = column.to_pandas(date_as_object=False).astype("datetime64[us]")
        elif pa.types.is_integer(kind) and column.null_count:
            nullable = f"{'' if pa.types.is_signed_integer(kind) else 'U'}Int{kind.bit_width}"
            columns[field.name] = column.to_pandas(types_mapper={kind: pd.api.types.pandas_dtype(
                nullable)}.get)
        elif pa.types.is_boolean(kind) and column.null_count:
            columns[field.name] = column.to_pandas(types_mapper={kind: pd.BooleanDtype()}.get)
        elif pa.types.is_string(kind) and column.null_count == len(column):  # none, or empty
            columns[field.name] = pd.Series([None] * len(column), dtype=object)
        else:
            columns[field.name] = column.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def cache_folder() -> Path:
    """Where extract folders are loaded: $SUPERVISION_DASH_CACHE, else the user cache."""
    configured = os.environ.get("SUPERVISION_DASH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "supervision_dash"


def cached_database(extract: Path) -> Path:
    """The cache file for an extract folder, (re)loaded when any of its files changed."""
    fingerprint = hashlib.sha256(
        f"{extract.resolve()}|{CONTRACT_VERSION}|{STORAGE_VERSION}".encode())
    for path in sorted(extract.iterdir()):
        if path.is_file():
            stat = path.stat()
            fingerprint.update(f"|{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    database = cache_folder() / f"{extract.resolve().name}-{fingerprint.hexdigest()[:16]}.duckdb"
    if not database.exists():
        load(extract, database)
    return database


class Warehouse:
    """One loaded extract, opened read-only; every query runs on its own cursor."""

    def __init__(self, database: str | Path, role: str = "supervisor",
                 settings: Settings | str | Path | None = None,
                 queries: str | Path | list[str | Path] | None = None,
                 cache_size: int = CACHE_SIZE):
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        self.database = Path(database)
        if not self.database.is_file():
            raise FileNotFoundError(f"no database at {self.database}")
        self.role = role
        self.settings = settings if isinstance(settings, Settings) else Settings.from_toml(
            settings)
        extra = [queries] if isinstance(queries, str | Path) else list(queries or [])
        self.catalogue = Catalogue([builtin_folder(), *map(Path, extra)])
        self._settings_values = self.settings.sql_parameters()
        self._connection = duckdb.connect(str(self.database), read_only=True)
        self._lock = threading.Lock()
        # The database is read-only, so a result never goes stale: recent results are kept for
        # every caller (every dashboard session shares one warehouse).
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size
        tables = {row[0] for row in self._connection.execute("SHOW TABLES").fetchall()}
        if "extract_load" not in tables:
            self._connection.close()
            raise ValueError(f"{self.database.name} was not built by supervision-dash load")
        if self.load_info.get("storage_version") != STORAGE_VERSION:
            self._connection.close()
            raise ValueError(f"{self.database.name} was built by an older supervision-dash: "
                             "load the extract again")

    def _run(self, sql: str, params: dict | None) -> pd.DataFrame:
        with self._lock:
            cursor = self._connection.cursor()
        try:
            # execute() plans the query once; cursor.sql() plans it to build a relation and
            # again to run it (11 ms of a 45 ms weekly_review at 1M contacts).
            return arrow_to_pandas(cursor.execute(sql, params or None).to_arrow_table())
        finally:
            cursor.close()

    def query(self, name: str, **params) -> pd.DataFrame:
        """A metric as a DataFrame. Unknown names and parameters are errors that list the valid
        ones; ``frame.attrs["notes"]`` says when an optional table it reads is absent."""
        spec = self.catalogue[name]
        if self.role == "leadership" and spec.participant_level:
            raise LeadershipError(
                f"{name} lists individual participants; the leadership role shows "
                "program-level figures only")
        declared = self.catalogue.parameters(name)
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise TypeError(f"{name} has no parameter {unknown[0]!r}; its parameters are: "
                            f"{', '.join(declared) or 'none'}")
        bound = {key: parameter.coerce(params.get(key, parameter.default))
                 for key, parameter in declared.items()}
        if "as_of" in bound and bound["as_of"] is None:
            bound["as_of"] = self.last_contact_date
        for setting in self.catalogue.settings(name):
            bound[setting] = self._settings_values[setting]
        key = (name, repr(sorted(bound.items())))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key].copy(deep=False)
        sql = self.catalogue.composed_sql(name)
        frame = self._run(sql, bound)
        frame.attrs = {"query": name, "parameters": bound, "notes": self._notes(sql)}
        if self.role == "leadership":
            frame = disclosure.suppress(frame, spec.columns, self.settings.min_cell_size)
        if len(frame) <= CACHED_ROWS:
            with self._lock:
                self._cache[key] = frame
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return frame.copy(deep=False)

    def _notes(self, sql: str) -> list[str]:
        absent = [table for table in OPTIONAL_TABLES if table not in self.present_tables
                  and re.search(rf"\b(FROM|JOIN)\s+{table}\b", sql, re.I)]
        return [f"no {table} extract loaded" for table in absent]

    def sql(self, text: str, **params) -> pd.DataFrame:
        """Read-only SQL over the extract's tables; values go in as $name parameters."""
        if self.role == "leadership":
            raise LeadershipError("ad-hoc SQL is not available in the leadership role")
        return self._run(text, params)

    @cached_property
    def present_tables(self) -> frozenset[str]:
        rows = self._run("SELECT table_name FROM extract_tables WHERE present", None)
        return frozenset(rows["table_name"])

    @cached_property
    def last_contact_date(self):
        """The default as_of: the date of the last contact in the extract."""
        value = self._run("SELECT max(started_at)::DATE AS d FROM contacts", None)["d"].iloc[0]
        return None if pd.isna(value) else pd.Timestamp(value).date()

    @cached_property
    def load_info(self) -> dict:
        return self._run("SELECT * FROM extract_load", None).iloc[0].to_dict()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_warehouse(path: str | Path, role: str = "supervisor",
                   settings: Settings | str | Path | None = None,
                   queries: str | Path | list[str | Path] | None = None) -> Warehouse:
    """Open a `.duckdb` database, or validate and load an extract folder (cached).

    role: "supervisor" (everything) or "leadership" (disclosure-controlled, program level).
    settings: a Settings object or a TOML file (default: the defaults of DESIGN.md §3).
    queries: extra folders of `.sql` files, added to (or replacing) the built-in queries.
    """
    path = Path(path)
    database = cached_database(path) if path.is_dir() else path
    return Warehouse(database, role=role, settings=settings, queries=queries)
