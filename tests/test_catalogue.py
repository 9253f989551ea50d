"""The catalogue is the queries' headers: every header must match what its SQL uses and
returns, and every query must run on a tiny extract."""

from __future__ import annotations

import re

import pytest

from supervision_dash.catalogue import Catalogue, CatalogueError, builtin_folder, parse
from supervision_dash.settings import Settings

CATALOGUE = Catalogue([builtin_folder()])
NAMES = sorted(CATALOGUE)
SCOPE = ("site", "supervisor_id", "peer_id", "as_of")


def _sql_parameters(sql: str) -> set[str]:
    body = "\n".join(line.split("--")[0] for line in sql.splitlines())
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", body))


def test_every_metric_of_the_issue_exists():
    assert {"caseload", "boundary_flags", "fidelity_domains", "fidelity_scores", "engagement",
            "escalations", "supervision_coverage", "appointment_adherence", "goal_attainment",
            "hospital_days", "outcome_change", "outcome_summary", "equity",
            "data_quality"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_header_declares_exactly_the_parameters_the_sql_uses(name):
    used, parts = set(), [name]
    while parts:  # the query and every query it uses, however deep
        part = parts.pop()
        used |= _sql_parameters(CATALOGUE[part].sql)
        parts.extend(CATALOGUE[part].uses)
    declared = set(CATALOGUE.parameters(name)) | CATALOGUE.settings(name)
    assert used == declared, f"{name}: used but undeclared {used - declared}, " \
                             f"declared but unused {declared - used}"


@pytest.mark.parametrize("name", NAMES)
def test_settings_named_in_headers_exist(name):
    assert CATALOGUE.settings(name) <= set(Settings().sql_parameters())


@pytest.mark.parametrize("name", NAMES)
def test_every_query_documents_itself(name):
    spec = CATALOGUE[name]
    assert len(spec.description) > 80, "write a paragraph a supervisor can read"
    for parameter in spec.parameters.values():
        assert parameter.description
    for column in spec.columns:
        assert column.description
        for source in column.refers_to:
            assert source in spec.column_names, f"{column.name} refers to unknown {source}"


@pytest.mark.parametrize("name", NAMES)
def test_the_query_returns_exactly_the_header_columns(name, warehouse_of):
    from tests.conftest import BASE

    warehouse = warehouse_of(**{table: BASE[table] for table in BASE})
    frame = warehouse.query(name)
    assert list(frame.columns) == CATALOGUE[name].column_names


@pytest.mark.parametrize("name", NAMES)
def test_scope_parameters_where_they_make_sense(name):
    parameters = CATALOGUE.parameters(name)
    if name == "peer_scope":  # the peers a filter selects: the same on any day
        assert set(parameters) == set(SCOPE) - {"as_of"}
    elif name not in ("data_quality", "load_warnings"):
        assert set(SCOPE) <= set(parameters), f"{name} lacks a scope parameter"


def test_a_header_that_names_another_file_is_refused(tmp_path):
    path = tmp_path / "mine.sql"
    path.write_text("-- theirs: something\n-- column a value: a\nSELECT 1 AS a\n")
    with pytest.raises(CatalogueError, match="names 'theirs'"):
        parse(path)


def test_a_malformed_column_line_is_refused(tmp_path):
    path = tmp_path / "mine.sql"
    path.write_text("-- mine: something\n-- column a sometimes: a\nSELECT 1 AS a\n")
    with pytest.raises(CatalogueError, match="cannot read the header line"):
        parse(path)


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_for_leadership_or_is_refused(name, warehouse_of):
    from supervision_dash.warehouse import LeadershipError
    from tests.conftest import BASE

    warehouse = warehouse_of(role="leadership", **{table: BASE[table] for table in BASE})
    if CATALOGUE[name].participant_level:
        with pytest.raises(LeadershipError):
            warehouse.query(name)
    else:
        frame = warehouse.query(name)
        assert list(frame.columns) == CATALOGUE[name].column_names
