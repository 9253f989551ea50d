-- goal_attainment: the recovery goals each peer's participants have set and achieved by as_of.
-- Counts every goal set on or before as_of by the participants now assigned to the peer, over
-- the whole extract (not a window), whether or not the participant is still enrolled. A goal is
-- achieved when its achieved_on is on or before as_of, and open otherwise: a goal achieved
-- after as_of was still open that day, and a goal set after as_of is not counted. Days to
-- achieve is achieved_on minus set_on (0 for a goal achieved the day it was set); its median is
-- over the achieved goals. Every peer in scope is listed; the rate and the median are empty when
-- there is nothing to divide. Without a goals extract nothing is known: the counts are empty
-- rather than zero.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope, participant_scope
-- column peer_id key: the peer the participants are assigned to
-- column site key: the peer's site
-- column goals_set count: goals set on or before as_of
-- column achieved count part of goals_set: of those, goals achieved on or before as_of
-- column open count part of goals_set: of those, goals not achieved by as_of
-- column achieved_rate rate of achieved/goals_set: achieved ÷ goals set (3 decimals)
-- column median_days_to_achieve stat over achieved: median days from set_on to achieved_on of the achieved goals (1 decimal)
WITH extract AS (
    SELECT EXISTS (
        SELECT 1 FROM extract_tables WHERE table_name = 'goals' AND present
    ) AS present
),
goal_counts AS (
    SELECT p.peer_id,
           count(*) AS goals_set,
           count(*) FILTER (WHERE g.achieved_on <= $as_of) AS achieved,
           median(g.achieved_on - g.set_on) FILTER (WHERE g.achieved_on <= $as_of) AS median_days
    FROM goals g
    JOIN participant_scope p USING (participant_id)
    WHERE g.set_on <= $as_of
    GROUP BY p.peer_id
)
SELECT
    s.peer_id,
    s.site,
    CASE WHEN e.present THEN coalesce(g.goals_set, 0) END AS goals_set,
    CASE WHEN e.present THEN coalesce(g.achieved, 0) END AS achieved,
    CASE WHEN e.present THEN coalesce(g.goals_set - g.achieved, 0) END AS open,
    round(g.achieved / g.goals_set, 3) AS achieved_rate,
    round(g.median_days, 1) AS median_days_to_achieve
FROM peer_scope s
CROSS JOIN extract e
LEFT JOIN goal_counts g USING (peer_id)
ORDER BY s.site, s.peer_id
