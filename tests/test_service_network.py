"""Safe network defaults: `serve` listens on this machine only unless told otherwise, and a
non-loopback address with no login is refused at start unless --no-login (which warns)."""

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
from supervision_dash.cli import is_loopback
from tests.conftest import BASE, write_extract


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("network")
    path = folder / "program.duckdb"
    load(write_extract(folder / "extract", BASE), path)
    return path


def serve(database: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "supervision_dash.cli", "serve", "--db", str(database), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


@pytest.fixture
def started():
    processes = []
    yield processes.append
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def wait_for_page(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                assert response.status == 200
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer on port {port}")


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port`, read from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # four little-endian 32-bit words
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("dashboard.example.org", False),
])
def test_what_counts_as_loopback(address, loopback):
    assert is_loopback(address) is loopback


def test_the_default_listens_on_loopback_only(database, started):
    port = free_port()
    process = serve(database, "--port", str(port))
    started(process)
    wait_for_page(port, process)
    assert listening_addresses(port) == {"127.0.0.1"}


@pytest.mark.parametrize("address", ["0.0.0.0", "::"])
def test_a_non_loopback_address_without_login_is_refused(database, address):
    process = serve(database, "--address", address, "--port", str(free_port()))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.count("\n") == 1, stderr  # one line
    assert f"refusing to serve protected health information on {address}" in stderr
    assert "--basic-auth" in stderr and "--no-login" in stderr


def test_no_login_serves_every_interface_with_a_warning(database, started):
    port = free_port()
    process = serve(database, "--address", "0.0.0.0", "--no-login", "--port", str(port),
                    "--allow-websocket-origin", f"localhost:{port}")
    started(process)
    wait_for_page(port, process)
    assert listening_addresses(port) == {"0.0.0.0"}
    process.terminate()
    _, stderr = process.communicate(timeout=30)
    assert "warning: --no-login: no login and no per-person scope" in stderr
