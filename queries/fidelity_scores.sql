-- fidelity_scores: each peer's latest fidelity total by each kind of rater, and whether it meets the standard.
-- Built on fidelity_domains: the same episodes (for each peer and rater role the latest on or
-- before as_of, or every episode with all_episodes), self and supervisor ratings kept apart.
-- The total is the mean of the episode's domain scores as fidelity_domains shows them (each
-- already rounded to 2 decimals), so it can be checked by hand from that table; it is rounded
-- to 2 decimals, and each domain counts once however many items it has. The standard is judged
-- on those shown figures: an episode meets it when its total is at or above the standard (4.0
-- by default) and no domain scores below the floor (3.0 by default; a domain of exactly 3.00 is
-- not below it). Only peers with a rating appear: a peer never rated by as_of has no row.
-- uses: fidelity_domains
-- param as_of date: ratings on or before this day count (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- param rater_role text, one of supervisor|self|participant|external: only this rater role (default: all roles)
-- param all_episodes boolean = false: true lists every episode up to as_of instead of only the latest per peer and role
-- setting fidelity_standard: the total an episode must reach to meet the standard
-- setting fidelity_domain_floor: a domain scoring below this is counted in domains_below_floor and fails the standard
-- column peer_id key: the peer rated
-- column site key: the peer's site
-- column rater_role key: who rated: supervisor, self, participant or external
-- column rated_on key: the day of the episode
-- column total_score value: mean of the episode's domain scores (1-5, 2 decimals)
-- column domains_rated value: domains with at least one item rated in the episode
-- column domains_below_floor value: domains scoring below the floor (3.0 by default)
-- column meets_standard value: true when the total reaches the standard and no domain is below the floor
SELECT
    peer_id,
    site,
    rater_role,
    rated_on,
    round(avg(domain_score), 2) AS total_score,
    count(*) AS domains_rated,
    count(*) FILTER (WHERE domain_score < $fidelity_domain_floor) AS domains_below_floor,
    round(avg(domain_score), 2) >= $fidelity_standard
        AND count(*) FILTER (WHERE domain_score < $fidelity_domain_floor) = 0 AS meets_standard
FROM fidelity_domains
GROUP BY peer_id, site, rater_role, rated_on
ORDER BY site, peer_id, rater_role, rated_on
