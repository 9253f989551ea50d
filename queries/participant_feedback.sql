-- participant_feedback: what participants said in the survey, item by item — the share agreeing, the mean score, the respondents and the response rate — for each peer, each site or the program.
-- Each item is a statement answered from 1 (strongly disagree) to 5 (strongly agree): a
-- participant agrees with a 4 or a 5, disagrees with a 1 or a 2, and neither with a 3. Answers
-- given from start to end count (by default the 90 days ending as_of, as_of - 89 to as_of); a
-- participant who answered an item more than once counts once, with their latest answer (of two
-- on one day, the lower). An answer counts for the peer it is about; an answer that names no
-- peer counts for the site of the participant's assigned peer, and for the program, never for
-- a peer. The scope filters pick that peer: a site's figures count the answers about its peers
-- and the answers naming no peer from its peers' participants. Respondents are the participants
-- who answered the item; the response rate divides them by the participants active at some time
-- in the window (enrolled on or before end, not discharged by start) whose assigned peer is in
-- the group: that peer, the site's peers, or every peer in scope. The answers themselves
-- (agreeing, neither, disagreeing, the shares and the mean) are shown only where at least
-- min_peer_respondents participants (5 by default) answered the item, whatever the grouping, so
-- that no answer can be traced to one participant through the peer they describe — a site, a
-- supervisor or a peer filter with one peer would otherwise show that peer's own figures;
-- figures_note says when they are withheld. Only items someone answered are listed; in each
-- group the strengths come first (the highest share agreeing), withheld figures last.
-- param by text = program, one of program|site|peer: program (one row per item), site (the peers' site) or peer (the peer the answers are about)
-- param as_of date: the day the default window ends (default: the last contact date)
-- param start date: the first day counted (default: 89 days before end, a 90-day window)
-- param end date: the last day counted (default: as_of)
-- param site text: only answers about peers of this site, or naming no peer from their participants (default: all sites)
-- param supervisor_id text: only answers about this supervisor's peers, or naming no peer from their participants (default: all)
-- param peer_id text: only answers about this peer, or naming no peer from their participants (default: all)
-- uses: peer_scope, participant_scope
-- setting min_peer_respondents: the fewest respondents to an item whose answers are shown
-- column site key: the peers' site (empty for the program)
-- column peer_id key: the peer the answers are about (empty unless by peer)
-- column item key: the survey item
-- column respondents count: participants who answered the item in the window
-- column agreeing count part of respondents: respondents whose answer was 4 or 5
-- column neutral count part of respondents: respondents whose answer was 3
-- column disagreeing count part of respondents: respondents whose answer was 1 or 2
-- column share_agreeing rate of agreeing/respondents: agreeing ÷ respondents (3 decimals)
-- column share_disagreeing rate of disagreeing/respondents: disagreeing ÷ respondents (3 decimals)
-- column mean_score stat over respondents: the mean answer, from 1 to 5 (2 decimals)
-- column participants count: participants active at some time in the window whose assigned peer is in the group
-- column response_rate rate of respondents/participants: respondents ÷ participants (3 decimals)
-- column figures_note value: why the answers are not shown (fewer respondents than the minimum), or empty
WITH window_days AS (
    SELECT coalesce($start, coalesce($end, $as_of) - 89) AS first_day,
           coalesce($end, $as_of) AS last_day
),
-- Each answer of the window, with the site of the peer it counts for: the peer it is about,
-- else the participant's assigned peer.
answers AS (
    SELECT f.participant_id, f.item, f.score, f.surveyed_on, f.peer_id AS about_peer, s.site
    FROM feedback f
    JOIN participants pa USING (participant_id)
    JOIN peer_scope s ON s.peer_id = coalesce(f.peer_id, pa.peer_id)
    WHERE f.surveyed_on BETWEEN (SELECT first_day FROM window_days)
                            AND (SELECT last_day FROM window_days)
),
grouped AS (
    SELECT CASE WHEN coalesce($by, 'program') IN ('site', 'peer') THEN site END AS group_site,
           CASE WHEN $by = 'peer' THEN about_peer END AS group_peer,
           participant_id, item, score, surveyed_on
    FROM answers
    WHERE coalesce($by, 'program') <> 'peer' OR about_peer IS NOT NULL
),
-- One answer per participant, item and group: the latest.
latest AS (
    SELECT group_site, group_peer, item, score
    FROM grouped
    QUALIFY row_number() OVER (PARTITION BY group_site, group_peer, participant_id, item
                               ORDER BY surveyed_on DESC, score) = 1
),
counts AS (
    SELECT group_site, group_peer, item,
           count(*) AS respondents,
           count(*) FILTER (WHERE score >= 4) AS agreeing,
           count(*) FILTER (WHERE score = 3) AS neutral,
           count(*) FILTER (WHERE score <= 2) AS disagreeing,
           avg(score) AS mean_score,
           count(*) >= $min_peer_respondents AS shown
    FROM latest
    GROUP BY group_site, group_peer, item
),
-- The denominators: participants active at some time in the window, grouped by their assigned
-- peer the same way.
active AS (
    SELECT CASE WHEN coalesce($by, 'program') IN ('site', 'peer') THEN site END AS group_site,
           CASE WHEN $by = 'peer' THEN peer_id END AS group_peer,
           count(*) AS participants
    FROM participant_scope
    WHERE enrolled_on <= (SELECT last_day FROM window_days)
      AND (discharged_on IS NULL OR discharged_on > (SELECT first_day FROM window_days))
    GROUP BY ALL
)
SELECT
    c.group_site AS site,
    c.group_peer AS peer_id,
    c.item,
    c.respondents,
    CASE WHEN c.shown THEN c.agreeing END AS agreeing,
    CASE WHEN c.shown THEN c.neutral END AS neutral,
    CASE WHEN c.shown THEN c.disagreeing END AS disagreeing,
    CASE WHEN c.shown THEN round(c.agreeing / c.respondents, 3) END AS share_agreeing,
    CASE WHEN c.shown THEN round(c.disagreeing / c.respondents, 3) END AS share_disagreeing,
    CASE WHEN c.shown THEN round(c.mean_score, 2) END AS mean_score,
    coalesce(a.participants, 0) AS participants,
    round(c.respondents / nullif(a.participants, 0), 3) AS response_rate,
    CASE WHEN NOT c.shown
        THEN printf('fewer than %d respondents: answers not shown', $min_peer_respondents)
    END AS figures_note
FROM counts c
LEFT JOIN active a
  ON a.group_site IS NOT DISTINCT FROM c.group_site
 AND a.group_peer IS NOT DISTINCT FROM c.group_peer
ORDER BY site, peer_id, share_agreeing DESC NULLS LAST, mean_score DESC NULLS LAST, c.item
