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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
