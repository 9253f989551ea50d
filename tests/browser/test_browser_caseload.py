"""The caseload table's "Download CSV" saves the whole table, not the page on screen."""

from __future__ import annotations

import io

import pandas as pd
from playwright.sync_api import expect
from tiny_program import ALL_PEERS


def every_peers_caseload(dashboard):
    """The Caseload tab's peer table, with every supervisor's peers in scope."""
    dashboard.choose("Supervisor", "All")
    expect(dashboard.summary).to_contain_text(f"All supervisors · {len(ALL_PEERS)} peers")
    dashboard.open_tab("Caseload")
    return dashboard.page.locator(".tabulator:visible").filter(
        has=dashboard.page.locator(".tabulator-col-title:text-is('Utilisation')"))


def test_download_csv_has_every_peer_in_scope_not_just_the_first_page(dashboard):
    caseload = every_peers_caseload(dashboard)
    page = dashboard.page
    # 17 peers at 15 a page: the table shows the first page and offers a second.
    expect(caseload.locator(".tabulator-row")).to_have_count(15)
    expect(caseload.locator(".tabulator-page[data-page='2']")).to_be_visible()
    expect(caseload.locator(".tabulator-row").first).to_contain_text("P01")
    expect(caseload).not_to_contain_text("P17")

    button = page.locator("button:visible", has_text="Download CSV").first
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "caseload.csv"
    with open(download.path(), encoding="utf-8") as handle:
        frame = pd.read_csv(io.StringIO(handle.read()), dtype={"peer_id": str})
    assert list(frame["peer_id"]) == ALL_PEERS
    assert frame.set_index("peer_id").loc["P02", "active_participants"] == 3
    assert frame.set_index("peer_id").loc["P02", "caseload_capacity"] == 2
    assert set(frame["supervisor_id"]) == {"SV1", "SV2", "SV3"}


def test_sorting_by_a_column_sorts_the_whole_table_not_only_the_page(dashboard):
    """Pages come from the server: a sort orders every peer, so P17 — on the second page in
    the table's own order — heads the first page sorted by peer, descending."""
    caseload = every_peers_caseload(dashboard)
    page = dashboard.page
    first_row = caseload.locator(".tabulator-row").first
    expect(first_row).to_contain_text("P01")
    header = caseload.locator(".tabulator-col", has=page.locator(
        ".tabulator-col-title:text-is('Peer')"))
    header.click()  # ascending: P01 stays first
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(first_row).to_contain_text("P17")
    expect(caseload.locator(".tabulator-row")).to_have_count(15)
