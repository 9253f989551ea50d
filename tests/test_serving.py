"""Serving: `supervision-dash demo` from nothing, and `panel serve dashboards/supervision.py`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from supervision_dash import load
from tests.conftest import BASE, write_extract

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def page_of(process: subprocess.Popen, port: int, seconds: float = 180) -> str:
    """The dashboard's HTML once the server answers (fails if the process dies first)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no answer on port {port} in {seconds} s")


@pytest.fixture
def stop():
    processes = []
    yield processes.append
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def test_demo_generates_loads_and_serves(tmp_path, stop):
    port = free_port()
    env = {**os.environ, "SUPERVISION_DASH_CACHE": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "supervision_dash.cli", "demo",
                                "--contacts", "5000", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stop(process)
    html = page_of(process, port)
    assert "Peer support supervision" in html
    cached = sorted(path.name for path in (tmp_path / "cache").iterdir())
    # the demo audits its sessions (as anonymous) in a state folder beside its database
    assert cached == ["demo-5000-7", "demo-5000-7.duckdb", "demo-5000-7.state"]


def test_panel_serve_reads_the_database_from_the_environment(tmp_path, stop):
    database = tmp_path / "program.duckdb"
    load(write_extract(tmp_path / "extract", BASE), database)
    port = free_port()
    env = {**os.environ, "SUPERVISION_DASH_DB": str(database)}
    process = subprocess.Popen([sys.executable, "-m", "panel", "serve",
                                str(ROOT / "dashboards" / "supervision.py"), "--port",
                                str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    stop(process)
    html = page_of(process, port, seconds=60)  # redirected from / to /supervision
    assert "Peer support supervision" in html
