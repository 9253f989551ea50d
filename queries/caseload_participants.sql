-- caseload_participants: the participants behind each peer's caseload, who was seen when, and this week's flags about them.
-- One row per participant assigned to a peer in scope and active on as_of (enrolled on or before
-- it, not discharged on or before it), so a peer's rows add up to the caseload view's
-- active_participants and its not-seen rows to not_seen_30d. Contacts by any peer count, not
-- only the assigned peer's: the last contact is the latest one on or before as_of, however long
-- ago; contacts after as_of are ignored. Not seen means no contact in the not_seen_days days
-- ending as_of (30 by default), which includes someone never contacted at all. The flags are
-- those of boundary_flags about the participant (peer rules such as over_capacity are about no
-- participant), in boundary_flags' default window, the 7 days ending as_of; start and end move
-- that window (and only that). Choices where DESIGN.md is silent: the scope goes by the
-- assigned peer's site and supervisor, as the caseload view does, while the site column shows
-- the participant's own site (the peer's when empty); flags count only those raised on contacts
-- by peers in scope, as boundary_flags lists them. Rows come not seen first, then seen; in each
-- part the longest since a contact first (never contacted at the very top), ties by participant.
-- uses: boundary_flags
-- setting not_seen_days: how many days without any contact make an active participant "not seen"
-- column participant_id id: the participant
-- column peer_id key: the assigned peer
-- column site key: the participant's site (the peer's site when empty)
-- column enrolled_on value: the day the participant enrolled
-- column last_contact_on value: the day of the latest contact by any peer on or before as_of (empty: never contacted)
-- column days_since_contact value: days from last_contact_on to as_of (empty: never contacted)
-- column contacts_28d count: contacts with the participant by any peer in the 28 days ending as_of
-- column not_seen value: true when no peer had a contact with the participant in the not_seen_days days ending as_of
-- column open_flags count: flags about the participant in boundary_flags' window (this week by default)
-- column urgent_flags count: those of them that are urgent
WITH caseload_rows AS (
    SELECT pa.participant_id, pa.peer_id, coalesce(pa.site, pe.site) AS site, pa.enrolled_on
    FROM participants pa
    JOIN peers pe USING (peer_id)
    WHERE ($site IS NULL OR pe.site = $site)
      AND ($supervisor_id IS NULL OR pe.supervisor_id = $supervisor_id)
      AND ($peer_id IS NULL OR pa.peer_id = $peer_id)
      AND pa.enrolled_on <= $as_of
      AND (pa.discharged_on IS NULL OR pa.discharged_on > $as_of)
),
-- Recent contacts (the 28 days or the not-seen window, whichever is longer): a range on the
-- stored, time-ordered column, so DuckDB reads only those weeks.
recent AS (
    SELECT participant_id,
           max(started_at) AS last_at,
           count(*) FILTER (WHERE started_at >= CAST($as_of - 27 AS TIMESTAMP)) AS contacts_28d
    FROM contacts
    WHERE started_at >= CAST($as_of - greatest(27, $not_seen_days - 1) AS TIMESTAMP)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
      AND participant_id IN (SELECT participant_id FROM caseload_rows)
    GROUP BY participant_id
),
-- Only for those not contacted recently, the 13 weeks before, then the rest of the history: each
-- step reads only its own weeks, and a step with nobody left to look for ends its scan at once
-- (a join with an empty list). Someone never contacted still costs one look at every contact.
unseen_recently AS (
    SELECT participant_id FROM caseload_rows
    WHERE participant_id NOT IN (SELECT participant_id FROM recent)
),
quarter_before AS (
    SELECT c.participant_id, max(c.started_at) AS last_at
    FROM contacts c
    JOIN unseen_recently u USING (participant_id)
    WHERE c.started_at >= CAST($as_of - greatest(27, $not_seen_days - 1) - 91 AS TIMESTAMP)
      AND c.started_at < CAST($as_of - greatest(27, $not_seen_days - 1) AS TIMESTAMP)
    GROUP BY c.participant_id
),
unseen_for_a_quarter AS (
    SELECT participant_id FROM unseen_recently
    WHERE participant_id NOT IN (SELECT participant_id FROM quarter_before)
),
earlier AS (
    SELECT c.participant_id, max(c.started_at) AS last_at
    FROM contacts c
    JOIN unseen_for_a_quarter u USING (participant_id)
    WHERE c.started_at < CAST($as_of - greatest(27, $not_seen_days - 1) - 91 AS TIMESTAMP)
    GROUP BY c.participant_id
),
flag_counts AS (
    SELECT participant_id, count(*) AS open_flags,
           count(*) FILTER (WHERE severity = 'urgent') AS urgent_flags
    FROM boundary_flags
    WHERE participant_id IS NOT NULL
    GROUP BY participant_id
),
listed AS (
    SELECT p.participant_id, p.peer_id, p.site, p.enrolled_on,
           CAST(coalesce(r.last_at, y.last_at, e.last_at) AS DATE) AS last_contact_on,
           coalesce(r.contacts_28d, 0) AS contacts_28d,
           coalesce(f.open_flags, 0) AS open_flags,
           coalesce(f.urgent_flags, 0) AS urgent_flags
    FROM caseload_rows p
    LEFT JOIN recent r USING (participant_id)
    LEFT JOIN quarter_before y USING (participant_id)
    LEFT JOIN earlier e USING (participant_id)
    LEFT JOIN flag_counts f USING (participant_id)
)
SELECT
    participant_id,
    peer_id,
    site,
    enrolled_on,
    last_contact_on,
    $as_of - last_contact_on AS days_since_contact,
    contacts_28d,
    coalesce(last_contact_on <= $as_of - $not_seen_days, true) AS not_seen,
    open_flags,
    urgent_flags
FROM listed
ORDER BY not_seen DESC, days_since_contact DESC NULLS FIRST, participant_id
