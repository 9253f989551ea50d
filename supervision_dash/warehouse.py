"""The warehouse: a read-only view of one loaded extract, and the way into its metrics.

`open_warehouse` takes a `.duckdb` file built by `load`, or an extract folder, which is validated
and loaded once into a cache keyed by the files' names, sizes and modification times.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from .contract import CONTRACT_VERSION, TABLES
from .loader import load


def cache_folder() -> Path:
    """Where extract folders are loaded: $SUPERVISION_DASH_CACHE, else the user cache."""
    configured = os.environ.get("SUPERVISION_DASH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "supervision_dash"


def cached_database(extract: Path) -> Path:
    """The cache file for an extract folder, (re)loaded when any of its files changed."""
    fingerprint = hashlib.sha256(f"{extract.resolve()}|{CONTRACT_VERSION}".encode())
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

    def __init__(self, database: str | Path):
        self.database = Path(database)
        if not self.database.is_file():
            raise FileNotFoundError(f"no database at {self.database}")
        self._connection = duckdb.connect(str(self.database), read_only=True)
        self._lock = threading.Lock()
        tables = {row[0] for row in self._connection.execute("SHOW TABLES").fetchall()}
        if "extract_load" not in tables:
            raise ValueError(f"{self.database.name} was not built by supervision-dash load")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._connection.cursor()

    def sql(self, text: str, **params) -> pd.DataFrame:
        """Run read-only SQL over the extract's tables; values go in as $name parameters."""
        cursor = self.cursor()
        try:
            return cursor.execute(text, params or None).df()
        finally:
            cursor.close()

    @property
    def present_tables(self) -> set[str]:
        rows = self.sql("SELECT table_name FROM extract_tables WHERE present")
        return set(rows["table_name"])

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(TABLES)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_warehouse(path: str | Path) -> Warehouse:
    """Open a `.duckdb` database, or validate and load an extract folder (cached)."""
    path = Path(path)
    if path.is_dir():
        return Warehouse(cached_database(path))
    return Warehouse(path)
