-- peer_development: each peer's training currency and mentoring on as_of, one row per peer.
-- What the weekly review card, the caseload page and the workforce figures say about a peer's
-- development, put together from training_currency (the latest completion of each course on or
-- before as_of) and mentoring, so that they always agree with those two: how many courses the
-- peer has completed, how many have expired and how many expire soon (in the training warning
-- window, 60 days by default), the next expiry still ahead, and the peer's current mentor,
-- months paired, mentees, and whether the peer is new and still needs a mentor. A peer with no
-- course recorded has 0 courses. Without a training extract the course figures are empty
-- rather than 0; without a mentoring extract, the mentoring ones.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope, training_currency, mentoring
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor
-- column courses value: courses the peer completed on or before as_of (each counted once)
-- column courses_expired value: of those, the courses whose latest completion has expired
-- column courses_expiring value: of those, the courses that expire soon
-- column next_expiry_on value: the earliest expiry after as_of (empty: none ahead)
-- column mentor_peer_id value: the peer's current mentor, as mentoring names them
-- column months_paired value: whole months the peer has been paired with that mentor
-- column mentees value: the peers this peer mentors on as_of
-- column new_peer value: true when hired in the new-peer window ending as_of
-- column needs_mentor value: true for a new peer with no current mentor
WITH extract AS (
    SELECT EXISTS (
        SELECT 1 FROM extract_tables WHERE table_name = 'training' AND present
    ) AS present
),
course_counts AS (
    SELECT peer_id,
           count(*) AS courses,
           count(*) FILTER (WHERE expired) AS courses_expired,
           count(*) FILTER (WHERE expires_soon) AS courses_expiring,
           min(expires_on) FILTER (WHERE NOT expired) AS next_expiry_on
    FROM training_currency
    GROUP BY peer_id
)
SELECT
    s.peer_id,
    s.site,
    s.supervisor_id,
    CASE WHEN e.present THEN coalesce(c.courses, 0) END AS courses,
    CASE WHEN e.present THEN coalesce(c.courses_expired, 0) END AS courses_expired,
    CASE WHEN e.present THEN coalesce(c.courses_expiring, 0) END AS courses_expiring,
    c.next_expiry_on,
    m.mentor_peer_id,
    m.months_paired,
    m.mentees,
    m.new_peer,
    m.needs_mentor
FROM peer_scope s
CROSS JOIN extract e
LEFT JOIN course_counts c USING (peer_id)
JOIN mentoring m USING (peer_id)
ORDER BY s.site, s.peer_id
