"""Generation and load at scale, beside a bare DuckDB read_csv of the same files.

    python benchmarks/load_benchmark.py                      # 1M and 10M contacts
    python benchmarks/load_benchmark.py --contacts 100000    # a quick look

Each step runs in a fresh process so its peak memory (max RSS) is its own. "Bare" is what
DuckDB does with no validation, no typing rules and no time ordering:
`CREATE TABLE t AS SELECT * FROM read_csv(file)` per table, into a database file (and, for
reference, into memory). Prints a Markdown table; extracts are written under --work.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import time
from pathlib import Path


def _measure(queue, step, args):
    started = time.perf_counter()
    if step == "generate":
        from supervision_dash.synthetic import generate

        generate(args["folder"], contacts=args["contacts"], seed=1)
    elif step == "load":
        from supervision_dash import load

        load(args["folder"], args["database"])
    else:  # bare read_csv, into a file or into memory
        import duckdb

        con = duckdb.connect(args["database"])
        con.execute("SET enable_progress_bar = false")
        for path in sorted(Path(args["folder"]).glob("*.csv")):
            con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_csv($path)",
                        {"path": str(path)})
        con.close()
    seconds = time.perf_counter() - started
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024))


def measure(step: str, **args) -> tuple[float, float]:
    """(seconds, peak GiB) of one step in its own process."""
    queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(target=_measure,
                                                           args=(queue, step, args))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--work", type=Path, default=Path("benchmarks/.work"))
    parser.add_argument("--keep", action="store_true", help="keep the extracts and databases")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print("| contacts | generate s | generate peak GiB | load s | load peak GiB "
          "| bare read_csv → file s | load ÷ bare | bare read_csv → memory s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for contacts in args.contacts:
        folder = args.work / f"extract_{contacts}"
        database = args.work / f"extract_{contacts}.duckdb"
        bare = args.work / f"bare_{contacts}.duckdb"
        for leftover in (database, bare):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        generate_s, generate_gib = measure("generate", folder=str(folder), contacts=contacts)
        load_s, load_gib = measure("load", folder=str(folder), database=str(database))
        bare_s, _ = measure("bare", folder=str(folder), database=str(bare))
        memory_s, _ = measure("bare", folder=str(folder), database=":memory:")
        print(f"| {contacts:,} | {generate_s:.1f} | {generate_gib:.2f} | {load_s:.1f} "
              f"| {load_gib:.2f} | {bare_s:.1f} | {load_s / bare_s:.2f} | {memory_s:.1f} |",
              flush=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
            database.unlink(missing_ok=True)
        bare.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
