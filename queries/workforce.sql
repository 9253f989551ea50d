-- workforce: each site's peer workforce on as_of: caseloads against capacity, supervision and fidelity.
-- Site-level figures for program managers and leadership, never a peer's own row: how many
-- peers the site has, their active participants against their summed capacity, how many
-- carry more than their capacity, how many are overdue for supervision (no session in the
-- supervision interval), and how many have a supervisor fidelity rating that meets the program
-- standard (the latest rating on or before as_of). Counts of peers are staff counts: shown to
-- leadership as they are (unless the program suppresses staff counts too), while the counts of
-- participants under the cell-size threshold show "<11". Built on the caseload,
-- supervision_coverage and fidelity_scores queries, so the figures match theirs.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: caseload, supervision_coverage, fidelity_scores(rater_role = 'supervisor', all_episodes = false)
-- column site key: the site
-- column peers staff count: peers at the site
-- column active_participants count: participants active on as_of, assigned to those peers
-- column caseload_capacity value: the peers' capacities added up (the program default when empty)
-- column utilization rate of active_participants/caseload_capacity: active participants ÷ capacity (3 decimals)
-- column peers_over_capacity staff count: peers whose active caseload is above their capacity
-- column peers_overdue_supervision staff count: peers with no supervision in the interval (empty: no supervision extract)
-- column peers_rated staff count: peers with a supervisor fidelity rating on or before as_of
-- column peers_meeting_standard staff count: of those, peers whose latest rating meets the standard
-- column mean_fidelity stat over peers_rated: the mean of those peers' latest supervisor totals (2 decimals)
SELECT
    c.site,
    count(*) AS peers,
    sum(c.active_participants)::BIGINT AS active_participants,
    sum(c.caseload_capacity)::BIGINT AS caseload_capacity,
    round(sum(c.active_participants) / sum(c.caseload_capacity), 3) AS utilization,
    count(*) FILTER (WHERE c.active_participants > c.caseload_capacity) AS peers_over_capacity,
    -- empty, not zero, when there is no supervision extract (overdue is then empty for all)
    CASE WHEN bool_or(s.overdue IS NOT NULL) THEN count(*) FILTER (WHERE s.overdue) END
        AS peers_overdue_supervision,
    count(f.peer_id) AS peers_rated,
    count(*) FILTER (WHERE f.meets_standard) AS peers_meeting_standard,
    round(avg(f.total_score), 2) AS mean_fidelity
FROM caseload c
LEFT JOIN supervision_coverage s USING (peer_id)
LEFT JOIN fidelity_scores f USING (peer_id)
GROUP BY c.site
ORDER BY c.site
