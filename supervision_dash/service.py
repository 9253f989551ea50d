"""The dashboard as a program's service: who is asking, what they may see, and the audit log.

For every new session: the user (Panel's login: `pn.state.user`), their grant read afresh from
the access file (a login the file does not name gets a page saying so, audited), the newest
extract (served.py), and a state narrowed to the peers of their grant; then the template of
app.py. Every session start, refusal, page, filter change, query, download and packet is an
audit record (store.py) with the user, role, session and remote address. A session watches,
every few seconds, for a newer extract (it says so) and, with a login, for the end of its login
(logged out elsewhere, or idle: it is then logged off and its page says so).

Without a login (loopback, or `--no-login` behind an authenticating proxy) every session gets
the one role given, unscoped, audited as "anonymous" with its address.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import sys
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import panel as pn
import param

from .access import Access, AccessError, Grant
from .app import LEADERSHIP_TITLE, TITLE, build, message_page, websocket_origins
from .login import LoginPolicy, ServiceAuth, session_login_token
from .served import Lease, ServedDatabase
from .settings import Settings
from .state import ProgramState, ReviewState
from .store import Store, utc_now
from .views.style import escape_html
from .warehouse import WarehouseError

log = logging.getLogger(__name__)
ANONYMOUS = "anonymous"
TEMPLATES = Path(__file__).parent / "templates"
CHECK_EVERY = dt.timedelta(seconds=10)  # how often a session looks for a newer extract


def default_state_dir(database: str | Path) -> Path:
    """Beside the database, named after it: program.duckdb → program.state."""
    database = Path(database)
    return database.with_name(f"{database.stem}.state")


class SessionEnd(pn.reactive.ReactiveHTML):
    """Sends the browser to another address (the logged-off page) when `target` is set."""

    target = param.String(default="")
    _template = '<div id="end" style="display: none"></div>'
    _scripts = {"target": "if (data.target) { window.location.assign(data.target) }"}


@dataclass
class Service:
    """One served database, its state folder, and who may see what."""

    database: ServedDatabase
    store: Store
    access_path: Path | None = None  # None: no per-person scope
    role: str = "supervisor"  # the role of every session without an access file
    login: bool = False  # a login is configured (basic auth or OAuth)
    policy: LoginPolicy = field(default_factory=LoginPolicy)
    _watches: dict = field(init=False, repr=False,
                           default_factory=lambda: defaultdict(weakref.WeakSet))

    @classmethod
    def open(cls, database: str | Path, *, settings: str | Path | Settings | None = None,
             state_dir: str | Path | None = None, access_path: str | Path | None = None,
             role: str | None = None, login: bool = False,
             policy: LoginPolicy | None = None) -> Service:
        """Open the database and the state folder; check the access file against the extract
        (and again after every new extract), printing a warning per problem."""
        settings = settings if isinstance(settings, Settings) else Settings.from_toml(settings)
        access_path = Path(access_path) if access_path else None
        if access_path:
            Access.from_toml(access_path)  # a bad file stops the start (AccessError)
        store = Store(state_dir or default_state_dir(database))
        check = functools.partial(_check_access, access_path) if access_path else None
        served = ServedDatabase(database, settings, on_open=check)
        return cls(served, store, access_path, role or "supervisor", login,
                   policy or LoginPolicy())

    @classmethod
    def from_environment(cls) -> Service:
        """For `panel serve dashboards/supervision.py`: SUPERVISION_DASH_DB (default: the
        demo), _SETTINGS, _ROLE, _ACCESS and _STATE_DIR. With an access file every session
        needs a user the file names (Panel's --basic-auth or --oauth-provider provide it)."""
        from .demo import demo_database

        environ = os.environ
        access = environ.get("SUPERVISION_DASH_ACCESS") or None
        return cls.open(environ.get("SUPERVISION_DASH_DB") or demo_database(),
                        settings=environ.get("SUPERVISION_DASH_SETTINGS") or None,
                        state_dir=environ.get("SUPERVISION_DASH_STATE_DIR") or None,
                        access_path=access, login=bool(access),
                        role=None if access else environ.get("SUPERVISION_DASH_ROLE"))

    # --- one session ---------------------------------------------------------------------------

    def page(self) -> pn.viewable.Viewable:
        """The current Panel session's page: the dashboard in the user's scope, or a refusal."""
        context = pn.state.curdoc.session_context
        request = context.request
        session = hashlib.sha256(context.id.encode()).hexdigest()[:16]
        user = pn.state.user if self.login else None
        audit = functools.partial(self.store.append, user=user or ANONYMOUS, session=session,
                                  address=getattr(request, "remote_ip", None))
        grant, refusal = self._grant(user)
        if refusal:
            audit("refused", detail={"reason": refusal})
            return _refusal_page(refusal, self.login)
        role = grant.role if grant else self.role
        audit = functools.partial(audit, role=role)
        lease = self.database.lease()
        pn.state.curdoc.on_session_destroyed(lambda _: lease.release())
        audit("session_start", detail={"scope": _scope_words(grant)})
        try:
            lease.warehouse("supervisor").require_contract()
            template = self._dashboard(lease, grant, role, user, audit)
        except WarehouseError as exc:  # the database lacks part of the contract: say what
            log.warning("a session was shown a message instead of the dashboard: %s", exc)
            audit("refused", detail={"reason": "the database cannot be read"})
            return message_page(str(exc), role == "leadership")
        SessionWatch(self, lease, template, audit, session_login_token() if self.login else None)
        return template

    def _grant(self, user: str | None) -> tuple[Grant | None, str | None]:
        """The user's grant from the access file, read now; or why the session is refused."""
        if self.access_path is None:
            return None, None
        if not user:
            return None, "no login"
        try:
            access = Access.from_toml(self.access_path)
        except AccessError as error:
            print(f"warning: {error}", file=sys.stderr, flush=True)
            return None, "the access file cannot be read"
        grant = access.get(user)
        return (grant, None) if grant else (None, "not in the access file")

    def _dashboard(self, lease: Lease, grant: Grant | None, role: str, user: str | None,
                   audit) -> pn.template.BaseTemplate:
        notices = []
        program_state = None
        if role == "leadership":
            state = ProgramState(lease.warehouse("leadership"), audit=audit)
        else:
            warehouse = lease.warehouse("supervisor")
            allowed = grant.allowed_peers(_directory(warehouse)) if grant else None
            state = ReviewState(warehouse, allowed_peers=allowed, audit=audit)
            if allowed == []:
                notices.append(pn.pane.HTML(
                    "<div class='sd-empty'>There is nothing in your scope in this extract: the "
                    "access file gives you supervisors or sites it does not have. Ask your "
                    "program's administrator.</div>", sizing_mode="stretch_width"))
            if grant and grant.program_pages:
                program_state = ProgramState(lease.warehouse("leadership"), audit=audit)
        header = ()
        if user:
            header = (pn.pane.HTML(
                f"<div style='color: white; text-align: right; font-size: 15px'>"
                f"{escape_html(user)} ({escape_html(role)}) · "
                f"<a href='logout' style='color: white; font-weight: 600'>Log out</a></div>",
                sizing_mode="stretch_width"),)
        newer = pn.pane.HTML("", sizing_mode="stretch_width", visible=False)
        end = SessionEnd(width=0, height=0, margin=0)
        template = build(state.warehouse, state, program_state=program_state, header=header,
                         notices=(newer, end, *notices))
        template.newer_notice, template.session_end = newer, end
        return template

    # --- logins ended from outside a session --------------------------------------------------

    def watch(self, token: str, watch: SessionWatch) -> None:
        self._watches[token].add(watch)

    def logged_out(self, token: str) -> None:
        """A logout in this process: end that login's open sessions now (the others notice
        within CHECK_EVERY)."""
        for watch in list(self._watches.pop(token, ())):
            watch.document.add_next_tick_callback(lambda watch=watch: watch.end("logout"))


class SessionWatch:
    """A session's periodic look at the extract (a newer one is announced) and, with a login,
    at its login: the browser's activity keeps it alive; idle for `policy.idle`, or ended
    elsewhere, the session is logged off — the page goes to the logged-off page and the
    server session is emptied."""

    def __init__(self, service: Service, lease: Lease, template, audit, token: str | None):
        self.service, self.lease, self.template, self.audit = service, lease, template, audit
        self.token = token
        self.document = pn.state.curdoc
        self.last_activity = self.touched = utc_now()
        self.ended = False
        self.document.on_change(self._changed)
        period = min(CHECK_EVERY, service.policy.idle / 3) if service.login else CHECK_EVERY
        self.callback = pn.state.add_periodic_callback(
            self.check, period=max(int(period.total_seconds() * 1000), 500))
        if token:
            service.watch(token, self)

    def _changed(self, event) -> None:
        if getattr(event, "setter", None) is not None:  # a change that came from the browser
            self.last_activity = utc_now()

    def check(self) -> None:
        if self.ended:
            return
        if not self.template.newer_notice.visible and self.lease.newer_available():
            self.template.newer_notice.object = (
                "<div class='sd-note' style='font-size: 15px; padding: 8px; border: 1px solid "
                "#0072B2; border-radius: 6px'>A newer extract has been loaded. Reload the page "
                "to see it.</div>")
            self.template.newer_notice.visible = True
        if not self.service.login:
            return
        store, now = self.service.store, utc_now()
        if self.token:
            if self.last_activity > self.touched:
                store.touch_login(self.token, self.last_activity)
                self.touched = self.last_activity
            login = store.login(self.token)
            if login is None or login.ended_at:
                self.end("idle" if login and login.end_reason == "logoff_idle" else "logout")
            elif now - login.last_seen_at > self.service.policy.idle:
                store.end_login(self.token, "logoff_idle")
                self.end("idle")
        elif now - self.last_activity > self.service.policy.idle:  # a login of the provider's
            self.audit("logoff_idle")
            self.end("idle")

    def end(self, reason: str) -> None:
        """Send the browser to the logged-off page, then empty the server session."""
        if self.ended:
            return
        self.ended = True
        self.callback.stop()
        self.template.session_end.target = f"logout?reason={reason}"
        self.document.add_timeout_callback(self.document.clear, 2000)


def _directory(warehouse) -> list[tuple[str, str, str]]:
    """Every peer of the extract as (peer_id, site, supervisor_id), to resolve a grant."""
    peers = warehouse.query("peer_scope")
    return list(peers[["peer_id", "site", "supervisor_id"]].itertuples(index=False, name=None))


def _check_access(access_path: Path, warehouse) -> None:
    """Warn about access-file entries the (new) extract lacks."""
    try:
        warnings = Access.from_toml(access_path).warnings(_directory(warehouse))
    except AccessError as error:
        warnings = [str(error)]
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr, flush=True)


def _scope_words(grant: Grant | None) -> str:
    if grant is None:
        return "everything the role shows (no per-person scope)"
    if grant.role == "supervisor":
        return f"supervisors: {', '.join(grant.supervisors)}"
    if grant.role == "manager":
        return f"sites: {', '.join(grant.sites)}"
    return "program level"


def _refusal_page(reason: str, login: bool) -> pn.viewable.Viewable:
    message = {
        "not in the access file": "Your login has no access to this dashboard. Ask your "
                                  "program's administrator to add you to the access file.",
        "no login": "This dashboard needs a login, and this server has none configured.",
    }.get(reason, "The dashboard cannot check your access now. Ask your program's "
                  "administrator.")
    logout = "<p><a href='logout'>Log out</a></p>" if login else ""
    return pn.pane.HTML(f"<h1>No access</h1><p>{escape_html(message)}</p>{logout}",
                        sizing_mode="stretch_width", margin=(40, 60))


def serve(service: Service, *, port: int = 5006, address: str = "127.0.0.1",
          show: bool = False, allow_websocket_origin: list[str] | None = None,
          use_xheaders: bool = False, basic_auth: Path | None = None,
          cookie_secret: str | None = None, oauth: dict | None = None) -> None:
    """Serve the service until interrupted, with basic auth (argon2, lockout, idle logoff)
    or Panel's OAuth provider given by `oauth` (pn.serve's oauth_* options), or no login."""
    options = {}
    if basic_auth:
        options["auth_provider"] = ServiceAuth(basic_auth, service.store, service.policy,
                                               service.logged_out)
    elif oauth:
        options.update(oauth, logout_template=str(TEMPLATES / "logged_off.html"),
                       oauth_error_template=str(TEMPLATES / "login_error.html"))
    if cookie_secret:
        options["cookie_secret"] = cookie_secret
    title = LEADERSHIP_TITLE if service.role == "leadership" else TITLE
    pn.serve({"/": service.page}, port=port, address=address, show=show, title=title,
             websocket_origin=websocket_origins(address, port, allow_websocket_origin),
             use_xheaders=use_xheaders, threaded=False, **options)


__all__ = ["Service", "SessionEnd", "default_state_dir", "serve"]
