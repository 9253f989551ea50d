-- peer_scope: the peers the dashboard's filters select — site, supervisor, peer — with each peer's site, supervisor and caseload capacity.
-- Every peer-level metric starts from this list, so that a site, supervisor or peer filter
-- means the same thing on every page: a peer belongs to the site and the supervisor of their
-- row in the peers table. The capacity is the extract's own; a metric that needs it where the
-- extract leaves it empty takes the program default (the default_capacity setting).
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- column peer_id key: the peer
-- column site key: the peer's site
-- column supervisor_id value: the peer's supervisor
-- column caseload_capacity value: the peer's caseload capacity as the extract gives it (empty when not given)
SELECT peer_id, site, supervisor_id, caseload_capacity
FROM peers
WHERE ($site IS NULL OR site = $site)
  AND ($supervisor_id IS NULL OR supervisor_id = $supervisor_id)
  AND ($peer_id IS NULL OR peer_id = $peer_id)
ORDER BY site, peer_id
