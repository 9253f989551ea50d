-- outcome_summary: how many participants reliably improved, stayed the same or deteriorated on each outcome measure, for the program, each site or each peer.
-- Counts the baseline-to-latest pairs of outcome_change (same scope, as_of, measure and
-- thresholds): improved, no reliable change and deteriorated add up to the pairs, with
-- "unclassified" for pairs without a threshold (a Jacobson–Truax measure with too few
-- baselines). Percentages are of all pairs, unclassified included. Recovered % is of the pairs
-- that were a case at baseline (score at or above the instrument's cut-off, PHQ-9 and GAD-7
-- only); for the other measures cases and recovered are 0 and recovered % is empty. By site, a
-- participant counts at their assigned peer's site, the site the filter means; by
-- participant_site, at their own site (the peer's site when empty); by peer, one row per peer
-- (at the peer's site), and the peer rows add up to the site rows. Mean improvement is in raw
-- score points, positive = better.
-- param by text = program, one of program|site|participant_site|peer: program (one row per measure), site (the peer's), participant_site (the participant's own), or peer
-- param as_of date: the last day whose assessments count (default: the last contact date)
-- param site text: only participants of peers of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- param measure text, one of PHQ9|GAD7|WHO5|RAS_R|QPR15|SWEMWBS: only this instrument, in any case (default: all)
-- uses: outcome_change, participant_scope
-- setting instruments: each instrument's caseness cut-off, for the cases at baseline
-- column measure key: the instrument code
-- column site key: the assigned peers' site, or by participant_site the participants' own (empty for the program)
-- column peer_id key: the assigned peer (empty unless by peer)
-- column pairs count: participants with a baseline and a later assessment of the measure
-- column improved count part of pairs: pairs whose improvement reached the reliable-change threshold
-- column no_reliable_change count part of pairs: pairs that changed by less than the threshold either way
-- column deteriorated count part of pairs: pairs that worsened by the threshold or more
-- column unclassified count part of pairs: pairs without a threshold (too few baselines for Jacobson–Truax)
-- column improved_pct rate of improved/pairs: improved as a percentage of pairs (1 decimal)
-- column deteriorated_pct rate of deteriorated/pairs: deteriorated as a percentage of pairs (1 decimal)
-- column cases_at_baseline count: pairs scoring at or above the instrument's caseness cut-off at baseline
-- column recovered count: cases at baseline that reliably improved to below the cut-off
-- column recovered_pct rate of recovered/cases_at_baseline: recovered as a percentage of cases at baseline (1 decimal)
-- column mean_improvement stat over pairs: mean improvement in raw score points, positive = better (2 decimals)
WITH cut_offs AS (
    SELECT measure, caseness
    FROM (SELECT unnest($instruments, recursive := true))
),
pairs AS (
    SELECT c.measure,
           CASE coalesce($by, 'program') WHEN 'site' THEN p.site WHEN 'peer' THEN p.site
                WHEN 'participant_site' THEN p.participant_site END AS site,
           CASE WHEN $by = 'peer' THEN c.peer_id END AS peer_id,
           c.category, c.recovered, c.improvement,
           c.baseline_score >= k.caseness AS case_at_baseline
    FROM outcome_change c
    JOIN participant_scope p USING (participant_id)
    LEFT JOIN cut_offs k ON k.measure = c.measure
),
counts AS (
    SELECT measure, site, peer_id,
           count(*) AS pairs,
           count(*) FILTER (WHERE category = 'improved') AS improved,
           count(*) FILTER (WHERE category = 'no_reliable_change') AS no_reliable_change,
           count(*) FILTER (WHERE category = 'deteriorated') AS deteriorated,
           count(*) FILTER (WHERE category IS NULL) AS unclassified,
           count(*) FILTER (WHERE case_at_baseline) AS cases_at_baseline,
           count(*) FILTER (WHERE recovered) AS recovered,
           avg(improvement) AS mean_improvement
    FROM pairs
    GROUP BY measure, site, peer_id
)
SELECT measure, site, peer_id, pairs, improved, no_reliable_change, deteriorated, unclassified,
       round(100 * improved / pairs, 1) AS improved_pct,
       round(100 * deteriorated / pairs, 1) AS deteriorated_pct,
       cases_at_baseline, recovered,
       round(100 * recovered / nullif(cases_at_baseline, 0), 1) AS recovered_pct,
       round(mean_improvement, 2) AS mean_improvement
FROM counts
ORDER BY measure, site, peer_id
