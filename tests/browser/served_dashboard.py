"""Driving the served dashboard: the sidebar's native selects, the tabs, the peer cards, the
tables, and the whole text of the page (most of it lives in Bokeh's shadow DOM, which
Playwright's CSS locators pierce but `innerText` does not)."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from supervision_dash.views import PAGES

TABS = [page.title for page in PAGES]  # the supervisor role's tabs, in order

# The text of every text node, shadow roots included; style and script bodies left out.
DEEP_TEXT = """() => {
  const parts = [];
  const skip = new Set(['STYLE', 'SCRIPT', 'TEMPLATE', 'NOSCRIPT']);
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => node.nodeType === Node.ELEMENT_NODE && skip.has(node.nodeName)
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    let node = walker.nextNode();
    while (node) {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
      else if (node.shadowRoot) visit(node.shadowRoot);
      node = walker.nextNode();
    }
  };
  visit(document.body);
  return parts.join(' ').replace(/\\s+/g, ' ');
}"""


def slug(tab: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", tab.lower()).strip("_")


class Dashboard:
    """One browser page on a served dashboard; it records every console error, page error and
    request (websockets too) the page makes."""

    def __init__(self, page: Page, url: str):
        self.page = page
        self.url = url
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.set_default_timeout(20_000)
        page.on("console", lambda message: self.problems.append(
            f"console {message.type}: {message.text}") if message.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda socket: self.requests.append(socket.url))

    def open(self) -> Dashboard:
        self.page.goto(self.url)
        expect(self.tab(TABS[0])).to_be_visible()
        expect(self.page.locator(".sd-card").first).to_be_visible()
        return self

    # --- the sidebar -------------------------------------------------------------------------

    def select(self, label: str) -> Locator:
        """The native <select> of a sidebar filter, by its label."""
        group = self.page.locator("#sidebar .bk-input-group").filter(
            has=self.page.locator("label", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
        return group.locator("select")

    def choose(self, label: str, option: str) -> None:
        self.select(label).select_option(label=option)

    # --- the tabs ----------------------------------------------------------------------------

    def tab(self, name: str) -> Locator:
        return self.page.locator(".bk-tab", has_text=re.compile(rf"^{re.escape(name)}$"))

    def open_tab(self, name: str) -> None:
        self.tab(name).click()
        expect(self.tab(name)).to_have_class(re.compile(r"\bbk-active\b"))

    def wait_until_idle(self) -> None:
        """No view is showing its loading spinner."""
        expect(self.page.locator(".pn-loading")).to_have_count(0)

    def tables(self) -> tuple[int, int]:
        """(shown, on the page) for the open tab's tables. Every table sits in a `.sd-table`
        box that keeps a height even when empty, so the open tab's boxes are the visible ones;
        each shows a "Download CSV" button with its table, or an empty state that says why."""
        on_page = self.page.locator(".sd-table:visible").count()
        buttons = self.page.locator("button:visible", has_text="Download CSV").count()
        empty = [text for text in self.page.locator(".sd-empty:visible").all_inner_texts()
                 if text.strip()]
        return buttons + len(empty), on_page

    def wait_until_ready(self, timeout_ms: int = 60_000) -> None:
        """Until the open tab's view shows the data of the current filters: its layout carries
        the `sd-ready` class, which arrives in the same update as that data."""
        expect(self.page.locator(".sd-view.sd-ready:visible")).to_have_count(
            1, timeout=timeout_ms)

    def wait_for_tables(self, settle_s: float = 5) -> dict:
        """Until the open tab's view is ready and every one of its tables shows its rows or its
        empty state (Bokeh lays the update out a moment after it arrives); what it saw last:
        shown, on the page, and whether a view was still loading."""
        self.wait_until_ready()
        deadline = time.monotonic() + settle_s
        while True:
            shown, on_page = self.tables()
            loading = self.page.locator(".pn-loading").count() > 0
            if (on_page and shown >= on_page and not loading) or time.monotonic() > deadline:
                return {"shown": shown, "on_page": on_page, "loading": loading}
            self.page.wait_for_timeout(100)

    def wait_for_plots(self, settle_ms: int = 400, limit_ms: int = 10_000) -> None:
        """Until the number of drawn plot canvases stops changing (Bokeh paints after the
        data arrives, and says nothing when it is done)."""
        canvases = self.page.locator("canvas:visible")
        last, waited = -1, 0
        while waited < limit_ms:
            count = canvases.count()
            if count == last:
                return
            last = count
            self.page.wait_for_timeout(settle_ms)
            waited += settle_ms

    # --- the weekly review -------------------------------------------------------------------

    @property
    def cards(self) -> Locator:
        return self.page.locator(".sd-card:visible")

    def card(self, peer: str) -> Locator:
        return self.page.locator(f'.sd-card[data-peer="{peer}"]')

    def expect_cards(self, peers: list[str]) -> None:
        """Exactly these peers' cards, in this order (auto-waiting for an update)."""
        expect(self.cards).to_have_count(len(peers))
        for index, peer in enumerate(peers):
            expect(self.cards.nth(index)).to_have_attribute("data-peer", peer)

    def expect_flags(self, peer: str, urgent: int, review: int) -> None:
        """The card's badges: 'N urgent' then 'N review', or 'No flags this week'."""
        badges = [f"{count} {severity}" for severity, count in
                  (("urgent", urgent), ("review", review)) if count]
        card = self.card(peer)
        expect(card.locator(".sd-badge")).to_have_text(badges)
        if not badges:
            expect(card).to_contain_text("No flags this week")

    @property
    def heading(self) -> Locator:
        return self.page.locator("h2:visible", has_text="Week of")

    @property
    def summary(self) -> Locator:
        """The line under the heading: who, how many peers, how many flags."""
        return self.page.locator(".sd-muted:visible",
                                 has_text=re.compile(r"urgent and \d+ review flags$"))

    # --- the whole page ----------------------------------------------------------------------

    def text(self) -> str:
        return self.page.evaluate(DEEP_TEXT)

    def foreign_requests(self) -> list[str]:
        """Requests to anywhere but the server itself (data: and blob: URLs stay local)."""
        server = urlsplit(self.url).netloc
        return [url for url in self.requests if urlsplit(url).scheme not in ("data", "blob")
                and urlsplit(url).netloc != server]
