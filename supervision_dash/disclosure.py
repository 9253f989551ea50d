"""Small-cell suppression for leadership views, after the CMS cell-size suppression policy.

Counts of participants (and of their contacts, assessments...) from 1 to min_cell − 1 are
suppressed (zero may show). Counts of peers (`staff count` columns) are not health information
about participants: they are shown as they are, and so are the rates and statistics over them,
unless the program asks for them to be suppressed too (`suppress_staff_counts`).
Complementary suppression then hides further cells until no suppressed count can be worked out
from the totals a reader knows: the total of each count column over each key dimension (a
program or site total shown elsewhere), and each declared partition (`count part of TOTAL`: the
parts add up to the total).
A suppressed count is recoverable exactly when its unit vector lies in the row space of those
linear constraints; that is tested with the null space of the constraint matrix, and the
smallest visible cell of a constraint that pins a suppressed cell is hidden too, until none is
pinned. Rates and statistics are then hidden when their denominator is under min_cell or any
count they are computed from is hidden (a rate times a visible denominator gives the count).

The result keeps numbers numeric: hidden cells are missing values, `frame.attrs["suppressed"]`
lists them by column and `frame.attrs["small"]` the small counts among them; `for_display`
writes a small count as "<11" and any other hidden cell as "n/s" (not shown).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .catalogue import Column


def suppress(frame: pd.DataFrame, columns: Iterable[Column], min_cell: int = 11,
             suppress_staff_counts: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with small counts and everything that would reveal them hidden."""
    columns = [column for column in columns if column.name in frame.columns]
    kinds = {column.name: column for column in columns}
    protected = ("count", "staff") if suppress_staff_counts else ("count",)
    counts = [c.name for c in columns if c.base_kind in protected]
    shown_staff = {c.name for c in columns if c.base_kind == "staff"} - set(counts)
    keys = [c.name for c in columns if c.base_kind == "key"]
    values = frame[counts].apply(pd.to_numeric).to_numpy(dtype=float) if counts else np.zeros(
        (len(frame), 0))
    small = (values >= 1) & (values < min_cell)
    hidden = small
    constraints = _constraints(frame, keys, counts, kinds)
    hidden = _complement(values, hidden, constraints)

    result = frame.copy()
    suppressed: dict[str, list[int]] = {}
    for index, name in enumerate(counts):
        mask = hidden[:, index]
        _hide(result, name, mask, suppressed)
    count_hidden = {name: hidden[:, index] for index, name in enumerate(counts)}
    for column in columns:
        if column.base_kind not in ("rate", "stat"):
            continue
        mask = np.zeros(len(frame), dtype=bool)
        for source in column.refers_to:
            if source in count_hidden:
                mask |= count_hidden[source]
        denominator = column.refers_to[-1]
        if denominator in frame.columns and denominator not in shown_staff:
            mask |= pd.to_numeric(frame[denominator]).fillna(0).to_numpy() < min_cell
        _hide(result, column.name, mask, suppressed)
    result.attrs = {**frame.attrs, "suppressed": suppressed, "min_cell": min_cell,
                    "small": {name: [int(row) for row in np.flatnonzero(small[:, index])]
                              for index, name in enumerate(counts) if small[:, index].any()}}
    return result


def _hide(frame: pd.DataFrame, name: str, mask: np.ndarray, suppressed: dict) -> None:
    if not mask.any():
        return
    if pd.api.types.is_integer_dtype(frame[name].dtype):
        frame[name] = frame[name].astype("Int64")
    elif not pd.api.types.is_float_dtype(frame[name].dtype):
        frame[name] = frame[name].astype(object)
    frame.loc[mask, name] = pd.NA
    suppressed[name] = [int(row) for row in np.flatnonzero(mask)]


def _constraints(frame, keys, counts, kinds) -> list[dict[tuple[int, int], int]]:
    """Each linear relation a reader knows, as {(row, count column): coefficient}: totals over
    each key dimension (coefficients 1, the total known from elsewhere), and each declared
    partition (parts 1, total -1: they always add up, whatever is shown)."""
    constraints = []
    positions = {name: index for index, name in enumerate(counts)}
    rows = np.arange(len(frame))
    for name in counts:  # totals over each key dimension (all rows when there is none)
        groupings = [[k for k in keys if k != key] for key in keys] or [[]]
        for others in groupings:
            if others and len(frame):
                indices = frame.reset_index(drop=True).groupby(
                    others, dropna=False, sort=False).indices
                groups = [np.asarray(group) for group in indices.values()]
            else:
                groups = [rows]
            # a "total" of one cell is that cell: publishing it is not this table's doing
            constraints.extend([{(int(r), positions[name]): 1 for r in group} for group in groups
                                if len(group) > 1])
    for name in counts:  # declared partitions: parts add up to the total, row by row
        parts = [part for part in counts if kinds[part].refers_to == (name,)]
        if parts:
            for row in rows:
                constraints.append({**{(int(row), positions[p]): 1 for p in parts},
                                    (int(row), positions[name]): -1})
    return constraints


def _pinned(hidden: np.ndarray, constraints) -> list[tuple[int, int]]:
    """Hidden cells that the constraints determine exactly."""
    cells = [tuple(cell) for cell in np.argwhere(hidden)]
    if not cells:
        return []
    index = {cell: i for i, cell in enumerate(cells)}
    matrix = np.zeros((len(constraints), len(cells)))
    for row, constraint in enumerate(constraints):
        for cell, coefficient in constraint.items():
            if cell in index:
                matrix[row, index[cell]] = coefficient
    matrix = matrix[matrix.any(axis=1)]
    if not len(matrix):
        return []
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]  # rows spanning the null space of the constraint matrix
    if not len(null_space):
        return cells
    return [cell for cell, norm in zip(cells, np.abs(null_space).max(axis=0), strict=True)
            if norm < 1e-9]


def _complement(values: np.ndarray, hidden: np.ndarray, constraints) -> np.ndarray:
    """Hide more cells until no hidden cell is pinned.

    First the classic rule: a total with exactly one hidden cell gives it away, so hide the
    smallest non-zero visible cell beside it. Totals that cross can still pin a cell with two
    hidden per line (a "bridge"), so the exact null-space test follows, and for each cell it
    still finds pinned, the neighbouring cell whose hiding leaves the fewest pinned is hidden.
    """
    hidden = hidden.copy()

    def smallest(cells):
        return min(cells, key=lambda cell: (values[cell] == 0, values[cell], cell))

    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            visible = [cell for cell in constraint if not hidden[cell]]
            if len(constraint) - len(visible) == 1 and visible:
                hidden[smallest(visible)] = True
                changed = True
    while pinned := _pinned(hidden, constraints):
        candidates = {other for cell in pinned for c in constraints if cell in c
                      for other in c if not hidden[other]}
        if not candidates:  # every related cell is hidden: widen to every visible cell
            candidates = {tuple(other) for other in np.argwhere(~hidden)}
        if not candidates:  # the whole table is hidden: nothing more can be done
            break

        def outcome(other):
            trial = hidden.copy()
            trial[other] = True
            return len(_pinned(trial, constraints)), values[other] == 0, values[other], other

        hidden[min(candidates, key=outcome)] = True
    return hidden


HIDDEN_LABEL = "n/s"


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a table or CSV shows it: a small count as "<11", and every other hidden
    cell (hidden only so that a small count cannot be worked out, or a rate or mean over too
    few) as "n/s", not shown — never "<11" for a figure that may be large."""
    suppressed = frame.attrs.get("suppressed", {})
    if not suppressed:
        return frame
    small_label = f"<{frame.attrs.get('min_cell', 11)}"
    small = frame.attrs.get("small", {})
    shown = frame.copy()
    for name, rows in suppressed.items():
        shown[name] = shown[name].astype(object)
        column = shown.columns.get_loc(name)
        shown.iloc[rows, column] = HIDDEN_LABEL
        if small.get(name):
            shown.iloc[small[name], column] = small_label
    return shown
