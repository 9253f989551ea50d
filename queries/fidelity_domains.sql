-- fidelity_domains: each peer's latest fidelity rating by each kind of rater, domain by domain.
-- A rating episode is every item rated for one peer by one rater role on one day. For each peer
-- and rater role only the latest episode on or before as_of counts (a later one is ignored);
-- with all_episodes every episode up to as_of is listed, for a trend line. Self-ratings,
-- supervisor ratings and the other roles are kept apart, never averaged together. Two raters
-- of the same role rating a peer on the same day form one episode: all their item ratings are
-- averaged together, and an item rated twice counts twice. A domain's score is the plain mean
-- of its item scores (1-5), rounded to 2 decimals. Only peers with a rating appear: a peer
-- never rated by as_of has no row.
-- param as_of date: ratings on or before this day count (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- param rater_role text, one of supervisor|self|participant|external: only this rater role (default: all roles)
-- param all_episodes boolean = false: true lists every episode up to as_of instead of only the latest per peer and role
-- uses: peer_scope
-- column peer_id key: the peer rated
-- column site key: the peer's site
-- column rater_role key: who rated: supervisor, self, participant or external
-- column rated_on key: the day of the episode
-- column domain key: the fidelity domain
-- column domain_score value: mean of the episode's item scores in the domain (1-5, 2 decimals)
-- column items_rated value: item ratings in the domain in that episode
WITH
-- The episodes that count, as (peer, rater role, day): the latest of each peer and rater
-- role up to as_of, or every one with all_episodes. Both halves are scoped before anything is
-- grouped, and the rows are then found by an equality join.
rated AS (
    SELECT peer_id, rater_role, rated_on
    FROM fidelity
    WHERE rated_on <= $as_of
      AND ($rater_role IS NULL OR rater_role = $rater_role)
      AND peer_id IN (SELECT peer_id FROM peer_scope)
),
episodes AS (
    SELECT peer_id, rater_role, max(rated_on) AS rated_on
    FROM rated
    WHERE NOT coalesce($all_episodes, false)
    GROUP BY peer_id, rater_role
    UNION ALL
    SELECT DISTINCT peer_id, rater_role, rated_on
    FROM rated
    WHERE coalesce($all_episodes, false)
)
SELECT
    f.peer_id,
    s.site,
    f.rater_role,
    f.rated_on,
    f.domain,
    round(avg(f.score), 2) AS domain_score,
    count(*) AS items_rated
FROM fidelity f
JOIN episodes e USING (peer_id, rater_role, rated_on)
JOIN peer_scope s USING (peer_id)
GROUP BY f.peer_id, s.site, f.rater_role, f.rated_on, f.domain
ORDER BY s.site, f.peer_id, f.rater_role, f.rated_on, f.domain
