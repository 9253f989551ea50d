"""The weekly review packet: standalone HTML (and PDF) with the week's numbers."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys

import pytest

from supervision_dash.packet import weekly_packet
from tests.conftest import csv
from tests.test_views import CONTACTS, PARTICIPANTS, PEERS


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(peers=PEERS, participants=PARTICIPANTS, contacts=CONTACTS)


def test_the_packet_holds_the_week(warehouse):
    packet = weekly_packet(warehouse, "SV1", dt.date(2024, 6, 30))
    assert "Weekly supervision review — SV1" in packet
    assert "Week of Mon 24 Jun 2024 – Sun 30 Jun 2024 · 2 peers · 1 urgent and 3 review" in packet
    assert "Contains protected health information" in packet
    # peers, flags with their sentences, and who was not seen
    assert packet.count('<td>PR1</td>') >= 2 and '<td>PR3</td>' not in packet
    assert "Contact began at 20:30 on Thursday 2024-06-27" in packet
    assert "Safety concern recorded with no escalation." in packet
    assert "<td>A3</td>" in packet  # A3 had no contact at all: not seen
    assert "<svg" in packet  # the utilisation chart, drawn inline


def test_the_packet_is_standalone(warehouse):
    packet = weekly_packet(warehouse, "SV1", dt.date(2024, 6, 30))
    assert "<script" not in packet
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", packet)


def test_a_week_without_participant_ids_is_not_marked(warehouse_of):
    peers = "peer_id,site,supervisor_id\nPR1,North,SV1\n"
    participants = "participant_id,peer_id,enrolled_on\nA1,PR1,2024-01-01\n"
    contacts = ("contact_id,participant_id,peer_id,started_at,duration_min,mode\n"
                "K1,A1,PR1,2024-06-28 10:00,30,phone\n")
    packet = weekly_packet(warehouse_of(peers=peers, participants=participants,
                                        contacts=contacts), "SV1", dt.date(2024, 6, 28))
    assert "No flags this week." in packet and "Everyone was seen." in packet
    assert "Contains protected health information" not in packet


def test_an_unknown_supervisor_is_an_error(warehouse):
    with pytest.raises(ValueError, match="^supervisor_id: no such supervisor_id; the choices "
                                         "are SV1, SV2$"):
        weekly_packet(warehouse, "SV9", dt.date(2024, 6, 30))
    with pytest.raises(ValueError, match="no peers for supervisor 'SV2' at site 'North'"):
        weekly_packet(warehouse, "SV2", dt.date(2024, 6, 30), site="North")


def test_the_report_command(warehouse, tmp_path):
    out = tmp_path / "packet.html"
    result = subprocess.run([sys.executable, "-m", "supervision_dash.cli", "report", "--db",
                             str(warehouse.database), "--supervisor", "SV2", "--week",
                             "2024-06-23", "-o", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Weekly supervision review — SV2" in out.read_text()
    assert "Contact began at 21:00 on Thursday 2024-06-20" in out.read_text()
    bad = subprocess.run([sys.executable, "-m", "supervision_dash.cli", "report", "--db",
                          str(warehouse.database), "--supervisor", "SV2", "--week", "soon"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--week must be a date" in bad.stderr


def test_the_report_command_takes_the_pages_site_filter(warehouse, tmp_path):
    """SV1's peers are all in North: the South packet has none, the North one has both."""
    def report(site, out):
        return subprocess.run([sys.executable, "-m", "supervision_dash.cli", "report", "--db",
                               str(warehouse.database), "--supervisor", "SV1", "--site", site,
                               "--week", "2024-06-30", "-o", str(out)],
                              capture_output=True, text=True)

    north = report("North", tmp_path / "north.html")
    assert north.returncode == 0, north.stderr
    assert "2 peers" in (tmp_path / "north.html").read_text()
    south = report("South", tmp_path / "south.html")
    assert south.returncode == 2
    assert "no peers for supervisor 'SV1' at site 'South'" in south.stderr
    assert not (tmp_path / "south.html").exists()


def test_the_packet_prints_to_pdf(warehouse, tmp_path):
    from supervision_dash.packet import print_pdf, write_packet

    html = write_packet(warehouse, "SV1", dt.date(2024, 6, 30), tmp_path / "p.html")
    pdf = print_pdf(html, tmp_path / "p.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 5000


def test_the_packet_prompts_training_due_before_the_next_meeting_and_new_peers_alone(
        warehouse_of):
    """Week ending Sun 2024-06-30; the next meeting is a week on, 07-07. PR1's Ethics expired
    on 06-20 (10 days before) and Safety planning expires on 07-07 (7 days after): both
    listed. PR2's course expiring on 06-30 expired that day: listed; De-escalation on 07-08
    (8 days after) waits for next week's packet. PR2, hired 05-01 (60 days before), has no
    mentor: a prompt; PR1, hired long ago, needs none."""
    peers = csv("peer_id,site,supervisor_id,hired_on", "PR1,North,SV1,2019-01-01",
                "PR2,North,SV1,2024-05-01", "PR3,South,SV2,2024-05-01")
    training = csv("peer_id,course,completed_on,expires_on",
                   "PR1,Ethics and confidentiality,2023-06-20,2024-06-20",
                   "PR1,Safety planning,2022-07-07,2024-07-07",
                   "PR2,Ethics and confidentiality,2023-06-30,2024-06-30",
                   "PR2,De-escalation,2023-07-08,2024-07-08",
                   "PR3,Safety planning,2023-06-01,2024-06-01")  # SV2's: not in SV1's packet
    mentoring = csv("mentor_peer_id,mentee_peer_id,started_on,ended_on",
                    "PR1,PR3,2024-05-10,")
    packet = weekly_packet(warehouse_of(peers=peers, participants=PARTICIPANTS,
                                        contacts=CONTACTS, training=training,
                                        mentoring=mentoring), "SV1", dt.date(2024, 6, 30))
    section = html.unescape(packet.split("<h2>Training and mentoring</h2>")[1])
    assert "before the next meeting (by Sun 07 Jul 2024)" in section
    listed = re.findall(r"<tr><td>(PR\d)</td><td>([^<]+)</td><td>([\d-]+)</td><td>([^<]+)</td>",
                        section)
    assert listed == [
        ("PR1", "Ethics and confidentiality", "2024-06-20",
         "expired 10 days before the week's end"),
        ("PR1", "Safety planning", "2024-07-07", "expires 7 days after the week's end"),
        ("PR2", "Ethics and confidentiality", "2024-06-30", "expired on the week's last day")]
    assert "De-escalation" not in section and "PR3" not in section
    assert re.search(r"<tr><td>PR2</td><td>2024-05-01</td><td class=\"n\">60</td></tr>", section)


def test_without_training_or_mentoring_extracts_the_packet_says_so(warehouse):
    section = weekly_packet(warehouse, "SV1", dt.date(2024, 6, 30)).split(
        "<h2>Training and mentoring</h2>")[1]
    assert "No training extract loaded." in section and "No mentoring extract loaded." in section
