"""How fast the served dashboard feels, measured in a real browser.

    python benchmarks/dashboard_benchmark.py                   # the 1M-contact demo database
    python benchmarks/dashboard_benchmark.py --db program.duckdb --changes 40

Serves the database with `supervision-dash serve` in its own process, drives Debian's Chromium
with Playwright, and prints: the time from navigation to the weekly review fully rendered (every
card and the flags table on screen), and the time from a filter change (the supervisor, then the
week, in turn) to the updated view, median and p95. Targets on a 2-core machine: first render
≤ 5 s, filter change ≤ 300 ms median. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
RENDERED = """(expected) => {
  // the weekly review heading names the supervisor and the week, and the cards are drawn
  const find = (root, selector) => {
    const found = [...root.querySelectorAll(selector)];
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) found.push(...find(element.shadowRoot, selector));
    }
    return found;
  };
  const headings = find(document, 'h2').map(h => h.parentElement.innerText);
  const heading = headings.find(text => text.includes('Week of')) || '';
  return heading.includes(expected) && find(document, '.sd-card').length > 0;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(port: int, seconds: float = 120) -> None:
    """Until the server accepts connections (a page request would build a whole session)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no server on port {port} after {seconds} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a loaded database (default: the 1M demo)")
    parser.add_argument("--changes", type=int, default=24, help="filter changes to time")
    args = parser.parse_args()
    if args.db is None:
        from supervision_dash.demo import demo_database

        args.db = demo_database(contacts=1_000_000)
    from supervision_dash import open_warehouse

    with open_warehouse(args.db) as warehouse:
        directory = warehouse.query("caseload")
        last = warehouse.last_contact_date
        contacts = int(warehouse.sql("SELECT count(*) AS n FROM contacts")["n"].iloc[0])
    supervisors = sorted(directory["supervisor_id"].unique())[:6]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "supervision_dash.cli", "serve", "--db",
                               str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}/"
    try:
        wait_for_server(port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            first = []
            for _ in range(6):  # the first visit also warms the server's caches
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_function(RENDERED, arg=f"Supervisor {supervisors[0]}",
                                       timeout=60_000)
                first.append(time.perf_counter() - started)
            selects = page.locator("select")
            changes, unseen = [], []  # unseen: a supervisor and week not shown before
            supervisor, weeks_back, seen = supervisors[0], 0, {(supervisors[0], 0)}
            for index in range(args.changes):
                if index % 2 == 0:  # another supervisor
                    supervisor = supervisors[(index // 2 + 1) % len(supervisors)]
                    expected = f"Supervisor {supervisor}"
                    started = time.perf_counter()
                    selects.nth(2).select_option(label=supervisor)
                else:  # another week
                    weeks_back = (index // 2) % 4 + 1
                    day = last - dt.timedelta(days=7 * weeks_back)
                    expected = f"– {day:%a %d %b %Y}"
                    started = time.perf_counter()
                    selects.nth(0).select_option(index=weeks_back)
                page.wait_for_function(RENDERED, arg=expected, timeout=60_000)
                changes.append(time.perf_counter() - started)
                if (supervisor, weeks_back) not in seen:
                    unseen.append(changes[-1])
                    seen.add((supervisor, weeks_back))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"Dashboard speed on {args.db} ({contacts:,} contacts), "
          f"{dt.datetime.now():%Y-%m-%d %H:%M}\n")
    print("| measure | median | p95 | runs | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| first render of the weekly review, first visit (server caches cold) "
          f"| {first[0]:.2f} s | — | 1 | ≤ 5 s |")
    print(f"| first render of the weekly review, later visits (new page) "
          f"| {statistics.median(first[1:]):.2f} s | {percentile(first[1:], 0.95):.2f} s "
          f"| {len(first) - 1} | ≤ 5 s |")
    for label, times in (("filter change → updated weekly review", changes),
                         ("… of which a supervisor and week not shown before", unseen)):
        print(f"| {label} | {1000 * statistics.median(times):.0f} ms "
              f"| {1000 * percentile(times, 0.95):.0f} ms | {len(times)} | ≤ 300 ms median |")


if __name__ == "__main__":
    main()
