"""The warehouse: a read-only view of one loaded extract, and the way into its metrics.

`open_warehouse` takes a `.duckdb` file built by `load`, or an extract folder, which is validated
and loaded once into a cache keyed by the files' names, sizes and modification times. Every
metric is a named query from the catalogue; its values are bound parameters (the caller's,
checked against the header and the extract before any SQL runs, then the program settings and
the context the warehouse itself knows), never text formatted into the SQL. In the leadership
role every result passes through disclosure control, participant-level queries are refused and
so are query folders. No query reaches a file, the network or another database: DuckDB's
external access is off on every connection. `Warehouse.scoped` narrows a handle to the peers one
person may see.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import disclosure
from .catalogue import Catalogue, ParameterError, builtin_folder, not_a_choice
from .contract import CONTRACT_VERSION, TABLES
from .loader import STORAGE_VERSION, load
from .settings import Settings

ROLES = ("supervisor", "leadership")
CACHE_SIZE = 512  # results kept per warehouse...
CACHED_ROWS = 100_000  # ...when no larger than this
SHOWN_PARTS = 5  # what a database lacks, named in a message before "and N more"
OPTIONAL_TABLES = tuple(name for name, table in TABLES.items() if not table.required)
SCOPE = ("site", "supervisor_id", "peer_id")  # the filters checked against the extract
LEADERSHIP_SCOPE = ("site",)  # the only one the leadership role may set


class LeadershipError(PermissionError):
    """What the leadership role may not see: participant rows, ad-hoc SQL, query folders."""


class WarehouseError(Exception):
    """A database that cannot be read as a loaded extract: missing, not a DuckDB file, held by
    a writer, not built by `load` (or by an older version), lacking a table or a column of the
    contract. The message says which, in words; it never passes on DuckDB's own message, which
    may quote a value from the data."""


class QueryError(ValueError):
    """A query DuckDB could not run. The message names the query and the kind of failure, never
    a value from the data (DuckDB's own message is kept only when it can quote nothing but the
    SQL: a syntax, binding or catalog error)."""


def contract_parameter() -> dict:
    """The contract as data_quality reads it: for each table, its main date column, every date
    or timestamp column, and its optional columns."""
    return {
        name: {
            "date_column": table.date_column,
            "date_columns": [column.name for column in table.columns
                             if column.type in ("date", "timestamp")],
            "optional_columns": [column.name for column in table.columns if not column.required],
        }
        for name, table in TABLES.items()
    }


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def _connect(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only, sandboxed connection, or a WarehouseError that says why there is none."""
    if not database.is_file():
        raise WarehouseError(f"no database at {database}")
    try:
        with database.open("rb") as file:
            header = file.read(12)
    except OSError as exc:
        raise WarehouseError(f"cannot read {database}: {exc.strerror}") from None
    if header[8:12] != DUCKDB_MAGIC:
        raise WarehouseError(f"{database.name} is not a DuckDB database")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():  # only to choose our words; DuckDB's are not shown
            raise WarehouseError(f"{database.name} is open for writing by another process; "
                                 "try again when it has finished") from None
        raise WarehouseError(f"{database.name} cannot be opened by this version of DuckDB "
                             f"({type(exc).__name__})") from None
    sandbox(connection)
    return connection


def sandbox(connection: duckdb.DuckDBPyConnection) -> None:
    """No query reaches a file, the network or another database: DuckDB's external access is
    turned off, and the configuration locked so that no query turns it on again. Both hold for
    DuckDB's whole instance of the file in this process, so a second warehouse (or a notebook's
    own read-only connection) on the same file finds them already set."""
    external, locked = connection.execute(
        "SELECT current_setting('enable_external_access'), "
        "current_setting('lock_configuration')").fetchone()
    if external:
        connection.execute("SET enable_external_access = false")
    if not locked:
        connection.execute("SET lock_configuration = true")


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
        extra = [queries] if isinstance(queries, str | Path) else list(queries or [])
        if role == "leadership" and extra:
            raise LeadershipError("the leadership role runs the built-in queries only: a query "
                                  "folder is refused")
        self.database = Path(database)
        self.role = role
        self.settings = settings if isinstance(settings, Settings) else Settings.from_toml(
            settings)
        self.catalogue = Catalogue([builtin_folder(), *map(Path, extra)])
        self._builtin_only = not extra
        self._settings_values = self.settings.sql_parameters()
        self._connection = _connect(self.database)
        self._lock = threading.Lock()
        # The database is read-only, so a result never goes stale: recent results are kept for
        # every caller (every dashboard session shares one warehouse).
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size
        self._allowed_peers: frozenset[str] | None = None  # None: every peer
        self._owns_connection = True
        try:
            tables = set(self._run("SHOW TABLES", None)["name"])
            if "extract_load" not in tables:
                raise WarehouseError(
                    f"{self.database.name} was not built by supervision-dash load")
            if self.load_info.get("storage_version") != STORAGE_VERSION:
                raise WarehouseError(f"{self.database.name} was built by an older "
                                     "supervision-dash: load the extract again")
        except (WarehouseError, QueryError):
            self._connection.close()
            raise

    def scoped(self, peer_ids: Iterable[str]) -> Warehouse:
        """A handle that sees only these peers, their participants and their contacts: every
        query it runs is narrowed by the warehouse (the caller cannot widen it), and a site,
        supervisor or peer outside them is refused as unknown. It shares this warehouse's
        connection and result cache; narrowing a scoped handle keeps what both allow. Only a
        warehouse of the built-in queries can be narrowed: a query of one's own need not read
        peer_scope, nor keep to it."""
        if not self._builtin_only:
            raise PermissionError("a warehouse with a query folder cannot be narrowed to a "
                                  "person's peers: its queries need not keep to them")
        handle = copy.copy(self)
        wanted = frozenset(peer_ids)
        handle._allowed_peers = wanted if self._allowed_peers is None else (
            self._allowed_peers & wanted)
        handle._owns_connection = False
        return handle

    def _fetch(self, sql: str, params: dict | None) -> pd.DataFrame:
        with self._lock:
            cursor = self._connection.cursor()
        try:
            # execute() plans the query once; cursor.sql() plans it to build a relation and
            # again to run it (11 ms of a 45 ms weekly_review at 1M contacts).
            return arrow_to_pandas(cursor.execute(sql, params or None).to_arrow_table())
        finally:
            cursor.close()

    def _run(self, sql: str, params: dict | None, what: str = "the warehouse") -> pd.DataFrame:
        """_fetch, with a failure told in words of ours: a WarehouseError when the database
        lacks part of the contract, else a QueryError that never quotes a value."""
        try:
            return self._fetch(sql, params)
        except duckdb.PermissionException:
            raise QueryError(f"{what}: a query may not read or write files, nor attach "
                             "databases") from None
        except duckdb.Error as exc:
            self.require_contract()
            if isinstance(exc, duckdb.ParserException | duckdb.BinderException
                          | duckdb.CatalogException):
                raise QueryError(f"{what}: {str(exc).splitlines()[0]}") from None
            raise QueryError(f"{what}: DuckDB could not run it ({type(exc).__name__}; its "
                             "message is not shown, as it may quote a value from the "
                             "data)") from None

    def bound_parameters(self, name: str, params: dict) -> dict:
        """Every value the query binds: the caller's, checked (ParameterError) and defaulted,
        the values of the queries it uses that the caller does not pass on, the settings and
        the context. Unknown names are a TypeError that lists the valid ones."""
        declared = self.catalogue.parameters(name)
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise TypeError(f"{name} has no parameter {unknown[0]!r}; its parameters are: "
                            f"{', '.join(declared) or 'none'}")
        bound = {key: parameter.coerce(params.get(key, parameter.default))
                 for key, parameter in declared.items()}
        self._check_scope(bound)
        if "as_of" in bound:
            bound["as_of"] = self._checked_as_of(bound["as_of"])
        for placeholder, inner in self.catalogue.composition(name).inner.items():
            value = inner.value
            if inner.parameter.name == "as_of" and value is None:
                value = self.last_contact_date
            bound[placeholder] = value
        for setting in self.catalogue.settings(name):
            bound[setting] = self._settings_values[setting]
        for key in self.catalogue.context(name):
            bound[key] = self._context_value(key)
        return bound

    def _check_scope(self, bound: dict) -> None:
        """A site, supervisor or peer must be one this handle may see (and the leadership role
        may name a site only); the error lists the ones it may see, never another."""
        for key in SCOPE:
            value = bound.get(key)
            if value is None:
                continue
            if self.role == "leadership" and key not in LEADERSHIP_SCOPE:
                raise ParameterError(f"{key}: the leadership role narrows by site only")
            choices = sorted(self._visible_peers[key].unique())
            if value not in choices:
                raise not_a_choice(key, value, choices)

    def _checked_as_of(self, as_of):
        first, last = self.first_contact_date, self.last_contact_date
        if as_of is None:
            return last
        if last is not None and not first <= as_of <= last:
            raise ParameterError(f"as_of: the extract's contacts run from {first} to {last}; "
                                 "choose a day between them")
        return as_of

    def _context_value(self, key: str):
        if key == "allowed_peers":
            return None if self._allowed_peers is None else sorted(self._allowed_peers)
        if key == "min_category_size":
            return self.settings.min_cell_size if self.role == "leadership" else 0
        return contract_parameter()

    def query(self, name: str, **params) -> pd.DataFrame:
        """A metric as a DataFrame. Unknown names and parameters are errors that list the valid
        ones, a value no metric can answer a ParameterError that says why;
        ``frame.attrs["notes"]`` says when an optional table it reads is absent."""
        spec = self.catalogue[name]
        if self.role == "leadership" and spec.participant_level:
            raise LeadershipError(
                f"{name} lists individual participants; the leadership role shows "
                "program-level figures only")
        bound = self.bound_parameters(name, params)
        key = (name, repr(sorted(bound.items())))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key].copy(deep=False)
        sql = self.catalogue.composed_sql(name)
        frame = self._run(sql, bound, name)
        frame.attrs = {"query": name, "parameters": bound, "notes": self._notes(sql)}
        if self.role == "leadership":
            frame = disclosure.suppress(frame, spec.columns, self.settings.min_cell_size,
                                        self.settings.suppress_staff_counts)
        if len(frame) <= CACHED_ROWS:
            with self._lock:
                self._cache[key] = frame
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return frame.copy(deep=False)

    def require_contract(self) -> None:
        """Raise a WarehouseError naming what the database lacks of the contract, if anything
        (a table or a column dropped or changed after `load` built it)."""
        if self.missing_parts:
            named = self.missing_parts[:SHOWN_PARTS]
            if len(self.missing_parts) > SHOWN_PARTS:
                named.append(f"{len(self.missing_parts) - SHOWN_PARTS} more")
            lacks = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
            raise WarehouseError(f"{self.database.name} lacks {lacks}: load the extract again")

    @cached_property
    def missing_parts(self) -> list[str]:
        """What the database lacks of the contract, in words ("table goals", "column
        contacts.mode", "column contacts.duration_min as INTEGER"); empty for every database
        `load` built."""
        rows = self._fetch("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                           "WHERE database_name = current_database()", None)
        present = {(row.table_name, row.column_name): row.data_type
                   for row in rows.itertuples(index=False)}
        tables = {table for table, _ in present}
        missing = []
        for name, table in TABLES.items():
            if name not in tables:
                missing.append(f"table {name}")
                continue
            for column in table.columns:
                stored = present.get((name, column.name))
                if stored is None:
                    missing.append(f"column {name}.{column.name}")
                elif stored != column.sql_type:
                    missing.append(f"column {name}.{column.name} as {column.sql_type}")
        return missing

    def _notes(self, sql: str) -> list[str]:
        absent = [table for table in OPTIONAL_TABLES if table not in self.present_tables
                  and re.search(rf"\b(FROM|JOIN)\s+{table}\b", sql, re.I)]
        return [f"no {table} extract loaded" for table in absent]

    def sql(self, text: str, **params) -> pd.DataFrame:
        """Read-only SQL over the extract's tables; values go in as $name parameters."""
        if self.role == "leadership":
            raise LeadershipError("ad-hoc SQL is not available in the leadership role")
        if self._allowed_peers is not None:
            raise PermissionError("ad-hoc SQL is not narrowed to the peers a handle may see: "
                                  "it is refused on a scoped handle")
        return self._run(text, params, "ad-hoc SQL")

    @cached_property
    def present_tables(self) -> frozenset[str]:
        rows = self._run("SELECT table_name FROM extract_tables WHERE present", None)
        return frozenset(rows["table_name"])

    @cached_property
    def _contact_dates(self) -> tuple:
        row = self._run("SELECT min(started_at)::DATE AS first, max(started_at)::DATE AS last "
                        "FROM contacts", None).iloc[0]
        return tuple(None if pd.isna(value) else pd.Timestamp(value).date() for value in row)

    @property
    def first_contact_date(self):
        """The date of the first contact in the extract: the earliest as_of."""
        return self._contact_dates[0]

    @property
    def last_contact_date(self):
        """The default as_of, and the latest: the date of the last contact in the extract."""
        return self._contact_dates[1]

    @cached_property
    def _peers(self) -> pd.DataFrame:
        return self._run("SELECT peer_id, site, supervisor_id FROM peers", None)

    @property
    def _visible_peers(self) -> pd.DataFrame:
        if self._allowed_peers is None:
            return self._peers
        return self._peers[self._peers["peer_id"].isin(self._allowed_peers)]

    @cached_property
    def load_info(self) -> dict:
        return self._run("SELECT * FROM extract_load", None).iloc[0].to_dict()

    def close(self) -> None:
        """Close the connection (a scoped handle leaves it to the warehouse it came from)."""
        if self._owns_connection:
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
    settings: a Settings object or a TOML file (default: the defaults in the README).
    queries: extra folders of `.sql` files, added to (or replacing) the built-in queries;
    refused in the leadership role.
    """
    path = Path(path)
    database = cached_database(path) if path.is_dir() else path
    return Warehouse(database, role=role, settings=settings, queries=queries)
