"""`panel serve dashboards/supervision.py` — the supervision dashboard as a Panel app.

The database comes from the environment (nothing is read from the URL):

    SUPERVISION_DASH_DB=demo.duckdb panel serve dashboards/supervision.py

SUPERVISION_DASH_SETTINGS names a settings TOML file, and SUPERVISION_DASH_ROLE=leadership
serves the program-level pages only. Without SUPERVISION_DASH_DB the built-in demo database is
used (generated on first run). One warehouse is shared by every session.
"""

import os

import panel as pn

from supervision_dash.app import dashboard, message_page
from supervision_dash.demo import demo_database
from supervision_dash.warehouse import WarehouseError, open_warehouse


def _warehouse():
    database = os.environ.get("SUPERVISION_DASH_DB") or demo_database()
    return open_warehouse(database, role=os.environ.get("SUPERVISION_DASH_ROLE", "supervisor"),
                          settings=os.environ.get("SUPERVISION_DASH_SETTINGS") or None)


try:
    page = dashboard(pn.state.as_cached("supervision_dash_warehouse", _warehouse))
except (WarehouseError, ValueError) as exc:  # a database or settings file that cannot be read
    page = message_page(str(exc))
page.servable()
