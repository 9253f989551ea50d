"""Four metrics the way an analyst would compute them in plain pandas, for comparison.

The tables are read once from a loaded database into DataFrames (`read_tables`, not part of
any timing); each function then computes one metric from those frames with groupby, merge and
boolean masks, with the defaults the SQL query uses (as_of = the last contact date, the default
program settings, every site, supervisor and peer) and the same output columns:

    caseload(tables)         queries/caseload.sql
    boundary_flags(tables)   queries/boundary_flags.sql
    fidelity_scores(tables)  queries/fidelity_scores.sql (with fidelity_domains.sql)
    outcome_change(tables)   queries/outcome_change.sql

They follow docs/metrics.md and the choices each query's header documents, not the SQL's
tricks. One deliberate detail: numbers shown "to 2 decimals" are rounded as SQL's round() does
(halves away from zero, on the exact stored value: see round_half_up), so 3.125 is 3.13 and
7.225 (stored as 7.22499…) is 7.22 in both.

`compare(sql_frame, pandas_frame, keys)` says whether two results hold the same rows and values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supervision_dash.settings import WEEKDAYS, Settings  # noqa: E402

TABLES = ("peers", "participants", "contacts", "outcomes", "fidelity", "supervision",
          "extract_tables")
DAY = pd.Timedelta(days=1)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def read_tables(con) -> dict[str, pd.DataFrame]:
    """Every table the four metrics read, as DataFrames (a DuckDB connection to a database)."""
    return {name: con.sql(f"SELECT * FROM {name}").df() for name in TABLES}


def last_contact_date(tables: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The default as_of: midnight of the last contact's day."""
    return tables["contacts"]["started_at"].max().normalize()


def round_half_up(values, decimals: int = 0):
    """Round as SQL's round() does: the exact binary value, halves away from zero.

    numpy's .round() rounds halves to even, and on x × 10ⁿ, which can itself land on a half
    (7.225 is stored as 7.22499…, but 7.225 × 100 is 722.5): the exact error of that product
    (Dekker's two-product) says which side of the half the stored value really is."""
    factor = 10.0 ** decimals
    x = np.abs(np.asarray(values, dtype="float64"))
    product = x * factor
    big = 134217729.0 * x
    x_hi = big - (big - x)
    big = 134217729.0 * factor
    f_hi = big - (big - factor)
    error = (((x_hi * f_hi - product) + x_hi * (factor - f_hi)) + (x - x_hi) * f_hi) \
        + (x - x_hi) * (factor - f_hi)
    whole = np.floor(product)
    fraction = product - whole
    up = (fraction > 0.5) | ((fraction == 0.5) & (error >= 0))
    rounded = np.sign(np.asarray(values, dtype="float64")) * (whole + up) / factor
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    return float(rounded)


def _g(value: float) -> str:
    return f"{value:g}"


def _as_of(tables, as_of) -> pd.Timestamp:
    return last_contact_date(tables) if as_of is None else pd.Timestamp(as_of).normalize()


def _capacities(peers: pd.DataFrame, settings: Settings) -> pd.Series:
    return peers["caseload_capacity"].fillna(settings.default_capacity).astype("int64")


def _active_on(participants: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    discharged = participants["discharged_on"]
    return (participants["enrolled_on"] <= day) & (discharged.isna() | (discharged > day))


# --- caseload ----------------------------------------------------------------------------------

def caseload(tables: dict[str, pd.DataFrame], as_of=None,
             settings: Settings | None = None) -> pd.DataFrame:
    """One row per peer: caseload on as_of against capacity, this week's contacts, not seen."""
    settings = settings or Settings()
    as_of = _as_of(tables, as_of)
    peers, participants, contacts = (tables[n] for n in ("peers", "participants", "contacts"))

    # Participants: active, not seen by anyone lately, new and discharged in the 28 days.
    not_seen_since = as_of - (settings.not_seen_days - 1) * DAY
    recently_seen = contacts.loc[(contacts["started_at"] >= not_seen_since)
                                 & (contacts["started_at"] < as_of + DAY), "participant_id"]
    active = _active_on(participants, as_of)
    four_weeks = (as_of - 27 * DAY, as_of)
    people = participants.assign(
        active_participants=active,
        not_seen=active & ~participants["participant_id"].isin(recently_seen),
        new_28d=participants["enrolled_on"].between(*four_weeks),
        discharged_28d=participants["discharged_on"].between(*four_weeks),
    ).groupby("peer_id")[["active_participants", "not_seen", "new_28d",
                          "discharged_28d"]].sum()

    # Contacts of this week and the four weeks before it.
    recent = contacts[(contacts["started_at"] >= as_of - 34 * DAY)
                      & (contacts["started_at"] < as_of + DAY)]
    recent = recent.assign(this_week=recent["started_at"] >= as_of - 6 * DAY)
    by_peer = recent.groupby("peer_id")
    counts = pd.DataFrame({
        "contacts_7d": by_peer["this_week"].sum(),
        "contacts_avg_prior_4wk": (~recent["this_week"]).groupby(recent["peer_id"]).sum() / 4,
        "participants_seen_28d": recent[recent["started_at"] >= as_of - 27 * DAY]
        .groupby("peer_id")["participant_id"].nunique(),
    })
    # The peer's own time: a group session counts once, however many attended.
    sitting = recent["group_session_id"].fillna(recent["contact_id"])
    minutes = (recent.groupby(["peer_id", "this_week", sitting])["duration_min"].max()
               .groupby(["peer_id", "this_week"]).sum().unstack("this_week")
               .reindex(columns=[True, False]))
    counts["contact_hours_7d"] = minutes[True] / 60
    counts["contact_hours_avg_prior_4wk"] = minutes[False] / 60 / 4

    out = (peers[["peer_id", "site", "supervisor_id"]]
           .assign(caseload_capacity=_capacities(peers, settings))
           .merge(people, on="peer_id", how="left")
           .merge(counts, on="peer_id", how="left"))
    for column in ("active_participants", "not_seen", "new_28d", "discharged_28d",
                   "contacts_7d", "participants_seen_28d"):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("contacts_avg_prior_4wk", "contact_hours_7d", "contact_hours_avg_prior_4wk"):
        out[column] = round_half_up(out[column].fillna(0).astype("float64"), 2)
    out["utilization"] = round_half_up(out["active_participants"] / out["caseload_capacity"], 3)
    columns = ["peer_id", "site", "supervisor_id", "active_participants", "caseload_capacity",
               "utilization", "contacts_7d", "contact_hours_7d", "contacts_avg_prior_4wk",
               "contact_hours_avg_prior_4wk", "participants_seen_28d", "not_seen",
               "new_28d", "discharged_28d"]
    return out.sort_values(["site", "peer_id"])[columns].reset_index(drop=True)


# --- boundary_flags ----------------------------------------------------------------------------

def _hours_text(settings: Settings) -> str:
    """Sanctioned hours in words, e.g. "08:00–20:00, Mon–Fri" (runs of 3+ days as first–last)."""
    days = sorted({WEEKDAYS.index(day) for day in settings.sanctioned_days})
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words = [DAY_NAMES[run[0]] if len(run) == 1
             else f"{DAY_NAMES[run[0]]}, {DAY_NAMES[run[1]]}" if len(run) == 2
             else f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}" for run in runs]
    return (f"{settings.sanctioned_start}–{settings.sanctioned_end}, "
            f"{', '.join(words) or 'no day'}")


def _clock(text: str) -> pd.Timedelta:
    hours, minutes = (int(part) for part in text.split(":"))
    return pd.Timedelta(hours=hours, minutes=minutes)


def _flags(frame: pd.DataFrame, rule: str, severity, detail, flagged_on=None,
           contact_level: bool = True) -> pd.DataFrame:
    return pd.DataFrame({
        "rule": rule,
        "severity": severity,
        "peer_id": frame["peer_id"],
        "participant_id": frame["participant_id"] if "participant_id" in frame else None,
        "contact_id": frame["contact_id"] if contact_level else None,
        "flagged_on": frame["day"] if flagged_on is None else flagged_on,
        "detail": detail,
    })


def _escalation_words(started_at, escalated_at, limit_hours: float) -> str:
    if pd.isna(escalated_at):
        return "Safety concern recorded with no escalation."
    microseconds = (escalated_at - started_at) / pd.Timedelta(microseconds=1)
    shown = round_half_up(microseconds / 360e6) / 10  # hours to one decimal, a half up
    if shown > limit_hours:
        late = f"{shown:g} hours"
    else:  # one decimal would hide how late it was: hours and minutes
        minutes = int(np.ceil(microseconds / 60e6))
        hours, rest = divmod(minutes, 60)
        late = (f"{hours} {'hour' if hours == 1 else 'hours'} "
                f"{rest} {'minute' if rest == 1 else 'minutes'}")
    return (f"Safety concern escalated {late} after the contact began "
            f"(the program asks within {limit_hours:g}).")


def boundary_flags(tables: dict[str, pd.DataFrame], as_of=None,
                   settings: Settings | None = None) -> pd.DataFrame:
    """One row per flag for the 7 days ending as_of (contact rules) and on as_of (peer rules)."""
    s = settings or Settings()
    end = _as_of(tables, as_of)
    start = end - 6 * DAY
    peers, participants, contacts = (tables[n] for n in ("peers", "participants", "contacts"))
    window = contacts[(contacts["started_at"] >= start) & (contacts["started_at"] < end + DAY)]
    window = window.assign(day=window["started_at"].dt.normalize())
    found = []

    # after_hours: the clock time and weekday the contact began.
    clock = window["started_at"] - window["day"]
    weekday = window["started_at"].dt.day_of_week + 1
    sanctioned_days = [WEEKDAYS.index(day) + 1 for day in s.sanctioned_days]
    late = window[(clock < _clock(s.sanctioned_start)) | (clock >= _clock(s.sanctioned_end))
                  | ~weekday.isin(sanctioned_days)]
    found.append(_flags(
        late, "after_hours", "review",
        "Contact began at " + late["started_at"].dt.strftime("%H:%M") + " on "
        + late["started_at"].dt.strftime("%A %Y-%m-%d") + ", outside sanctioned hours ("
        + _hours_text(s) + ")."))

    # extended_contact: against the median duration of the mode over the whole extract.
    medians = contacts.groupby("mode")["duration_min"].median()
    median = window["mode"].map(medians)
    long = window[(window["duration_min"] >= s.extended_min_minutes)
                  & (window["duration_min"] >= s.extended_median_multiple * median)]
    words = long["mode"].replace({"in_person": "in-person", "other": "other-mode"})
    found.append(_flags(
        long, "extended_contact", "review",
        "A " + long["duration_min"].astype(str) + "-minute " + words + " contact: "
        + f"{s.extended_min_minutes} minutes or more and at least "
        + f"{s.extended_median_multiple:g}× the program's median " + words + " contact ("
        + round_half_up(median[long.index], 1).map(_g) + " minutes)."))

    # post_discharge_contact: dated after the participant's discharge day.
    after = window.merge(participants[["participant_id", "discharged_on"]], on="participant_id")
    after = after[after["day"] > after["discharged_on"]]
    days_after = (after["day"] - after["discharged_on"]).dt.days
    found.append(_flags(
        after, "post_discharge_contact", "review",
        "Contact " + days_after.astype(str) + np.where(days_after == 1, " day", " days")
        + " after the participant's discharge on "
        + after["discharged_on"].dt.strftime("%Y-%m-%d") + "."))

    # reported_concern: any boundary concern recorded.
    concern = window[window["boundary_concern"].notna()]
    found.append(_flags(
        concern, "reported_concern",
        np.where(concern["boundary_concern"].isin(s.urgent_concerns), "urgent", "review"),
        "Boundary concern recorded: " + concern["boundary_concern"].str.replace("_", " ")
        + "."))

    # unescalated_safety: not escalated, or escalated too late.
    safety = window[window["safety_concern"].fillna(False).astype(bool)]
    hours = (safety["escalated_at"] - safety["started_at"]) / pd.Timedelta(hours=1)
    unescalated = safety[safety["escalated_at"].isna() | (hours > s.escalation_hours)]
    found.append(_flags(
        unescalated, "unescalated_safety", "urgent",
        [_escalation_words(a, b, s.escalation_hours)
         for a, b in zip(unescalated["started_at"], unescalated["escalated_at"], strict=True)]))

    # concentration: a participant's minutes with the peer against the peer's median.
    days = s.concentration_window_days
    recent = contacts[(contacts["started_at"] >= end - (days - 1) * DAY)
                      & (contacts["started_at"] < end + DAY)]
    pairs = (recent.groupby(["peer_id", "participant_id"])["duration_min"]
             .agg(minutes="sum", contacts="size").reset_index())
    per_peer = pairs.groupby("peer_id")["minutes"].agg(peer_median="median", seen="size")
    pairs = pairs.merge(per_peer, on="peer_id")
    heavy = pairs[(pairs["seen"] >= s.concentration_min_participants)
                  & (pairs["contacts"] >= s.concentration_min_contacts)
                  & (pairs["minutes"] >= s.concentration_multiple * pairs["peer_median"])]
    found.append(_flags(
        heavy, "concentration", "review",
        heavy["minutes"].astype(str) + " minutes with this participant over "
        + heavy["contacts"].astype(str) + f" contacts in the {days} days ending {end:%Y-%m-%d}: "
        + round_half_up(heavy["minutes"] / heavy["peer_median"], 1).map(_g)
        + "× the peer's median of " + round_half_up(heavy["peer_median"], 1).map(_g)
        + " minutes per participant.", flagged_on=end, contact_level=False))

    # over_capacity: the peer's active caseload on end.
    active = (participants[_active_on(participants, end)].groupby("peer_id").size()
              .reindex(peers["peer_id"], fill_value=0).to_numpy())
    caseloads = peers[["peer_id"]].assign(active=active, capacity=_capacities(peers, s))
    over = caseloads[caseloads["active"] > caseloads["capacity"]]
    found.append(_flags(
        over, "over_capacity", "review",
        over["active"].astype(str) + " active participants against a capacity of "
        + over["capacity"].astype(str) + ".", flagged_on=end, contact_level=False))

    # supervision_gap: no session in the interval, for a peer with active participants.
    present = tables["extract_tables"].set_index("table_name")["present"]
    if present.get("supervision", False):
        interval = s.supervision_interval_days
        supervision = tables["supervision"]
        last = (supervision[supervision["held_on"] <= end].groupby("peer_id")["held_on"].max()
                .rename("last_held_on"))
        gaps = caseloads[caseloads["active"] > 0].merge(last, on="peer_id", how="left")
        gaps = gaps[gaps["last_held_on"].isna()
                    | (gaps["last_held_on"] <= end - interval * DAY)]
        found.append(_flags(
            gaps, "supervision_gap", "review",
            f"No supervision session in the {interval} days ending {end:%Y-%m-%d}; "
            + ("the last was on " + gaps["last_held_on"].dt.strftime("%Y-%m-%d"))
            .fillna("none is recorded") + ".", flagged_on=end, contact_level=False))

    flags = pd.concat([frame for frame in found if len(frame)], ignore_index=True)
    flags["flagged_on"] = flags["flagged_on"].astype("datetime64[us]")
    for column in ("participant_id", "contact_id"):
        flags[column] = flags[column].astype("str")
    flags["urgent_first"] = flags["severity"] != "urgent"
    return (flags.sort_values(["urgent_first", "flagged_on", "peer_id", "rule", "contact_id",
                               "participant_id"],
                              ascending=[True, False, True, True, True, True])
            .drop(columns="urgent_first").reset_index(drop=True))


# --- fidelity_scores ---------------------------------------------------------------------------

def fidelity_scores(tables: dict[str, pd.DataFrame], as_of=None,
                    settings: Settings | None = None) -> pd.DataFrame:
    """Each peer's latest episode per rater role: total, domains below the floor, standard met."""
    s = settings or Settings()
    as_of = _as_of(tables, as_of)
    ratings = tables["fidelity"]
    ratings = ratings[ratings["rated_on"] <= as_of]
    latest = ratings.groupby(["peer_id", "rater_role"])["rated_on"].transform("max")
    episode = ["peer_id", "rater_role", "rated_on"]
    domains = (ratings[ratings["rated_on"] == latest]
               .groupby([*episode, "domain"])["score"].mean().reset_index(name="domain_score"))
    domains["domain_score"] = round_half_up(domains["domain_score"], 2)
    domains["below"] = domains["domain_score"] < s.fidelity_domain_floor
    scores = domains.groupby(episode).agg(total_score=("domain_score", "mean"),
                                          domains_rated=("domain_score", "size"),
                                          domains_below_floor=("below", "sum")).reset_index()
    scores["total_score"] = round_half_up(scores["total_score"], 2)
    scores["meets_standard"] = ((scores["total_score"] >= s.fidelity_standard)
                                & (scores["domains_below_floor"] == 0))
    scores = scores.merge(tables["peers"][["peer_id", "site"]], on="peer_id")
    columns = ["peer_id", "site", "rater_role", "rated_on", "total_score", "domains_rated",
               "domains_below_floor", "meets_standard"]
    return scores.sort_values(["site", "peer_id", "rater_role", "rated_on"])[columns] \
        .reset_index(drop=True)


# --- outcome_change ----------------------------------------------------------------------------

def outcome_change(tables: dict[str, pd.DataFrame], as_of=None,
                   settings: Settings | None = None) -> pd.DataFrame:
    """Each participant's change per measure from baseline to latest, against reliable change."""
    s = settings or Settings()
    as_of = _as_of(tables, as_of)
    instruments = pd.DataFrame([
        {"measure": i.code, "higher_is_better": i.better == "higher",
         "reliable_change": i.reliable_change, "reliability": i.reliability,
         "caseness": i.caseness, "report_scale": i.report_scale}
        for i in s.instruments.values()]).astype({"reliable_change": "float64",
                                                  "reliability": "float64",
                                                  "caseness": "float64"})

    # Assessments from the baseline window on; a day with two scores counts the lower one.
    people = tables["participants"][["participant_id", "peer_id", "enrolled_on"]]
    assessed = tables["outcomes"].merge(people, on="participant_id")
    assessed = assessed[assessed["assessed_on"]
                        >= assessed["enrolled_on"] - s.baseline_window_days * DAY]
    daily = (assessed.groupby(["participant_id", "peer_id", "measure", "assessed_on"])["score"]
             .min().reset_index())
    keys = ["participant_id", "peer_id", "measure"]
    baselines = (daily.groupby(keys).first().reset_index()
                 .rename(columns={"assessed_on": "baseline_on", "score": "baseline_score"}))
    latest = (daily[daily["assessed_on"] <= as_of].groupby(keys).last().reset_index()
              .rename(columns={"assessed_on": "latest_on", "score": "latest_score"}))

    # Reliable-change thresholds in raw points; Jacobson–Truax from every baseline in the extract.
    spread = baselines.groupby("measure")["baseline_score"].agg(["std", "count"])
    instruments = instruments.merge(spread, left_on="measure", right_index=True, how="left")
    jacobson_truax = round_half_up(1.96 * np.sqrt(2) * instruments["std"]
                                   * np.sqrt(1 - instruments["reliability"]), 2)
    instruments["threshold"] = (
        (instruments["reliable_change"] / instruments["report_scale"])
        .fillna(jacobson_truax.where(instruments["count"] >= s.min_baselines_for_rci)))

    pairs = baselines.merge(latest, on=keys).merge(instruments, on="measure")
    pairs = pairs[(pairs["baseline_on"] <= as_of) & (pairs["latest_on"] > pairs["baseline_on"])]
    pairs["change"] = pairs["latest_score"] - pairs["baseline_score"]
    pairs["improvement"] = pairs["change"].where(pairs["higher_is_better"], -pairs["change"])
    # Compared on the reported scale (WHO-5: improvement × 4 against 10 points).
    scaled = pairs["improvement"] * pairs["report_scale"]
    reported = pairs["reliable_change"].fillna(pairs["threshold"] * pairs["report_scale"])
    pairs["category"] = pd.Series(
        np.select([scaled >= reported, scaled <= -reported],
                  ["improved", "deteriorated"], "no_reliable_change"),
        index=pairs.index).where(pairs["threshold"].notna())
    recovered = ((scaled >= reported) & (pairs["baseline_score"] >= pairs["caseness"])
                 & (pairs["latest_score"] < pairs["caseness"]))
    pairs["recovered"] = recovered.astype("boolean").where(pairs["caseness"].notna())
    columns = ["participant_id", "peer_id", "measure", "baseline_on", "baseline_score",
               "latest_on", "latest_score", "change", "improvement", "threshold", "category",
               "recovered"]
    return pairs.sort_values(["measure", "peer_id", "participant_id"])[columns] \
        .reset_index(drop=True)


METRICS = {
    "caseload": (caseload, ["peer_id"]),
    "boundary_flags": (boundary_flags, ["rule", "peer_id", "participant_id", "contact_id"]),
    "fidelity_scores": (fidelity_scores, ["peer_id", "rater_role", "rated_on"]),
    "outcome_change": (outcome_change, ["participant_id", "measure"]),
}


# --- checking ----------------------------------------------------------------------------------

def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Elementwise equality, nulls equal to nulls, numbers equal to 1e-9 (relative)."""
    missing = a.isna().to_numpy() & b.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b) \
            and not pd.api.types.is_bool_dtype(a) and not pd.api.types.is_bool_dtype(b):
        x = a.astype("float64").to_numpy()
        y = b.astype("float64").to_numpy()
        return missing | np.isclose(x, y, rtol=1e-9, atol=1e-9)
    if pd.api.types.is_datetime64_any_dtype(a) or pd.api.types.is_datetime64_any_dtype(b):
        x = pd.to_datetime(a).astype("datetime64[us]")
        y = pd.to_datetime(b).astype("datetime64[us]")
        return missing | (x == y).fillna(False).to_numpy()
    x = a.astype(object).where(a.notna(), None).to_numpy()
    y = b.astype(object).where(b.notna(), None).to_numpy()
    return missing | np.array([u == v and u is not None for u, v in zip(x, y, strict=True)],
                              dtype=bool)


def compare(sql: pd.DataFrame, pandas: pd.DataFrame, keys: list[str]) -> tuple[bool, str]:
    """(same, words): same columns, same rows (matched on keys) and values equal; else what
    differs, with one example."""
    if list(sql.columns) != list(pandas.columns):
        return False, (f"columns differ: SQL {list(sql.columns)}, "
                       f"pandas {list(pandas.columns)}")
    left = sql.astype({k: "str" for k in keys}).fillna({k: "<null>" for k in keys})
    right = pandas.astype({k: "str" for k in keys}).fillna({k: "<null>" for k in keys})
    if left.duplicated(keys).any() or right.duplicated(keys).any():
        return False, f"the keys {keys} are not unique"
    merged = left.merge(right, on=keys, how="outer", suffixes=("_sql", "_pandas"),
                        indicator=True)
    only_sql = merged[merged["_merge"] == "left_only"]
    only_pandas = merged[merged["_merge"] == "right_only"]
    problems = []
    if len(only_sql):
        problems.append(f"{len(only_sql)} rows only in SQL (e.g. "
                        f"{dict(only_sql[keys].iloc[0])})")
    if len(only_pandas):
        problems.append(f"{len(only_pandas)} rows only in pandas (e.g. "
                        f"{dict(only_pandas[keys].iloc[0])})")
    both = merged[merged["_merge"] == "both"]
    for column in (c for c in sql.columns if c not in keys):
        same = _same(both[f"{column}_sql"], both[f"{column}_pandas"])
        if not same.all():
            row = both[~same].iloc[0]
            problems.append(f"{(~same).sum()} values of {column} differ (e.g. "
                            f"{dict(row[keys])}: SQL {row[f'{column}_sql']!r}, "
                            f"pandas {row[f'{column}_pandas']!r})")
    if not problems and not sql[keys].astype(str).reset_index(drop=True).equals(
            pandas[keys].astype(str).reset_index(drop=True)):
        problems.append("same rows in another order")
    if problems:
        return False, "; ".join(problems)
    return True, f"{len(sql):,} rows equal"
