"""Shared fixtures: tiny hand-built extracts whose every value is written out here."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

PEERS = """\
peer_id,site,supervisor_id,hired_on,caseload_capacity,languages,certified_on
PR1,North,SV1,2024-01-02,12,en;es,2024-03-01
PR2,South,SV2,2024-02-01,,en,
"""
PARTICIPANTS = """\
participant_id,peer_id,site,enrolled_on,discharged_on,age_band,gender,race_ethnicity,preferred_language
0001,PR1,,2024-03-01,,25-34,female,White,en
0002,PR1,North,2024-03-05,2024-06-30,35-44,male,Black,es
0003,PR2,,2024-04-01,,unknown,,,
"""
CONTACTS = """\
contact_id,participant_id,peer_id,started_at,duration_min,mode,setting,activity,group_session_id,boundary_concern,safety_concern,escalated_at
C1,0001,PR1,2024-05-06 09:00,45,in_person,clinic,goal_planning,,,false,
C2,0002,PR1,2024-05-07 10:30,20,phone,virtual,,,none,,
C3,0003,PR2,2024-05-08 14:00,90,group,clinic,,G1,,true,2024-05-08 15:00
C4,0001,PR1,2024-05-08 14:00,90,group,clinic,,G1,gift,no,
"""
OUTCOMES = """\
participant_id,measure,assessed_on,score
0001,PHQ9,2024-03-01,15
0001,PHQ9,2024-06-01,8
"""
FIDELITY = """\
peer_id,rated_on,rater_role,rater_id,domain,item,score
PR1,2024-05-01,supervisor,SV1,safety_boundaries,clear_boundaries,4
PR1,2024-05-01,self,PR1,safety_boundaries,clear_boundaries,5
"""
SUPERVISION = """\
peer_id,supervisor_id,held_on,duration_min,format
PR1,SV1,2024-05-02,60,individual
"""
ADMISSIONS = """\
participant_id,admitted_on,discharged_on
0002,2024-01-10,2024-01-20
"""
APPOINTMENTS = """\
participant_id,scheduled_on,kind,attended
0001,2024-05-10,psychiatry,true
"""
GOALS = """\
participant_id,goal_id,domain,set_on,achieved_on
0001,G1,housing,2024-03-10,2024-05-01
0001,G2,employment,2024-03-10,
"""
FEEDBACK = """\
participant_id,peer_id,surveyed_on,item,score
0001,PR1,2024-05-01,useful,5
0003,,2024-05-02,safe,3
"""
TRAINING = """\
peer_id,course,completed_on,expires_on
PR1,Safety planning,2023-06-01,2025-06-01
PR2,Ethics and confidentiality,2023-04-01,2024-04-01
"""
MENTORING = """\
mentor_peer_id,mentee_peer_id,started_on,ended_on
PR1,PR2,2024-02-01,
"""
BASE = {
    "peers": PEERS, "participants": PARTICIPANTS, "contacts": CONTACTS, "outcomes": OUTCOMES,
    "fidelity": FIDELITY, "supervision": SUPERVISION, "admissions": ADMISSIONS,
    "appointments": APPOINTMENTS, "goals": GOALS, "feedback": FEEDBACK, "training": TRAINING,
    "mentoring": MENTORING,
}


def write_extract(folder: Path, tables: dict[str, str | bytes | None] | None = None,
                  base: dict[str, str] = BASE) -> Path:
    """Write ``base`` with ``tables`` replacing some (None leaves a table out) as CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    merged = {**base, **(tables or {})}
    for name, content in merged.items():
        if content is None:
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / f"{name}.csv").write_bytes(data)
    return folder


@pytest.fixture
def make_extract(tmp_path):
    """make_extract(contacts=..., goals=None, ...) -> a folder of the tiny extract, changed."""
    counter = iter(range(1000))

    def make(**tables):
        return write_extract(tmp_path / f"extract{next(counter)}", tables)

    return make


def replace_line(csv_text: str, line: int, new: str) -> str:
    """The CSV text with one line (header = line 1) replaced."""
    lines = csv_text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


def problems(report, rule=None, table=None, column=None):
    return [
        problem for problem in report.problems
        if (rule is None or problem.rule == rule) and (table is None or problem.table == table)
        and (column is None or problem.column == column)
    ]


@pytest.fixture
def warehouse_of(tmp_path):
    """warehouse_of(peers=..., contacts=..., fidelity=..., settings=..., role=...) -> a Warehouse
    on a real DuckDB file loaded from those CSV texts. Required tables not given come from BASE;
    optional tables not given are absent."""
    from supervision_dash import load, open_warehouse

    opened = []
    counter = iter(range(1000))

    def make(settings=None, role="supervisor", queries=None, **tables):
        index = next(counter)
        chosen = {name: BASE[name] for name in ("peers", "participants", "contacts")}
        chosen.update(tables)
        folder = write_extract(tmp_path / f"metric{index}", chosen, base={})
        database = tmp_path / f"metric{index}.duckdb"
        load(folder, database)
        warehouse = open_warehouse(database, role=role, settings=settings, queries=queries)
        opened.append(warehouse)
        return warehouse

    yield make
    for warehouse in opened:
        warehouse.close()


def csv(header: str, *rows: str) -> str:
    """CSV text from a header and rows, for hand-built extracts."""
    return "\n".join([header, *rows]) + "\n"


def plain(value):
    """A cell as a test writes it: dates as ISO text (with the time when it has one), missing
    values as None, numpy scalars as Python's."""
    if value is None or value is pd.NaT or value is pd.NA or (
            isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else \
            stamp.strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "item"):
        return value.item()
    return value


def rows(frame, columns):
    """The frame's rows as plain tuples (see `plain`)."""
    return [tuple(plain(value) for value in row)
            for row in frame[columns].astype(object).itertuples(index=False)]


# --- the demo program and this venv's kernel, for the notebooks (nbclient and JupyterLab) ---

@pytest.fixture(scope="session")
def venv_kernel(tmp_path_factory):
    """The name of a kernel that runs this interpreter: "python3" when it already does (its
    spec says `python`, which jupyter_client replaces by sys.executable, or names this very
    interpreter); otherwise a "python3" spec written for it, found first through JUPYTER_PATH."""
    try:
        argv = KernelSpecManager().get_kernel_spec("python3").argv
    except NoSuchKernel:
        argv = []
    if argv and argv[0] in ("python", "python3", sys.executable):
        yield "python3"
        return
    folder = tmp_path_factory.mktemp("jupyter") / "kernels" / "python3"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (supervision_dash venv)", "language": "python"}))
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder.parents[1]), before]))
    yield "python3"
    if before is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = before


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory) -> Path:
    """One cache folder for the whole run, with the demo database generated in it once."""
    from supervision_dash.demo import demo_database

    cache = tmp_path_factory.mktemp("demo_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPERVISION_DASH_CACHE", str(cache))
        demo_database()
    return cache


def demo_warehouse(cache: Path):
    from supervision_dash import open_warehouse
    from supervision_dash.demo import demo_database

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPERVISION_DASH_CACHE", str(cache))
        return open_warehouse(demo_database())


def contacts_on(*days: str, participant: str = "0001", peer: str = "PR1") -> str:
    """Contacts CSV with one 30-minute phone call at noon on each day (BASE's participant 0001
    and peer PR1 unless told). An as_of outside the extract's contact dates is refused, so a
    test of a metric that reads no contacts gives its tiny extract contacts spanning the days
    it asks about; the metric's answers do not depend on them."""
    return csv("contact_id,participant_id,peer_id,started_at,duration_min,mode",
               *[f"SPAN{index},{participant},{peer},{day} 12:00,30,phone"
                 for index, day in enumerate(days, 1)])
