-- hospital_days: inpatient bed days of each peer's participants in the 180 days (a setting) before enrolment and the 180 days after.
-- After Sledge et al. (Psychiatr Serv 2011), who found fewer hospital days with peer mentors.
-- A participant counts when enrolled at least the window (180 days by default) by as_of:
-- enrolled_on on or before as_of minus the window, whether or not still enrolled (a participant
-- who left the program early still counts). Participants are those now assigned to the peer.
-- A stay occupies a bed from admitted_on to the day before discharged_on (the discharge day is
-- not a bed day); a stay discharged the day it began counts one day, and a stay with no
-- discharge yet runs through as_of. "Before" is the window days ending the day before
-- enrolment (enrolled_on - 180 to enrolled_on - 1) and "after" the window days from enrolment
-- (enrolled_on to enrolled_on + 179): a stay across enrolment is split between them, and days
-- outside both are not counted. A day covered by two overlapping stays of one participant
-- counts once. The means are per eligible participant, whether admitted or not. Every peer in
-- scope is listed. Without an admissions extract nothing is known about stays: only the
-- participants are counted and the rest is empty rather than zero.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope, participant_scope
-- setting hospital_window_days: days before and after enrolment compared, and how long a participant must have been enrolled
-- column peer_id key: the peer the participants are assigned to
-- column site key: the peer's site
-- column participants count: participants enrolled at least the window by as_of
-- column admitted_before count: eligible participants with a bed day in the window before enrolment
-- column admitted_after count: eligible participants with a bed day in the window from enrolment
-- column bed_days_before value: bed days of those participants in the window before enrolment
-- column bed_days_after value: bed days of those participants in the window from enrolment
-- column mean_bed_days_before stat over participants: bed days before ÷ participants (2 decimals)
-- column mean_bed_days_after stat over participants: bed days after ÷ participants (2 decimals)
WITH extract AS (
    SELECT EXISTS (
        SELECT 1 FROM extract_tables WHERE table_name = 'admissions' AND present
    ) AS present
),
eligible AS (
    SELECT participant_id, peer_id, enrolled_on
    FROM participant_scope
    WHERE enrolled_on <= $as_of - $hospital_window_days
),
-- Each stay's bed days as days relative to enrolment (0 = the enrolment day), cut to the two
-- windows: -window … -1 before, 0 … window - 1 after.
stays AS (
    SELECT e.participant_id, e.peer_id,
           greatest(a.admitted_on - e.enrolled_on, -$hospital_window_days) AS first_day,
           least(CASE WHEN a.discharged_on IS NULL THEN $as_of
                      ELSE greatest(a.admitted_on, a.discharged_on - 1) END - e.enrolled_on,
                 $hospital_window_days - 1) AS last_day
    FROM admissions a
    JOIN eligible e USING (participant_id)
),
-- Overlapping stays count each day once: taken in order of their first day, a stay adds only
-- the days after the last day of every stay before it.
new_days AS (
    SELECT participant_id, peer_id, last_day,
           greatest(first_day, 1 + max(last_day) OVER (
               PARTITION BY participant_id ORDER BY first_day, last_day
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS first_day
    FROM stays
    WHERE first_day <= last_day
),
per_participant AS (
    SELECT peer_id, participant_id,
           sum(greatest(0, least(last_day, -1) - first_day + 1)) AS days_before,
           sum(greatest(0, last_day - greatest(first_day, 0) + 1)) AS days_after
    FROM new_days
    GROUP BY peer_id, participant_id
),
stayed AS (
    SELECT peer_id,
           count(*) FILTER (WHERE days_before > 0) AS admitted_before,
           count(*) FILTER (WHERE days_after > 0) AS admitted_after,
           sum(days_before) AS bed_days_before,
           sum(days_after) AS bed_days_after
    FROM per_participant
    GROUP BY peer_id
),
enrolled AS (
    SELECT peer_id, count(*) AS participants
    FROM eligible
    GROUP BY peer_id
)
SELECT
    s.peer_id,
    s.site,
    coalesce(n.participants, 0) AS participants,
    CASE WHEN e.present THEN coalesce(h.admitted_before, 0) END AS admitted_before,
    CASE WHEN e.present THEN coalesce(h.admitted_after, 0) END AS admitted_after,
    CASE WHEN e.present THEN coalesce(h.bed_days_before, 0)::BIGINT END AS bed_days_before,
    CASE WHEN e.present THEN coalesce(h.bed_days_after, 0)::BIGINT END AS bed_days_after,
    CASE WHEN e.present THEN round(coalesce(h.bed_days_before, 0) / n.participants, 2)
        END AS mean_bed_days_before,
    CASE WHEN e.present THEN round(coalesce(h.bed_days_after, 0) / n.participants, 2)
        END AS mean_bed_days_after
FROM peer_scope s
CROSS JOIN extract e
LEFT JOIN enrolled n USING (peer_id)
LEFT JOIN stayed h USING (peer_id)
ORDER BY s.site, s.peer_id
