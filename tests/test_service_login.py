"""`serve` refuses at start every login set-up that would not protect the data, with one line
that says what to do; `passwd` writes argon2 hashes and never takes a password as an argument."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from supervision_dash import load
from supervision_dash.credentials import (
    CredentialsError, check_password, read_credentials, set_password,
)
from tests.conftest import BASE, write_extract

SECRET = "x" * 32
MARKER = "ZQXMARK7731"


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("login")
    database = folder / "program.duckdb"
    load(write_extract(folder / "extract", BASE), database)
    credentials = folder / "credentials.json"
    set_password(credentials, "alice", "correct horse")
    access = folder / "access.toml"
    access.write_text('[users.alice]\nrole = "supervisor"\nsupervisors = ["SV1"]\n')
    return {"db": database, "credentials": credentials, "access": access, "folder": folder}


def serve(setup, *options, env=None):
    """Run `serve` expecting it to refuse before serving anything."""
    return subprocess.run(
        [sys.executable, "-m", "supervision_dash.cli", "serve", "--db", str(setup["db"]),
         "--port", "1", *map(str, options)], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})})


def refused(result, *words) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line
    for word in words:
        assert word in result.stderr
    return result.stderr


def test_a_credentials_path_that_is_not_a_file_is_refused(setup):
    # Panel would take this value as one password shared by every user name.
    refused(serve(setup, "--basic-auth", "hunter2", "--access", setup["access"],
                  "--cookie-secret", SECRET), "no credentials file at hunter2",
            "supervision-dash passwd")


@pytest.mark.parametrize("content, words", [
    ('"one shared password"', "must be a JSON object of users"),
    ('{"alice": "plain-text-' + MARKER + '"}', "user 'alice' has no argon2 hash"),
    ("{not json", "is not readable JSON"),
    ("{}", "must be a JSON object of users"),
])
def test_a_credentials_file_of_anything_but_argon2_hashes_is_refused(setup, tmp_path, content,
                                                                      words):
    path = tmp_path / "credentials.json"
    path.write_text(content)
    message = refused(serve(setup, "--basic-auth", path, "--access", setup["access"],
                            "--cookie-secret", SECRET), words)
    assert MARKER not in message


@pytest.mark.parametrize("options, words", [
    (("--basic-auth", "{credentials}", "--access", "{access}"), "cookie secret of at least 32"),
    (("--basic-auth", "{credentials}", "--access", "{access}", "--cookie-secret", "short"),
     "cookie secret of at least 32"),
    (("--basic-auth", "{credentials}", "--cookie-secret", SECRET), "a login needs an access file"),
    (("--access", "{access}"), "--access needs a login"),
    (("--basic-auth", "{credentials}", "--access", "{access}", "--cookie-secret", SECRET,
      "--role", "leadership"), "--role and --access together"),
    (("--basic-auth", "{credentials}", "--access", "{access}", "--cookie-secret", SECRET,
      "--no-login"), "--no-login contradicts"),
    (("--basic-auth", "{credentials}", "--oauth-provider", "generic", "--access", "{access}",
      "--cookie-secret", SECRET), "not both"),
    (("--oauth-provider", "generic", "--oauth-extra-params", "[1]", "--access", "{access}",
      "--cookie-secret", SECRET), "--oauth-extra-params must be a JSON object"),
])
def test_login_options_that_do_not_fit_are_refused(setup, options, words):
    options = [option.format(**setup) for option in options]
    refused(serve(setup, *options), words)


def test_the_cookie_secret_may_come_from_the_environment(setup):
    result = serve(setup, "--basic-auth", setup["credentials"], env={
        "SUPERVISION_DASH_COOKIE_SECRET": SECRET, "SUPERVISION_DASH_ACCESS": "nowhere.toml"})
    refused(result, "no access file at nowhere.toml")  # got past the secret, to the access file


def test_a_bad_access_file_is_refused_naming_the_user_and_the_key(setup, tmp_path):
    access = tmp_path / "access.toml"
    access.write_text(f'[users.maria]\nrole = "manager"\nsupervisors = ["{MARKER}"]\n')
    message = refused(serve(setup, "--basic-auth", setup["credentials"], "--access", access,
                            "--cookie-secret", SECRET),
                      "user 'maria': unknown key 'supervisors' for the manager role")
    assert MARKER not in message


def passwd(file, user, stdin: str):
    return subprocess.run([sys.executable, "-m", "supervision_dash.cli", "passwd", str(file),
                           user], input=stdin, capture_output=True, text=True, timeout=120)


def test_passwd_reads_one_line_from_standard_input_and_writes_a_hash(tmp_path):
    file = tmp_path / "credentials.json"
    result = passwd(file, "maria", f"{MARKER}-secret\nsecond line\n")
    assert result.returncode == 0, result.stderr
    assert MARKER not in result.stdout + result.stderr + file.read_text()
    assert read_credentials(file)["maria"].startswith("$argon2id$")
    assert check_password(file, "maria", f"{MARKER}-secret")
    assert not check_password(file, "maria", "second line")
    assert not check_password(file, "nobody", f"{MARKER}-secret")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    passwd(file, "dana", "another\n")  # a second user keeps the first
    assert sorted(json.loads(file.read_text())) == ["dana", "maria"]


def test_passwd_refuses_an_empty_password_and_a_bad_name(tmp_path):
    file = tmp_path / "credentials.json"
    assert passwd(file, "maria", "\n").returncode == 2
    assert passwd(file, " maria", "pw\n").returncode == 2
    assert not file.exists()
    with pytest.raises(CredentialsError):
        set_password(file, "", "pw")


def test_passwd_never_takes_the_password_as_an_argument():
    result = subprocess.run([sys.executable, "-m", "supervision_dash.cli", "passwd", "f.json",
                             "maria", "my-password"], capture_output=True, text=True)
    assert result.returncode == 2  # argparse: unrecognised argument
    assert "unrecognized arguments" in result.stderr
    assert not Path("f.json").exists()


def test_panel_serve_refuses_a_session_the_access_file_cannot_place(setup, tmp_path):
    """`panel serve` with an access file but none of Panel's logins: no session has a user the
    file names, so every session gets the refusal page (audited), never the dashboard."""
    from supervision_dash.store import Store
    from tests.test_serving import free_port, page_of

    port = free_port()
    env = {**os.environ, "SUPERVISION_DASH_DB": str(setup["db"]),
           "SUPERVISION_DASH_ACCESS": str(setup["access"]),
           "SUPERVISION_DASH_STATE_DIR": str(tmp_path / "state")}
    process = subprocess.Popen([sys.executable, "-m", "panel", "serve",
                                str(Path(__file__).parent.parent / "dashboards" / "supervision.py"),
                                "--port", str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        html = page_of(process, port, seconds=90)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Peer support supervision" not in html  # not the dashboard's page
    records = Store(tmp_path / "state").records()
    assert [(r["event"], r["user"]) for r in records] == [("refused", "anonymous")]


def test_oauth_options_reach_panels_provider(setup):
    """--oauth-provider generic with its URLs: the login endpoint sends the browser to the
    provider's authorize URL with the client ID (the provider itself is not reached)."""
    import http.client

    from tests.test_serving import free_port

    port = free_port()
    extra = json.dumps({"AUTHORIZE_URL": "http://127.0.0.1:9/authorize",
                        "TOKEN_URL": "http://127.0.0.1:9/token",
                        "USER_URL": "http://127.0.0.1:9/userinfo"})
    process = subprocess.Popen(
        [sys.executable, "-m", "supervision_dash.cli", "serve", "--db", str(setup["db"]),
         "--port", str(port), "--access", str(setup["access"]), "--oauth-provider", "generic",
         "--oauth-key", "dashboard-client", "--oauth-secret", "client-secret",
         "--oauth-redirect-uri", f"http://localhost:{port}/login", "--oauth-extra-params",
         extra, "--cookie-secret", SECRET], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        location = None
        for _ in range(120):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/login")
                response = connection.getresponse()
                location = response.getheader("Location")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert location and location.startswith("http://127.0.0.1:9/authorize?")
    assert "client_id=dashboard-client" in location
