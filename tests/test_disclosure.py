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


# --- staff counts -------------------------------------------------------------------------------

WORKFORCE = pd.DataFrame({"site": ["A", "B", "C"], "peers": [12, 3, 24],
                          "active_participants": [120, 30, 260],
                          "peers_over_capacity": [2, 0, 5], "peers_rated": [12, 3, 20],
                          "peers_meeting_standard": [9, 1, 15],
                          "mean_fidelity": [4.1, 3.2, 4.0]})
WORKFORCE_COLUMNS = _columns(("site", "key"), ("peers", "staff count"),
                             ("active_participants", "count"),
                             ("peers_over_capacity", "staff count"),
                             ("peers_rated", "staff count"),
                             ("peers_meeting_standard", "staff count"),
                             ("mean_fidelity", "stat over peers_rated"))


def test_counts_of_peers_are_shown_as_they_are():
    """Peers are staff, not participants: site B's 3 peers and 1 meeting the standard show, and
    so does the mean of its 3 ratings. The participant counts are all 30 or more."""
    result = suppress(WORKFORCE, WORKFORCE_COLUMNS)
    assert result.equals(WORKFORCE)
    assert result.attrs["suppressed"] == {}


def test_suppress_staff_counts_treats_peers_like_participants():
    result = suppress(WORKFORCE, WORKFORCE_COLUMNS, suppress_staff_counts=True)
    hidden = result.isna()
    # B's 3 peers and A's 2 over capacity are small; each column's total over the sites then
    # pins them, so the smallest other cell goes too: A's 12 peers (not C's 24), C's 5 over
    # capacity (B's 0 is not a complement). peers_rated: B's 3 with A's 12. Meeting the
    # standard: A's 9 and B's 1 are both small and protect each other; C's 15 shows.
    assert hidden["peers"].tolist() == [True, True, False]
    assert hidden["peers_over_capacity"].tolist() == [True, False, True]
    assert hidden["peers_rated"].tolist() == [True, True, False]
    assert hidden["peers_meeting_standard"].tolist() == [True, True, False]
    assert hidden["mean_fidelity"].tolist() == [True, True, False]  # with the peers rated
    assert not hidden["active_participants"].any()


# --- complementary suppression prefers small cells: worked examples ----------------------------

def _two_keys(values):
    """A month × site table of people, from rows of values (one row per month)."""
    sites = len(values[0])
    frame = pd.DataFrame({
        "month": [f"m{m}" for m, row in enumerate(values) for _ in row],
        "site": [f"s{s}" for row in values for s in range(sites)],
        "people": [value for row in values for value in row]})
    result = suppress(frame, _columns(("month", "key"), ("site", "key"), ("people", "count")))
    return result["people"].isna().to_numpy().reshape(len(values), sites).tolist()


def test_the_smallest_cells_of_the_row_and_column_protect_a_small_one():
    """    s0  s1  s2
    m0      3  20  40      the 3 is small. Its row takes the 20 (not the 40), its column the
    m1     30  50  60      30; the 30 then leaves m1 with one hidden cell, so m1's smallest
                           other cell, the 50, goes too. Four hidden cells in a rectangle: each
    row and column total gives only sums of two unknowns, and no cell can be worked out."""
    assert _two_keys([[3, 20, 40], [30, 50, 60]]) == [[True, True, False],
                                                      [True, True, False]]


def test_a_larger_cell_is_hidden_only_when_the_smaller_ones_cannot_protect():
    """Sites 4, 0, 90, 30 and a program total known from elsewhere: the 4 needs a partner.
    The 0 cannot be one: shown as "n/s", a hidden cell is known not to be a small count, so a
    hidden 0 beside the 4 would leave their sum, 4, to the 4 alone. The smallest other cell,
    the 30, goes; the 90 stays."""
    frame = pd.DataFrame({"site": ["A", "B", "C", "D"], "people": [4, 0, 90, 30]})
    result = suppress(frame, _columns(("site", "key"), ("people", "count")))
    assert result["people"].isna().tolist() == [True, False, False, True]
    assert for_display(result)["people"].tolist() == ["<11", 0, 90, "n/s"]


def test_a_cell_is_never_hidden_to_protect_nothing():
    assert _two_keys([[30, 20, 40], [30, 50, 60]]) == [[False] * 3, [False] * 3]
