"""`panel serve dashboards/supervision.py` — the supervision dashboard as a Panel app.

The database comes from the environment (nothing is read from the URL):

    SUPERVISION_DASH_DB=demo.duckdb panel serve dashboards/supervision.py

SUPERVISION_DASH_SETTINGS names a settings TOML file, SUPERVISION_DASH_ROLE=leadership serves
the program-level pages only, and SUPERVISION_DASH_STATE_DIR holds the audit log (default:
beside the database). With SUPERVISION_DASH_ACCESS (an access file), every session needs a user
the file names: set up Panel's own login (--basic-auth, --oauth-provider, --cookie-secret);
`supervision-dash serve` does that with hashed passwords, lockout and idle logoff. Without
SUPERVISION_DASH_DB the built-in demo database is used (generated on first run).
"""

import panel as pn

from supervision_dash.app import message_page
from supervision_dash.service import Service
from supervision_dash.warehouse import WarehouseError

try:
    page = pn.state.as_cached("supervision_dash_service", Service.from_environment).page()
except (WarehouseError, ValueError) as exc:  # a database, settings or access file that cannot be read
    page = message_page(str(exc))
page.servable()
