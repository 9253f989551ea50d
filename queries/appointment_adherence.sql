-- appointment_adherence: how many of their scheduled appointments each peer's participants kept.
-- Counts the appointments (any kind) scheduled from start to end, both days included, for the
-- participants now assigned to the peer, as the extract records them, whether or not the
-- participant was still enrolled that day. An appointment is kept when recorded as attended and
-- missed otherwise. The window defaults to the 90 days ending as_of. Every peer in scope is
-- listed; the kept rate is empty when nothing was scheduled. Without an appointments extract
-- nothing is known: the counts and the rate are empty rather than zero.
-- param as_of date: the day the default window ends (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- param start date: the first day counted (default: 89 days before end, a 90-day window)
-- param end date: the last day counted (default: as_of)
-- uses: peer_scope, participant_scope
-- column peer_id key: the peer the participants are assigned to
-- column site key: the peer's site
-- column scheduled count: appointments scheduled in the window
-- column attended count part of scheduled: of those, the ones attended
-- column missed count part of scheduled: of those, the ones not attended
-- column kept_rate rate of attended/scheduled: attended ÷ scheduled (3 decimals; empty when none were scheduled)
WITH window_days AS (
    SELECT coalesce($start, coalesce($end, $as_of) - 89) AS first_day,
           coalesce($end, $as_of) AS last_day
),
extract AS (
    SELECT EXISTS (
        SELECT 1 FROM extract_tables WHERE table_name = 'appointments' AND present
    ) AS present
),
kept AS (
    SELECT p.peer_id,
           count(*) AS scheduled,
           count(*) FILTER (WHERE a.attended) AS attended
    FROM appointments a
    JOIN participant_scope p USING (participant_id)
    WHERE a.scheduled_on BETWEEN (SELECT first_day FROM window_days)
                             AND (SELECT last_day FROM window_days)
    GROUP BY p.peer_id
)
SELECT
    s.peer_id,
    s.site,
    CASE WHEN e.present THEN coalesce(k.scheduled, 0) END AS scheduled,
    CASE WHEN e.present THEN coalesce(k.attended, 0) END AS attended,
    CASE WHEN e.present THEN coalesce(k.scheduled - k.attended, 0) END AS missed,
    round(k.attended / k.scheduled, 3) AS kept_rate
FROM peer_scope s
CROSS JOIN extract e
LEFT JOIN kept k USING (peer_id)
ORDER BY s.site, s.peer_id
