-- outcome_trajectories: every assessment of each participant on an outcome measure, by days since enrolment, for trajectory lines.
-- One row per assessment dated from the start of the baseline window (enrolment minus
-- baseline_window_days, 30 by default) to as_of, both included: the same assessments
-- outcome_change chooses its baseline and latest from, so a line starts at the baseline.
-- Days since enrolment is the assessment day minus enrolled_on, negative for an assessment
-- before enrolment. Choices where DESIGN.md is silent: the scope goes by the participant's
-- assigned peer (that peer's site and supervisor), so the lines of a peer's card are that
-- peer's participants, discharged ones included; two assessments of one measure on one day are
-- both listed (the lower score first). measure picks one instrument, PHQ9 unless told
-- otherwise; an empty measure lists every instrument. These are participant-level rows: never
-- shown to the leadership role (outcome_medians is the program-level view of the same data).
-- param as_of date: the last day whose assessments are listed (default: the last contact date)
-- param site text: only participants of peers of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- param measure text = PHQ9: the instrument code, e.g. PHQ9, GAD7, WHO5 (empty: every measure)
-- setting baseline_window_days: how many days before enrolment an assessment still counts (as a baseline)
-- column participant_id id: the participant
-- column peer_id key: the participant's assigned peer
-- column measure key: the instrument code
-- column assessed_on value: the day of the assessment
-- column days_since_enrolment value: assessed_on minus enrolled_on in days (negative before enrolment)
-- column score value: the raw score on the instrument's own scale
WITH people AS (
    SELECT pa.participant_id, pa.peer_id, pa.enrolled_on
    FROM participants pa
    JOIN peers pe USING (peer_id)
    WHERE ($site IS NULL OR pe.site = $site)
      AND ($supervisor_id IS NULL OR pe.supervisor_id = $supervisor_id)
      AND ($peer_id IS NULL OR pa.peer_id = $peer_id)
)
SELECT
    o.participant_id,
    p.peer_id,
    o.measure,
    o.assessed_on,
    o.assessed_on - p.enrolled_on AS days_since_enrolment,
    o.score
FROM outcomes o
JOIN people p USING (participant_id)
WHERE o.assessed_on >= p.enrolled_on - $baseline_window_days
  AND o.assessed_on <= $as_of
  AND ($measure IS NULL OR o.measure = $measure)
ORDER BY o.measure, o.participant_id, o.assessed_on, o.score
