"""What a served page does with a bad URL or a broken database: a bad week in the link is
corrected or ignored, and a database that lacks part of the contract gets a plain page that
names what is missing; never a traceback in the page or in the server's log."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest
from playwright.sync_api import expect
from served_dashboard import Dashboard
from tiny_program import LAST_DAY_LABEL

TRACEBACK = re.compile(r"Traceback|Exception|Error")


def chosen_week(dashboard: Dashboard) -> str:
    return dashboard.select("Week ending").evaluate("s => s.options[s.selectedIndex].text")


@pytest.mark.parametrize(("week", "shown"), [
    ("0001-01-01", "Mon 03 Mar 2025"),  # long before the data: the first contact's day
    ("2999-12-31", LAST_DAY_LABEL),  # after the data: the last contact's day
    ("not-a-date", LAST_DAY_LABEL),  # ignored
    ("2025-13-45", LAST_DAY_LABEL),
])
def test_a_bad_week_in_the_link_is_corrected_without_a_traceback(page, server, week, shown):
    # The tiny program's contacts run from Mon 3 to Fri 14 Mar 2025: a link's week is moved
    # inside them.
    dashboard = Dashboard(page, f"{server.url}?week={week}&site=Nowhere&page=x").open()
    assert chosen_week(dashboard) == shown
    expect(dashboard.heading).to_contain_text(shown)
    assert not TRACEBACK.search(dashboard.text())
    assert dashboard.problems == []
    assert "Traceback" not in server.output()


@pytest.fixture(scope="module")
def broken_server(tiny_database, tmp_path_factory, serve_file):
    """The tiny program's database, copied without its goals table and the contacts' mode
    column, and served."""
    folder = tmp_path_factory.mktemp("served_broken")
    broken = folder / "broken.duckdb"
    shutil.copy(tiny_database, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("DROP TABLE goals")
        con.execute("ALTER TABLE contacts DROP COLUMN mode")
    return serve_file(broken, folder / "server.log")


@pytest.mark.parametrize("link", ["", "?week=2025-03-07&page=3"])
def test_a_database_that_lacks_a_table_or_a_column_gets_a_plain_page(page, broken_server, link):
    page.goto(broken_server.url + link)
    message = page.locator(".sd-failure")
    expect(message).to_contain_text("The dashboard cannot be shown")
    expect(message).to_contain_text(
        "broken.duckdb lacks column contacts.mode and table goals: load the extract again")
    assert page.locator(".bk-tab").count() == 0  # no dashboard half drawn behind it
    assert not TRACEBACK.search(page.evaluate("() => document.body.innerText"))
    log = broken_server.output()
    assert "Traceback" not in log
    assert "a session was shown a message instead of the dashboard: broken.duckdb lacks" in log
