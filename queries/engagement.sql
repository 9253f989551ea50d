-- engagement: month by month, how many of each peer's participants were active, how many had a contact, and how many contacts and group sessions they had.
-- A month's period runs from its first day to its last day, or to as_of in as_of's own month,
-- which is therefore partial. A participant is active in the month when enrolled on or before
-- the period's end and not discharged by its start (discharged_on empty or after the first day:
-- someone discharged on the 1st is not counted that month). Engaged: active with at least one
-- contact by any peer in the period. Contacts counts every contact row of the active
-- participants in the period, whichever peer made it (one per attendee of a group session);
-- group sessions attended counts those that were part of a group session. A participant counts
-- for their assigned peer and that peer's site (participant_scope): by peer there is one row per
-- peer in scope and month, with zeros when nothing happened; by site the peer rows are added up
-- per peer's site, and by participant_site per participant's own site (the peer's site when
-- empty); by program all of them. Every rollup equals the sum of the peer rows.
-- param as_of date: the last day counted (default: the last contact date)
-- param site text: only participants of peers of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- param months integer = 12, from 1 to 120: how many months, ending with as_of's month
-- param by text = peer, one of peer|site|participant_site|program: peer (a row per peer), site (the peer's), participant_site (the participant's own), or program
-- uses: peer_scope, participant_scope
-- context allowed_peers: the peers the person asking may see (empty: every peer)
-- column month key: the first day of the month
-- column site key: the peers' site, or by participant_site the participants' own (empty for the program)
-- column peer_id key: the assigned peer (empty unless by peer)
-- column active_participants count: participants active at some time in the period
-- column engaged count: active participants with at least one contact by any peer in the period
-- column engagement_rate rate of engaged/active_participants: engaged ÷ active participants (3 decimals)
-- column contacts count: contacts of the active participants in the period, by any peer
-- column contacts_per_engaged stat over engaged: contacts ÷ engaged participants (2 decimals)
-- column group_sessions_attended count: contacts that were part of a group session
WITH months AS (
    SELECT CAST(m AS DATE) AS month, least(last_day(CAST(m AS DATE)), $as_of) AS period_end
    FROM generate_series(CAST(date_trunc('month', $as_of) - to_months($months - 1) AS DATE),
                         date_trunc('month', $as_of), INTERVAL 1 MONTH) t(m)
),
active AS (
    SELECT m.month, p.peer_id, p.participant_site, count(*) AS active_participants
    FROM participant_scope p
    JOIN months m
      ON p.enrolled_on <= m.period_end
     AND (p.discharged_on IS NULL OR p.discharged_on > m.month)
    GROUP BY m.month, p.peer_id, p.participant_site
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
      AND $allowed_peers IS NULL
    UNION ALL
    SELECT participant_id, started_at, group_session_id
    FROM contacts
    WHERE started_at >= date_trunc('month', $as_of) - to_months($months - 1)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
      AND NOT ($site IS NULL AND $supervisor_id IS NULL AND $peer_id IS NULL
               AND $allowed_peers IS NULL)
      AND participant_id IN (SELECT participant_id FROM participant_scope)
),
contact_months AS (
    SELECT participant_id, CAST(date_trunc('month', started_at) AS DATE) AS month,
           count(*) AS contacts, count(group_session_id) AS group_sessions
    FROM scoped_contacts
    GROUP BY participant_id, month
),
engaged AS (
    SELECT m.month, p.peer_id, p.participant_site,
           count(*) AS engaged,
           sum(c.contacts) AS contacts,
           sum(c.group_sessions) AS group_sessions_attended
    FROM contact_months c
    JOIN participant_scope p USING (participant_id)
    JOIN months m USING (month)
    WHERE p.enrolled_on <= m.period_end
      AND (p.discharged_on IS NULL OR p.discharged_on > m.month)
    GROUP BY m.month, p.peer_id, p.participant_site
),
-- Every (peer, participant site) with a row: each peer in scope at its own site, so a peer
-- without participants still has its zeros, and the sites of its participants.
teams AS (
    SELECT peer_id, site, site AS participant_site FROM peer_scope
    UNION
    SELECT peer_id, site, participant_site FROM participant_scope
),
peer_rows AS (
    SELECT m.month, t.site, t.participant_site, t.peer_id,
           coalesce(a.active_participants, 0) AS active_participants,
           coalesce(e.engaged, 0) AS engaged,
           coalesce(e.contacts, 0) AS contacts,
           coalesce(e.group_sessions_attended, 0) AS group_sessions_attended
    FROM months m
    CROSS JOIN teams t
    LEFT JOIN active a ON a.month = m.month AND a.peer_id = t.peer_id
                      AND a.participant_site = t.participant_site
    LEFT JOIN engaged e ON e.month = m.month AND e.peer_id = t.peer_id
                       AND e.participant_site = t.participant_site
),
-- Added up as asked.
counts AS (
    SELECT month,
           CASE coalesce($by, 'peer') WHEN 'peer' THEN site WHEN 'site' THEN site
                WHEN 'participant_site' THEN participant_site END AS site,
           CASE WHEN coalesce($by, 'peer') = 'peer' THEN peer_id END AS peer_id,
           sum(active_participants)::BIGINT AS active_participants,
           sum(engaged)::BIGINT AS engaged,
           sum(contacts)::BIGINT AS contacts,
           sum(group_sessions_attended)::BIGINT AS group_sessions_attended
    FROM peer_rows
    GROUP BY ALL
)
SELECT month, site, peer_id, active_participants, engaged,
       round(engaged / nullif(active_participants, 0), 3) AS engagement_rate,
       contacts,
       round(contacts / nullif(engaged, 0), 2) AS contacts_per_engaged,
       group_sessions_attended
FROM counts
ORDER BY month, site, peer_id
