"""The weekly review packet downloads from the page and opens offline, with no server."""

from __future__ import annotations

from playwright.sync_api import expect
from tiny_program import LAST_DAY_LABEL


def test_the_packet_downloads_and_opens_offline(dashboard, browser, browser_context_args,
                                                tmp_path):
    button = dashboard.page.locator("button", has_text="Download the week's packet")
    expect(button).to_be_enabled()
    with dashboard.page.expect_download() as download:
        button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "weekly_review_SV1_2025-03-14.html"

    offline = browser.new_context(**browser_context_args, offline=True)
    requests = []
    try:
        page = offline.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(saved.as_uri())
        expect(page.locator("h1")).to_have_text("Weekly supervision review — SV1")
        body = page.locator("body")
        expect(body).to_contain_text(f"Week of Sat 08 Mar 2025 – {LAST_DAY_LABEL}")
        expect(body).to_contain_text("Contains protected health information")
        expect(body).to_contain_text("Safety concern recorded with no escalation.")
        expect(body).to_contain_text("Contact began at 20:30 on Tuesday 2025-03-11")
        expect(page.locator("svg").first).to_be_visible()  # the charts are in the file
        assert [url for url in requests if not url.startswith("file:")] == []
    finally:
        offline.close()


def test_the_packet_needs_a_supervisor(dashboard):
    dashboard.choose("Supervisor", "All")
    expect(dashboard.page.locator("button", has_text="Download the week's packet")
           ).to_be_disabled()
