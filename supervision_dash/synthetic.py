"""A seeded, deterministic synthetic extract that looks like a real program's (the README's contract).

Nothing here describes a real person: IDs are sequential pseudonyms and every value is drawn
from the distributions below. One knob, the number of contacts, scales the program from a few
peers to thousands; contacts are generated and written in chunks of peers, vectorised with
NumPy, so ten million contacts fit two cores and a few GiB.

The shape: sites with supervisors of about six peers each; each peer holds a caseload of
participants who enrol and leave over the 18 months; contacts follow weekly rhythms on a
preferred weekday, with group sessions, a few after-hours and extended contacts, boundary and
safety concerns at low rates (some escalated late); fidelity episodes every quarter rated by the
supervisor and by the peer; outcome trajectories that mostly improve, with noise; admissions,
appointments and goals; a demographic mix with several languages. Participant voice and workforce
development come last: a quarterly participant survey that a minority answers, mostly agreeing;
courses renewed before they expire, with some lapsed; new peers paired with a mentor, some after
a wait. They are drawn from a random stream of their own, so adding them left every other table
of a seeded extract as it was, byte for byte.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .contract import (
    ACTIVITIES, AGE_BANDS, CONTACT_MODES, FEEDBACK_ITEMS, TABLES,
)
from .settings import BOUNDARY_CONCERNS, INSTRUMENTS

PERIOD_START = np.datetime64("2025-05-01")
PERIOD_END = np.datetime64("2026-10-31")  # fixed, so the same seed gives the same bytes
CONTACTS_PER_PEER = 700  # about one contact a week per participant over 18 months
CONTACTS_PER_CHUNK = 1_000_000

SITE_NAMES = ("Northside", "Riverside", "Lakeview", "Hillcrest", "Eastgate", "Westbrook",
              "Southfield", "Midtown")
LANGUAGES = ("en", "es", "zh", "vi", "ar", "fr")
GENDERS = ("female", "male", "non-binary", "prefer not to say")
RACE_ETHNICITY = ("Black", "White", "Hispanic or Latino", "Asian", "American Indian",
                  "Pacific Islander", "Multiracial", "Unknown")
FIDELITY_ITEMS = {
    "trusting_relationships": ("shares_lived_experience", "builds_trust",
                               "listens_without_judgement"),
    "reciprocity_mutuality": ("mutual_learning", "equal_power", "shared_decisions"),
    "leadership_choice_control": ("participant_leads", "choice_offered", "self_direction"),
    "strengths_community": ("builds_on_strengths", "community_links", "hope_and_recovery"),
    "safety_boundaries": ("clear_boundaries", "safety_planning", "uses_supervision"),
}
# Mode: share of contacts, median minutes, spread (lognormal sigma).
MODES = {
    "in_person": (0.48, 50, 0.3), "phone": (0.27, 25, 0.35), "video": (0.09, 40, 0.3),
    "text": (0.06, 10, 0.4), "group": (0.08, 90, 0.0), "other": (0.02, 30, 0.3),
}
CONCERN_WEIGHTS = {
    "self_disclosure": 30, "dual_relationship": 8, "gift": 12, "money": 4, "physical_contact": 6,
    "social_media": 8, "personal_contact_info": 10, "transportation": 15,
    "romantic_or_sexual": 1, "substance_use": 2, "other": 4,
}
# Outcome measure: share of participants assessed, baseline mean, sd, change per year (mean, sd).
TRAJECTORIES = {
    "PHQ9": (1.0, 14, 5, -5.0, 5.0), "GAD7": (1.0, 11, 4, -3.5, 4.0),
    "WHO5": (1.0, 9, 4, 3.0, 4.0), "RAS_R": (0.6, 75, 14, 9.0, 10.0),
    "QPR15": (0.4, 32, 10, 6.0, 7.0), "SWEMWBS": (0.2, 19, 4, 2.0, 3.0),
}
# Survey item: mean score (1-5) before a participant's and their peer's leanings.
ITEM_MEANS = {"useful": 4.3, "respected": 4.5, "hopeful": 3.9, "belonging": 3.6, "safe": 4.4,
              "culturally_respected": 4.2, "in_control": 3.8, "would_recommend": 4.3}
assert tuple(ITEM_MEANS) == FEEDBACK_ITEMS
SURVEY_RESPONSE = 0.3  # the share of active participants who answer a quarterly survey
# Course: (share of peers who take it, days a completion is valid: None = it never expires).
COURSES = {
    "Peer specialist core training": (0.97, None),
    "Ethics and confidentiality": (0.95, 365),
    "Safety planning": (0.9, 730),
    "De-escalation": (0.85, 365),
    "Trauma-informed care": (0.9, 730),
    "Suicide prevention": (0.7, 730),
    "CPR and first aid": (0.6, 730),
}
DAY = np.timedelta64(1, "D")
# The Monday on or before PERIOD_START (day 0, 1970-01-01, was a Thursday).
FIRST_MONDAY = PERIOD_START - int((PERIOD_START.astype(int) - 4) % 7) * DAY


def generate(out: str | Path, contacts: int = 20_000, seed: int = 7, fmt: str = "csv",
             progress=None) -> dict[str, int]:
    """Write a synthetic extract of about ``contacts`` contacts; return rows per table."""
    if fmt not in ("csv", "parquet"):
        raise ValueError("format must be csv or parquet")
    if contacts < 100:
        raise ValueError("ask for at least 100 contacts")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    program = _program(rng, contacts)
    rows = {}
    writers = {name: _Writer(out / f"{name}.{fmt}", fmt) for name in TABLES}
    try:
        writers["peers"].write(program["peers"])
        writers["participants"].write(program["participants"])
        streams = np.random.SeedSequence(seed)
        chunk_seeds = streams.spawn(len(program["chunks"]))
        # Voice and workforce tables draw from a stream spawned after the chunks' own, so that
        # none of the tables before them changed when they were added.
        voice_rng = np.random.default_rng(streams.spawn(1)[0])
        writers["training"].write(_training(voice_rng, program))
        writers["mentoring"].write(_mentoring(voice_rng, program))
        written = 0
        for chunk, chunk_seed in zip(program["chunks"], chunk_seeds, strict=True):
            chunk_rng = np.random.default_rng(chunk_seed)
            for name, table in _chunk_tables(chunk_rng, program, chunk, written).items():
                writers[name].write(table)
            writers["feedback"].write(_feedback(voice_rng, program, chunk))
            written += int(program["contact_counts"][chunk].sum())
            if progress:
                progress(f"contacts {written:,} of {contacts:,}")
        for name, writer in writers.items():
            rows[name] = writer.close()
    finally:
        for writer in writers.values():
            writer.close()
    return rows


class _Writer:
    """Appends Arrow tables to one CSV or Parquet file, creating it on the first table."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt, self.rows, self._writer, self._closed = path, fmt, 0, None, False

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            if self.fmt == "csv":
                self._writer = pacsv.CSVWriter(str(self.path), table.schema)
            else:
                self._writer = pq.ParquetWriter(str(self.path), table.schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> int:
        if not self._closed and self._writer is not None:
            self._writer.close()
        self._closed = True
        return self.rows


def _ids(prefix: str, numbers, width: int) -> pa.Array:
    numbers = np.asarray(numbers)
    return pa.array(np.char.add(prefix, np.char.zfill(numbers.astype(str), width)))


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), pa.date32())


def _timestamps(minutes: np.ndarray) -> pa.Array:
    stamps = pa.array(minutes.astype("datetime64[m]").astype("datetime64[s]"), pa.timestamp("s"))
    return pc.strftime(stamps, format="%Y-%m-%d %H:%M")


def _masked(values, mask) -> pa.Array:
    return pa.array(values, mask=np.asarray(mask))


def _program(rng: np.random.Generator, contacts: int) -> dict:
    """Sites, supervisors, peers, participants and each participant's share of contacts."""
    n_peers = max(6, round(contacts / CONTACTS_PER_PEER))
    n_sites = max(2, min(60, round(math.sqrt(n_peers) / 2)))
    peer_site = np.sort(rng.integers(0, n_sites, n_peers))
    peer_site[:n_sites] = np.arange(n_sites)  # every site has a peer
    peer_site.sort()
    # Supervisors: about six peers each, within a site.
    supervisor = np.zeros(n_peers, dtype=int)
    next_supervisor = 0
    for site in range(n_sites):
        members = np.flatnonzero(peer_site == site)
        groups = max(1, round(len(members) / 6))
        supervisor[members] = next_supervisor + np.arange(len(members)) % groups
        next_supervisor += groups
    capacity = rng.choice([10, 12, 12, 12, 15], n_peers)
    capacity_shown = rng.random(n_peers) > 0.15  # some left empty: the program default applies
    second_language = rng.choice(["", "es", "es", "zh", "vi", "ar"], n_peers,
                                 p=[0.55, 0.2, 0.1, 0.05, 0.05, 0.05])
    languages = np.where(second_language == "", "en", np.char.add("en;", second_language))
    hired = PERIOD_START - rng.integers(30, 1500, n_peers) * DAY
    certified = hired + rng.integers(20, 200, n_peers) * DAY
    site_names = [SITE_NAMES[i] if i < len(SITE_NAMES) else f"Site {i + 1:02d}"
                  for i in range(n_sites)]
    peers = pa.table({
        "peer_id": _ids("PR", np.arange(1, n_peers + 1), 5),
        "site": pa.array(np.array(site_names)[peer_site]),
        "supervisor_id": _ids("SV", supervisor + 1, 3),
        "hired_on": _dates(hired),
        "caseload_capacity": _masked(capacity.astype(np.int32), ~capacity_shown),
        "languages": pa.array(languages),
        "certified_on": _masked(certified.astype("datetime64[D]"), rng.random(n_peers) < 0.1)
        .cast(pa.date32()),
    })

    # Caseload slots: each slot holds a chain of participants who follow one another.
    slots_per_peer = np.maximum(4, np.round(capacity * rng.uniform(0.7, 1.1, n_peers))).astype(int)
    slot_peer = np.repeat(np.arange(n_peers), slots_per_peer)
    chains_peer, chains_enrolled, chains_discharged = [], [], []
    enrolled = PERIOD_START - rng.integers(0, 300, len(slot_peer)) * DAY
    while len(slot_peer):
        stay = (30 + rng.exponential(240, len(slot_peer))).astype(int) * DAY
        discharged = enrolled + stay
        chains_peer.append(slot_peer)
        chains_enrolled.append(enrolled)
        chains_discharged.append(discharged)
        following = discharged + rng.integers(3, 35, len(slot_peer)) * DAY
        keep = following <= PERIOD_END
        slot_peer, enrolled = slot_peer[keep], following[keep]
    participant_peer = np.concatenate(chains_peer)
    order = np.argsort(participant_peer, kind="stable")
    participant_peer = participant_peer[order]
    enrolled_on = np.concatenate(chains_enrolled)[order]
    discharged_on = np.concatenate(chains_discharged)[order]
    still_enrolled = discharged_on > PERIOD_END
    n_participants = len(participant_peer)

    language = np.where(rng.random(n_participants) < 0.9, "en",
                        rng.choice(LANGUAGES[1:], n_participants))
    peer_second = second_language[participant_peer]
    matched = (peer_second != "") & (rng.random(n_participants) < 0.45)
    language = np.where(matched, peer_second, language)
    site_given = rng.random(n_participants) < 0.3
    participants = pa.table({
        "participant_id": _ids("P", np.arange(1, n_participants + 1), 7),
        "peer_id": peers["peer_id"].take(pa.array(participant_peer)),
        "site": _masked(np.array(site_names)[peer_site[participant_peer]], ~site_given),
        "enrolled_on": _dates(enrolled_on),
        "discharged_on": _masked(discharged_on.astype("datetime64[D]"), still_enrolled)
        .cast(pa.date32()),
        "age_band": pa.array(rng.choice(AGE_BANDS, n_participants,
                                        p=[0.03, 0.14, 0.24, 0.2, 0.17, 0.13, 0.06, 0.03])),
        "gender": pa.array(rng.choice(GENDERS, n_participants, p=[0.5, 0.44, 0.04, 0.02])),
        "race_ethnicity": pa.array(rng.choice(RACE_ETHNICITY, n_participants,
                                              p=[0.22, 0.42, 0.18, 0.06, 0.02, 0.01, 0.05, 0.04])),
        "preferred_language": pa.array(language),
    })

    # Each participant's share of contacts: days active in the period × engagement intensity.
    first_day = np.maximum(enrolled_on, PERIOD_START)
    last_day = np.minimum(np.where(still_enrolled, PERIOD_END, discharged_on - DAY), PERIOD_END)
    active_days = np.maximum((last_day - first_day) / DAY + 1, 0)
    intensity = rng.gamma(8.0, 0.125, n_participants)  # engagement varies, mostly within 2x
    weights = active_days * intensity
    contact_counts = rng.multinomial(contacts, weights / weights.sum())
    # Chunks of whole peers, so group sessions (one peer's) never straddle two chunks.
    peer_contacts = np.bincount(participant_peer, weights=contact_counts, minlength=n_peers)
    peer_chunk = (np.cumsum(peer_contacts) - 1) // CONTACTS_PER_CHUNK
    participant_chunk = peer_chunk[participant_peer]
    chunks = [np.flatnonzero(participant_chunk == index)
              for index in range(int(participant_chunk.max()) + 1)]
    return {
        "peers": peers, "participants": participants, "chunks": chunks,
        "peer_site": peer_site, "supervisor": supervisor, "participant_peer": participant_peer,
        "enrolled_on": enrolled_on, "discharged_on": discharged_on,
        "still_enrolled": still_enrolled, "first_day": first_day, "last_day": last_day,
        "contact_counts": contact_counts, "n_peers": n_peers, "hired": hired,
    }


def _chunk_tables(rng, program: dict, chunk: np.ndarray, contact_offset: int) -> dict:
    tables = {"contacts": _contacts(rng, program, chunk, contact_offset)}
    tables["outcomes"] = _outcomes(rng, program, chunk)
    tables["admissions"] = _admissions(rng, program, chunk)
    tables["appointments"] = _appointments(rng, program, chunk)
    tables["goals"] = _goals(rng, program, chunk)
    peers_in_chunk = np.unique(program["participant_peer"][chunk])
    tables["fidelity"] = _fidelity(rng, program, peers_in_chunk)
    tables["supervision"] = _supervision(rng, program, peers_in_chunk)
    return tables


def _contacts(rng, program: dict, chunk: np.ndarray, contact_offset: int) -> pa.Table:
    counts = program["contact_counts"][chunk]
    who = np.repeat(chunk, counts)
    n = len(who)
    first, last = program["first_day"][who], program["last_day"][who]
    span = ((last - first) / DAY).astype(int) + 1
    day = first + (rng.random(n) * span).astype(int) * DAY
    # Weekly rhythm: most contacts fall on the participant's usual weekday of that week.
    usual_weekday = (np.arange(len(program["contact_counts"])) * 7919 % 5)[who]
    weekday = (day.astype("datetime64[D]").astype(int) - 4) % 7  # 0 = Monday
    rhythmic = rng.random(n) < 0.7
    moved = day + (usual_weekday - weekday) * DAY
    day = np.where(rhythmic & (moved >= first) & (moved <= last), moved, day)
    weekday = (day.astype("datetime64[D]").astype(int) - 4) % 7
    weekend = weekday >= 5
    day = np.where(weekend & (rng.random(n) < 0.85), np.maximum(day - (weekday - 4) * DAY, first),
                   day)
    hour = rng.choice(np.arange(9, 17), n)
    minute = rng.choice([0, 15, 30, 45], n)
    late = rng.random(n) < 0.02
    hour = np.where(late, rng.choice([7, 20, 21], n), hour)

    mode_names = np.array(list(MODES))
    mode_index = rng.choice(len(MODES), n, p=[share for share, _, _ in MODES.values()])
    medians = np.array([median for _, median, _ in MODES.values()])[mode_index]
    sigmas = np.array([sigma for _, _, sigma in MODES.values()])[mode_index]
    duration = np.round(medians * np.exp(rng.normal(0, 1, n) * sigmas))
    extended = rng.random(n) < 0.004
    duration = np.where(extended, rng.integers(120, 300, n), duration)
    duration = np.clip(duration, 1, 1440).astype(np.int32)

    peer = program["participant_peer"][who]
    covering = rng.random(n) < 0.03  # another peer of the same site covers this contact
    site = program["peer_site"][peer]
    site_first = np.searchsorted(program["peer_site"], site, side="left")
    site_size = np.searchsorted(program["peer_site"], site, side="right") - site_first
    peer = np.where(covering, site_first + (rng.random(n) * site_size).astype(int), peer)

    # Group sessions: one a fortnight per peer, Wednesdays 14:00, 90 minutes, a row per attendee.
    group = mode_names[mode_index] == "group"
    fortnight = ((day - FIRST_MONDAY) / DAY).astype(int) // 14
    session_day = FIRST_MONDAY + (fortnight * 14 + 2) * DAY
    fits = (session_day >= first) & (session_day <= last)
    key = who.astype(np.int64) * 1000 + fortnight
    first_in_fortnight = np.zeros(n, dtype=bool)
    _, first_index = np.unique(np.where(group & fits, key, -1 - np.arange(n)), return_index=True)
    first_in_fortnight[first_index] = True
    group = group & fits & first_in_fortnight
    mode_index = np.where(mode_names[mode_index] == "group", np.where(group, mode_index, 0),
                          mode_index)
    day = np.where(group, session_day, day)
    hour = np.where(group, 14, hour)
    minute = np.where(group, 0, minute)
    duration = np.where(group, 90, duration).astype(np.int32)
    peer = np.where(group, program["participant_peer"][who], peer)

    # A few contacts after discharge (a supervision conversation, not a verdict).
    discharged = ~program["still_enrolled"][who]
    after = discharged & (rng.random(n) < 0.002)
    day = np.where(after, program["discharged_on"][who] + rng.integers(1, 15, n) * DAY, day)
    day = np.minimum(day, PERIOD_END)

    started = (day.astype("datetime64[D]").astype("datetime64[m]")
               + (hour * 60 + minute).astype("timedelta64[m]"))
    concern = rng.random(n) < 0.004
    concern_names = np.array(list(CONCERN_WEIGHTS))
    weights = np.array(list(CONCERN_WEIGHTS.values()), dtype=float)
    concern_value = concern_names[rng.choice(len(concern_names), n, p=weights / weights.sum())]
    safety = rng.random(n) < 0.006
    delay = rng.random(n)
    escalation_minutes = np.where(delay < 0.85, rng.integers(10, 360, n),
                                  rng.integers(25 * 60, 72 * 60, n))
    escalated = started + escalation_minutes.astype("timedelta64[m]")
    no_escalation = ~safety | (delay > 0.93)

    mode_text = mode_names[mode_index]
    setting = np.where(np.isin(mode_text, ["phone", "video", "text"]), "virtual",
                       rng.choice(["clinic", "community", "home", "hospital"], n,
                                  p=[0.4, 0.35, 0.2, 0.05]))
    activity = rng.choice(ACTIVITIES, n)
    group_id = np.char.add(np.char.add("GS", np.char.zfill(peer.astype(str), 5)),
                           np.char.add("-", np.char.zfill(fortnight.astype(str), 3)))
    assert set(CONTACT_MODES) >= set(mode_names) and set(BOUNDARY_CONCERNS) >= set(concern_names)
    return pa.table({
        "contact_id": _ids("C", contact_offset + np.arange(1, n + 1), 9),
        "participant_id": program["participants"]["participant_id"].take(pa.array(who)),
        "peer_id": program["peers"]["peer_id"].take(pa.array(peer)),
        "started_at": _timestamps(started),
        "duration_min": pa.array(duration),
        "mode": pa.array(mode_text),
        "setting": _masked(setting, rng.random(n) < 0.05),
        "activity": _masked(activity, rng.random(n) < 0.1),
        "group_session_id": _masked(group_id, ~group),
        "boundary_concern": _masked(concern_value, ~concern),
        "safety_concern": pa.array(safety),
        "escalated_at": pc.if_else(pa.array(no_escalation), pa.scalar(None, pa.string()),
                                   _timestamps(escalated)),
    })


def _repeat(indices: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each index repeated its count of times, and the rank of each repeat (0, 1, ...)."""
    repeated = np.repeat(indices, counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return repeated, np.arange(len(repeated)) - starts


def _outcomes(rng, program, chunk) -> pa.Table:
    enrolled, last = program["enrolled_on"][chunk], program["last_day"][chunk]
    assessable = ((last - enrolled) / DAY).astype(int)
    waves = np.maximum(assessable // 90 + 1, 1)
    response = rng.normal(0, 1, len(chunk))  # a participant's tendency to improve, shared
    frames = []
    for measure, (share, base_mean, base_sd, slope_mean, slope_sd) in TRAJECTORIES.items():
        instrument = INSTRUMENTS[measure]
        assessed = rng.random(len(chunk)) < share
        who_local, wave = _repeat(np.flatnonzero(assessed), waves[assessed])
        if not len(who_local):
            continue
        when = (enrolled[who_local] + (wave * 90 + rng.integers(-14, 15, len(wave))) * DAY)
        keep = ((when <= np.minimum(last[who_local], PERIOD_END))
                & (when >= PERIOD_START - 400 * DAY))
        baseline = rng.normal(base_mean, base_sd, len(chunk))
        slope = slope_mean + slope_sd * (0.7 * response + 0.7 * rng.normal(0, 1, len(chunk)))
        years = wave * 90 / 365
        score = (baseline[who_local] + slope[who_local] * years
                 + rng.normal(0, base_sd * 0.25, len(wave)))
        score = np.clip(np.round(score), instrument.minimum, instrument.maximum)
        frames.append(pa.table({
            "participant_id": program["participants"]["participant_id"].take(
                pa.array(chunk[who_local][keep])),
            "measure": pa.array(np.full(int(keep.sum()), measure)),
            "assessed_on": _dates(when[keep]),
            "score": pa.array(score[keep].astype(float)),
        }))
    return pa.concat_tables(frames)


def _admissions(rng, program, chunk) -> pa.Table:
    enrolled = program["enrolled_on"][chunk]
    before = rng.random(len(chunk)) < 0.25
    after = rng.random(len(chunk)) < 0.12
    who = np.concatenate([chunk[before], chunk[after]])
    admitted = np.concatenate([
        enrolled[before] - rng.integers(10, 180, int(before.sum())) * DAY,
        enrolled[after] + rng.integers(5, 175, int(after.sum())) * DAY,
    ])
    length = np.maximum(1, np.round(rng.lognormal(np.log(7), 0.6, len(who)))).astype(int)
    discharged = admitted + length * DAY
    keep = admitted <= PERIOD_END
    return pa.table({
        "participant_id": program["participants"]["participant_id"].take(pa.array(who[keep])),
        "admitted_on": _dates(admitted[keep]),
        "discharged_on": _masked(discharged[keep].astype("datetime64[D]"),
                                 discharged[keep] > PERIOD_END).cast(pa.date32()),
    })


def _appointments(rng, program, chunk) -> pa.Table:
    first, last = program["first_day"][chunk], program["last_day"][chunk]
    months = np.maximum(((last - first) / DAY).astype(int) // 30, 0)
    who_local, _ = _repeat(np.arange(len(chunk)), months)
    span = ((last - first) / DAY).astype(int)[who_local] + 1
    scheduled = first[who_local] + (rng.random(len(who_local)) * span).astype(int) * DAY
    keep_rate = rng.beta(6, 2, len(chunk))[who_local]
    return pa.table({
        "participant_id": program["participants"]["participant_id"].take(
            pa.array(chunk[who_local])),
        "scheduled_on": _dates(scheduled),
        "kind": pa.array(rng.choice(["psychiatry", "primary_care", "therapy", "housing",
                                     "benefits"], len(who_local))),
        "attended": pa.array(rng.random(len(who_local)) < keep_rate),
    })


def _goals(rng, program, chunk) -> pa.Table:
    enrolled, last = program["enrolled_on"][chunk], program["last_day"][chunk]
    per = rng.integers(1, 5, len(chunk))
    who_local, rank = _repeat(np.arange(len(chunk)), per)
    set_on = enrolled[who_local] + rng.integers(0, 60, len(who_local)) * DAY
    achieved = set_on + np.round(rng.exponential(90, len(who_local))).astype(int) * DAY
    done = (rng.random(len(who_local)) < 0.6) & (achieved <= last[who_local])
    keep = set_on <= last[who_local]
    return pa.table({
        "participant_id": program["participants"]["participant_id"].take(
            pa.array(chunk[who_local][keep])),
        "goal_id": pa.array(np.char.add("G", (rank[keep] + 1).astype(str))),
        "domain": pa.array(rng.choice(["housing", "employment", "education", "health",
                                       "social", "recovery"], int(keep.sum()))),
        "set_on": _dates(set_on[keep]),
        "achieved_on": _masked(achieved[keep].astype("datetime64[D]"), ~done[keep])
        .cast(pa.date32()),
    })


def _fidelity(rng, program, peers: np.ndarray) -> pa.Table:
    quality = rng.normal(3.7, 0.45, len(peers))
    first = PERIOD_START - rng.integers(0, 90, len(peers)) * DAY
    episodes = ((PERIOD_END - first) / DAY).astype(int) // 91 + 1
    peer_local, episode = _repeat(np.arange(len(peers)), episodes)
    rated = first[peer_local] + (episode * 91 + rng.integers(-10, 11, len(episode))) * DAY
    rated = np.minimum(rated, PERIOD_END)
    items = [(domain, item) for domain, names in FIDELITY_ITEMS.items() for item in names]
    frames = []
    for role, lift, delay in (("supervisor", 0.0, 0), ("self", 0.45, 3)):
        episode_index = np.repeat(np.arange(len(episode)), len(items))
        level = (quality[peer_local] + 0.08 * episode + lift)[episode_index]
        score = np.clip(np.round(level + rng.normal(0, 0.6, len(episode_index))), 1, 5)
        peer_index = peers[peer_local][episode_index]
        rater = (program["peers"]["supervisor_id"] if role == "supervisor"
                 else program["peers"]["peer_id"]).take(pa.array(peer_index))
        frames.append(pa.table({
            "peer_id": program["peers"]["peer_id"].take(pa.array(peer_index)),
            "rated_on": _dates(np.minimum(rated[episode_index] + delay * DAY, PERIOD_END)),
            "rater_role": pa.array(np.full(len(episode_index), role)),
            "rater_id": rater,
            "domain": pa.array(np.tile([domain for domain, _ in items], len(episode))),
            "item": pa.array(np.tile([item for _, item in items], len(episode))),
            "score": pa.array(score.astype(np.int32)),
        }))
    return pa.concat_tables(frames)


def _supervision(rng, program, peers: np.ndarray) -> pa.Table:
    sessions = int((PERIOD_END - PERIOD_START) / DAY) // 7 + 2
    gaps = rng.choice([7, 7, 7, 7, 7, 14, 14, 21, 28], (len(peers), sessions))
    held = PERIOD_START - rng.integers(0, 7, (len(peers), 1)) * DAY + np.cumsum(gaps, axis=1) * DAY
    peer_index = np.repeat(peers, sessions)
    held = held.ravel()
    keep = held <= PERIOD_END
    individual = rng.random(len(held)) < 0.75
    return pa.table({
        "peer_id": program["peers"]["peer_id"].take(pa.array(peer_index[keep])),
        "supervisor_id": program["peers"]["supervisor_id"].take(pa.array(peer_index[keep])),
        "held_on": _dates(held[keep]),
        "duration_min": pa.array(np.where(individual, 60, 90)[keep].astype(np.int32)),
        "format": pa.array(np.where(individual, "individual", "group")[keep]),
    })


def _training(rng, program) -> pa.Table:
    """Each peer's course completions since hire: a first completion some weeks after hire,
    then renewals around each expiry, mostly a little before it; now and then a course lapses
    for a few months first, so some have expired at the end of the period and some expire
    soon after it."""
    hired = program["hired"]
    peers, courses, completed, expires = [], [], [], []
    for course, (share, valid_days) in COURSES.items():
        takes = np.flatnonzero(rng.random(len(hired)) < share)
        when = hired[takes] + rng.integers(10, 120, len(takes)) * DAY
        while len(takes):
            keep = when <= PERIOD_END
            takes, when = takes[keep], when[keep]
            peers.append(takes)
            courses.append(np.full(len(takes), course))
            completed.append(when)
            if valid_days is None:
                expires.append(np.full(len(takes), np.datetime64("NaT"), "datetime64[D]"))
                break
            expiry = when + valid_days * DAY
            expires.append(expiry)
            lapse = rng.random(len(takes)) < 0.15
            delay = np.where(lapse, rng.integers(1, 150, len(takes)),
                             -rng.integers(0, 45, len(takes)))
            when = expiry + delay * DAY
    order = np.lexsort((np.concatenate(completed), np.concatenate(peers)))
    expiry = np.concatenate(expires)[order]
    return pa.table({
        "peer_id": program["peers"]["peer_id"].take(pa.array(np.concatenate(peers)[order])),
        "course": pa.array(np.concatenate(courses)[order]),
        "completed_on": _dates(np.concatenate(completed)[order]),
        "expires_on": _masked(expiry.astype("datetime64[D]"), np.isnat(expiry)).cast(pa.date32()),
    })


def _mentoring(rng, program) -> pa.Table:
    """Most peers are paired with an experienced peer of their site when they start, some
    after a wait of one to four months, for four months to a year; a few experienced peers
    take a refresher pairing in the last year. Pairings still running at the end of the
    period have no end date."""
    hired, site = program["hired"], program["peer_site"]
    new_pair = rng.random(len(hired)) < 0.85
    waited = rng.random(len(hired)) < 0.2
    start = hired + np.where(waited, rng.integers(30, 120, len(hired)),
                             rng.integers(0, 21, len(hired))) * DAY
    refresher = ~new_pair & (rng.random(len(hired)) < 0.5)
    start = np.where(refresher, PERIOD_END - rng.integers(10, 365, len(hired)) * DAY, start)
    paired = (new_pair | refresher) & (start <= PERIOD_END)
    mentees, mentors, starts = [], [], []
    for mentee in np.flatnonzero(paired):
        colleagues = np.flatnonzero((site == site[mentee]) & (np.arange(len(site)) != mentee))
        experienced = colleagues[hired[colleagues] <= start[mentee] - 365 * DAY]
        pool = experienced if len(experienced) else colleagues[hired[colleagues] < hired[mentee]]
        if not len(pool):  # nobody at the site to pair with yet: the new peer waits
            continue
        mentees.append(mentee)
        mentors.append(pool[rng.integers(0, len(pool))])
        starts.append(start[mentee])
    mentees, mentors = np.array(mentees, dtype=int), np.array(mentors, dtype=int)
    started = np.array(starts, dtype="datetime64[D]")
    ended = started + rng.integers(120, 365, len(started)) * DAY
    peer_ids = program["peers"]["peer_id"]
    return pa.table({
        "mentor_peer_id": peer_ids.take(pa.array(mentors)),
        "mentee_peer_id": peer_ids.take(pa.array(mentees)),
        "started_on": _dates(started),
        "ended_on": _masked(ended, ended > PERIOD_END).cast(pa.date32()),
    })


def _feedback(rng, program, chunk) -> pa.Table:
    """The quarterly participant survey (in February, May, August and November): a minority of
    the participants active on their survey day answer it, about their assigned peer or, on one
    form in ten, naming no peer; mostly agreeing, each participant and each peer leaning their
    own way; now and then an item is skipped."""
    quarters = np.arange(np.datetime64(PERIOD_START, "M"), np.datetime64(PERIOD_END, "M") + 1, 3)
    peer_lean = rng.normal(0, 0.3, program["n_peers"])
    frames = []
    for quarter in quarters:
        day = quarter.astype("datetime64[D]") + rng.integers(0, 28, len(chunk)) * DAY
        active = ((program["enrolled_on"][chunk] <= day)
                  & (program["still_enrolled"][chunk] | (program["discharged_on"][chunk] > day))
                  & (day <= PERIOD_END))
        answers = np.flatnonzero(active & (rng.random(len(chunk)) < SURVEY_RESPONSE))
        who, item = _repeat(answers, np.full(len(answers), len(FEEDBACK_ITEMS)))
        lean = rng.normal(0, 0.5, len(answers))
        peer = program["participant_peer"][chunk[who]]
        level = (np.array(list(ITEM_MEANS.values()))[item] + np.repeat(lean, len(ITEM_MEANS))
                 + peer_lean[peer] + rng.normal(0, 0.7, len(who)))
        named = np.repeat(rng.random(len(answers)) < 0.9, len(ITEM_MEANS))
        kept = rng.random(len(who)) >= 0.04
        frames.append(pa.table({
            "participant_id": program["participants"]["participant_id"].take(
                pa.array(chunk[who][kept])),
            "peer_id": _masked(np.asarray(program["peers"]["peer_id"].take(
                pa.array(peer[kept]))), ~named[kept]),
            "surveyed_on": _dates(day[who][kept]),
            "item": pa.array(np.array(FEEDBACK_ITEMS)[item[kept]]),
            "score": pa.array(np.clip(np.round(level[kept]), 1, 5).astype(np.int32)),
        }))
    return pa.concat_tables(frames)
