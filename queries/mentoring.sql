-- mentoring: each peer's mentor and mentees on as_of, and the new peers still without a mentor.
-- A pairing (a row of the mentoring table) is current on as_of when it started on or before
-- as_of and has not ended: ended_on empty or after as_of (a pairing that ends on as_of is over,
-- as a participant discharged that day is no longer active). Every peer in scope is listed with
-- their current mentor (several: in the order they began, separated by "; "), the day the
-- earliest of those pairings began and the whole months since (a pairing begun on 15 January
-- is 1 month old on 15 February, still 0 on the 14th), and the peers they mentor now. A peer is
-- new when hired in the new-peer window ending as_of: the 180 days as_of - 179 to as_of by
-- default (hired on as_of - 179 is new, on as_of - 180 is not; a peer whose hired_on is empty
-- is neither). A new peer with no current mentor needs one: a prompt for supervision, not a
-- fault. A mentor or mentee beyond the peers the person asking may see is counted but never
-- named. Without a mentoring extract nothing is known: the mentoring columns are empty.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope
-- setting new_peer_days: a peer hired in this many days ending as_of is new
-- context allowed_peers: the peers the person asking may see (empty: every peer), the only ones named
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor
-- column hired_on value: the day the peer was hired (empty: not recorded)
-- column new_peer value: true when hired in the new-peer window ending as_of (empty when hired_on is)
-- column mentor_peer_id value: the peer's current mentor (several separated by "; "; empty: none, or one the person asking may not see)
-- column mentored_since value: the day the peer's earliest current pairing as a mentee began
-- column months_paired value: whole months from mentored_since to as_of
-- column mentees value: the peers this peer mentors on as_of, separated by "; "
-- column mentee_count staff count: how many peers this peer mentors on as_of
-- column needs_mentor value: true for a new peer with no current mentor (empty without a mentoring extract, or when hired_on is)
WITH extract AS (
    SELECT EXISTS (
        SELECT 1 FROM extract_tables WHERE table_name = 'mentoring' AND present
    ) AS present
),
current_pairs AS (
    SELECT mentor_peer_id, mentee_peer_id, started_on,
           $allowed_peers IS NULL OR list_contains($allowed_peers, mentor_peer_id)
               AS mentor_named,
           $allowed_peers IS NULL OR list_contains($allowed_peers, mentee_peer_id)
               AS mentee_named
    FROM mentoring
    WHERE started_on <= $as_of
      AND (ended_on IS NULL OR ended_on > $as_of)
),
mentors AS (
    SELECT mentee_peer_id AS peer_id,
           string_agg(mentor_peer_id, '; ' ORDER BY started_on, mentor_peer_id)
               FILTER (WHERE mentor_named) AS mentor_peer_id,
           min(started_on) AS mentored_since
    FROM current_pairs
    GROUP BY mentee_peer_id
),
mentees AS (
    SELECT mentor_peer_id AS peer_id,
           string_agg(mentee_peer_id, '; ' ORDER BY mentee_peer_id) FILTER (WHERE mentee_named)
               AS mentees,
           count(*) AS mentee_count
    FROM current_pairs
    GROUP BY mentor_peer_id
),
hires AS (
    SELECT s.peer_id, s.site, s.supervisor_id, p.hired_on,
           p.hired_on > $as_of - $new_peer_days AND p.hired_on <= $as_of AS new_peer
    FROM peer_scope s
    JOIN peers p USING (peer_id)
)
SELECT
    h.peer_id,
    h.site,
    h.supervisor_id,
    h.hired_on,
    h.new_peer,
    m.mentor_peer_id,
    m.mentored_since,
    date_sub('month', m.mentored_since, $as_of) AS months_paired,
    t.mentees,
    CASE WHEN e.present THEN coalesce(t.mentee_count, 0) END AS mentee_count,
    CASE WHEN e.present THEN h.new_peer AND m.peer_id IS NULL END AS needs_mentor
FROM hires h
CROSS JOIN extract e
LEFT JOIN mentors m USING (peer_id)
LEFT JOIN mentees t USING (peer_id)
ORDER BY h.site, h.peer_id
