"""The service a program deploys, driven in Chromium against real `supervision-dash serve`
processes on the tiny program (tiny_program.py): login with argon2 hashes, the lockout, idle
logoff and logout, each role's scope — user A (supervisor of SV1) never sees a peer of SV2 or
SV3 on the page, in a websocket frame, in a download or through the URL — the audit records all
of that leaves, and a new extract loaded while the server runs."""

from __future__ import annotations

import re
import time

import pytest
from conftest import Server, _serve
from playwright.sync_api import expect
from served_dashboard import DEEP_TEXT, Dashboard
from tiny_program import PARTICIPANTS, PEERS_OF, TINY, write_extract

from supervision_dash import load
from supervision_dash.app import LEADERSHIP_PAGES
from supervision_dash.views import PAGES
from supervision_dash.credentials import set_password
from supervision_dash.store import Store

SECRET = "s" * 40
PASSWORD = {"alice": "alice-pw-1", "maria": "maria-pw-2", "dana": "dana-pw-3",
            "erin": "erin-pw-4", "nobody": "nobody-pw-5", "lockme": "lockme-pw-6"}
ACCESS = """
[users.alice]
role = "supervisor"
supervisors = ["SV1"]
[users.maria]
role = "manager"
sites = ["South"]
[users.dana]
role = "leadership"
[users.erin]
role = "supervisor"
supervisors = ["SV9"]
[users.lockme]
role = "supervisor"
supervisors = ["SV1"]
"""
LOCKOUT_S = 9  # --lockout-minutes 0.15
IDLE_S = 15  # --idle-minutes 0.25 on the idle server
PARTICIPANTS_OF = {}
for line in PARTICIPANTS.splitlines()[1:]:
    participant, peer = line.split(",")[:2]
    PARTICIPANTS_OF.setdefault(peer, []).append(participant)
OUTSIDE_SV1 = [*PEERS_OF["SV2"], *PEERS_OF["SV3"]]
OUTSIDE_SV1 += [participant for peer in OUTSIDE_SV1 for participant in PARTICIPANTS_OF[peer]]
NORTH = [*PEERS_OF["SV1"]]
NORTH += [participant for peer in NORTH for participant in PARTICIPANTS_OF[peer]]


def identifiers_in(text: str, identifiers: list[str]) -> list[str]:
    return [identifier for identifier in identifiers
            if re.search(rf"(?<![A-Za-z0-9]){identifier}(?![A-Za-z0-9])", text)]


def _login_server(folder, *options: str) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    credentials = folder / "credentials.json"
    for user, password in PASSWORD.items():
        set_password(credentials, user, password)
    (folder / "access.toml").write_text(ACCESS)
    return _serve(folder, TINY, "--basic-auth", str(credentials), "--access",
                  str(folder / "access.toml"), "--cookie-secret", SECRET, *options)


@pytest.fixture(scope="module")
def login_server(tmp_path_factory):
    server = _login_server(tmp_path_factory.mktemp("login"), "--lockout-minutes",
                           str(LOCKOUT_S / 60))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory):
    server = _login_server(tmp_path_factory.mktemp("idle"), "--idle-minutes", str(IDLE_S / 60))
    yield server
    server.stop()


def audit_of(server: Server, user: str | None = None) -> list[dict]:
    return Store(server.log.parent / "tiny.state").records(user=user)


def log_in(page, server: Server, user: str, password: str | None = None, path: str = ""):
    page.goto(server.url + path)
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("#username", user)
    page.fill("#password", password or PASSWORD[user])
    page.click("button[type=submit]")


def record(page) -> dict:
    """Keep every websocket frame (both ways), request, and page error of a page."""
    seen = {"frames": [], "sent": [], "requests": [], "problems": []}
    page.on("websocket", lambda socket: (
        socket.on("framereceived", lambda payload: seen["frames"].append(payload)),
        socket.on("framesent", lambda payload: seen["sent"].append(payload))))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("pageerror", lambda error: seen["problems"].append(str(error)))
    return seen


def frames_text(frames) -> str:
    return " ".join(frame if isinstance(frame, str) else frame.decode("latin-1")
                    for frame in frames)


# --- login -------------------------------------------------------------------------------------

def test_the_login_page_loads_nothing_from_outside(page, login_server):
    seen = record(page)
    page.goto(login_server.url)
    expect(page.locator("h1")).to_have_text("Peer support supervision")
    expect(page.locator("#password")).to_have_attribute("type", "password")
    assert [url for url in seen["requests"] if not url.startswith(login_server.url)] == []


def test_a_wrong_password_is_refused_and_audited(page, login_server):
    log_in(page, login_server, "alice", "not-her-password")
    expect(page).to_have_url(re.compile(r"/login\?error=failed"))
    expect(page.locator(".error")).to_contain_text("Wrong user name or password")
    assert page.context.cookies() and not any(
        cookie["name"] == "supervision_dash_login" for cookie in page.context.cookies())
    assert [r["event"] for r in audit_of(login_server, "alice")][-1:] == ["login_failed"]


def test_an_unknown_user_is_audited_without_the_name(page, login_server):
    log_in(page, login_server, "alice-pw-1", "whatever")  # a password typed as a user name
    expect(page).to_have_url(re.compile(r"error=failed"))
    text = "".join(str(record) for record in audit_of(login_server))
    assert "alice-pw-1" not in text


def test_the_sixth_attempt_is_refused_even_when_right_then_accepted_after_the_lockout(
        page, login_server):
    for _ in range(5):
        log_in(page, login_server, "lockme", "wrong")
        expect(page).to_have_url(re.compile(r"error=failed"))
    log_in(page, login_server, "lockme")  # the right password, during the lockout
    expect(page).to_have_url(re.compile(r"error=failed"))
    events = [r["event"] for r in audit_of(login_server, "lockme")]
    assert events == ["login_failed"] * 5 + ["login_locked", "login_refused"]
    time.sleep(LOCKOUT_S + 1)
    log_in(page, login_server, "lockme")
    expect(page.locator(".sd-card").first).to_be_visible()
    assert audit_of(login_server, "lockme")[-1]["event"] != "login_refused"
    assert "login" in [r["event"] for r in audit_of(login_server, "lockme")][-8:]


def test_logout_ends_the_login_on_the_server(page, login_server):
    log_in(page, login_server, "alice")
    expect(page.locator(".sd-card").first).to_be_visible()
    cookies = page.context.cookies()
    page.locator("a", has_text="Log out").click()
    expect(page.locator("h1")).to_have_text("You are logged out.")
    # the old cookies, replayed, open nothing: the login ended on the server
    page.context.add_cookies(cookies)
    page.goto(login_server.url)
    expect(page).to_have_url(re.compile(r"/login"))
    assert "logout" in [r["event"] for r in audit_of(login_server, "alice")]


def test_logout_logs_off_the_logins_other_open_pages(browser, browser_context_args,
                                                     login_server):
    context = browser.new_context(**browser_context_args)
    try:
        first, second = context.new_page(), context.new_page()
        log_in(first, login_server, "alice")
        expect(first.locator(".sd-card").first).to_be_visible()
        second.goto(login_server.url)  # the same browser, the same login
        expect(second.locator(".sd-card").first).to_be_visible()
        first.goto(login_server.url + "logout")
        expect(second.locator("h1")).to_have_text("You are logged out.")
    finally:
        context.close()


def test_an_idle_session_is_logged_off(page, idle_server):
    log_in(page, idle_server, "alice")
    expect(page.locator(".sd-card").first).to_be_visible()
    expect(page.locator("h1")).to_have_text(
        f"You were logged off after {IDLE_S} seconds without activity.",
        timeout=IDLE_S * 1000 + 30_000)
    page.goto(idle_server.url)
    expect(page).to_have_url(re.compile(r"/login"))
    assert "logoff_idle" in [r["event"] for r in audit_of(idle_server, "alice")]


def test_a_login_absent_from_the_access_file_is_refused(page, login_server):
    log_in(page, login_server, "nobody")
    expect(page.locator("body")).to_contain_text("Your login has no access to this dashboard")
    assert page.locator(".sd-card").count() == 0
    refused = [r for r in audit_of(login_server, "nobody") if r["event"] == "refused"]
    assert refused and '"not in the access file"' in refused[-1]["detail"]


def test_an_access_entry_the_extract_lacks_says_nothing_is_in_scope(page, login_server):
    log_in(page, login_server, "erin")
    expect(page.locator(".sd-empty").first).to_contain_text("There is nothing in your scope")
    assert page.locator(".sd-card").count() == 0
    assert "user 'erin': supervisors entry 1 of 1 is not in the current extract" in \
        login_server.output()


def test_the_access_file_is_read_again_for_every_new_session(page, login_server):
    access = login_server.log.parent / "access.toml"
    log_in(page, login_server, "nobody")
    expect(page.locator("body")).to_contain_text("Your login has no access to this dashboard")
    access.write_text(ACCESS + '[users.nobody]\nrole = "supervisor"\nsupervisors = ["SV2"]\n')
    try:
        page.goto(login_server.url)  # the same login, a new session: now granted
        expect(page.locator(".sd-card").first).to_be_visible()
        expect(page.locator(".sd-card")).to_have_count(len(PEERS_OF["SV2"]))
    finally:
        access.write_text(ACCESS)


# --- scope -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def alice_visit(browser, browser_context_args, login_server):
    """User A (supervisor of SV1): every tab, every download, the packet, and a URL naming
    another supervisor's peer; every frame kept."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    seen = record(page)
    log_in(page, login_server, "alice", path="?supervisor=SV2&peer=P04")
    dashboard = Dashboard(page, login_server.url)
    expect(page.locator(".sd-card").first).to_be_visible()
    supervisors = dashboard.select("Supervisor").locator("option").all_inner_texts()
    peers = dashboard.select("Peer").locator("option").all_inner_texts()
    texts, downloads = [], {}
    with page.expect_download() as packet:
        page.locator("button", has_text="Download the week's packet").click()
    downloads["packet"] = packet.value.path().read_text()
    for tab in [tab.strip() for tab in page.locator(".bk-tab").all_inner_texts()]:
        dashboard.open_tab(tab)
        dashboard.wait_for_tables()
        buttons = page.locator("button:visible", has_text="Download CSV")
        for index in range(buttons.count()):
            with page.expect_download() as download:
                buttons.nth(index).click()
            downloads[f"{tab}/{download.value.suggested_filename}"] = \
                download.value.path().read_text()
        texts.append(page.evaluate(DEEP_TEXT) + page.content())
    yield {"frames": seen["frames"], "sent": seen["sent"], "texts": texts, "downloads": downloads,
           "supervisors": supervisors, "peers": peers, "problems": seen["problems"]}
    context.close()


def test_user_a_chooses_only_among_their_peers(alice_visit):
    assert alice_visit["supervisors"] == ["All", "SV1"]
    assert alice_visit["peers"] == ["All", "P01", "P02", "P03"]
    assert alice_visit["problems"] == []


def test_user_a_never_sees_another_supervisors_peer_on_the_page(alice_visit):
    assert len(alice_visit["texts"]) == len(PAGES)  # every supervisor page, no program page
    for text in alice_visit["texts"]:
        assert identifiers_in(text, OUTSIDE_SV1) == []
    assert identifiers_in(" ".join(alice_visit["texts"]), ["P01", "A01"]) == ["P01", "A01"]


def test_user_a_never_receives_another_supervisors_peer_in_a_websocket_frame(alice_visit):
    text = frames_text(alice_visit["frames"])
    assert len(alice_visit["frames"]) > 20 and "P02" in text  # the pages did talk
    assert identifiers_in(text, OUTSIDE_SV1) == []
    # the browser itself sent the URL it was given (the user typed it), and nothing more
    sent = [frame for frame in alice_visit["sent"]
            if identifiers_in(frames_text([frame]), OUTSIDE_SV1)]
    assert len(sent) <= 2 and all('"search"' in frame or '"href"' in frame for frame in sent)


def test_user_a_never_downloads_another_supervisors_peer(alice_visit):
    downloads = alice_visit["downloads"]
    assert "Caseload/caseload.csv" in downloads and "packet" in downloads
    assert len(downloads) >= 6  # the packet and the tables that had rows when shown
    for name, content in downloads.items():
        assert identifiers_in(content, OUTSIDE_SV1) == [], name
    assert "P01" in downloads["Caseload/caseload.csv"]


def test_user_a_leaves_the_audit_records_of_all_that(alice_visit, login_server):
    records = audit_of(login_server, "alice")
    start = max(i for i, r in enumerate(records) if r["event"] == "session_start"
                and r["address"] == "127.0.0.1")
    session = [r for r in records[start:] if r["session"] == records[start]["session"]]
    events = {r["event"] for r in session}
    assert {"session_start", "refused", "page", "query", "download", "packet"} <= events
    assert all(r["role"] == "supervisor" for r in session)
    assert '"supervisors: SV1"' in session[0]["detail"]
    refused = [r for r in session if r["event"] == "refused"]
    assert sorted(r["detail"] for r in refused) == [
        '{"reason":"not a choice of this session","url":"peer","value":"P04"}',
        '{"reason":"not a choice of this session","url":"supervisor","value":"SV2"}']
    caseload = [r for r in session if r["event"] == "query" and r["query"] == "caseload"]
    assert caseload and all(r["rows"] <= 3 for r in caseload)
    assert '"supervisor_id":"SV1"' in caseload[-1]["parameters"]
    downloads = [r for r in session if r["event"] == "download"]
    assert {r["detail"] for r in downloads} >= {'{"file":"caseload.csv"}'}
    assert Store(login_server.log.parent / "tiny.state").verify().intact


def test_a_manager_sees_exactly_their_sites(page, login_server):
    seen = record(page)
    log_in(page, login_server, "maria")
    dashboard = Dashboard(page, login_server.url)
    expect(page.locator(".sd-card").first).to_be_visible()
    assert dashboard.select("Site").locator("option").all_inner_texts() == ["All", "South"]
    assert dashboard.select("Supervisor").locator("option").all_inner_texts() == \
        ["All", "SV2", "SV3"]
    dashboard.choose("Supervisor", "All")
    dashboard.open_tab("Caseload")
    dashboard.wait_for_tables()
    with page.expect_download() as download:
        page.locator("button:visible", has_text="Download CSV").first.click()
    caseload = download.value.path().read_text()
    assert sorted(set(re.findall(r"\bP\d\d\b", caseload))) == [*PEERS_OF["SV2"],
                                                                *PEERS_OF["SV3"]]
    tabs = [tab.strip() for tab in page.locator(".bk-tab").all_inner_texts()]
    assert tabs[-len(LEADERSHIP_PAGES):] == [f"Program: {view.title}"
                                             for view in LEADERSHIP_PAGES]
    assert "Program: Workforce" in tabs
    dashboard.open_tab("Program: Workforce")
    dashboard.wait_for_tables()
    assert identifiers_in(frames_text(seen["frames"]) + page.evaluate(DEEP_TEXT), NORTH) == []
    assert {r["role"] for r in audit_of(login_server, "maria")} == {"manager", None}


def test_leadership_sees_only_the_leadership_pages(page, login_server):
    seen = record(page)
    log_in(page, login_server, "dana")
    expect(page.locator(".bk-tab").first).to_be_visible()
    tabs = [tab.strip() for tab in page.locator(".bk-tab").all_inner_texts()]
    assert tabs == [view.title for view in LEADERSHIP_PAGES]
    assert tabs[:3] == ["Workforce", "Engagement & equity", "Outcomes"]
    Dashboard(page, login_server.url).wait_for_tables()
    assert identifiers_in(frames_text(seen["frames"]) + page.evaluate(DEEP_TEXT),
                          [*NORTH, *OUTSIDE_SV1]) == []
    assert "leadership" in {r["role"] for r in audit_of(login_server, "dana")}


# --- a new extract while the server runs -------------------------------------------------------

@pytest.fixture(scope="module")
def reloading_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reload")
    server = _serve(folder, TINY)
    yield server
    server.stop()


def test_a_new_extract_is_seen_by_a_new_page_and_announced_on_an_open_one(
        browser, browser_context_args, reloading_server):
    context = browser.new_context(**browser_context_args)
    try:
        open_page = Dashboard(context.new_page(), reloading_server.url).open()
        expect(open_page.page.locator("body")).not_to_contain_text("A newer extract")
        folder = reloading_server.log.parent
        newer = {**TINY, "peers": TINY["peers"] + "P18,North,SV1,2024-03-01,8,en,\n"}
        load(write_extract(folder / "extract2", newer, base={}), folder / "tiny.duckdb")
        expect(open_page.page.locator("body")).to_contain_text(
            "A newer extract has been loaded. Reload the page to see it.", timeout=40_000)
        expect(open_page.select("Peer").locator("option")).to_have_count(4)  # its own data
        fresh = Dashboard(context.new_page(), reloading_server.url).open()
        expect(fresh.select("Peer").locator("option")).to_have_count(5)  # P18 joined SV1
        expect(fresh.page.locator("body")).not_to_contain_text("A newer extract")
        expect(fresh.page.locator(".bk-tab").first).to_be_visible()
    finally:
        context.close()
    assert "Traceback" not in reloading_server.output()


def test_no_server_printed_a_traceback_of_ours(login_server, idle_server):
    """Every refusal, lockout, logoff and scoped page above was handled without an error of
    this package (Tornado may log a websocket closed under a message by a closing page)."""
    for server in (login_server, idle_server):
        assert re.search(r'File "[^"]*/supervision_dash/', server.output()) is None
