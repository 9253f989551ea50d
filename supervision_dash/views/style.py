"""One look for every view: a colour-blind-safe palette, one severity scheme, tables with a
whole-table CSV download, and empty states that say why.

Colours are Okabe & Ito's (2008) palette, distinguishable with the common colour-vision
deficiencies; a severity is never shown by colour alone (its word is always written too).
"""

from __future__ import annotations

import html
import io

import holoviews as hv
import pandas as pd
import panel as pn

from ..disclosure import for_display
from ..export import csv_text
from ..palette import OKABE_ITO

CYCLE = [OKABE_ITO[name] for name in ("blue", "orange", "green", "purple", "sky", "vermillion",
                                      "yellow", "grey")]
SEVERITY_COLOURS = {"urgent": OKABE_ITO["vermillion"], "review": OKABE_ITO["blue"]}
CATEGORY_COLOURS = {
    "improved": OKABE_ITO["green"], "no_reliable_change": OKABE_ITO["grey"],
    "deteriorated": OKABE_ITO["vermillion"], "unclassified": "#DDDDDD",
    "recovered": OKABE_ITO["blue"],
}
ROLE_COLOURS = {"supervisor": OKABE_ITO["blue"], "self": OKABE_ITO["orange"],
                "participant": OKABE_ITO["green"], "external": OKABE_ITO["purple"]}

CSS = """
.sd-cards { display: flex; flex-wrap: wrap; }
.sd-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; margin: 6px;
           background: #fff; width: 300px; font-size: 14px; line-height: 1.45; }
.sd-card h3 { margin: 0 0 6px 0; font-size: 17px; }
.sd-card .sd-muted { color: #57606a; font-size: 12.5px; }
.sd-card table { border-collapse: collapse; width: 100%; }
.sd-card td { padding: 2px 0; vertical-align: top; }
.sd-card td.sd-figure { text-align: right; font-weight: 600; white-space: nowrap; }
.sd-card .sd-line { margin-top: 4px; white-space: nowrap; overflow: hidden;
                    text-overflow: ellipsis; }
.sd-bar { background: #eaeef2; border-radius: 3px; height: 8px; margin: 2px 0 6px 0; }
.sd-bar > div { height: 8px; border-radius: 3px; }
.sd-badge { display: inline-block; border-radius: 10px; padding: 0 8px; margin-right: 4px;
            color: #fff; font-size: 12.5px; font-weight: 600; }
.sd-empty { color: #57606a; font-style: italic; padding: 12px; border: 1px dashed #d0d7de;
            border-radius: 6px; }
.sd-note { color: #57606a; font-size: 12.5px; }
"""
pn.extension("tabulator", raw_css=[CSS], loading_indicator=True, notifications=False)
# The Bokeh plotting backend, loaded here so the plot options exist even when pn.extension ran
# before HoloViews was imported (as in a notebook that sets Panel up first).
if "bokeh" in hv.Store.renderers:
    hv.Store.set_current_backend("bokeh")
else:
    hv.extension("bokeh", logo=False)
# Scrolling the page over a plot scrolls the page: no tool is active until chosen.
hv.opts.defaults(*[getattr(hv.opts, element)(active_tools=[]) for element in (
    "Area", "Bars", "Curve", "HeatMap", "Histogram", "Path", "Scatter", "Segments")])


def empty(message: str) -> pn.pane.HTML:
    """An empty state that says why there is nothing to show (hidden while it says nothing)."""
    return pn.pane.HTML(f'<div class="sd-empty">{escape_html(message)}</div>',
                        sizing_mode="stretch_width", css_classes=["sd-empty-state"],
                        visible=bool(message))


def why_empty(frame: pd.DataFrame, otherwise: str) -> str:
    """The note of an absent optional table ('no fidelity extract loaded') or ``otherwise``."""
    notes = frame.attrs.get("notes") or []
    return notes[0].capitalize() + "." if notes else otherwise


def escape_html(text) -> str:
    return html.escape(str(text))


def badge(text: str, colour: str) -> str:
    return f'<span class="sd-badge" style="background:{colour}">{escape_html(text)}</span>'


def severity_badge(severity: str, count: int | None = None) -> str:
    label = severity if count is None else f"{count} {severity}"
    return badge(label, SEVERITY_COLOURS.get(severity, OKABE_ITO["grey"]))


def readable_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates without a midnight time: DuckDB DATE columns arrive as datetimes."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            midnight = values.dropna().dt.normalize().eq(values.dropna()).all()
            shown[column] = values.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M")
    return shown


def colour_severity(tabulator: pn.widgets.Tabulator) -> None:
    """Write each severity in its colour (the word stays, so colour is never the only cue)."""
    tabulator.style.map(
        lambda value: f"color: {SEVERITY_COLOURS[value]}; font-weight: 600"
        if value in SEVERITY_COLOURS else "", subset=["severity"])


def csv_bytes(frame: pd.DataFrame) -> io.BytesIO:
    """The whole frame as CSV (hidden cells written <11 or n/s, formulas neutralised), for a
    download button."""
    return io.BytesIO(csv_text(frame).encode("utf-8"))


def plottable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as HoloViews can draw it: pandas' nullable numbers and booleans, which hold a
    hidden (suppressed) or missing cell as pd.NA, as floats with NaN, which a plot leaves out.
    HoloViews tests its axis ranges for truth, and pd.NA has none ("boolean value of NA is
    ambiguous"). Columns without a gap keep their plain NumPy type (a count stays whole)."""
    nullable = {name: "float64" if frame[name].hasnans else dtype.numpy_dtype
                for name, dtype in frame.dtypes.items()
                if isinstance(dtype, pd.api.extensions.ExtensionDtype)
                and (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))}
    return frame.astype(nullable) if nullable else frame


class Chart(pn.viewable.Viewer):
    """A HoloViews plot, shown or hidden as a whole. Panel 1.9 cannot hide a HoloViews pane
    that a template has drawn (setting its `visible` raises a TypeError about Bokeh
    stylesheets, and the view's update stops half done), so the box around it is what is
    shown or hidden."""

    def __init__(self, **pane_params):
        super().__init__()
        self.pane = pn.pane.HoloViews(**pane_params)
        self._box = pn.Column(self.pane, sizing_mode="stretch_width", margin=0)

    @property
    def object(self):
        return self.pane.object

    @object.setter
    def object(self, element) -> None:
        self.pane.object = element

    @property
    def visible(self) -> bool:
        return self._box.visible

    @visible.setter
    def visible(self, shown: bool) -> None:
        self._box.visible = bool(shown)

    def __panel__(self):
        return self._box


class Table(pn.viewable.Viewer):
    """A sortable Tabulator with a button that downloads the whole table as CSV (not just the
    visible page), and an empty state in place of an empty table. `on_download(filename,
    frame)`, when set, is told of every download (the view sets it to its state's)."""

    def __init__(self, name: str, empty_message: str = "Nothing to show.", page_size: int = 15,
                 wrap: tuple[str, ...] = ("detail", "message"), **tabulator):
        super().__init__()
        self.table_name = name
        self.empty_message = empty_message
        self.frame = pd.DataFrame()
        self.on_download = None
        self.tabulator = pn.widgets.Tabulator(
            pd.DataFrame(), pagination="remote", page_size=page_size, disabled=True,
            show_index=False, sizing_mode="stretch_width", layout="fit_data_stretch",
            header_filters=False,
            formatters={column: {"type": "textarea"} for column in wrap},  # long text wraps
            widths={column: 300 for column in wrap}, **tabulator)
        self.download = pn.widgets.FileDownload(
            callback=self._download, filename=f"{name}.csv",
            label="Download CSV", width=170)
        self.placeholder = empty(empty_message)
        for part in (self.download, self.tabulator, self.placeholder):
            part.visible = False  # until there is something to show
        self._layout = pn.Column(self.download, self.tabulator, self.placeholder,
                                 sizing_mode="stretch_width", min_height=40,
                                 css_classes=["sd-table"])

    def _download(self) -> io.BytesIO:
        if self.on_download:
            self.on_download(self.download.filename, self.frame)
        return csv_bytes(self.frame)

    def show(self, frame: pd.DataFrame, empty_message: str | None = None) -> None:
        self.frame = frame
        has_rows = len(frame) > 0
        self.tabulator.value = readable_dates(for_display(frame)).reset_index(drop=True)
        self.tabulator.visible = self.download.visible = has_rows
        self.placeholder.object = (f'<div class="sd-empty">'
                                   f'{escape_html(empty_message or self.empty_message)}</div>')
        self.placeholder.visible = not has_rows
        self.download.filename = f"{self.table_name}.csv"

    def __panel__(self):
        return self._layout


def fmt_date(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return pd.Timestamp(value).strftime("%a %d %b %Y")


def fmt_figure(value, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:.{digits}f}"
