"""Wrong questions get an answer that says why: every parameter value is checked before any SQL
runs, and the error names the parameter and what it may be — never a value the caller may not
see. The tiny extract's contacts run from 2024-05-06 to 2024-05-08; its sites are North and
South, its supervisors SV1 and SV2, its peers PR1 and PR2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from supervision_dash import load
from supervision_dash.catalogue import Catalogue, ParameterError, builtin_folder
from supervision_dash.contract import RATER_ROLES
from supervision_dash.settings import INSTRUMENTS
from tests.conftest import BASE, csv, write_extract

CATALOGUE = Catalogue([builtin_folder()])


@pytest.fixture
def warehouse(warehouse_of):
    return warehouse_of(**BASE)


@pytest.fixture
def leadership(warehouse_of):
    return warehouse_of(role="leadership", **BASE)


def _refused(warehouse, name, **params) -> str:
    with pytest.raises(ParameterError) as refusal:
        warehouse.query(name, **params)
    message = str(refusal.value)
    assert "\n" not in message
    return message


def test_a_parameter_error_is_a_value_error():
    assert issubclass(ParameterError, ValueError)


def test_an_unknown_measure_lists_the_instruments(warehouse):
    message = _refused(warehouse, "outcome_summary", measure="PHQ-9")
    assert message.startswith("measure:")
    assert "PHQ9, GAD7, WHO5, RAS_R, QPR15, SWEMWBS" in message


def test_a_measure_in_another_case_is_that_measure(warehouse):
    """0001's PHQ-9 of 2024-03-01 is the one assessment on or before the last contact."""
    frame = warehouse.query("outcome_trajectories", measure="phq9")
    assert frame["measure"].tolist() == ["PHQ9"]
    assert frame.attrs["parameters"]["measure"] == "PHQ9"
    assert warehouse.query("outcome_summary", measure="gad7").empty  # known, no pairs


def test_an_unknown_site_lists_the_sites(warehouse):
    message = _refused(warehouse, "caseload", site="northside")
    assert message.startswith("site:") and "North, South" in message


@pytest.mark.parametrize("name, params, listed", [
    ("caseload", {"supervisor_id": "SV9"}, "SV1, SV2"),
    ("caseload", {"peer_id": "PR9"}, "PR1, PR2"),
    ("engagement", {"by": "preferred_language"}, "peer, site, participant_site, program"),
    ("outcome_summary", {"by": "supervisor"}, "program, site, participant_site, peer"),
    ("fidelity_scores", {"rater_role": "boss"}, "supervisor, self, participant, external"),
])
def test_enumerated_and_extract_values_list_what_is_valid(warehouse, name, params, listed):
    message = _refused(warehouse, name, **params)
    assert message.startswith(f"{next(iter(params))}:") and listed in message


@pytest.mark.parametrize("months", [-5, 0, 121, "1e10", 1e10])
def test_months_is_bounded(warehouse, months):
    message = _refused(warehouse, "engagement", months=months)
    assert message == "months: must be from 1 to 120"


@pytest.mark.parametrize("months", [1, 120, "12"])
def test_months_inside_the_bounds_run(warehouse, months):
    assert len(warehouse.query("engagement", months=months, by="program")) == int(months)


def test_a_value_of_the_wrong_type(warehouse):
    assert _refused(warehouse, "engagement", months="twelve") == "months: must be an integer"
    assert _refused(warehouse, "caseload", as_of="last week") == (
        "as_of: must be a date (YYYY-MM-DD)")


@pytest.mark.parametrize("as_of", ["2024-05-09", "2027-01-01", "2024-05-05", "1999-01-01"])
def test_as_of_outside_the_contact_dates_is_refused_with_the_dates(warehouse, as_of):
    message = _refused(warehouse, "caseload", as_of=as_of)
    assert message == ("as_of: the extract's contacts run from 2024-05-06 to 2024-05-08; "
                       "choose a day between them")


@pytest.mark.parametrize("as_of", ["2024-05-06", "2024-05-08"])
def test_as_of_on_the_first_or_last_contact_day_runs(warehouse, as_of):
    assert len(warehouse.query("caseload", as_of=as_of)) == 2


def test_leadership_is_never_told_a_peer_or_supervisor_id(leadership):
    for name, value in (("peer_id", "PR9"), ("peer_id", "PR1"), ("supervisor_id", "SV1")):
        message = _refused(leadership, "workforce", **{name: value})
        assert message == f"{name}: the leadership role narrows by site only"
        for hidden in ("PR1", "PR2", "SV1", "SV2"):
            assert hidden not in message
    assert "North, South" in _refused(leadership, "workforce", site="Nowhere")


def test_many_values_list_the_closest(warehouse_of):
    peers = csv("peer_id,site,supervisor_id",
                *[f"PR{number:02d},North,SV1" for number in range(1, 31)])
    many = warehouse_of(peers=peers, participants=csv(
        "participant_id,peer_id,enrolled_on", "A1,PR01,2024-01-01"), contacts=csv(
        "contact_id,participant_id,peer_id,started_at,duration_min,mode",
        "K1,A1,PR01,2024-05-06 09:00,30,phone"))
    message = _refused(many, "caseload", peer_id="PR3O")
    assert message.startswith("peer_id: no such peer_id; the closest are PR30")
    assert "PR12" not in message


def test_a_scoped_handle_checks_against_what_it_may_see(warehouse):
    mine = warehouse.scoped(["PR1"])
    assert mine.query("caseload")["peer_id"].tolist() == ["PR1"]
    assert mine.query("caseload", site="North")["peer_id"].tolist() == ["PR1"]
    for name, value in (("peer_id", "PR2"), ("site", "South"), ("supervisor_id", "SV2")):
        message = _refused(mine, "caseload", **{name: value})
        for hidden in ("PR2", "South", "SV2"):
            assert hidden not in message
    assert "PR1" in _refused(mine, "caseload", peer_id="PRX")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_enumerated_parameters_agree_with_the_contract_and_the_instruments(name):
    parameters = CATALOGUE[name].parameters
    if "measure" in parameters:
        assert parameters["measure"].allowed == tuple(INSTRUMENTS)
    if "rater_role" in parameters:
        assert parameters["rater_role"].allowed == RATER_ROLES


# --- the command line: one line, exit status 2 -------------------------------------------------

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "supervision_dash.cli", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "program.duckdb"
    load(write_extract(tmp_path / "extract", {}), path)
    return path


@pytest.mark.parametrize("param, message", [
    ("by=nonsense", "by: must be one of peer, site, participant_site, program"),
    ("months=-5", "months: must be from 1 to 120"),
    ("months=1e10", "months: must be from 1 to 120"),
])
def test_the_cli_prints_one_line_and_exits_2(database, param, message):
    result = _cli("query", "engagement", "--db", database, "--param", param)
    assert result.returncode == 2
    assert result.stderr == f"supervision-dash query: {message}\n"


def test_a_report_week_outside_the_contacts_is_refused(database, tmp_path):
    packet = tmp_path / "packet.html"
    result = _cli("report", "--db", database, "--supervisor", "SV1", "--week", "2027-01-01",
                  "-o", packet)
    assert result.returncode == 2
    assert result.stderr == ("supervision-dash report: as_of: the extract's contacts run from "
                             "2024-05-06 to 2024-05-08; choose a day between them\n")
    assert not packet.exists()
    inside = _cli("report", "--db", database, "--supervisor", "SV1", "--week", "2024-05-08",
                  "-o", packet)
    assert inside.returncode == 0, inside.stderr


def test_the_dashboard_offers_only_weeks_that_end_inside_the_contact_dates(warehouse_of):
    """Contacts from 2024-05-06 to 2024-06-03: weeks ending 06-03 back to 05-06, the first
    contact day; the week ending 04-29 is not offered."""
    from supervision_dash.state import ProgramState

    warehouse = warehouse_of(contacts=BASE["contacts"] + "C5,0001,PR1,2024-06-03 09:00,30,"
                                                         "phone,,,,,,\n")
    weeks = [day.isoformat() for day in ProgramState(warehouse).weeks()]
    assert weeks == ["2024-06-03", "2024-05-27", "2024-05-20", "2024-05-13", "2024-05-06"]
