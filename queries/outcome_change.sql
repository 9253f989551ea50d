-- outcome_change: each participant's change on each outcome measure, from baseline to latest, against the reliable-change threshold.
-- The baseline is a participant's earliest assessment of the measure dated on or after enrolment
-- minus the baseline window (30 days by default) and on or before as_of; the latest is the most
-- recent one dated on or before as_of and after the baseline's date. Only participants with both
-- are listed. Improvement is the change signed so that a positive number is better. The
-- reliable-change threshold is shown in raw score points: WHO-5's 10 percentage points are 2.5
-- raw points, and its improvement × 4 is compared with the 10 points. For RAS-R and QPR-15 it is
-- the Jacobson–Truax index 1.96 × √2 × SD × √(1 − r), rounded to 2 decimals and compared as
-- shown, where SD is the sample standard deviation (n − 1) of the baseline scores of every
-- participant in the extract with a baseline for that measure, whatever the scope and as_of;
-- with fewer baselines than the setting asks, threshold and category are left empty. A change
-- exactly at the threshold counts as reliable, either way. Recovered (PHQ-9, GAD-7: instruments
-- with a caseness cut-off) means reliably improved, a case at baseline (score at or above the
-- cut-off) and below the cut-off at the latest assessment; otherwise false.
-- Choices where DESIGN.md is silent: when a measure was assessed twice on one day, the lower
-- score of that day counts (for the baseline and for the latest); a measure the program's
-- instrument settings do not list is left out; a participant belongs to their assigned peer and
-- to their own site (the peer's site when empty); a pair is listed even when the participant was
-- enrolled after as_of or discharged before it.
-- param as_of date: the last day whose assessments count (default: the last contact date)
-- param site text: only participants of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- param measure text: only this instrument code, e.g. PHQ9, in any case (default: all)
-- setting instruments: each instrument's direction, reliable-change threshold, reliability and caseness
-- setting baseline_window_days: how many days before enrolment an assessment can be the baseline
-- setting min_baselines_for_rci: fewest baselines of a measure for a Jacobson–Truax threshold
-- column participant_id id: the participant
-- column peer_id key: the participant's assigned peer
-- column measure key: the instrument code
-- column baseline_on value: the date of the baseline assessment
-- column baseline_score value: the baseline raw score
-- column latest_on value: the date of the latest assessment on or before as_of
-- column latest_score value: the latest raw score
-- column change value: latest score minus baseline score
-- column improvement value: the change signed so that a positive number is better
-- column threshold value: the reliable-change threshold in raw score points (empty: too few baselines for Jacobson–Truax)
-- column category value: improved, no_reliable_change or deteriorated (empty when there is no threshold)
-- column recovered value: PHQ-9 and GAD-7: reliably improved from a case at baseline to below the cut-off (empty for other measures)
WITH instruments AS (
    SELECT unnest($instruments, recursive := true)
),
-- Every participant with their assigned peer, the start of their baseline window, and whether
-- they are in the scope asked for.
people AS (
    SELECT pa.participant_id, pa.peer_id,
           pa.enrolled_on - $baseline_window_days AS window_start,
           ($site IS NULL OR coalesce(pa.site, pe.site) = $site)
               AND ($supervisor_id IS NULL OR pe.supervisor_id = $supervisor_id)
               AND ($peer_id IS NULL OR pa.peer_id = $peer_id) AS in_scope
    FROM participants pa
    JOIN peers pe USING (peer_id)
),
-- Jacobson–Truax thresholds come from the baselines of every participant in the extract, whatever
-- the scope and as_of. On a day with two assessments of one measure the lower score counts (days
-- × 1000 + score orders them: every instrument scores between 0 and 120).
jt_baselines AS (
    SELECT o.participant_id, o.measure,
           arg_min(o.score, (o.assessed_on - DATE '2000-01-01') * 1000 + o.score) AS baseline_score
    FROM outcomes o
    JOIN people p USING (participant_id)
    WHERE o.assessed_on >= p.window_start
      AND o.measure IN (SELECT measure FROM instruments WHERE reliable_change IS NULL)
      AND ($measure IS NULL OR o.measure = upper($measure))
    GROUP BY o.participant_id, o.measure
),
thresholds AS (
    SELECT i.measure, i.higher_is_better, i.caseness, i.report_scale, i.reliable_change,
           CASE WHEN i.reliable_change IS NOT NULL THEN i.reliable_change / i.report_scale
                WHEN count(b.baseline_score) >= $min_baselines_for_rci
                THEN round(1.96 * sqrt(2) * stddev_samp(b.baseline_score)
                           * sqrt(1 - i.reliability), 2)
           END AS threshold
    FROM instruments i
    LEFT JOIN jt_baselines b USING (measure)
    GROUP BY i.measure, i.higher_is_better, i.caseness, i.report_scale, i.reliable_change,
             i.reliability
),
-- In scope: each participant's baseline and latest assessment of each measure.
pairs AS (
    SELECT o.participant_id, any_value(p.peer_id) AS peer_id, o.measure,
           min(o.assessed_on) AS baseline_on,
           arg_min(o.score, (o.assessed_on - DATE '2000-01-01') * 1000 + o.score)
               AS baseline_score,
           max(o.assessed_on) FILTER (WHERE o.assessed_on <= $as_of) AS latest_on,
           arg_max(o.score, (o.assessed_on - DATE '2000-01-01') * 1000 - o.score)
               FILTER (WHERE o.assessed_on <= $as_of) AS latest_score
    FROM outcomes o
    JOIN people p USING (participant_id)
    WHERE p.in_scope
      AND o.assessed_on >= p.window_start
      AND ($measure IS NULL OR o.measure = upper($measure))
    GROUP BY o.participant_id, o.measure
),
changes AS (
    SELECT p.participant_id, p.peer_id, p.measure, p.baseline_on, p.baseline_score,
           p.latest_on, p.latest_score,
           p.latest_score - p.baseline_score AS change,
           CASE WHEN t.higher_is_better THEN p.latest_score - p.baseline_score
                ELSE p.baseline_score - p.latest_score END AS improvement,
           t.threshold, t.caseness,
           -- compared on the reported scale (WHO-5: improvement × 4 against 10 points)
           t.report_scale, coalesce(t.reliable_change, t.threshold * t.report_scale) AS reported
    FROM pairs p
    JOIN thresholds t USING (measure)
    WHERE p.baseline_on <= $as_of
      AND p.latest_on > p.baseline_on
)
SELECT participant_id, peer_id, measure, baseline_on, baseline_score, latest_on, latest_score,
       change, improvement, threshold,
       CASE WHEN threshold IS NULL THEN NULL
            WHEN improvement * report_scale >= reported THEN 'improved'
            WHEN improvement * report_scale <= -reported THEN 'deteriorated'
            ELSE 'no_reliable_change'
       END AS category,
       CASE WHEN caseness IS NOT NULL
            THEN coalesce(improvement * report_scale >= reported
                          AND baseline_score >= caseness AND latest_score < caseness, false)
       END AS recovered
FROM changes
ORDER BY measure, peer_id, participant_id
