-- equity: engagement and reliable improvement by age band, gender, race and ethnicity, preferred language, and language concordance with the peer.
-- For each group of participants: how many are active on as_of and how many of them had at least
-- one contact with any peer in the not-seen window (30 days by default) ending as_of; and, for
-- the chosen measure (PHQ-9 by default), how many participants have a baseline-to-latest pair in
-- outcome_change and how many of those reliably improved. Outcome pairs count every participant
-- in scope, active on as_of or not, so a group with no active participant but outcome pairs is
-- still listed; a group with neither is left out. Language concordance compares the
-- participant's preferred language with the languages of their assigned peer (ignoring case and
-- spaces): concordant, not concordant, or not recorded when either is empty. An empty category
-- is shown as "not recorded" (the contract's "unknown" age band stays a category of its own).
-- With the measure emptied, every measure's pairs are counted together. Rows come in the order
-- age_band, gender, race_ethnicity, preferred_language, language_concordance, then by category.
-- uses: outcome_change
-- param measure text = PHQ9: the instrument whose improvement is shown (empty: every measure)
-- setting not_seen_days: the days ending as_of in which one contact makes an active participant engaged
-- column dimension key: age_band, gender, race_ethnicity, preferred_language or language_concordance
-- column category key: the participants' value of that dimension ("not recorded" when empty)
-- column participants count: participants in the category active on as_of
-- column engaged count: of those, participants with a contact by any peer in the not_seen_days days ending as_of
-- column engagement_rate rate of engaged/participants: engaged ÷ active participants (3 decimals)
-- column outcome_pairs count: participants in the category with a baseline and a later assessment of the measure
-- column improved count: of those pairs, the ones that reliably improved
-- column improved_pct rate of improved/outcome_pairs: improved as a percentage of outcome pairs (1 decimal)
WITH members AS (
    SELECT pa.participant_id, pa.age_band, pa.gender, pa.race_ethnicity,
           pa.preferred_language, pe.languages,
           pa.enrolled_on <= $as_of
               AND (pa.discharged_on IS NULL OR pa.discharged_on > $as_of) AS active
    FROM participants pa
    JOIN peers pe USING (peer_id)
    WHERE ($site IS NULL OR coalesce(pa.site, pe.site) = $site)
      AND ($supervisor_id IS NULL OR pe.supervisor_id = $supervisor_id)
      AND ($peer_id IS NULL OR pa.peer_id = $peer_id)
),
-- Anyone seen by any peer in the window (a range on the stored, time-ordered column).
seen AS (
    SELECT DISTINCT participant_id
    FROM contacts
    WHERE started_at >= CAST($as_of - ($not_seen_days - 1) AS TIMESTAMP)
      AND started_at < CAST($as_of + 1 AS TIMESTAMP)
),
pairs AS (
    SELECT participant_id,
           count(*) AS outcome_pairs,
           count(*) FILTER (WHERE category = 'improved') AS improved
    FROM outcome_change
    GROUP BY participant_id
),
people AS (
    SELECT m.participant_id, m.active,
           m.active AND s.participant_id IS NOT NULL AS engaged,
           coalesce(p.outcome_pairs, 0) AS outcome_pairs,
           coalesce(p.improved, 0) AS improved,
           coalesce(m.age_band, 'not recorded') AS age_band,
           coalesce(m.gender, 'not recorded') AS gender,
           coalesce(m.race_ethnicity, 'not recorded') AS race_ethnicity,
           coalesce(m.preferred_language, 'not recorded') AS preferred_language,
           CASE WHEN nullif(trim(m.preferred_language), '') IS NULL
                  OR nullif(trim(m.languages), '') IS NULL THEN 'not recorded'
                WHEN list_contains(
                         list_transform(string_split(lower(m.languages), ';'), lambda x: trim(x)),
                         lower(trim(m.preferred_language))) THEN 'concordant'
                ELSE 'not concordant'
           END AS language_concordance
    FROM members m
    LEFT JOIN seen s USING (participant_id)
    LEFT JOIN pairs p USING (participant_id)
),
by_dimension AS (
    UNPIVOT people
    ON age_band, gender, race_ethnicity, preferred_language, language_concordance
    INTO NAME dimension VALUE category
),
counts AS (
    SELECT dimension, category,
           count(*) FILTER (WHERE active) AS participants,
           count(*) FILTER (WHERE engaged) AS engaged,
           sum(outcome_pairs)::BIGINT AS outcome_pairs,
           sum(improved)::BIGINT AS improved
    FROM by_dimension
    GROUP BY dimension, category
)
SELECT dimension, category, participants, engaged,
       round(engaged / nullif(participants, 0), 3) AS engagement_rate,
       outcome_pairs, improved,
       round(100 * improved / nullif(outcome_pairs, 0), 1) AS improved_pct
FROM counts
WHERE participants > 0 OR outcome_pairs > 0
ORDER BY list_position(['age_band', 'gender', 'race_ethnicity', 'preferred_language',
                        'language_concordance'], dimension), category
