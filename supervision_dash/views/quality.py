"""Data quality: how fresh and complete the extract behind every number is.

Freshness and row counts per table, the share of empty optional columns, rows with dates out
of range, and the warnings the load recorded — so a supervisor knows what the figures rest on
before discussing them.
"""

from __future__ import annotations

import panel as pn

from .base import View
from .style import Table, escape_html, fmt_date


class DataQualityView(View):
    """The extract's tables and the load's warnings; it does not depend on the filters."""

    title = "Data quality"
    watched = ()

    def _build(self):
        self.summary = pn.pane.HTML(sizing_mode="stretch_width")
        self.tables = Table("data_quality", "No tables.")
        self.warnings = Table("load_warnings", "The load recorded no warnings.")
        return pn.Column(self.summary, self.tables, pn.pane.HTML("<h2>Load warnings</h2>"),
                         self.warnings, sizing_mode="stretch_width")

    def compute(self) -> dict:
        return {"tables": self.state.data_quality(), "warnings": self.state.load_warnings(),
                "load": self.state.load_info}

    def show(self, data: dict) -> None:
        load, tables = data["load"], data["tables"]
        absent = ", ".join(tables.loc[~tables["present"].astype(bool), "table_name"]) or "none"
        self.summary.object = (
            f"<p>Extract <b>{escape_html(load['source_folder'])}</b>, loaded "
            f"{fmt_date(load['loaded_at'])} (contract {escape_html(load['contract_version'])}). "
            f"Last contact: {fmt_date(self.state.last_contact_date)}. "
            f"Tables not in this extract: {escape_html(absent)}.</p>"
            "<p class='sd-note'>The extract is a limited data set: protected health "
            "information, to be handled as such.</p>")
        self.tables.show(tables)
        self.warnings.show(data["warnings"])
