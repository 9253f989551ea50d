"""The weekly review packet: standalone HTML (and PDF) with the week's numbers."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from supervision_dash.packet import weekly_packet
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
