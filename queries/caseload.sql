-- caseload: each peer's caseload on as_of against capacity, this week's contacts, and who has not been seen.
-- A participant is active on a day when enrolled on or before it and not yet discharged
-- (discharged_on empty or later than the day). A caseload counts the participants assigned to
-- the peer in the extract (participant_scope). "This week" is the 7 days ending as_of; the
-- prior four weeks are the 28 days before it. Every attendee of a group session counts as a
-- contact, but the session counts once in the peer's hours. Peers without participants are
-- listed too. Not seen counts the active participants with no contact by any peer in the
-- not-seen window (the not_seen_days setting, 30 days by default).
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope, participant_scope
-- setting default_capacity: the capacity of a peer whose caseload_capacity is empty
-- setting not_seen_days: how many days without any contact make an active participant "not seen"
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor
-- column active_participants count: participants assigned to the peer and active on as_of
-- column caseload_capacity value: the peer's capacity (the program default when empty)
-- column utilization rate of active_participants/caseload_capacity: active participants ÷ capacity
-- column contacts_7d count: contacts by the peer in the 7 days ending as_of (one per participant)
-- column contact_hours_7d value: the peer's own hours in those 7 days (a group session once)
-- column contacts_avg_prior_4wk value: contacts by the peer per week in the 4 weeks before
-- column contact_hours_avg_prior_4wk value: the peer's hours per week in the 4 weeks before
-- column participants_seen_28d count: participants the peer had a contact with in the 28 days ending as_of
-- column not_seen count: active participants with no contact by any peer in the not_seen_days days ending as_of
-- column new_28d count: the peer's participants enrolled in the 28 days ending as_of
-- column discharged_28d count: the peer's participants discharged in the 28 days ending as_of
WITH assigned AS (
    SELECT participant_id, peer_id, enrolled_on, discharged_on,
           enrolled_on <= $as_of AND (discharged_on IS NULL OR discharged_on > $as_of) AS active
    FROM participant_scope
),
-- Contacts of the last five weeks by the peers in scope (a range on the stored, time-ordered
-- column, so DuckDB reads only those weeks).
recent AS (
    SELECT participant_id, peer_id, started_at, duration_min, group_session_id,
           started_at >= CAST($as_of - 6 AS TIMESTAMP) AS this_week
    FROM contacts
    WHERE started_at >= CAST($as_of - 34 AS TIMESTAMP)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
      AND peer_id IN (SELECT peer_id FROM peer_scope)
),
-- The peer's own time: each contact, except that a group session counts once however many
-- attended.
sittings AS (
    SELECT peer_id, this_week, duration_min AS minutes
    FROM recent
    WHERE group_session_id IS NULL
    UNION ALL
    SELECT peer_id, this_week, max(duration_min)
    FROM recent
    WHERE group_session_id IS NOT NULL
    GROUP BY peer_id, this_week, group_session_id
),
hours AS (
    SELECT peer_id,
           sum(minutes) FILTER (WHERE this_week) / 60 AS hours_7d,
           sum(minutes) FILTER (WHERE NOT this_week) / 60 / 4 AS hours_prior_weekly
    FROM sittings
    GROUP BY peer_id
),
contact_counts AS (
    SELECT peer_id,
           count(*) FILTER (WHERE this_week) AS contacts_7d,
           count(*) FILTER (WHERE NOT this_week) / 4 AS contacts_prior_weekly,
           count(DISTINCT participant_id) FILTER (
               WHERE started_at >= CAST($as_of - 27 AS TIMESTAMP)) AS seen_28d
    FROM recent
    GROUP BY peer_id
),
-- Anyone seen by any peer in the not-seen window.
seen AS (
    SELECT DISTINCT participant_id
    FROM contacts
    WHERE started_at >= CAST($as_of - ($not_seen_days - 1) AS TIMESTAMP)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
),
participant_counts AS (
    SELECT peer_id,
           count(*) FILTER (WHERE active) AS active_participants,
           count(*) FILTER (WHERE active AND participant_id NOT IN (SELECT participant_id FROM seen))
               AS not_seen,
           count(*) FILTER (WHERE enrolled_on BETWEEN $as_of - 27 AND $as_of) AS new_28d,
           count(*) FILTER (WHERE discharged_on BETWEEN $as_of - 27 AND $as_of) AS discharged_28d
    FROM assigned
    GROUP BY peer_id
)
SELECT
    s.peer_id,
    s.site,
    s.supervisor_id,
    coalesce(pc.active_participants, 0) AS active_participants,
    coalesce(s.caseload_capacity, $default_capacity) AS caseload_capacity,
    round(coalesce(pc.active_participants, 0) / coalesce(s.caseload_capacity, $default_capacity),
          3) AS utilization,
    coalesce(cc.contacts_7d, 0) AS contacts_7d,
    round(coalesce(h.hours_7d, 0), 2) AS contact_hours_7d,
    round(coalesce(cc.contacts_prior_weekly, 0), 2) AS contacts_avg_prior_4wk,
    round(coalesce(h.hours_prior_weekly, 0), 2) AS contact_hours_avg_prior_4wk,
    coalesce(cc.seen_28d, 0) AS participants_seen_28d,
    coalesce(pc.not_seen, 0) AS not_seen,
    coalesce(pc.new_28d, 0) AS new_28d,
    coalesce(pc.discharged_28d, 0) AS discharged_28d
FROM peer_scope s
LEFT JOIN participant_counts pc USING (peer_id)
LEFT JOIN contact_counts cc USING (peer_id)
LEFT JOIN hours h USING (peer_id)
ORDER BY s.site, s.peer_id
