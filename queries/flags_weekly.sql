-- flags_weekly: how many flags of each rule and severity each week, for a chart of the weeks before the review.
-- Counts the rows of boundary_flags by week. Weeks are blocks of 7 days counted back from the
-- window's end (end, or as_of when end is empty), so the newest block is the review week
-- itself (end - 6 to end) and each week is named by its last day, whatever weekday that is.
-- Only weeks, rules and severities with at least one flag have a row: a chart fills the gaps
-- with zeros. By default boundary_flags looks at one week; to chart more, widen its start, e.g.
-- start = as_of - 83 for twelve weeks (a start that does not fall on a block's first day makes
-- the oldest week partial). The contact rules (after_hours, extended_contact,
-- post_discharge_contact, reported_concern, unescalated_safety) are counted in the week of the
-- contact. The peer rules (over_capacity, supervision_gap) and concentration are evaluated on
-- the window's end only, so they appear in the newest week and never in earlier ones: the chart
-- shows them as they stand now, not how they stood each week.
-- param as_of date: the last day looked at when end is not given (default: the last contact date)
-- param start date: the first day whose flags are counted (default: end - 6, a week)
-- param end date: the last day whose flags are counted, and the end of the newest week (default: as_of)
-- param site text: only flags about peers of this site (default: all sites)
-- param supervisor_id text: only flags about this supervisor's peers (default: all)
-- param peer_id text: only flags about this peer (default: all)
-- uses: boundary_flags
-- column week_ending key: the last day of the 7-day block (the newest block ends on end, or as_of)
-- column rule key: the flag's rule (see boundary_flags)
-- column severity key: urgent or review
-- column flags count: flags of that rule and severity raised in the week
WITH bounds AS (
    SELECT coalesce($end, $as_of) AS end_day
)
SELECT
    b.end_day - CAST(7 * ((b.end_day - f.flagged_on) // 7) AS INTEGER) AS week_ending,
    f.rule,
    f.severity,
    count(*) AS flags
FROM boundary_flags f
CROSS JOIN bounds b
GROUP BY week_ending, f.rule, f.severity
ORDER BY week_ending, f.rule, f.severity
