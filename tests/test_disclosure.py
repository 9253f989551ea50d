"""Disclosure control, on its own: small counts hidden, and nothing hidden can be worked out
from the totals. The property tests check recoverability with exact rational arithmetic,
independently of the module's floating-point null-space test."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision_dash.catalogue import Column
from supervision_dash.disclosure import for_display, suppress


def _columns(*specs):
    return [Column(name, kind, name) for name, kind in specs]


def test_counts_from_one_to_ten_are_hidden_zero_and_eleven_show():
    frame = pd.DataFrame({"site": ["A", "B", "C", "D"], "people": [0, 1, 10, 11]})
    result = suppress(frame, _columns(("site", "key"), ("people", "count")))
    # 1 and 10 are hidden; the total then gives only their sum, not either of them
    assert result["people"].isna().tolist() == [False, True, True, False]
    assert result["people"].iloc[0] == 0


def test_a_lone_small_cell_takes_a_complement():
    frame = pd.DataFrame({"site": ["A", "B", "C"], "people": [5, 40, 30]})
    result = suppress(frame, _columns(("site", "key"), ("people", "count")))
    assert result["people"].isna().tolist() == [True, False, True]  # 30 is the smaller


def test_partitions_are_protected_row_by_row():
    frame = pd.DataFrame({"measure": ["PHQ9", "GAD7"], "pairs": [40, 50],
                          "improved": [30, 20], "deteriorated": [4, 15],
                          "no_change": [6, 15]})
    columns = _columns(("measure", "key"), ("pairs", "count"),
                       ("improved", "count part of pairs"),
                       ("deteriorated", "count part of pairs"),
                       ("no_change", "count part of pairs"))
    result = suppress(frame, columns)
    hidden = result.isna()
    # PHQ9: deteriorated 4 and no_change 6 are small; the column totals then pin them, so
    # GAD7's cells in those columns go too
    assert hidden.loc[0, "deteriorated"] and hidden.loc[0, "no_change"]
    assert hidden.loc[1, "deteriorated"] and hidden.loc[1, "no_change"]
    assert not hidden["pairs"].any() and not hidden["improved"].any()


def test_rates_go_with_their_counts_and_small_denominators():
    frame = pd.DataFrame({"site": ["A", "B", "C"], "active": [40, 8, 30],
                          "engaged": [30, 8, 12], "rate": [0.75, 1.0, 0.4],
                          "mean_minutes": [30.0, 40.0, 50.0]})
    result = suppress(frame, _columns(("site", "key"), ("active", "count"),
                                      ("engaged", "count"), ("rate", "rate of engaged/active"),
                                      ("mean_minutes", "stat over active")))
    hidden = result.isna()
    assert hidden.loc[1, "active"] and hidden.loc[1, "engaged"]  # 8 and 8
    # a rate hides with either of its counts (rate × a visible denominator is the count) and
    # whenever its denominator is under 11; a statistic with the count it summarises
    assert hidden["rate"].tolist() == (hidden["engaged"] | hidden["active"]).tolist()
    assert hidden["mean_minutes"].tolist() == hidden["active"].tolist()
    assert hidden.loc[1, "rate"] and hidden.loc[1, "mean_minutes"]


def test_display_writes_small_counts_as_less_than_eleven_and_complements_as_not_shown():
    frame = pd.DataFrame({"site": ["A", "B", "C"], "people": [3, 40, 30]})
    shown = for_display(suppress(frame, _columns(("site", "key"), ("people", "count"))))
    # 30 is hidden only to protect the 3: it is not "<11"
    assert shown["people"].tolist() == ["<11", 40, "n/s"]


def test_min_cell_is_configurable():
    frame = pd.DataFrame({"site": ["A", "B"], "people": [12, 25]})
    result = suppress(frame, _columns(("site", "key"), ("people", "count")), min_cell=20)
    assert result["people"].isna().tolist() == [True, True]


# --- properties -------------------------------------------------------------------------------

def _in_row_space(rows: list[list[int]], target: list[int]) -> bool:
    """Exact test: is ``target`` a rational combination of ``rows``?"""
    def rank(matrix):
        matrix = [[Fraction(x) for x in row] for row in matrix]
        rank_found, width = 0, len(matrix[0]) if matrix else 0
        for col in range(width):
            pivot = next((r for r in range(rank_found, len(matrix)) if matrix[r][col] != 0),
                         None)
            if pivot is None:
                continue
            matrix[rank_found], matrix[pivot] = matrix[pivot], matrix[rank_found]
            for r in range(len(matrix)):
                if r != rank_found and matrix[r][col] != 0:
                    factor = matrix[r][col] / matrix[rank_found][col]
                    matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank_found],
                                                                 strict=True)]
            rank_found += 1
        return rank_found

    if not rows:
        return False
    return rank(rows) == rank([*rows, target])


def _recoverable(hidden_cells, constraints):
    """Hidden cells a reader can work out: known totals minus visible cells pin them."""
    index = {cell: i for i, cell in enumerate(hidden_cells)}
    rows = []
    for constraint in constraints:
        row = [0] * len(hidden_cells)
        for cell, coefficient in constraint.items():
            if cell in index:
                row[index[cell]] = coefficient
        if any(row):
            rows.append(row)
    found = []
    for cell, i in index.items():
        target = [0] * len(hidden_cells)
        target[i] = 1
        if _in_row_space(rows, target):
            found.append(cell)
    return found


small_or_not = st.one_of(st.integers(0, 12), st.integers(0, 60))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), n_rows=st.integers(1, 7), n_parts=st.integers(0, 3))
def test_one_key_tables_never_show_or_reveal_a_small_count(data, n_rows, n_parts):
    parts = [data.draw(st.lists(small_or_not, min_size=n_rows, max_size=n_rows))
             for _ in range(n_parts)]
    total = [sum(values) for values in zip(*parts, strict=True)] if parts else data.draw(
        st.lists(small_or_not, min_size=n_rows, max_size=n_rows))
    other = data.draw(st.lists(small_or_not, min_size=n_rows, max_size=n_rows))
    frame = pd.DataFrame({"group": [f"g{i}" for i in range(n_rows)], "total": total,
                          "other": other,
                          **{f"part{i}": values for i, values in enumerate(parts)}})
    columns = _columns(("group", "key"), ("total", "count"), ("other", "count"),
                       *[(f"part{i}", "count part of total") for i in range(n_parts)])
    result = suppress(frame, columns)
    counts = ["total", "other", *[f"part{i}" for i in range(n_parts)]]
    _assert_protected(frame, result, counts,
                      constraints=_one_key_constraints(n_rows, counts, n_parts))


def _one_key_constraints(n_rows, counts, n_parts):
    """Column totals (known from elsewhere) and, per row, parts − total = 0."""
    constraints = [{(row, column): 1 for row in range(n_rows)} for column in counts]
    for row in range(n_rows):
        if n_parts:
            constraints.append({(row, "total"): -1, **{(row, f"part{i}"): 1
                                                       for i in range(n_parts)}})
    return [c for c in constraints if len(c) > 1]


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n_months=st.integers(1, 4), n_sites=st.integers(1, 4))
def test_two_key_tables_never_show_or_reveal_a_small_count(data, n_months, n_sites):
    cells = n_months * n_sites
    frame = pd.DataFrame({
        "month": [f"m{m}" for m in range(n_months) for _ in range(n_sites)],
        "site": [f"s{s}" for _ in range(n_months) for s in range(n_sites)],
        "people": data.draw(st.lists(small_or_not, min_size=cells, max_size=cells)),
    })
    result = suppress(frame, _columns(("month", "key"), ("site", "key"), ("people", "count")))
    by_month = [{(m * n_sites + s, "people"): 1 for s in range(n_sites)} for m in range(n_months)]
    by_site = [{(m * n_sites + s, "people"): 1 for m in range(n_months)} for s in range(n_sites)]
    _assert_protected(frame, result, ["people"],
                      constraints=[c for c in by_month + by_site if len(c) > 1])


def _assert_protected(frame, result, counts, constraints):
    hidden = result[counts].isna()
    assert not frame[counts].isna().any().any()
    for column in counts:
        visible = result.loc[~hidden[column], column].astype(int)
        assert not visible.between(1, 10).any(), "a small count shows"
    hidden_cells = [(row, column) for column in counts for row in range(len(frame))
                    if hidden.loc[row, column]]
    assert _recoverable(hidden_cells, constraints) == [], "a hidden count can be worked out"
    for column, rows in result.attrs["suppressed"].items():
        assert sorted(rows) == sorted(np.flatnonzero(hidden[column]).tolist())
