"""The state file: the audit log's hash chain, `audit --verify` against edits, deletions and
insertions made by hand with sqlite3, two processes appending at once, lockouts and logins."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from supervision_dash.store import GENESIS, STATE_FILE, Store, record_hash

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def audit(*args):
    return subprocess.run([sys.executable, "-m", "supervision_dash.cli", "audit", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "state")
    store.append("session_start", user="alice", role="supervisor", session="s1",
                 address="10.0.0.5", at=NOW)
    store.append("query", user="alice", role="supervisor", session="s1", query="caseload",
                 parameters={"supervisor_id": "SV1", "as_of": dt.date(2025, 3, 14)}, rows=3,
                 at=NOW + MINUTE)
    store.append("download", user="bob", role="manager", session="s2",
                 detail={"file": "caseload.csv"}, rows=3, at=NOW + 2 * MINUTE)
    return store


def edit(store: Store, sql: str, *values) -> None:
    """Change the file by hand, as someone with the sqlite3 shell would."""
    with sqlite3.connect(store.path) as db:
        db.execute(sql, values)


def test_records_are_chained(store):
    records = store.records()
    assert [record["id"] for record in records] == [1, 2, 3]
    assert records[0]["prev_hash"] == GENESIS
    assert [record["prev_hash"] for record in records[1:]] == [r["hash"] for r in records[:2]]
    assert all(record_hash(record) == record["hash"] for record in records)
    assert json.loads(records[1]["parameters"]) == {"as_of": "2025-03-14", "supervisor_id": "SV1"}
    assert records[0]["at"] == "2026-12-01T09:00:00.000000+00:00"


def test_verify_passes_on_a_fresh_log(store):
    result = audit("--state-dir", store.folder, "--verify")
    assert result.returncode == 0, result.stderr
    assert f"3 records; last hash {store.records()[-1]['hash']}" in result.stdout
    assert "intact" in result.stdout


def test_verify_names_an_edited_record(store):
    edit(store, "UPDATE audit SET rows = 1 WHERE id = 2")
    result = audit("--state-dir", store.folder, "--verify")
    assert result.returncode == 1
    assert "record 2 was edited" in result.stderr


def test_verify_names_the_record_after_a_deleted_one(store):
    edit(store, "DELETE FROM audit WHERE id = 2")
    result = audit("--state-dir", store.folder, "--verify")
    assert result.returncode == 1
    assert "record 3" in result.stderr and "deleted or inserted" in result.stderr


def test_verify_names_the_record_after_an_inserted_one(store):
    # A forged record 2 that hashes correctly after record 1 (the old 2 and 3 moved up): the
    # record that follows it no longer follows.
    records = store.records()
    edit(store, "UPDATE audit SET id = 4 WHERE id = 3")
    edit(store, "UPDATE audit SET id = 3 WHERE id = 2")
    forged = {**records[1], "id": 2, "user": "mallory", "prev_hash": records[0]["hash"]}
    forged["hash"] = record_hash(forged)
    edit(store, f"INSERT INTO audit ({', '.join(forged)}) VALUES "
                f"({', '.join('?' * len(forged))})", *forged.values())
    result = audit("--state-dir", store.folder, "--verify")
    assert result.returncode == 1
    assert "record 3 does not follow the record before it" in result.stderr


def test_a_record_cut_from_the_end_changes_the_count_and_last_hash(store):
    before = audit("--state-dir", store.folder, "--verify").stdout
    edit(store, "DELETE FROM audit WHERE id = 3")
    after = audit("--state-dir", store.folder, "--verify")
    assert after.returncode == 0  # the chain alone cannot tell...
    assert after.stdout.splitlines()[0] != before.splitlines()[0]  # ...a kept copy can
    assert after.stdout.startswith("2 records")


APPENDER = """
import sys
from supervision_dash.store import Store
store = Store(sys.argv[1])
for number in range(int(sys.argv[2])):
    store.append("query", user=sys.argv[3], query="caseload", rows=number)
"""


def test_two_processes_appending_at_once_lose_nothing(tmp_path):
    Store(tmp_path)  # the file exists before both start
    processes = [subprocess.Popen([sys.executable, "-c", APPENDER, str(tmp_path), "200", user])
                 for user in ("first", "second")]
    for process in processes:
        assert process.wait(timeout=240) == 0
    store = Store(tmp_path)
    records = store.records()
    assert len(records) == 400
    assert sorted(record["rows"] for record in records if record["user"] == "first") == \
        list(range(200))
    assert store.verify().intact


def test_the_audit_command_filters_and_formats(store):
    table = audit("--state-dir", store.folder, "--user", "alice")
    assert table.returncode == 0
    assert "caseload" in table.stdout and "bob" not in table.stdout
    rows = list(csv.DictReader(io.StringIO(audit("--state-dir", store.folder, "--format", "csv",
                                                 "--since", "2026-12-01").stdout)))
    assert [row["event"] for row in rows] == ["session_start", "query", "download"]
    later = json.loads(audit("--state-dir", store.folder, "--format", "json", "--since",
                             "2026-12-02").stdout)
    assert later == []
    records = json.loads(audit("--state-dir", store.folder, "--format", "json").stdout)
    assert records[2]["detail"] == {"file": "caseload.csv"}
    assert "hash" not in records[0]


def test_the_audit_command_needs_an_existing_log(tmp_path):
    result = audit("--state-dir", tmp_path / "nowhere")
    assert result.returncode == 1
    assert "no audit log" in result.stderr
    assert not (tmp_path / "nowhere").exists()  # looking never creates one


def test_five_failures_within_the_window_lock_the_user_out(tmp_path):
    store = Store(tmp_path)
    rule = {"failures": 5, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}
    # four failures, then one 20 minutes later: the first four fell out of the window
    for minute in (0, 1, 2, 3, 20):
        assert store.login_failed("alice", now=NOW + minute * MINUTE, **rule) is None
    for minute in (21, 22, 23):
        assert store.login_failed("alice", now=NOW + minute * MINUTE, **rule) is None
    until = store.login_failed("alice", now=NOW + 24 * MINUTE, **rule)  # five within 15 min
    assert until == NOW + 39 * MINUTE
    assert store.locked_until("alice", now=NOW + 38 * MINUTE) == until
    assert store.locked_until("alice", now=NOW + 39 * MINUTE) is None
    assert store.locked_until("bob", now=NOW + 30 * MINUTE) is None
    # after the lockout, five new failures are needed again
    assert store.login_failed("alice", now=NOW + 40 * MINUTE, **rule) is None
    events = [record["event"] for record in store.records(user="alice")]
    assert events.count("login_locked") == 1 and events.count("login_failed") == 10


def test_a_login_resets_the_count_of_failures(tmp_path):
    store = Store(tmp_path)
    rule = {"failures": 3, "window": dt.timedelta(minutes=15), "lockout": dt.timedelta(minutes=15)}
    store.login_failed("alice", **rule)
    store.login_failed("alice", **rule)
    store.start_login("token-1", "alice")
    assert store.login_failed("alice", **rule) is None


def test_a_login_ends_once(tmp_path):
    store = Store(tmp_path)
    store.start_login("token-1", "alice", role="supervisor", address="10.0.0.5")
    login = store.login("token-1")
    assert login.user == "alice" and login.ended_at is None
    store.touch_login("token-1", login.last_seen_at + MINUTE)
    assert store.login("token-1").last_seen_at == login.last_seen_at + MINUTE
    assert store.end_login("token-1", "logout") is True
    assert store.end_login("token-1", "logout") is False
    assert store.login("token-1").end_reason == "logout"
    assert store.login("unknown") is None
    assert [record["event"] for record in store.records()] == ["login", "logout"]
    with sqlite3.connect(store.path) as db:  # the token itself is never stored
        assert "token-1" not in "".join(str(row) for row in db.execute("SELECT * FROM logins"))


def test_the_file_is_sqlite_in_wal_mode_with_a_schema_version(tmp_path):
    Store(tmp_path).append("session_start")
    Store(tmp_path)  # opening again migrates nothing twice
    with sqlite3.connect(Path(tmp_path) / STATE_FILE) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master "
                                               "WHERE type = 'table'")}
    assert tables == {"audit", "logins"}
