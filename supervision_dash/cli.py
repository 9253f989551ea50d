"""The `supervision-dash` command line."""

from __future__ import annotations

import argparse
import datetime as dt
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


LOOPBACK = "127.0.0.1"
NO_LOGIN_REFUSED = (
    "refusing to serve protected health information on {address} without a login. Configure "
    "one: --basic-auth CREDENTIALS_FILE --cookie-secret SECRET (or --oauth-provider NAME and its "
    "options) with --access ACCESS_FILE; or, behind a proxy that authenticates every user, "
    "give --no-login. See the README's \"Deploying for a program\".")
NO_LOGIN_WARNING = (
    "warning: --no-login: no login and no per-person scope; everyone who reaches {address} sees "
    "the {role} pages, audited as anonymous. Only behind a proxy that authenticates every user.")


def is_loopback(address: str) -> bool:
    """Whether an address to listen on is reachable from this machine only."""
    import ipaddress

    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def _network_problem(args, command: str) -> str | None:
    """The refusal for a non-loopback address with no login; prints --no-login's warning."""
    if args.no_login:
        print(NO_LOGIN_WARNING.format(address=args.address, role=getattr(args, "role", None)
                                      or "supervisor"), file=sys.stderr, flush=True)
    elif not is_loopback(args.address):
        return f"supervision-dash {command}: " + NO_LOGIN_REFUSED.format(address=args.address)
    return None


def _serve(args) -> int:
    from .app import serve

    if not args.db.is_file():
        print(f"supervision-dash serve: no database at {args.db} (build one with "
              "`supervision-dash load`)", file=sys.stderr)
        return 2
    problem = _network_problem(args, "serve")
    if problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"Serving {args.db} at http://{args.address}:{args.port}/ (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    serve(args.db, port=args.port, address=args.address, settings=args.settings,
          role=args.role, show=args.show, allow_websocket_origin=args.allow_websocket_origin,
          use_xheaders=args.use_xheaders)
    return 0


def _demo(args) -> int:
    from .app import serve
    from .demo import demo_database

    problem = _network_problem(args, "demo")
    if problem:
        print(problem, file=sys.stderr)
        return 2
    database = demo_database(args.contacts, args.seed, Progress())
    print(f"Demo dashboard on synthetic data: http://{args.address}:{args.port}/ "
          "(Ctrl-C stops)", file=sys.stderr, flush=True)
    serve(database, port=args.port, address=args.address, show=args.show,
          allow_websocket_origin=args.allow_websocket_origin, use_xheaders=args.use_xheaders)
    return 0


def _report(args) -> int:
    from .packet import print_pdf, write_packet
    from .warehouse import open_warehouse

    try:
        week = dt.date.fromisoformat(args.week)
    except ValueError:
        print(f"supervision-dash report: --week must be a date YYYY-MM-DD, not {args.week!r}",
              file=sys.stderr)
        return 2
    try:
        with open_warehouse(args.db, settings=args.settings) as warehouse:
            path = write_packet(warehouse, args.supervisor, week, args.output, args.site)
    except (ValueError, FileNotFoundError) as exc:
        print(f"supervision-dash report: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {path} (the week ending {week}, supervisor {args.supervisor})")
    if args.pdf:
        print_pdf(path, args.pdf)
        print(f"Wrote {args.pdf}")
    return 0


AUDIT_COLUMNS = ("id", "at", "user", "role", "session", "address", "event", "query", "rows",
                 "parameters", "detail")


def _audit(args) -> int:
    from .store import STATE_FILE, Store

    if not (args.state_dir / STATE_FILE).is_file():
        print(f"supervision-dash audit: no audit log at {args.state_dir / STATE_FILE}",
              file=sys.stderr)
        return 1
    store = Store(args.state_dir)
    if args.verify:
        result = store.verify()
        print(f"{result.records} records; last hash {result.last_hash}")
        if not result.intact:
            print(f"audit log broken: {result.problem}", file=sys.stderr)
            return 1
        print("audit log intact")
        return 0
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            print("supervision-dash audit: --since must be a date YYYY-MM-DD", file=sys.stderr)
            return 2
    records = [{name: record[name] for name in AUDIT_COLUMNS}
               for record in store.records(since=since, user=args.user)]
    if args.format == "json":
        for record in records:
            for name in ("parameters", "detail"):
                record[name] = record[name] and json.loads(record[name])
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    import pandas as pd

    frame = pd.DataFrame(records, columns=list(AUDIT_COLUMNS))
    if args.format == "csv":
        print(frame.to_csv(index=False), end="")
    else:
        print(frame.fillna("").to_string(index=False) if len(frame) else "(no records)")
    return 0


def _add_serving_options(parser) -> None:
    parser.add_argument("--port", type=int, default=5006, help="port (default 5006)")
    parser.add_argument("--address", default=LOOPBACK,
                        help=f"address to listen on (default {LOOPBACK}: this machine only); "
                             "any other address needs a login or --no-login")
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    parser.add_argument("--allow-websocket-origin", action="append", metavar="HOST[:PORT]",
                        help="a host allowed to open the dashboard (when served behind a proxy; "
                             "repeatable)")
    parser.add_argument("--use-xheaders", action="store_true",
                        help="behind a proxy: take the client's address from X-Real-Ip / "
                             "X-Forwarded-For (for the audit log)")
    parser.add_argument("--no-login", action="store_true",
                        help="serve a non-loopback address without a login, behind a proxy that "
                             "authenticates every user (prints a warning; no per-person scope)")


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

    serve = commands.add_parser(
        "serve", help="serve the dashboard for a database",
        description="Serve the supervision dashboard (Panel) for a loaded database.")
    serve.add_argument("--db", type=Path, required=True, metavar="FILE",
                       help="the DuckDB database")
    _add_serving_options(serve)
    serve.add_argument("--settings", type=Path, metavar="TOML", help="program settings file")
    serve.add_argument("--role", choices=["supervisor", "leadership"], default="supervisor",
                       help="leadership: program-level pages only, small counts suppressed")
    serve.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo", help="serve the dashboard on built-in synthetic data",
        description="Generate a seeded synthetic extract on first run (in the cache folder), "
                    "load it, and serve the dashboard.")
    demo.add_argument("--contacts", type=int, default=50_000,
                      help="size of the synthetic program (default 50000 contacts)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    _add_serving_options(demo)
    demo.set_defaults(run=_demo)

    report = commands.add_parser(
        "report", help="write a supervisor's weekly review packet (standalone HTML)",
        description="Write the weekly review packet: a standalone HTML file (no server, no "
                    "network) with the week's per-peer summary, the flags to discuss, fidelity "
                    "and the participants not seen lately.")
    report.add_argument("--db", type=Path, required=True, metavar="FILE",
                        help="the DuckDB database")
    report.add_argument("--supervisor", required=True, metavar="ID", help="the supervisor")
    report.add_argument("--site", metavar="SITE",
                        help="only the supervisor's peers of this site (as the page's site filter)")
    report.add_argument("--week", required=True, metavar="YYYY-MM-DD",
                        help="the last day of the week (the review covers the 7 days ending it)")
    report.add_argument("-o", "--output", type=Path, default=Path("packet.html"),
                        metavar="FILE", help="the HTML file to write (default packet.html)")
    report.add_argument("--pdf", type=Path, metavar="FILE",
                        help="also print it to PDF with headless Chromium")
    report.add_argument("--settings", type=Path, metavar="TOML", help="program settings file")
    report.set_defaults(run=_report)
    audit = commands.add_parser(
        "audit", help="print or verify the audit log of a served dashboard",
        description="Print the audit log kept in a state folder (state.sqlite), or check its "
                    "hash chain with --verify: exit 0 when intact, 1 naming the first record "
                    "that was edited, deleted or inserted.")
    audit.add_argument("--state-dir", type=Path, required=True, metavar="DIR",
                       help="the state folder given to serve (default there: beside the "
                            "database, named <database stem>.state)")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="records from this UTC day on")
    audit.add_argument("--user", metavar="NAME", help="only this user's records")
    audit.add_argument("--format", choices=["table", "csv", "json"], default="table")
    audit.add_argument("--verify", action="store_true",
                       help="check the hash chain; print the number of records and the last "
                            "hash (keep them elsewhere to detect records cut from the end)")
    audit.set_defaults(run=_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
