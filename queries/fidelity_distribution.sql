-- fidelity_distribution: how many of each site's peers fall in each band of fidelity, by their latest supervisor rating.
-- The distribution leadership sees in place of peers' own scores: each peer's latest supervisor
-- total on or before as_of (as fidelity_scores gives it) is put in a half-point band on the
-- 1-5 scale, the lowest band being everything below 3 and the highest 4.5 and above, and the
-- peers in each band are counted per site. Bands with no peers are listed with 0, so the chart
-- keeps its shape. Peers never rated by a supervisor are not counted. Peers are staff: their
-- counts are shown to leadership as they are, unless the program suppresses staff counts too.
-- param as_of date: ratings on or before this day count (default: the last contact date)
-- param site text: only peers of this site (default: all sites)
-- param supervisor_id text: only this supervisor's peers (default: all)
-- param peer_id text: only this peer (default: all)
-- uses: fidelity_scores(rater_role = 'supervisor', all_episodes = false)
-- column site key: the site
-- column band key: the band of the latest supervisor total: below 3, 3 to 3.5, 3.5 to 4, 4 to 4.5, 4.5 and above
-- column peers staff count: peers of the site whose latest supervisor total falls in the band
WITH bands AS (
    SELECT * FROM (VALUES (1, 'below 3'), (2, '3 to 3.5'), (3, '3.5 to 4'), (4, '4 to 4.5'),
                          (5, '4.5 and above')) AS b(band_order, band)
),
rated AS (
    SELECT site,
           CASE WHEN total_score < 3 THEN 1 WHEN total_score < 3.5 THEN 2
                WHEN total_score < 4 THEN 3 WHEN total_score < 4.5 THEN 4 ELSE 5 END AS band_order
    FROM fidelity_scores
),
sites AS (
    SELECT DISTINCT site FROM rated
)
SELECT s.site, b.band, count(r.band_order) AS peers
FROM sites s
CROSS JOIN bands b
LEFT JOIN rated r ON r.site = s.site AND r.band_order = b.band_order
GROUP BY s.site, b.band, b.band_order
ORDER BY s.site, b.band_order
