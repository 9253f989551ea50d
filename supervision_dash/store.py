"""The program's writable state: one SQLite file, `state.sqlite`, in the state folder.

The DuckDB warehouse is read-only and a new extract replaces it; what the program itself
writes lives here instead, in Python's `sqlite3` with write-ahead logging, so several serving
processes can share the file. Nothing here knows about Panel or DuckDB.

Tables (the schema's version is SQLite's `user_version`; each step of `MIGRATIONS` brings a
file one version forward, so a later table joins without touching earlier ones):

- `audit`: the audit log, append-only. Each record holds the UTC time, the user, their role,
  the session, the remote address, the event, what was read (query name, bound parameters,
  rows returned) and a detail, and carries the SHA-256 of the record before it (`prev_hash`)
  and its own (`hash`, over every other field), so an edited, deleted or inserted record
  breaks the chain (`verify`). An append reads the previous hash and writes the new record in
  one `BEGIN IMMEDIATE` transaction, so processes appending at once never fork the chain.
- `logins`: one row per login (a browser signed in with a password): when it started, when it
  was last active, when and why it ended. Only a hash of the login's token is kept. Logging
  out or staying idle ends the login for every process that shares the file.

Failed logins and lockouts are audit records; the lockout rule reads them back, so a lockout
holds across processes and restarts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "state.sqlite"
GENESIS = "0" * 64  # the prev_hash of the first record
FIELDS = ("id", "at", "user", "role", "session", "address", "event", "query", "parameters",
          "rows", "detail", "prev_hash")
MIGRATIONS = (
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,          -- UTC, ISO 8601 with microseconds
        user TEXT,
        role TEXT,
        session TEXT,
        address TEXT,
        event TEXT NOT NULL,
        query TEXT,
        parameters TEXT,           -- JSON object: the query's bound parameters
        rows INTEGER,
        detail TEXT,               -- JSON object: what else the event says
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX audit_by_user ON audit (user, event, at);
    CREATE TABLE logins (
        token_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        started_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        ended_at TEXT,
        end_reason TEXT
    );
    """,
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _json(value) -> str | None:
    """Canonical JSON (sorted keys, no spaces), dates as ISO text; None stays None."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str,
                      ensure_ascii=False)


def record_hash(row: dict) -> str:
    """The SHA-256 of a record: every field but the hash, in a fixed order, as JSON."""
    payload = json.dumps([row[name] for name in FIELDS], separators=(",", ":"),
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    """What `Store.verify` found: the records, the last hash, and the first broken record."""

    records: int
    last_hash: str
    first_bad: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad is None


@dataclass(frozen=True)
class Login:
    user: str
    started_at: dt.datetime
    last_seen_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None


class Store:
    """The state file of one state folder (created on first use)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / STATE_FILE
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                                   check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an audit record survives a power cut
        self._migrate()

    def _migrate(self) -> None:
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {int(number)}")

    def _transaction(self):
        store = self

        class Transaction:
            def __enter__(self):
                store._lock.acquire()
                store._db.execute("BEGIN IMMEDIATE")
                return store._db

            def __exit__(self, kind, value, traceback):
                try:
                    store._db.execute("COMMIT" if kind is None else "ROLLBACK")
                finally:
                    store._lock.release()

        return Transaction()

    def close(self) -> None:
        self._db.close()

    # --- the audit log -----------------------------------------------------------------------

    def append(self, event: str, *, user: str | None = None, role: str | None = None,
               session: str | None = None, address: str | None = None,
               query: str | None = None, parameters: dict | None = None,
               rows: int | None = None, detail: dict | None = None,
               at: dt.datetime | None = None) -> int:
        """Add one audit record at the end of the chain; its id."""
        with self._transaction() as db:
            return self._append(db, event, user=user, role=role, session=session,
                                address=address, query=query, parameters=parameters, rows=rows,
                                detail=detail, at=at)

    def _append(self, db, event, *, user=None, role=None, session=None, address=None,
                query=None, parameters=None, rows=None, detail=None, at=None) -> int:
        last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        row = {"id": (last["id"] + 1) if last else 1, "at": _stamp(at or utc_now()),
               "user": user, "role": role, "session": session, "address": address,
               "event": event, "query": query, "parameters": _json(parameters),
               "rows": None if rows is None else int(rows), "detail": _json(detail),
               "prev_hash": last["hash"] if last else GENESIS}
        row["hash"] = record_hash(row)
        db.execute(f"INSERT INTO audit ({', '.join(row)}) VALUES "
                   f"({', '.join('?' * len(row))})", list(row.values()))
        return row["id"]

    def records(self, since: dt.date | None = None, user: str | None = None) -> list[dict]:
        """The audit records in order, from a UTC day on and of one user when given."""
        with self._lock:
            cursor = self._db.execute(
                "SELECT * FROM audit WHERE (? IS NULL OR at >= ?) AND (? IS NULL OR user = ?) "
                "ORDER BY id",
                (since and since.isoformat(),) * 2 + (user,) * 2)
            return [dict(row) for row in cursor.fetchall()]

    def verify(self) -> Verification:
        """Walk the chain: each record's hash must match its fields, its prev_hash the hash of
        the record before it, and the ids must run on without a gap."""
        previous, count = GENESIS, 0
        with self._lock:
            cursor = self._db.execute("SELECT * FROM audit ORDER BY id")
            for row in map(dict, cursor):
                count += 1
                if row["id"] != count:
                    return Verification(count, previous, row["id"], (
                        f"record {row['id']} is number {count} of the chain: a record before "
                        "it was deleted or inserted"))
                if row["prev_hash"] != previous:
                    return Verification(count, previous, row["id"], (
                        f"record {row['id']} does not follow the record before it: that record "
                        "was edited, deleted or inserted"))
                if record_hash(row) != row["hash"]:
                    return Verification(count, previous, row["id"], (
                        f"record {row['id']} was edited after it was written"))
                previous = row["hash"]
        return Verification(count, previous)

    # --- logins and lockouts -----------------------------------------------------------------

    def locked_until(self, user: str, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the user's current lockout ends, or None when they are not locked out."""
        with self._lock:
            return self._locked_until(self._db, user, now or utc_now())

    @staticmethod
    def _locked_until(db, user: str, now: dt.datetime) -> dt.datetime | None:
        row = db.execute(
            "SELECT max(json_extract(detail, '$.until')) FROM audit "
            "WHERE user = ? AND event = 'login_locked'", (user,)).fetchone()
        until = row[0] and dt.datetime.fromisoformat(row[0])
        return until if until and until > now else None

    def login_failed(self, user: str, *, failures: int, window: dt.timedelta,
                     lockout: dt.timedelta, address: str | None = None,
                     now: dt.datetime | None = None) -> dt.datetime | None:
        """Record a failed login; when it is the user's `failures`-th within `window` (since
        their last login or lockout), lock them out for `lockout`. When the lockout ends."""
        now = now or utc_now()
        with self._transaction() as db:
            self._append(db, "login_failed", user=user, address=address, at=now)
            since = db.execute(
                "SELECT max(at) FROM audit WHERE user = ? AND event IN ('login', "
                "'login_locked')", (user,)).fetchone()[0]
            start = max(_stamp(now - window), since or "")
            count = db.execute(
                "SELECT count(*) FROM audit WHERE user = ? AND event = 'login_failed' "
                "AND at > ?", (user, start)).fetchone()[0]
            if count < failures:
                return None
            until = now + lockout
            self._append(db, "login_locked", user=user, address=address, at=now,
                         detail={"failures": count, "until": _stamp(until)})
            return until

    def start_login(self, token: str, user: str, *, role: str | None = None,
                    address: str | None = None) -> None:
        """A login that succeeded: audited, and active until it ends or stays idle."""
        now = utc_now()
        with self._transaction() as db:
            db.execute("INSERT INTO logins (token_hash, user, started_at, last_seen_at) "
                       "VALUES (?, ?, ?, ?)", (token_hash(token), user, _stamp(now), _stamp(now)))
            self._append(db, "login", user=user, role=role, address=address,
                         session=token_hash(token)[:16], at=now)

    def login(self, token: str) -> Login | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM logins WHERE token_hash = ?",
                                   (token_hash(token),)).fetchone()
        if row is None:
            return None
        ended = row["ended_at"] and dt.datetime.fromisoformat(row["ended_at"])
        return Login(row["user"], dt.datetime.fromisoformat(row["started_at"]),
                     dt.datetime.fromisoformat(row["last_seen_at"]), ended, row["end_reason"])

    def touch_login(self, token: str, at: dt.datetime) -> None:
        """The login was active at `at` (never moves its last activity back)."""
        with self._transaction() as db:
            db.execute("UPDATE logins SET last_seen_at = max(last_seen_at, ?) "
                       "WHERE token_hash = ? AND ended_at IS NULL", (_stamp(at), token_hash(token)))

    def end_login(self, token: str, reason: str, *, address: str | None = None) -> bool:
        """End a login (logged out, idle); audited once. False when it had already ended."""
        with self._transaction() as db:
            row = db.execute("SELECT user FROM logins WHERE token_hash = ? AND ended_at IS NULL",
                             (token_hash(token),)).fetchone()
            if row is None:
                return False
            db.execute("UPDATE logins SET ended_at = ?, end_reason = ? WHERE token_hash = ?",
                       (_stamp(utc_now()), reason, token_hash(token)))
            self._append(db, reason, user=row["user"], address=address,
                         session=token_hash(token)[:16])
            return True
