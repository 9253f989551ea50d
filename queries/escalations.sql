-- escalations: each peer's safety concerns in the window and how soon they were escalated.
-- A safety concern is a contact marked safety_concern (empty counts as no concern) made by the
-- peer from start to end, both days included (by default the 28 days ending as_of). It was
-- escalated in time when escalated_at is no later than the program's escalation hours after the
-- moment the contact began (exactly 24 hours is in time), late when later, and not escalated
-- when escalated_at is empty; the three add up to the concerns. Hours to escalation run from
-- the start of the contact; their median is taken over the escalated concerns only (empty when
-- none was escalated) and shown to one decimal, a half rounded up (5 hours 33 minutes is 5.6).
-- A concern counts for the peer who made the contact, whoever the participant is assigned to
-- now. Every peer in scope is listed, with zeros when there were no safety concerns.
-- param as_of date: the last day looked at when end is not given (default: the last contact date)
-- param start date: the first day looked at (default: end - 27, four weeks)
-- param end date: the last day looked at (default: as_of)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope
-- setting escalation_hours: how many hours after the contact began an escalation is in time
-- column peer_id key: the peer
-- column site key: the peer's site
-- column safety_concerns count: the peer's contacts with a safety concern in the window
-- column escalated_in_time count part of safety_concerns: escalated within the program's escalation hours
-- column escalated_late count part of safety_concerns: escalated, but later than the escalation hours
-- column not_escalated count part of safety_concerns: with no escalation recorded
-- column median_hours_to_escalation stat over safety_concerns: median hours from the start of the contact to the escalation, over the escalated concerns (1 decimal)
WITH
-- Safety concerns in start…end by the peers in scope: a range on the stored, time-ordered
-- column, so DuckDB reads only those weeks.
concerns AS (
    SELECT peer_id, escalated_at,
           (epoch_us(escalated_at) - epoch_us(started_at)) / 3600e6 AS hours,
           (epoch_us(escalated_at) - epoch_us(started_at)) / 60e6 AS minutes
    FROM contacts
    WHERE started_at >= CAST(coalesce($start, coalesce($end, $as_of) - 27) AS TIMESTAMP)
      AND started_at < CAST(coalesce($end, $as_of) + 1 AS TIMESTAMP)
      AND safety_concern
      AND peer_id IN (SELECT peer_id FROM peer_scope)
),
per_peer AS (
    SELECT peer_id,
           count(*) AS safety_concerns,
           count(*) FILTER (WHERE hours <= $escalation_hours) AS escalated_in_time,
           count(*) FILTER (WHERE hours > $escalation_hours) AS escalated_late,
           count(*) FILTER (WHERE escalated_at IS NULL) AS not_escalated,
           -- the median in minutes, shown in hours to one decimal with a half rounded up
           round(median(minutes) / 6) / 10 AS median_hours_to_escalation
    FROM concerns
    GROUP BY peer_id
)
SELECT
    s.peer_id,
    s.site,
    coalesce(p.safety_concerns, 0) AS safety_concerns,
    coalesce(p.escalated_in_time, 0) AS escalated_in_time,
    coalesce(p.escalated_late, 0) AS escalated_late,
    coalesce(p.not_escalated, 0) AS not_escalated,
    p.median_hours_to_escalation
FROM peer_scope s
LEFT JOIN per_peer p USING (peer_id)
ORDER BY s.site, s.peer_id
