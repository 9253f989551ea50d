-- participant_scope: the participants the dashboard's filters select: those whose assigned peer is in peer_scope, with the peer's site and their own.
-- A participant belongs to the team of the peer the participants table assigns them to, so the
-- site filter means the peer's site for participants too: a site's figures count the
-- participants its peers serve, wherever the participant's own site is recorded, and a site
-- manager's scope is the same people. A participant's own site (the peer's site when empty) is
-- only a grouping: participant_site. Everyone assigned to a peer in scope is listed, discharged
-- or not yet enrolled included; each metric picks the days it counts. Every participant-level
-- or participant-counting metric starts from this list.
-- param site text: only participants of peers of this site (default: all sites)
-- param supervisor_id text: only participants of this supervisor's peers (default: all)
-- param peer_id text: only participants assigned to this peer (default: all)
-- uses: peer_scope
-- column participant_id id: the participant
-- column peer_id key: the assigned peer
-- column site key: the assigned peer's site
-- column participant_site key: the participant's own site (the peer's site when empty)
-- column supervisor_id value: the assigned peer's supervisor
-- column enrolled_on value: the day the participant enrolled
-- column discharged_on value: the day the participant was discharged (empty: still enrolled)
SELECT pa.participant_id, pa.peer_id, s.site, coalesce(pa.site, s.site) AS participant_site,
       s.supervisor_id, pa.enrolled_on, pa.discharged_on
FROM participants pa
JOIN peer_scope s USING (peer_id)
ORDER BY s.site, pa.peer_id, pa.participant_id
