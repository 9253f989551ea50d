"""Browser tests: a real `supervision-dash serve` process on the tiny hand-built extract of
tiny_program.py, driven by Debian's Chromium through pytest-playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from served_dashboard import Dashboard
from tiny_program import TINY, write_extract

# Panel updates arrive over the websocket after a query in a worker thread: give them time on a
# shared 2-core machine.
expect.set_options(timeout=20_000)

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 1000}
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives the served dashboard in Chromium (a real server process)")


def pytest_collection_modifyitems(config, items):
    """Every test of this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's Chromium at {CHROMIUM} "
                    "(apt-get install chromium); never `playwright install`")
    return {"executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "accept_downloads": True}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `supervision-dash serve` process; its log is kept to check for tracebacks."""

    def __init__(self, database: Path, log: Path, *options: str):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}/"
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "supervision_dash.cli", "serve", "--db", str(database),
             "--port", str(self.port), *options],
            stdout=self._log_file, stderr=subprocess.STDOUT, cwd=database.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._wait()

    def _wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n"
                                   + self.output())
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s:\n" + self.output())

    def output(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


def _serve(folder: Path, tables: dict, *options: str) -> Server:
    from supervision_dash import load

    extract = write_extract(folder / "extract", tables, base={})
    database = folder / "tiny.duckdb"
    load(extract, database)
    return Server(database, folder / "server.log", *options)


@pytest.fixture(scope="session")
def tiny_database(tmp_path_factory) -> Path:
    """The tiny extract loaded into a database (no server), for checking the extract itself."""
    from supervision_dash import load

    folder = tmp_path_factory.mktemp("tiny_db")
    database = folder / "tiny.duckdb"
    load(write_extract(folder / "extract", TINY, base={}), database)
    return database


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The dashboard served on the tiny extract by a real server process."""
    running = _serve(tmp_path_factory.mktemp("served"), TINY)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def server_without_fidelity(tmp_path_factory):
    """The same extract without the optional fidelity table."""
    tables = {name: text for name, text in TINY.items() if name != "fidelity"}
    running = _serve(tmp_path_factory.mktemp("served_no_fidelity"), tables)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def leadership_server(tmp_path_factory):
    """The same extract served in the leadership role."""
    running = _serve(tmp_path_factory.mktemp("served_leadership"), TINY, "--role", "leadership")
    yield running
    running.stop()


@pytest.fixture
def dashboard(page, server) -> Dashboard:
    """The dashboard on the tiny extract, opened in a fresh page at 1400×1000."""
    return Dashboard(page, server.url).open()


@pytest.fixture
def dashboard_without_fidelity(page, server_without_fidelity) -> Dashboard:
    """The dashboard on the tiny extract without its fidelity table."""
    return Dashboard(page, server_without_fidelity.url).open()


@pytest.fixture(scope="module")
def serve_file():
    """serve_file(database, log, *options) -> a Server on that database file (a test's own,
    e.g. a broken copy), stopped when the module's tests are done."""
    running = []

    def serve(database: Path, log: Path, *options: str) -> Server:
        running.append(Server(database, log, *options))
        return running[-1]

    yield serve
    for server in running:
        server.stop()
