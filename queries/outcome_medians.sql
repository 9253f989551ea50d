-- outcome_medians: the program's median score on an outcome measure month by month since enrolment, with the quartiles.
-- Takes the assessments outcome_trajectories lists (from the start of the baseline window,
-- enrolment minus baseline_window_days, to as_of) and puts each in a 30-day band by days since
-- enrolment: band 0 is days 0-29, band 1 days 30-59, and so on; band -1 is the 30 days before
-- enrolment, the baseline window (a longer window adds bands -2 and below). Each participant
-- counts once per band: a participant assessed twice in a band contributes the mean of those
-- scores, so someone assessed often does not outweigh the others. The median and the
-- quartiles (25th and 75th percentiles, interpolated between scores: quantile_cont) are taken
-- over those participants and rounded to 1 decimal; participants is how many there were. Scores
-- are raw totals on the instrument's own scale (lower is better for PHQ-9 and GAD-7, higher for
-- the others). Choices where DESIGN.md is silent: the scope goes by the participant's assigned
-- peer (that peer's site and supervisor); discharged participants count for the bands they were
-- assessed in, so later bands hold fewer and different people than earlier ones, and a falling
-- median can mean people left as much as people got better. measure picks one instrument, PHQ9
-- unless told otherwise; an empty measure gives every instrument.
-- param as_of date: the last day whose assessments count (default: the last contact date)
-- param site text: only participants of peers of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- param measure text = PHQ9: the instrument code, e.g. PHQ9, GAD7, WHO5 (empty: every measure)
-- setting baseline_window_days: how many days before enrolment an assessment still counts (band -1)
-- column measure key: the instrument code
-- column months_since_enrolment key: the 30-day band since enrolment (0: days 0-29; -1: the 30 days before)
-- column participants count: participants assessed in the band
-- column median_score stat over participants: the median of their scores (1 decimal)
-- column lower_quartile stat over participants: the 25th percentile of their scores (1 decimal)
-- column upper_quartile stat over participants: the 75th percentile of their scores (1 decimal)
WITH people AS (
    SELECT pa.participant_id, pa.enrolled_on
    FROM participants pa
    JOIN peers pe USING (peer_id)
    WHERE ($site IS NULL OR pe.site = $site)
      AND ($supervisor_id IS NULL OR pe.supervisor_id = $supervisor_id)
      AND ($peer_id IS NULL OR pa.peer_id = $peer_id)
),
-- One score per participant, measure and band: the mean of the participant's scores in it.
banded AS (
    SELECT o.measure, o.participant_id,
           CAST(floor((o.assessed_on - p.enrolled_on) / 30) AS INTEGER) AS band,
           avg(o.score) AS score
    FROM outcomes o
    JOIN people p USING (participant_id)
    WHERE o.assessed_on >= p.enrolled_on - $baseline_window_days
      AND o.assessed_on <= $as_of
      AND ($measure IS NULL OR o.measure = $measure)
    GROUP BY o.measure, o.participant_id, band
),
-- The three quantiles from one sort of each band's scores.
quartiles AS (
    SELECT measure, band, count(*) AS participants,
           quantile_cont(score, [0.25, 0.5, 0.75]) AS q
    FROM banded
    GROUP BY measure, band
)
SELECT
    measure,
    band AS months_since_enrolment,
    participants,
    round(q[2], 1) AS median_score,
    round(q[1], 1) AS lower_quartile,
    round(q[3], 1) AS upper_quartile
FROM quartiles
ORDER BY measure, band
