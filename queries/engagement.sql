-- engagement: month by month, how many of each peer's participants were active, how many had a contact, and how many contacts and group sessions they had.
-- A month's period runs from its first day to its last day, or to as_of in as_of's own month,
-- which is therefore partial. A participant is active in the month when enrolled on or before
-- the period's end and not discharged by its start (discharged_on empty or after the first day:
-- someone discharged on the 1st is not counted that month). Engaged: active with at least one
-- contact by any peer in the period. Contacts counts every contact row of the active
-- participants in the period, whichever peer made it (one per attendee of a group session);
-- group sessions attended counts those that were part of a group session. A participant counts
-- for their assigned peer and their own site (the peer's site when empty), so a peer whose
-- participants belong to two sites has a row for each; every peer in scope has a row for every
-- month at their own site, with zeros when nothing happened. By site or program the same
-- counts are added up, so the rollups equal the sums of the peer rows.
-- param as_of date: the last day counted (default: the last contact date)
-- param site text: only participants of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- param months integer = 12: how many months, ending with as_of's month
-- param by text = peer: peer (a row per site and peer), site, or program
-- column month key: the first day of the month
-- column site key: the participants' site (empty for the program)
-- column peer_id key: the assigned peer (empty unless by peer)
-- column active_participants count: participants active at some time in the period
-- column engaged count: active participants with at least one contact by any peer in the period
-- column engagement_rate rate of engaged/active_participants: engaged ÷ active participants (3 decimals)
-- column contacts count: contacts of the active participants in the period, by any peer
-- column contacts_per_engaged stat over engaged: contacts ÷ engaged participants (2 decimals)
-- column group_sessions_attended count: contacts that were part of a group session
WITH valid AS (
    SELECT CASE WHEN coalesce($by, 'peer') NOT IN ('peer', 'site', 'program')
                THEN error('by must be peer, site or program')
                WHEN $months IS NULL OR $months < 1 THEN error('months must be 1 or more')
                ELSE coalesce($by, 'peer')
           END AS grouping,
           CAST(date_trunc('month', $as_of) - to_months($months - 1) AS DATE) AS first_month
),
months AS (
    SELECT CAST(m AS DATE) AS month, least(last_day(CAST(m AS DATE)), $as_of) AS period_end
    FROM valid, generate_series(first_month, date_trunc('month', $as_of), INTERVAL 1 MONTH) t(m)
),
peers_in_scope AS (
    SELECT peer_id, site
    FROM peers
    WHERE ($supervisor_id IS NULL OR supervisor_id = $supervisor_id)
      AND ($peer_id IS NULL OR peer_id = $peer_id)
),
members AS (
    SELECT pa.participant_id, pa.peer_id, coalesce(pa.site, p.site) AS site, pa.enrolled_on,
           pa.discharged_on
    FROM participants pa
    JOIN peers_in_scope p USING (peer_id)
    WHERE ($site IS NULL OR coalesce(pa.site, p.site) = $site)
),
-- Every (site, peer) with a row: the peer's own site, and the sites of their participants.
teams AS (
    SELECT site, peer_id FROM peers_in_scope WHERE ($site IS NULL OR site = $site)
    UNION
    SELECT site, peer_id FROM members
),
active AS (
    SELECT m.month, p.site, p.peer_id, count(*) AS active_participants
    FROM members p
    JOIN months m
      ON p.enrolled_on <= m.period_end
     AND (p.discharged_on IS NULL OR p.discharged_on > m.month)
    GROUP BY m.month, p.site, p.peer_id
),
-- The contacts of those months (a range on the stored, time-ordered column). With the scope
-- narrowed only its participants' contacts are counted; the branch that does not apply is
-- dropped when the query is planned, so the whole program reads the contacts once.
scoped_contacts AS (
    SELECT participant_id, started_at, group_session_id
    FROM contacts
    WHERE started_at >= date_trunc('month', $as_of) - to_months($months - 1)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
      AND $site IS NULL AND $supervisor_id IS NULL AND $peer_id IS NULL
    UNION ALL
    SELECT participant_id, started_at, group_session_id
    FROM contacts
    WHERE started_at >= date_trunc('month', $as_of) - to_months($months - 1)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
      AND NOT ($site IS NULL AND $supervisor_id IS NULL AND $peer_id IS NULL)
      AND participant_id IN (SELECT participant_id FROM members)
),
contact_months AS (
    SELECT participant_id, CAST(date_trunc('month', started_at) AS DATE) AS month,
           count(*) AS contacts, count(group_session_id) AS group_sessions
    FROM scoped_contacts
    GROUP BY participant_id, month
),
engaged AS (
    SELECT m.month, p.site, p.peer_id,
           count(*) AS engaged,
           sum(c.contacts) AS contacts,
           sum(c.group_sessions) AS group_sessions_attended
    FROM contact_months c
    JOIN members p USING (participant_id)
    JOIN months m USING (month)
    WHERE p.enrolled_on <= m.period_end
      AND (p.discharged_on IS NULL OR p.discharged_on > m.month)
    GROUP BY m.month, p.site, p.peer_id
),
-- Every peer row of every month, then added up as asked.
peer_rows AS (
    SELECT m.month, t.site, t.peer_id,
           coalesce(a.active_participants, 0) AS active_participants,
           coalesce(e.engaged, 0) AS engaged,
           coalesce(e.contacts, 0) AS contacts,
           coalesce(e.group_sessions_attended, 0) AS group_sessions_attended
    FROM months m
    CROSS JOIN teams t
    LEFT JOIN active a ON a.month = m.month AND a.site = t.site AND a.peer_id = t.peer_id
    LEFT JOIN engaged e ON e.month = m.month AND e.site = t.site AND e.peer_id = t.peer_id
),
counts AS (
    SELECT r.month,
           CASE WHEN v.grouping IN ('peer', 'site') THEN r.site END AS site,
           CASE WHEN v.grouping = 'peer' THEN r.peer_id END AS peer_id,
           sum(r.active_participants)::BIGINT AS active_participants,
           sum(r.engaged)::BIGINT AS engaged,
           sum(r.contacts)::BIGINT AS contacts,
           sum(r.group_sessions_attended)::BIGINT AS group_sessions_attended
    FROM peer_rows r
    CROSS JOIN valid v
    GROUP BY ALL
)
SELECT month, site, peer_id, active_participants, engaged,
       round(engaged / nullif(active_participants, 0), 3) AS engagement_rate,
       contacts,
       round(contacts / nullif(engaged, 0), 2) AS contacts_per_engaged,
       group_sessions_attended
FROM counts
ORDER BY month, site, peer_id
