"""Every catalogue query at scale: our layer against raw DuckDB, and four metrics against pandas.

    python benchmarks/query_benchmark.py                         # 100k, 1M and 10M contacts
    python benchmarks/query_benchmark.py --contacts 100000       # a quick look
    python benchmarks/query_benchmark.py --contacts 1000000 10000000 \\
        --db 1000000=/work/scale/x1m.duckdb --db 10000000=/work/scale/x10m.duckdb

For each size, a database: the one given with --db, else one generated (seed 1) and loaded
under --work (kept there and reused next time; --rebuild makes a new one). Then, for every
query in the catalogue with its default parameters (as_of = the last contact date, the
default settings, every site, supervisor and peer), after one warm-up run of each:

- ours: `wh.query(name)`, the whole of our layer (parameters, settings, composed SQL, cursor,
  DataFrame, notes), on a warehouse opened with `cache_size=0` so that every call runs the
  query (a warehouse keeps recent results; "cached" is a repeat call on one that does);
- raw: the same composed SQL with the same bound parameters (those `wh.query` bound, read from
  the frame's attrs) on a fresh cursor of a plain read-only DuckDB connection, fetched with
  `.df()`; so ours ÷ raw is what our layer adds, nothing else.

The two alternate run by run, --runs times each (median and p95); ours ÷ raw is the median of
the ratios of each run of ours to the raw run beside it. "Layer" is our layer's own work alone:
`wh.query(name)` with the DuckDB call stubbed out (the warehouse's `_run` returning an empty
frame), the median of 200 calls; it tells a real overhead from the noise of a shared machine
when ours ÷ raw is above 1. "Cached" is the median of repeat calls of `wh.query(name)` on a
warehouse with its default result cache (results of up to 100,000 rows are kept). For caseload,
boundary_flags, fidelity_scores and outcome_change, the plain-pandas versions in
pandas_metrics.py run on DataFrames read once from the database (reading is not timed), and
their result is checked against the query's (same rows, same values; ✓ or what differs).

Targets, marked ✗ when missed: every query ≤ 100 ms at 1M contacts and ≤ 1 s at 10M (warm
median); ≥ 10× faster than pandas at 10M; ours ≤ 1.2 × raw DuckDB. With --explain, the
EXPLAIN ANALYZE of each query that misses its time target is written under --work/explain.
Prints one Markdown table per size; never asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas_metrics  # noqa: E402

from supervision_dash import Warehouse, load  # noqa: E402
from supervision_dash.synthetic import generate  # noqa: E402

SIZES = (100_000, 1_000_000, 10_000_000)
TIME_TARGET_MS = {1_000_000: 100, 10_000_000: 1000}
SPEEDUP_TARGET = {10_000_000: 10}
RATIO_TARGET = 1.2


def _database(contacts: int, given: dict[int, Path], work: Path, rebuild: bool) -> Path:
    if contacts in given:
        return given[contacts]
    database = work / f"contacts_{contacts}.duckdb"
    if database.exists() and not rebuild:
        return database
    folder = work / f"extract_{contacts}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    generate(folder, contacts=contacts, seed=1)
    load(folder, database)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"(generated and loaded {contacts:,} contacts into {database} in "
          f"{time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return database


def _open(database: Path, retries: int, wait_s: float, **options) -> Warehouse:
    """The warehouse; a database being rebuilt by a newer loader is waited for."""
    for attempt in range(retries + 1):
        try:
            return Warehouse(database, **options)
        except ValueError as exc:
            if "built by an older supervision-dash" not in str(exc) or attempt == retries:
                raise
            print(f"({exc}; waiting {wait_s:.0f} s, attempt {attempt + 1} of {retries})",
                  file=sys.stderr)
            time.sleep(wait_s)
    raise AssertionError("unreachable")


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _stats(seconds: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return statistics.median(ms), float(np.percentile(ms, 95))


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _layer_ms(wh, name: str, calls: int = 200) -> float:
    """Median ms of wh.query(name) with DuckDB taken out: what our layer itself costs."""
    wh._run = lambda sql, params: pd.DataFrame()  # shadows the method on this instance
    try:
        return statistics.median(_seconds(lambda: wh.query(name)) for _ in range(calls)) * 1000
    finally:
        del wh._run


def _explain(raw, sql: str, bound: dict, path: Path) -> None:
    cursor = raw.cursor()
    try:
        rows = cursor.execute(f"EXPLAIN ANALYZE {sql}", bound or None).fetchall()
    finally:
        cursor.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(str(row[-1]) for row in rows), encoding="utf-8")


def benchmark(contacts: int, database: Path, args) -> None:
    wh = _open(database, args.retries, args.wait, cache_size=0)  # every call runs the query
    cached = _open(database, args.retries, args.wait)  # keeps results, as the app's does
    raw = duckdb.connect(str(database), read_only=True)
    raw.execute("SET enable_progress_bar = false")
    names = args.queries or list(wh.catalogue)
    time_target = TIME_TARGET_MS.get(contacts)
    speedup_target = SPEEDUP_TARGET.get(contacts)
    load_before = os.getloadavg()[0]

    tables = as_of = None
    if not args.no_pandas:
        tables = pandas_metrics.read_tables(raw)
        as_of = pandas_metrics.last_contact_date(tables)

    rows, misses = [], []
    for name in names:
        try:
            frame = wh.query(name)  # warm-up; its attrs hold the parameters it bound
        except Exception as exc:  # noqa: BLE001 - a failing query is a row, not the end
            rows.append(f"| `{name}` | error: {type(exc).__name__}: {exc} |" + " |" * 9)
            continue
        bound = frame.attrs["parameters"]
        sql = wh.catalogue.composed_sql(name)

        def ours(name=name):
            wh.query(name)

        def direct(sql=sql, bound=bound):
            cursor = raw.cursor()
            try:
                cursor.execute(sql, bound or None).df()
            finally:
                cursor.close()

        direct()  # warm-up
        ours_s, raw_s = [], []
        gc.collect()
        for run in range(args.runs):
            for which in ((ours, direct) if run % 2 == 0 else (direct, ours)):
                (ours_s if which is ours else raw_s).append(_seconds(which))
        ours_med, ours_p95 = _stats(ours_s)
        raw_med, raw_p95 = _stats(raw_s)
        # Each run of ours is paired with the raw run next to it: the median of those ratios
        # is steadier than a ratio of medians when other work on the machine comes and goes.
        ratio = statistics.median(o / r for o, r in zip(ours_s, raw_s, strict=True))
        layer_ms = _layer_ms(wh, name)
        cached.query(name)
        cached_ms = statistics.median(_seconds(lambda name=name: cached.query(name))
                                      for _ in range(args.runs)) * 1000
        marks = []
        time_cell = f"{_ms(ours_med)} / {_ms(ours_p95)}"
        if time_target is not None and ours_med > time_target:
            time_cell += " ✗"
            marks.append(f"time {ours_med:,.0f} ms > {time_target:,} ms")
            if args.explain:
                _explain(raw, sql, bound,
                         args.work / "explain" / f"{contacts}_{name}.txt")
        ratio_cell = f"{ratio:.2f}"
        if ratio > RATIO_TARGET:
            ratio_cell += " ✗"
            marks.append(f"ours ÷ raw {ratio:.2f} > {RATIO_TARGET} (the layer's own work: "
                         f"{layer_ms:.2f} ms)")

        pandas_cell = speedup_cell = check_cell = "—"
        if tables is not None and name in pandas_metrics.METRICS:
            compute, keys = pandas_metrics.METRICS[name]
            result = compute(tables, as_of)  # warm-up, and the answer checked
            same, words = pandas_metrics.compare(frame, result, keys)
            check_cell = f"✓ {words}" if same else f"✗ MISMATCH: {words}"
            if not same:
                marks.append("pandas mismatch")
            gc.collect()
            pandas_s = [_seconds(lambda compute=compute: compute(tables, as_of))
                        for _ in range(args.pandas_runs)]
            pandas_med, pandas_p95 = _stats(pandas_s)
            speedup = pandas_med / ours_med
            pandas_cell = f"{_ms(pandas_med)} / {_ms(pandas_p95)}"
            speedup_cell = f"{speedup:,.1f}×"
            if speedup_target is not None and speedup < speedup_target:
                speedup_cell += " ✗"
                marks.append(f"speed-up {speedup:.1f}× < {speedup_target}×")
        if marks:
            misses.append(f"- `{name}`: " + "; ".join(marks))
        rows.append(f"| `{name}` | {len(frame):,} | {time_cell} | {_ms(raw_med)} / "
                    f"{_ms(raw_p95)} | {ratio_cell} | {layer_ms:.2f} | {_ms(cached_ms)} "
                    f"| {pandas_cell} | {speedup_cell} | {check_cell} |")
        print(f"  {name}: {ours_med:.1f} ms", file=sys.stderr, flush=True)

    target_words = [f"ours ÷ raw ≤ {RATIO_TARGET}"]
    if time_target:
        target_words.insert(0, f"each query ≤ {time_target:,} ms (warm median)")
    if speedup_target:
        target_words.append(f"≥ {speedup_target}× faster than pandas")
    print(f"\n### {contacts:,} contacts\n")
    print(f"Database `{database}` (loaded {wh.load_info['loaded_at']:%Y-%m-%d %H:%M}); "
          f"as_of {wh.last_contact_date}; {args.runs} warm runs each "
          f"of ours and raw (alternating), {args.pandas_runs} of pandas; load average "
          f"{load_before:.1f} → {os.getloadavg()[0]:.1f}. "
          f"Targets: {'; '.join(target_words)}.\n")
    print("| query | rows | ours ms (median / p95) | raw DuckDB ms (median / p95) | ours ÷ raw "
          "| layer ms | cached ms | pandas ms (median / p95) | speed-up vs pandas | pandas check |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(row)
    print("\nMissed: " + ("none" if not misses else "\n\n" + "\n".join(misses)), flush=True)
    raw.close()
    cached.close()
    wh.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--db", action="append", default=[], metavar="CONTACTS=PATH",
                        help="use this database for that size instead of generating one")
    parser.add_argument("--work", type=Path, default=Path("benchmarks/.work"))
    parser.add_argument("--rebuild", action="store_true",
                        help="generate and load again even when --work holds a database")
    parser.add_argument("--runs", type=int, default=10, help="warm runs of ours and raw (≥ 5)")
    parser.add_argument("--pandas-runs", type=int, default=5, help="timed pandas runs")
    parser.add_argument("--queries", nargs="+", help="only these queries (default: all)")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas versions")
    parser.add_argument("--explain", action="store_true",
                        help="write EXPLAIN ANALYZE of each query missing its time target")
    parser.add_argument("--retries", type=int, default=10,
                        help="times to wait for a database still being rebuilt")
    parser.add_argument("--wait", type=float, default=120, help="seconds between those waits")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    given = {}
    for item in args.db:
        contacts, _, path = item.partition("=")
        given[int(contacts.replace("_", ""))] = Path(path)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"Query benchmark, {dt.date.today().isoformat()}: duckdb {duckdb.__version__}, "
          f"pandas {pd.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores. Command: `python benchmarks/{Path(sys.argv[0]).name} "
          f"{' '.join(sys.argv[1:])}`")
    for contacts in args.contacts:
        benchmark(contacts, _database(contacts, given, args.work, args.rebuild), args)


if __name__ == "__main__":
    main()
