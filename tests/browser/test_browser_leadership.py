"""Leadership serving: program-level pages only, and no person exposed — no participant or
peer ID in the page, in any websocket message, or in any download, and no count of
participants from 1 to 10 (counts of peers, staff, are shown as they are)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect
from served_dashboard import DEEP_TEXT
from tiny_program import ALL_PEERS, PARTICIPANTS

from supervision_dash.catalogue import Catalogue, builtin_folder

LEADERSHIP_TABS = ["Workforce", "Engagement & equity", "Outcomes", "Participant voice"]
PARTICIPANT_IDS = [line.split(",")[0] for line in PARTICIPANTS.splitlines()[1:]]
COUNT_COLUMNS = {column.name for spec in Catalogue([builtin_folder()]).values()
                 for column in spec.columns if column.base_kind == "count"}


def _identifiers_in(text: str) -> list[str]:
    return [identifier for identifier in [*PARTICIPANT_IDS, *ALL_PEERS]
            if re.search(rf"(?<![A-Za-z0-9]){identifier}(?![A-Za-z0-9])", text)]


@pytest.fixture(scope="module")
def visit(browser, browser_context_args, leadership_server):
    """Open every leadership tab, download every table, and keep every websocket frame."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    frames, downloads, problems = [], {}, []
    page.on("websocket", lambda socket: (
        socket.on("framereceived", lambda payload: frames.append(payload)),
        socket.on("framesent", lambda payload: frames.append(payload))))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    response = page.goto(leadership_server.url)
    first_html = response.text()
    texts = {}
    for tab in LEADERSHIP_TABS:
        page.locator(".bk-tab", has_text=tab).first.click()
        buttons = page.locator("button:visible", has_text="Download CSV")
        expect(buttons.first).to_be_visible(timeout=30_000)
        expect(page.locator(".pn-loading")).to_have_count(0, timeout=30_000)
        for index in range(buttons.count()):
            with page.expect_download() as download:
                buttons.nth(index).click()
            saved = download.value
            downloads[f"{tab}/{saved.suggested_filename}"] = saved.path().read_text()
        texts[tab] = page.evaluate(DEEP_TEXT) + " " + page.content()
    tab_names = page.locator(".bk-tab").all_inner_texts()
    yield {"page": page, "frames": frames, "downloads": downloads, "texts": texts,
           "first_html": first_html, "tabs": tab_names, "problems": problems}
    context.close()


def test_only_program_level_pages_are_served(visit):
    assert visit["tabs"] == LEADERSHIP_TABS
    assert visit["problems"] == []


def test_no_participant_or_peer_id_in_the_page(visit):
    for tab, text in visit["texts"].items():
        assert _identifiers_in(text) == [], tab
    assert _identifiers_in(visit["first_html"]) == []


def test_no_participant_or_peer_id_in_any_websocket_message(visit):
    assert len(visit["frames"]) > 10  # the pages did talk to the server
    for payload in visit["frames"]:
        text = payload if isinstance(payload, str) else payload.decode("latin-1")
        assert _identifiers_in(text) == []


def test_downloads_hold_no_identifier_and_no_small_count(visit):
    assert {"Workforce/workforce.csv", "Engagement & equity/engagement.csv",
            "Engagement & equity/equity.csv", "Outcomes/outcome_summary.csv"} <= set(
        visit["downloads"])
    for name, content in visit["downloads"].items():
        assert _identifiers_in(content) == [], name
        for row in csv.DictReader(io.StringIO(content)):
            for column, value in row.items():
                if column in COUNT_COLUMNS and value not in ("", "<11", "n/s"):
                    assert not 1 <= float(value) <= 10, (name, column, value)


def test_staff_counts_show_and_small_participant_counts_are_suppressed(visit):
    # The tiny program's sites hold 3 (North) and 14 (South) peers: counts of staff, shown as
    # they are. North's 6 active participants (A01, A02, B01–B03, C01) are a small count of
    # participants: "<11".
    workforce = list(csv.DictReader(io.StringIO(visit["downloads"]["Workforce/workforce.csv"])))
    by_site = {row["site"]: row for row in workforce}
    assert (by_site["North"]["peers"], by_site["South"]["peers"]) == ("3", "14")
    assert by_site["North"]["active_participants"] == "<11"
    assert "<11" in visit["texts"]["Workforce"]
    assert "Counts of peers (staff) are shown as they are." in visit["texts"]["Workforce"]


def test_the_equity_table_and_its_csv_follow_a_site_change(browser, browser_context_args,
                                                          leadership_server):
    """North (3 peers, 8 participants) and the whole program differ in every equity count the
    table shows, and most of North's are suppressed: choosing North changes the table and its
    download, and the server logs no error (it once kept the program's figures after a plot
    over suppressed cells failed)."""
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto(leadership_server.url)
        page.locator(".bk-tab", has_text="Engagement & equity").first.click()
        equity = page.locator(".sd-table:visible").nth(1)  # engagement by site, then equity
        button = equity.locator("button", has_text="Download CSV")
        expect(button).to_be_visible(timeout=30_000)

        def download() -> str:
            with page.expect_download() as saved:
                button.click()
            return saved.value.path().read_text()

        # Aged 35-44: A02 and D01, and the 12 participants of SV3's peers; in North, A02 only.
        aged_35_to_44 = equity.locator(".tabulator-row", has_text="35-44")
        expect(aged_35_to_44).to_contain_text("14")
        every_site = download()
        page.locator("#sidebar select").nth(1).select_option(label="North")
        expect(aged_35_to_44).not_to_contain_text("14")
        north = download()
        assert north != every_site
        assert _identifiers_in(north) == []
        rows = {(row["dimension"], row["category"]): row
                for row in csv.DictReader(io.StringIO(north))}
        assert rows["age_band", "35-44"]["participants"] == "<11"
        assert {row["participants"] for row in rows.values()} <= {"<11", "n/s", "0"}
        page.get_by_text("Language shared with the peer").click()  # every count suppressed
        expect(page.locator(".pn-loading")).to_have_count(0)
        assert "Traceback" not in leadership_server.output()
        assert "Error" not in leadership_server.output()
    finally:
        context.close()
