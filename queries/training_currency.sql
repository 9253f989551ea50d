-- training_currency: each peer's courses on as_of: the latest completion, when it expires, and whether it has expired or expires soon.
-- A course is what the training table calls it, spelled as recorded. For each peer in scope and
-- each course they completed on or before as_of, the latest completion counts (completions
-- after as_of are ignored; of two on the same day, the one that expires last). The course has
-- expired when its expires_on is on or before as_of (a course expiring on as_of has expired),
-- and it expires soon when its expires_on falls in the training warning window after as_of:
-- as_of + 1 to as_of + 60 days by default (expiring on as_of + 60 is soon, on as_of + 61 is
-- not). A completion with no expires_on never expires. A peer with no completion recorded has
-- no row here (peer_development counts their courses as 0). Each peer's courses come in order
-- of expiry, the expired first, those that never expire last.
-- param as_of date: the day counted (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: peer_scope
-- setting training_warning_days: how many days after as_of an expiry makes a course expire soon
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor
-- column course key: the course, as the training table names it
-- column completed_on value: the latest completion of the course on or before as_of
-- column expires_on value: when that completion expires (empty: it never does)
-- column days_to_expiry value: days from as_of to expires_on (0 or fewer: expired)
-- column expired value: true when expires_on is on or before as_of
-- column expires_soon value: true when expires_on falls in the training warning window after as_of
WITH latest AS (
    SELECT peer_id, course, completed_on, expires_on
    FROM training
    WHERE completed_on <= $as_of
      AND peer_id IN (SELECT peer_id FROM peer_scope)
    QUALIFY row_number() OVER (PARTITION BY peer_id, course
                               ORDER BY completed_on DESC, expires_on DESC NULLS FIRST) = 1
)
SELECT
    s.peer_id,
    s.site,
    s.supervisor_id,
    l.course,
    l.completed_on,
    l.expires_on,
    l.expires_on - $as_of AS days_to_expiry,
    coalesce(l.expires_on <= $as_of, false) AS expired,
    coalesce(l.expires_on > $as_of AND l.expires_on <= $as_of + $training_warning_days, false)
        AS expires_soon
FROM latest l
JOIN peer_scope s USING (peer_id)
ORDER BY s.site, s.peer_id, l.expires_on NULLS LAST, l.course
