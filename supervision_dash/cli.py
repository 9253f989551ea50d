"""The `supervision-dash` command line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import traceback
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
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"nothing was loaded, {args.db} is unchanged") from None
    for problem in result.report.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    rows = ", ".join(f"{name} {count:,}" for name, count in result.rows.items())
    print(f"Loaded {args.extract} into {args.db} in {result.seconds:.1f} s: {rows}")
    return 0


def _query(args) -> int:
    from .catalogue import Catalogue, builtin_folder
    from .disclosure import for_display
    from .export import csv_text
    from .warehouse import open_warehouse

    if args.list:
        catalogue = Catalogue([builtin_folder(), *args.queries])
        for name in catalogue:
            spec = catalogue[name]
            print(f"{name}: {spec.summary}")
            print(f"    parameters: {', '.join(catalogue.parameters(name)) or 'none'}")
        return 0
    if not args.name or not args.db:
        raise ValueError("give NAME and --db FILE, or --list")
    params = {}
    for pair in args.param:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--param takes key=value, not {pair!r}")
        params[key] = value
    with open_warehouse(args.db, role=args.role, settings=args.settings,
                        queries=args.queries) as warehouse:
        frame = warehouse.query(args.name, **params)
    for note in frame.attrs.get("notes", []):
        print(f"note: {note}", file=sys.stderr)
    shown = for_display(frame)
    if args.format == "csv":
        print(csv_text(frame), end="")
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


def _network_problem(args, command: str, login: bool = False) -> str | None:
    """The refusal for a non-loopback address with no login; prints --no-login's warning."""
    if args.no_login:
        print(NO_LOGIN_WARNING.format(address=args.address, role=getattr(args, "role", None)
                                      or "supervisor"), file=sys.stderr, flush=True)
    elif not login and not is_loopback(args.address):
        return f"supervision-dash {command}: " + NO_LOGIN_REFUSED.format(address=args.address)
    return None


def _login_problem(args, access, cookie_secret) -> str | None:
    """What is wrong with the login options, checked before anything is served."""
    from .credentials import CredentialsError, read_credentials

    login = bool(args.basic_auth or args.oauth_provider)
    if args.basic_auth and args.oauth_provider:
        return "give --basic-auth or --oauth-provider, not both"
    if login and args.no_login:
        return "--no-login contradicts --basic-auth and --oauth-provider"
    if login and not access:
        return ("a login needs an access file saying who may see what: --access FILE (or "
                "SUPERVISION_DASH_ACCESS)")
    if access and not login:
        return ("--access needs a login (--basic-auth CREDENTIALS_FILE or --oauth-provider): "
                "per-person scope needs a person")
    if access and args.role:
        return "--role and --access together: with a login, the access file gives each role"
    if login and len(cookie_secret or "") < 32:
        return ("a login needs a cookie secret of at least 32 characters: --cookie-secret or "
                "SUPERVISION_DASH_COOKIE_SECRET (e.g. python3 -c \"import secrets; "
                "print(secrets.token_urlsafe(32))\")")
    if args.basic_auth:
        try:
            read_credentials(args.basic_auth)
        except CredentialsError as error:
            return str(error)
    if args.oauth_extra_params:
        try:
            if not isinstance(json.loads(args.oauth_extra_params), dict):
                raise ValueError
        except ValueError:
            return "--oauth-extra-params must be a JSON object"
    return None


def _serve(args) -> int:
    import os

    from .login import LoginPolicy
    from .service import Service, serve

    access = args.access or os.environ.get("SUPERVISION_DASH_ACCESS") or None
    cookie_secret = args.cookie_secret or os.environ.get("SUPERVISION_DASH_COOKIE_SECRET")
    login = bool(args.basic_auth or args.oauth_provider)
    problem = _login_problem(args, access, cookie_secret) or _network_problem(args, "serve",
                                                                               login)
    if problem:
        print(problem if problem.startswith("supervision-dash") else
              f"supervision-dash serve: {problem}", file=sys.stderr)
        return 2
    policy = LoginPolicy(idle=dt.timedelta(minutes=args.idle_minutes),
                         window=dt.timedelta(minutes=args.lockout_minutes),
                         lockout=dt.timedelta(minutes=args.lockout_minutes))
    service = Service.open(args.db, settings=args.settings, state_dir=args.state_dir,
                           access_path=access, role=args.role, login=login, policy=policy)
    oauth = {name: getattr(args, name) for name in (
        "oauth_provider", "oauth_key", "oauth_secret", "oauth_redirect_uri",
        "oauth_encryption_key") if getattr(args, name)}
    if args.oauth_extra_params:
        oauth["oauth_extra_params"] = json.loads(args.oauth_extra_params)
    print(f"Serving {args.db} at http://{args.address}:{args.port}/ (Ctrl-C stops); audit log "
          f"in {service.store.path}", file=sys.stderr, flush=True)
    serve(service, port=args.port, address=args.address, show=args.show,
          allow_websocket_origin=args.allow_websocket_origin, use_xheaders=args.use_xheaders,
          basic_auth=args.basic_auth, cookie_secret=cookie_secret, oauth=oauth)
    return 0


def _demo(args) -> int:
    from .demo import demo_database
    from .service import Service, serve

    problem = _network_problem(args, "demo")
    if problem:
        print(problem, file=sys.stderr)
        return 2
    database = demo_database(args.contacts, args.seed, Progress())
    print(f"Demo dashboard on synthetic data: http://{args.address}:{args.port}/ "
          "(Ctrl-C stops)", file=sys.stderr, flush=True)
    serve(Service.open(database), port=args.port, address=args.address, show=args.show,
          allow_websocket_origin=args.allow_websocket_origin, use_xheaders=args.use_xheaders)
    return 0


def _passwd(args) -> int:
    import getpass

    from .credentials import set_password

    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.user}: ")
        if getpass.getpass("The same again: ") != password:
            print("supervision-dash passwd: the two passwords differ; nothing written",
                  file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    set_password(args.file, args.user, password)
    print(f"Wrote the argon2 hash of {args.user}'s password to {args.file}")
    return 0


def _report(args) -> int:
    from .packet import print_pdf, write_packet
    from .warehouse import open_warehouse

    try:
        week = dt.date.fromisoformat(args.week)
    except ValueError:
        raise ValueError(f"--week must be a date YYYY-MM-DD, not {args.week!r}") from None
    with open_warehouse(args.db, settings=args.settings) as warehouse:
        path = write_packet(warehouse, args.supervisor, week, args.output, args.site)
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
    serve.add_argument("--role", choices=["supervisor", "leadership"],
                       help="without a login, the role of every session (default supervisor); "
                            "leadership: program-level pages only, small counts suppressed")
    serve.add_argument("--state-dir", type=Path, metavar="DIR",
                       help="where the audit log lives (state.sqlite; default: beside the "
                            "database, named <database stem>.state)")
    login = serve.add_argument_group(
        "login", "Who may see what: a login (basic auth or OAuth/OIDC) and an access file.")
    login.add_argument("--access", type=Path, metavar="FILE",
                       help="the access file (TOML: [users.NAME] role and supervisors or "
                            "sites); also SUPERVISION_DASH_ACCESS")
    login.add_argument("--basic-auth", type=Path, metavar="CREDENTIALS_FILE",
                       help="log in with the argon2 hashes of this JSON file (written by "
                            "`supervision-dash passwd`)")
    login.add_argument("--cookie-secret", metavar="SECRET",
                       help="signs the login cookies, at least 32 characters (better: "
                            "SUPERVISION_DASH_COOKIE_SECRET, which no process list shows)")
    login.add_argument("--idle-minutes", type=float, default=15, metavar="N",
                       help="log a basic-auth login off after N idle minutes (default 15)")
    login.add_argument("--lockout-minutes", type=float, default=15, metavar="N",
                       help="5 failed logins within N minutes lock the user out for N minutes "
                            "(default 15)")
    for name, about in (("provider", "Panel's OAuth/OIDC provider (generic, azure, okta, "
                                     "google, github, gitlab, auth0...)"),
                        ("key", "the OAuth client ID"), ("secret", "the OAuth client secret"),
                        ("redirect-uri", "the URL the provider sends users back to"),
                        ("extra-params", "extra provider parameters as a JSON object"),
                        ("encryption-key", "encrypts the OAuth tokens kept in cookies")):
        login.add_argument(f"--oauth-{name}", metavar=name.split("-")[0].upper(), help=about)
    serve.set_defaults(run=_serve)

    passwd = commands.add_parser(
        "passwd", help="set a user's password in a credentials file (argon2 hash)",
        description="Write USER's argon2 hash into the credentials file of serve --basic-auth "
                    "(created when absent). Asks for the password, or reads one line from "
                    "standard input when it is not a terminal; never takes it as an argument.")
    passwd.add_argument("file", type=Path, metavar="FILE", help="the credentials file (JSON)")
    passwd.add_argument("user", metavar="USER", help="the login name")
    passwd.set_defaults(run=_passwd)

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
    """Run a command; a failure is one line on stderr, never a traceback. Exit status: 0 done,
    1 the data could not be read (or written), 2 a wrong command line, option or parameter
    (argparse's own usage errors are 2 as well)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt as exc:  # Ctrl-C: one line, and what it left as it was
        print(f"supervision-dash {args.command}: interrupted"
              + (f"; {exc.args[0]}" if exc.args else ""), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure is told in one line
        status, message = _describe_failure(exc)
        print(f"supervision-dash {args.command}: {message}", file=sys.stderr)
        return status


def _describe_failure(exc: Exception) -> tuple[int, str]:
    """The exit status and the one line for an exception. Only our own messages are shown:
    DuckDB's, and those of an unexpected error, may quote a data value, so only their kind
    is named."""
    import duckdb

    from .loader import LoadError, TargetError
    from .validation import ExtractError
    from .warehouse import LeadershipError, WarehouseError

    if isinstance(exc, WarehouseError | LoadError):
        return 1, str(exc)
    if isinstance(exc, ExtractError):
        return 1, (f"the extract {exc.report.extract} does not pass validation "
                   "(supervision-dash validate lists every problem)")
    if isinstance(exc, TargetError):
        return 2, f"--db {exc}"
    if isinstance(exc, LeadershipError | ValueError | TypeError | KeyError):
        return 2, str(exc.args[0]) if exc.args else type(exc).__name__
    if isinstance(exc, duckdb.Error):
        return 1, f"DuckDB could not read the data ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return 1, f"{exc.strerror or type(exc).__name__}" + (
            f": {exc.filename}" if exc.filename else "")
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if Path(frame.filename).parent.name == "supervision_dash"
            or Path(frame.filename).parent.parent.name == "supervision_dash"] or frames
    return 1, (f"unexpected {type(exc).__name__} at {Path(ours[-1].filename).name}:"
               f"{ours[-1].lineno} (please report it)")


if __name__ == "__main__":
    sys.exit(main())
