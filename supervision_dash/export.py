"""CSV as the product writes it, for every download and every `--format csv`.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(...)` sends whoever clicks it to any address; tab and carriage return can start
one too). Extract values are free text, so every text cell that starts with one of those
characters is written with a single quote in front, as OWASP advises for CSV injection; the
spreadsheet shows the quote and runs nothing. Numbers stay numbers: a numeric cell is never
touched (a change of -3 is written -3), and a text cell that is exactly a plain number, such as
"-3" or "+4.5", is left as it is too, since a spreadsheet reads it as that number and nothing
else. Column names get the same treatment. Hidden cells of a leadership table are written as
`for_display` shows them ("<11", "n/s").
"""

from __future__ import annotations

import re

import pandas as pd

from .disclosure import for_display

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(value):
    """A text value that a spreadsheet would run as a formula, with a quote in front; any
    other value as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """The whole frame as CSV text (no index), safe to open in a spreadsheet."""
    shown = for_display(frame)
    text_columns = [name for name in shown.columns
                    if pd.api.types.is_object_dtype(shown[name])
                    or pd.api.types.is_string_dtype(shown[name])]
    safe = shown.copy()
    for name in text_columns:
        safe[name] = shown[name].map(neutralise, na_action="ignore")
    safe.columns = [neutralise(str(name)) for name in shown.columns]
    # RFC 4180's line ends: a cell holding a line break of either kind is then quoted whole
    return safe.to_csv(index=False, lineterminator="\r\n")
