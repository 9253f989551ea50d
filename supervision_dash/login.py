"""Login for `supervision-dash serve --basic-auth`: Panel's basic auth, made fit for a program.

Panel's own basic auth compares plain-text passwords, never locks anyone out, and its logout
only clears a cookie. Here, on Panel's machinery (its auth provider, login and logout handlers):

- the credentials file holds argon2 hashes (credentials.py), read again at every login;
- `failures` failed logins of one user within `window` lock that user out for `lockout`
  (kept as audit records in the state file, so it holds across processes and restarts);
  unknown user names are audited without the name (it may be a password typed in the wrong box);
- a login is a row of the state file's `logins` table, named by a random token in a signed
  cookie: logging out, or staying idle for `idle`, ends it on the server, for every process;
- the login, logged-off and refusal pages are plain HTML with inline styles: nothing loads
  from outside the server.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from panel.auth import BasicAuthProvider, BasicLoginHandler, LogoutHandler, _validate_next_url
from panel.config import config
from panel.io.state import state
from tornado.web import decode_signed_value
from tornado.websocket import WebSocketHandler

from .credentials import CredentialsError, check_password, read_credentials
from .store import Store, utc_now

LOGIN_COOKIE = "supervision_dash_login"
LOGIN_ENDPOINT = "/login"
COOKIES = ("user", "id_token", LOGIN_COOKIE, "access_token", "refresh_token", "oauth_expiry",
           "is_guest", "next_url")
MESSAGES = {
    "failed": "Wrong user name or password, or this login is locked for a while after repeated "
              "failures.",
}
STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2328;
       background: #f6f8fa; margin: 0; }
main { max-width: 420px; margin: 12vh auto; background: #fff; border: 1px solid #d0d7de;
       border-radius: 8px; padding: 24px 28px; }
h1 { font-size: 20px; margin: 0 0 12px 0; } p { line-height: 1.5; }
label { display: block; margin: 12px 0 4px 0; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: 8px; font-size: 15px;
        border: 1px solid #8c959f; border-radius: 6px; }
button { margin-top: 18px; padding: 8px 18px; font-size: 15px; color: #fff;
         background: #0072B2; border: 0; border-radius: 6px; cursor: pointer; }
.error { color: #8a2e00; border: 1px solid #D55E00; border-radius: 6px; padding: 8px; }
.note { color: #57606a; font-size: 13px; }
"""


@dataclass(frozen=True)
class LoginPolicy:
    """The lockout rule and the idle time after which a login ends (HIPAA's automatic logoff)."""

    failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    idle: dt.timedelta = dt.timedelta(minutes=15)


def page(title: str, body: str) -> str:
    """A plain page with its style inline: no font, image or script from anywhere."""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def login_page(endpoint: str, error: str = "") -> str:
    message = MESSAGES.get(error)
    return page("Log in — Peer support supervision", f"""
<h1>Peer support supervision</h1>
<p class="note">Contains protected health information. Log in with the name and password your
program gave you.</p>
{f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""}
<form action="{html.escape(endpoint)}" method="post">
  <label for="username">User name</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Log in</button>
</form>""")


def logged_off_page(login_endpoint: str, idle: dt.timedelta | None = None) -> str:
    why = (f"You were logged off after {idle_words(idle)} without activity."
           if idle else "You are logged out.")
    return page("Logged off — Peer support supervision", f"""
<h1>{html.escape(why)}</h1>
<p>Nothing of the dashboard stays open on the server.</p>
<p><a href="{html.escape(login_endpoint)}">Log in again</a></p>""")


def idle_words(idle: dt.timedelta) -> str:
    seconds = round(idle.total_seconds())
    if seconds % 60:
        return f"{seconds} seconds"
    return f"{seconds // 60} minute{'s' if seconds != 60 else ''}"


def session_login_token() -> str | None:
    """The login token of the current Panel session's browser (None without one)."""
    signed = state.cookies.get(LOGIN_COOKIE) if state.curdoc else None
    if not signed or not config.cookie_secret:
        return None
    token = decode_signed_value(config.cookie_secret, LOGIN_COOKIE, signed)
    return token.decode() if token else None


class LoginHandler(BasicLoginHandler):
    """Panel's login page and form, checking argon2 hashes with a lockout; set up per server by
    `ServiceAuth` (Bokeh takes the handler as a class)."""

    credentials: Path
    store: Store
    policy: LoginPolicy

    def get(self):
        next_url = _validate_next_url(self.get_argument("next", state.base_url))
        if next_url:
            self.set_cookie("next_url", next_url, httponly=True, samesite="Lax")
        self.write(login_page(self._login_endpoint, self.get_argument("error", "")))

    def post(self):
        user = self.get_argument("username", "")
        password = self.get_argument("password", "")
        address = self.request.remote_ip
        try:
            known = user in read_credentials(self.credentials)
        except CredentialsError as error:  # changed under a running server: nobody logs in
            print(f"warning: {error}", file=sys.stderr, flush=True)
            self.store.append("login_refused", address=address,
                              detail={"reason": "credentials file unreadable"})
            self.redirect(f"{self._login_endpoint}?error=failed")
            return
        if known and self.store.locked_until(user):
            self.store.append("login_refused", user=user, address=address,
                              detail={"reason": "locked out"})
        elif check_password(self.credentials, user, password):
            token = secrets.token_urlsafe(32)
            self.store.start_login(token, user, address=address)
            self.set_login_cookies(user, token)
            self.redirect(_validate_next_url(self.get_cookie("next_url", state.base_url))
                          or state.base_url)
            return
        elif known:
            self.store.login_failed(user, failures=self.policy.failures,
                                    window=self.policy.window, lockout=self.policy.lockout,
                                    address=address)
        else:
            self.store.append("login_failed", address=address, detail={"user": "unknown"})
        self.redirect(f"{self._login_endpoint}?error=failed")

    def set_login_cookies(self, user: str, token: str) -> None:
        """Session cookies (gone when the browser closes), signed, out of the page's reach."""
        options = {"expires_days": None, "httponly": True, "path": config.cookie_path,
                   "samesite": "Lax"}
        self.clear_cookie("is_guest")
        self.set_secure_cookie("user", user, **options)
        self.set_secure_cookie(LOGIN_COOKIE, token, **options)


class ServiceLogoutHandler(LogoutHandler):
    """Ends the login on the server, closes its open sessions, clears the cookies, and says so."""

    store: Store
    policy: LoginPolicy
    on_logout: Callable[[str], None]

    def get(self):
        token = self.get_secure_cookie(LOGIN_COOKIE, max_age_days=1)
        if token:
            token = token.decode()
            self.store.end_login(token, "logout", address=self.request.remote_ip)
            self.on_logout(token)
        for name in COOKIES:
            self.clear_cookie(name, path=config.cookie_path)
        idle = self.policy.idle if self.get_argument("reason", "") == "idle" else None
        self.write(logged_off_page(self._login_endpoint, idle))


class ServiceAuth(BasicAuthProvider):
    """Panel's basic auth provider with the handlers above; a request's user is the login of
    its signed cookies, while that login is active on the server."""

    def __init__(self, credentials: Path, store: Store, policy: LoginPolicy,
                 on_logout: Callable[[str], None]):
        self._handlers = {  # before Bokeh's __init__, which checks them
            "login": type("ServiceLoginHandler", (LoginHandler,), {
                "credentials": Path(credentials), "store": store, "policy": policy,
                "_login_endpoint": LOGIN_ENDPOINT}),
            "logout": type("ServiceLogoutHandler", (ServiceLogoutHandler,), {
                "store": store, "policy": policy, "on_logout": staticmethod(on_logout),
                "_login_endpoint": LOGIN_ENDPOINT}),
        }
        self.store, self.policy = store, policy
        super().__init__(login_endpoint=LOGIN_ENDPOINT)

    @property
    def login_handler(self):
        return self._handlers["login"]

    @property
    def logout_handler(self):
        return self._handlers["logout"]

    def active_user(self, token: str, user: str) -> bool:
        """Whether the login is active; an idle one is ended here (for every process)."""
        login = self.store.login(token)
        if login is None or login.user != user or login.ended_at:
            return False
        now = utc_now()
        if now - login.last_seen_at > self.policy.idle:
            self.store.end_login(token, "logoff_idle")
            return False
        self.store.touch_login(token, now)
        return True

    @property
    def get_user(self):
        def get_user(handler):
            user = handler.get_secure_cookie("user", max_age_days=1)
            token = handler.get_secure_cookie(LOGIN_COOKIE, max_age_days=1)
            if not (user and token and self.active_user(token.decode(), user.decode())):
                return None
            user = user.decode()
            if isinstance(handler, WebSocketHandler):
                state._active_users[user] += 1  # as Panel's provider counts them
            return user
        return get_user
