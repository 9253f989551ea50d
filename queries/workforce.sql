-- workforce: each site's peer workforce on as_of: caseloads against capacity, supervision and fidelity.
-- Site-level figures for program managers and leadership, never a peer's own row: how many
-- peers the site has, their active participants against their summed capacity, how many
-- carry more than their capacity, how many are overdue for supervision (no session in the
-- supervision interval), and how many have a supervisor fidelity rating that meets the program
-- standard (the latest rating on or before as_of). Counts of peers are staff counts: shown to
-- leadership as they are (unless the program suppresses staff counts too), while the counts of
-- participants under the cell-size threshold show "<11". Training and mentoring are counted the
-- same way: peers with a course expired on as_of, peers with a course that expires soon (in the
-- training warning window), new peers (hired in the new-peer window) and new peers without a
-- mentor. Built on the caseload, supervision_coverage, fidelity_scores and peer_development
-- queries, so the figures match theirs; without a training or a mentoring extract, the figures
-- built on it are empty.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: caseload, supervision_coverage, fidelity_scores(rater_role = 'supervisor', all_episodes = false), peer_development
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
-- column peers_training_expired staff count: peers with at least one course expired on as_of (empty: no training extract)
-- column peers_training_expiring staff count: peers with at least one course that expires in the training warning window
-- column new_peers staff count: peers hired in the new-peer window ending as_of
-- column new_peers_without_mentor staff count: of those, peers with no current mentor (empty: no mentoring extract)
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
    round(avg(f.total_score), 2) AS mean_fidelity,
    -- empty, not zero, without a training or a mentoring extract (as overdue above)
    CASE WHEN bool_or(d.courses IS NOT NULL) THEN count(*) FILTER (WHERE d.courses_expired > 0)
        END AS peers_training_expired,
    CASE WHEN bool_or(d.courses IS NOT NULL) THEN count(*) FILTER (WHERE d.courses_expiring > 0)
        END AS peers_training_expiring,
    count(*) FILTER (WHERE d.new_peer) AS new_peers,
    CASE WHEN bool_or(d.needs_mentor IS NOT NULL) THEN count(*) FILTER (WHERE d.needs_mentor)
        END AS new_peers_without_mentor
FROM caseload c
LEFT JOIN supervision_coverage s USING (peer_id)
LEFT JOIN fidelity_scores f USING (peer_id)
LEFT JOIN peer_development d USING (peer_id)
GROUP BY c.site
ORDER BY c.site
