"""The `supervision-dash` command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


class Progress:
    """Stage lines with elapsed time on stderr, so long work shows it is moving."""

    def __init__(self, quiet: bool = False):
        self.started = time.perf_counter()
        self.quiet = quiet

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", file=sys.stderr,
                  flush=True)


def _generate(args) -> int:
    from .synthetic import generate

    progress = Progress(args.quiet)
    rows = generate(args.out, contacts=args.contacts, seed=args.seed, fmt=args.format,
                    progress=progress)
    progress(f"wrote {args.out}: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    return 0


def _validate(args) -> int:
    from .validation import validate

    report = validate(args.extract)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report)
    return 0 if report.ok else 1


def _load(args) -> int:
    from .loader import load
    from .validation import ExtractError

    progress = Progress(args.quiet)
    try:
        result = load(args.extract, args.db, progress=progress)
    except ExtractError as exc:
        print(exc.report, file=sys.stderr)
        print(f"Nothing was loaded; {args.db} is unchanged.", file=sys.stderr)
        return 1
    for problem in result.report.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    rows = ", ".join(f"{name} {count:,}" for name, count in result.rows.items())
    print(f"Loaded {args.extract} into {args.db} in {result.seconds:.1f} s: {rows}")
    return 0


def _query(args) -> int:
    from .catalogue import Catalogue, builtin_folder
    from .disclosure import for_display
    from .warehouse import open_warehouse

    if args.list:
        catalogue = Catalogue([builtin_folder(), *args.queries])
        for name in catalogue:
            spec = catalogue[name]
            print(f"{name}: {spec.summary}")
            print(f"    parameters: {', '.join(catalogue.parameters(name)) or 'none'}")
        return 0
    if not args.name or not args.db:
        print("supervision-dash query: give NAME and --db FILE, or --list", file=sys.stderr)
        return 2
    params = {}
    for pair in args.param:
        key, sep, value = pair.partition("=")
        if not sep:
            print(f"supervision-dash query: --param takes key=value, not {pair!r}",
                  file=sys.stderr)
            return 2
        params[key] = value
    try:
        with open_warehouse(args.db, role=args.role, settings=args.settings,
                            queries=args.queries) as warehouse:
            frame = warehouse.query(args.name, **params)
    except (KeyError, TypeError, ValueError, PermissionError, FileNotFoundError) as exc:
        print(f"supervision-dash query: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    for note in frame.attrs.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    shown = for_display(frame)
    if args.format == "csv":
        print(shown.to_csv(index=False), end="")
    elif args.format == "json":
        print(shown.to_json(orient="records", date_format="iso", indent=2))
    else:
        print(shown.to_string(index=False) if len(shown) else "(no rows)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supervision-dash",
        description="Supervision dashboards for psychiatric peer support programs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser(
        "generate", help="write a synthetic extract (no real person in it)",
        description="Write a seeded, deterministic synthetic extract folder.")
    generate.add_argument("out", type=Path, metavar="OUT", help="folder to write")
    generate.add_argument("--contacts", type=int, default=20_000,
                          help="about how many contacts (scales the whole program; "
                               "default 20000, up to 10 million and beyond)")
    generate.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    generate.add_argument("--format", choices=["csv", "parquet"], default="csv",
                          help="file format (default csv)")
    generate.add_argument("--quiet", action="store_true", help="no progress lines")
    generate.set_defaults(run=_generate)

    validate = commands.add_parser(
        "validate", help="check an extract folder against the contract",
        description="Report every problem of an extract folder at once; exit 1 on any error.")
    validate.add_argument("extract", type=Path, metavar="DIR", help="extract folder")
    validate.add_argument("--json", action="store_true", help="the report as JSON")
    validate.set_defaults(run=_validate)

    load = commands.add_parser(
        "load", help="validate an extract and build its DuckDB database",
        description="Validate DIR and build the database FILE from it. The file is replaced "
                    "only when the load succeeds; a failed load leaves it as it was.")
    load.add_argument("extract", type=Path, metavar="DIR", help="extract folder")
    load.add_argument("--db", type=Path, required=True, metavar="FILE",
                      help="the DuckDB database to build")
    load.add_argument("--quiet", action="store_true", help="no progress lines")
    load.set_defaults(run=_load)

    query = commands.add_parser(
        "query", help="run a named metric and print its rows",
        description="Run a metric from the query catalogue (queries/*.sql) on a database.")
    query.add_argument("name", nargs="?", metavar="NAME", help="the query (see --list)")
    query.add_argument("--db", type=Path, metavar="FILE", help="the DuckDB database")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="a query parameter, e.g. --param as_of=2026-06-30 (repeatable)")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument("--role", choices=["supervisor", "leadership"], default="supervisor",
                       help="leadership: program-level rows only, small counts shown as <11")
    query.add_argument("--settings", type=Path, metavar="TOML", help="program settings file")
    query.add_argument("--queries", type=Path, action="append", default=[], metavar="DIR",
                       help="a folder of extra .sql queries (repeatable)")
    query.add_argument("--list", action="store_true", help="list the queries and parameters")
    query.set_defaults(run=_query)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
