-- supervision_coverage: how recently and how much each peer has been supervised.
-- Counts the supervision sessions recorded for the peer in the 28 days ending as_of (as_of - 27
-- to as_of) and their hours, whoever led them (a cover supervisor's session counts too, and a
-- group session counts once for each peer recorded in it). Sessions after as_of are ignored.
-- days_since is the number of days from the last session on or before as_of to as_of (0 when
-- it was held on as_of). A peer is overdue when that is more than the supervision interval (14
-- days by default: 14 days since is on time, 15 overdue) or when the peer was never supervised.
-- Every peer in scope is listed. Without a supervision extract nothing is known: sessions,
-- hours and overdue are empty rather than zero or true.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope
-- setting supervision_interval_days: more days than this since the last session make a peer overdue
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor (from the peers table)
-- column sessions_28d count: supervision sessions held in the 28 days ending as_of
-- column hours_28d value: hours of those sessions (2 decimals)
-- column last_supervised_on value: the day of the last session on or before as_of (empty: never)
-- column days_since value: days from last_supervised_on to as_of (empty: never supervised)
-- column overdue value: true when days_since exceeds the supervision interval or the peer was never supervised
WITH extract AS (
    SELECT EXISTS (
        SELECT 1 FROM extract_tables WHERE table_name = 'supervision' AND present
    ) AS present
),
held AS (
    SELECT peer_id,
           count(*) FILTER (WHERE held_on >= $as_of - 27) AS sessions_28d,
           sum(duration_min) FILTER (WHERE held_on >= $as_of - 27) / 60 AS hours_28d,
           max(held_on) AS last_supervised_on
    FROM supervision
    WHERE held_on <= $as_of
      AND peer_id IN (SELECT peer_id FROM peer_scope)
    GROUP BY peer_id
)
SELECT
    s.peer_id,
    s.site,
    s.supervisor_id,
    CASE WHEN e.present THEN coalesce(h.sessions_28d, 0) END AS sessions_28d,
    CASE WHEN e.present THEN round(coalesce(h.hours_28d, 0), 2) END AS hours_28d,
    h.last_supervised_on,
    $as_of - h.last_supervised_on AS days_since,
    CASE WHEN e.present THEN h.last_supervised_on IS NULL
        OR $as_of - h.last_supervised_on > $supervision_interval_days END AS overdue
FROM peer_scope s
CROSS JOIN extract e
LEFT JOIN held h USING (peer_id)
ORDER BY s.site, s.peer_id
