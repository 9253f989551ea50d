-- weekly_review: everything a supervisor's card shows for each peer this week, one row per peer.
-- One row for every peer in scope, put together from five other queries so the card and those
-- views always agree: caseload (participants, capacity, contacts and hours of the 7 days ending
-- as_of against the weekly average of the 4 weeks before, participants not seen), the flags of
-- boundary_flags for the same week counted by severity, the latest fidelity total by the
-- peer's supervisor and by the peer themself side by side (never averaged together; each with
-- the day it was rated, as fidelity_scores shows them), supervision_coverage's last session, and
-- peer_development's courses expired or expiring soon and mentoring.
-- The flags are those of boundary_flags' default week (the 7 days ending as_of), the fidelity
-- totals those of every rater role, latest episode only. A peer with no flag shows 0 flags; a
-- peer never rated shows empty fidelity; without a supervision extract the supervision columns
-- are empty, not "overdue"; without a training or mentoring extract, those columns are empty.
-- param as_of date: the last day of the week (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: caseload, boundary_flags, fidelity_scores, supervision_coverage, peer_development
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor
-- column active_participants count: participants assigned to the peer and active on as_of
-- column caseload_capacity value: the peer's capacity (the program default when empty)
-- column utilization rate of active_participants/caseload_capacity: active participants ÷ capacity (3 decimals)
-- column contacts_7d count: contacts by the peer in the 7 days ending as_of (one per participant of a group session)
-- column contacts_avg_prior_4wk value: contacts by the peer per week in the 4 weeks before
-- column contact_hours_7d value: the peer's own hours in the 7 days ending as_of (a group session once)
-- column contact_hours_avg_prior_4wk value: the peer's hours per week in the 4 weeks before
-- column not_seen count: active participants with no contact by any peer in the not_seen_days days ending as_of
-- column urgent_flags count: this week's urgent flags about the peer (boundary_flags)
-- column review_flags count: this week's flags for review about the peer (boundary_flags)
-- column fidelity_supervisor value: the total of the latest supervisor rating on or before as_of (1-5; empty: never rated)
-- column fidelity_supervisor_on value: the day of that supervisor rating
-- column fidelity_self value: the total of the latest self-rating on or before as_of (1-5; empty: never rated)
-- column fidelity_self_on value: the day of that self-rating
-- column last_supervised_on value: the day of the last supervision session on or before as_of (empty: never)
-- column days_since_supervision value: days from last_supervised_on to as_of
-- column supervision_overdue value: true when the last session is more than the supervision interval ago, or none was held (empty without a supervision extract)
-- column courses value: courses the peer completed on or before as_of (empty without a training extract)
-- column courses_expired value: of those, the courses that have expired on as_of
-- column courses_expiring value: of those, the courses that expire in the training warning window
-- column mentor_peer_id value: the peer's current mentor (empty: none)
-- column months_paired value: whole months the peer has been paired with that mentor
-- column mentees value: the peers this peer mentors on as_of
-- column needs_mentor value: true for a peer hired in the new-peer window with no current mentor (empty without a mentoring extract)
WITH flag_counts AS (
    SELECT peer_id,
           count(*) FILTER (WHERE severity = 'urgent') AS urgent_flags,
           count(*) FILTER (WHERE severity = 'review') AS review_flags
    FROM boundary_flags
    GROUP BY peer_id
),
-- The latest episode of each role (fidelity_scores lists only that one).
latest_fidelity AS (
    SELECT peer_id,
           max_by(total_score, rated_on) FILTER (WHERE rater_role = 'supervisor')
               AS fidelity_supervisor,
           max(rated_on) FILTER (WHERE rater_role = 'supervisor') AS fidelity_supervisor_on,
           max_by(total_score, rated_on) FILTER (WHERE rater_role = 'self') AS fidelity_self,
           max(rated_on) FILTER (WHERE rater_role = 'self') AS fidelity_self_on
    FROM fidelity_scores
    WHERE rater_role IN ('supervisor', 'self')
    GROUP BY peer_id
)
SELECT
    c.peer_id,
    c.site,
    c.supervisor_id,
    c.active_participants,
    c.caseload_capacity,
    c.utilization,
    c.contacts_7d,
    c.contacts_avg_prior_4wk,
    c.contact_hours_7d,
    c.contact_hours_avg_prior_4wk,
    c.not_seen,
    coalesce(f.urgent_flags, 0) AS urgent_flags,
    coalesce(f.review_flags, 0) AS review_flags,
    r.fidelity_supervisor,
    r.fidelity_supervisor_on,
    r.fidelity_self,
    r.fidelity_self_on,
    s.last_supervised_on,
    s.days_since AS days_since_supervision,
    s.overdue AS supervision_overdue,
    d.courses,
    d.courses_expired,
    d.courses_expiring,
    d.mentor_peer_id,
    d.months_paired,
    d.mentees,
    d.needs_mentor
FROM caseload c
LEFT JOIN flag_counts f USING (peer_id)
LEFT JOIN latest_fidelity r USING (peer_id)
LEFT JOIN supervision_coverage s USING (peer_id)
LEFT JOIN peer_development d USING (peer_id)
ORDER BY c.site, c.peer_id
