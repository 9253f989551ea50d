-- boundary_flags: boundary, safety and workload flags to talk about in supervision, one row per flag.
-- A flag is a prompt for a supervision conversation, never a finding: each row names the rule,
-- the peer, the participant or contact it concerns, and a sentence with the numbers that
-- raised it. Contact rules look at the contacts dated start to end, both days included (by
-- default the 7 days ending as_of); peer rules are evaluated on end. One contact can raise
-- several flags (after hours and extended, say), one row each. The scope filters pick the peer
-- of the flag: for a contact rule the peer who made the contact, whoever the participant is
-- assigned to now. Where the design leaves a choice open, this query makes these:
-- after_hours goes by the clock time and weekday the contact began, not when it ended.
-- extended_contact compares the contact with the program's median duration for its mode over
-- every contact in the extract, whatever the dates and the scope, so narrowing the view never
-- moves the bar (each attendee's row of a group session counts as one contact; with an even
-- number of contacts the median is the mean of the middle two). post_discharge_contact counts
-- the days from the participant's discharged_on. reported_concern writes the concern in words
-- (romantic_or_sexual as "romantic or sexual"). unescalated_safety measures from the moment the
-- contact began to escalated_at; the detail gives hours to one decimal (a half rounded up), or
-- hours and minutes when one decimal would hide how late it was. concentration adds up each
-- contact row's minutes, so a group session counts in full for every attendee, and takes the
-- peer's median over every participant the peer had a contact with in the window, this
-- participant included. over_capacity counts the participants assigned to the peer in the
-- extract and active on end, as the caseload view does. supervision_gap counts a session held
-- with any supervisor, names the last session on or before end, and is raised only for a peer
-- with active participants on end, and only when a supervision extract was loaded. Rows come
-- urgent first, then the latest first, then by peer, rule, contact and participant.
-- param as_of date: the last day looked at when end is not given (default: the last contact date)
-- param start date: the first day whose contacts are looked at (default: end - 6, a week)
-- param end date: the last day whose contacts are looked at, and the day peer rules are evaluated (default: as_of)
-- param site text: only flags about peers of this site (default: all sites)
-- param supervisor_id text: only flags about this supervisor's peers (default: all)
-- param peer_id text: only flags about this peer (default: all)
-- uses: peer_scope
-- setting sanctioned_start: the start of sanctioned hours (a contact starting at it is inside)
-- setting sanctioned_end: the end of sanctioned hours (a contact starting at it is outside)
-- setting sanctioned_days: the weekdays on which contacts are sanctioned
-- setting extended_min_minutes: the shortest duration the extended_contact rule flags
-- setting extended_median_multiple: extended_contact also needs this multiple of the program's median for the mode
-- setting escalation_hours: a safety concern escalated later than this many hours is flagged
-- setting urgent_concerns: the boundary concerns whose flag is urgent rather than for review
-- setting concentration_window_days: the days, ending end, looked at by the concentration rule
-- setting concentration_multiple: a participant's minutes at or above this multiple of the peer's median
-- setting concentration_min_contacts: the fewest contacts with the participant for a concentration flag
-- setting concentration_min_participants: the fewest participants the peer must have seen for a concentration flag
-- setting default_capacity: the capacity of a peer whose caseload_capacity is empty
-- setting supervision_interval_days: the days, ending end, in which a peer should have had supervision
-- column rule key: after_hours, extended_contact, post_discharge_contact, reported_concern, unescalated_safety, concentration, over_capacity or supervision_gap
-- column severity key: urgent (talk about it soon) or review (for the next supervision)
-- column peer_id key: the peer the conversation is with
-- column participant_id id: the participant concerned (empty for over_capacity and supervision_gap)
-- column contact_id id: the contact concerned (empty for concentration, over_capacity and supervision_gap)
-- column flagged_on value: the contact's date, or end for concentration, over_capacity and supervision_gap
-- column detail value: one sentence with the numbers that raised the flag
WITH
-- The day peer rules are evaluated on.
bounds AS (
    SELECT coalesce($end, $as_of) AS end_day
),
-- The contacts of start…end by the peers in scope: a range on the stored, time-ordered column
-- (written out rather than read from bounds, so DuckDB skips the row groups outside it).
window_contacts AS (
    SELECT contact_id, participant_id, peer_id, started_at, CAST(started_at AS DATE) AS day,
           duration_min, mode, boundary_concern, coalesce(safety_concern, false) AS safety_concern,
           escalated_at
    FROM contacts
    WHERE started_at >= CAST(coalesce($start, coalesce($end, $as_of) - 6) AS TIMESTAMP)
      AND started_at < CAST(coalesce($end, $as_of) + 1 AS TIMESTAMP)
      AND peer_id IN (SELECT peer_id FROM peer_scope)
),
-- Sanctioned hours as words, e.g. "08:00–20:00, Mon–Fri": a run of three days or more is
-- written first–last, other days one by one ("Mon, Wed–Fri, Sat, Sun").
day_runs AS (
    SELECT min(day) AS first_day, max(day) AS last_day
    FROM (SELECT day, day - row_number() OVER (ORDER BY day) AS run
          FROM (SELECT DISTINCT unnest($sanctioned_days) AS day))
    GROUP BY run
),
day_names AS (
    SELECT first_day,
           CASE last_day - first_day
               WHEN 0 THEN ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][first_day]
               WHEN 1 THEN ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][first_day] || ', '
                           || ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][last_day]
               ELSE ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][first_day] || '–'
                    || ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][last_day] END AS words
    FROM day_runs
),
sanctioned AS (
    SELECT strftime(DATE '2000-01-03' + $sanctioned_start, '%H:%M') || '–'
           || CASE WHEN $sanctioned_end = TIME '23:59:59.999999' THEN '24:00'
                   ELSE strftime(DATE '2000-01-03' + $sanctioned_end, '%H:%M') END
           || ', '
           || coalesce((SELECT string_agg(words, ', ' ORDER BY first_day) FROM day_names),
                       'no day') AS hours_text
),
after_hours AS (
    SELECT 'after_hours' AS rule, 'review' AS severity, c.peer_id, c.participant_id,
           c.contact_id, c.day AS flagged_on,
           'Contact began at ' || strftime(c.started_at, '%H:%M') || ' on '
           || strftime(c.started_at, '%A %Y-%m-%d') || ', outside sanctioned hours ('
           || s.hours_text || ').' AS detail
    FROM window_contacts c, sanctioned s
    WHERE CAST(c.started_at AS TIME) < $sanctioned_start
       OR CAST(c.started_at AS TIME) >= $sanctioned_end
       OR NOT list_contains($sanctioned_days, isodow(c.started_at))
),
-- The program's median duration per mode over the whole extract. Durations are whole
-- minutes, so the median is read off the count of contacts per mode and duration that the
-- loader stores (contact_durations): the middle contact's duration, or the mean of the two
-- middle ones.
durations AS (
    SELECT mode, duration_min, contacts AS n
    FROM contact_durations
),
cumulative AS (
    SELECT mode, duration_min,
           sum(n) OVER (PARTITION BY mode ORDER BY duration_min) AS up_to,
           sum(n) OVER (PARTITION BY mode) AS total
    FROM durations
),
mode_medians AS (
    SELECT mode, CASE mode WHEN 'in_person' THEN 'in-person' WHEN 'other' THEN 'other-mode'
                      ELSE mode END AS mode_words,
           (min(duration_min) FILTER (WHERE up_to >= (total + 1) // 2)
                  + min(duration_min) FILTER (WHERE up_to >= total // 2 + 1)) / 2 AS median_minutes
    FROM cumulative
    GROUP BY mode
),
extended_contact AS (
    SELECT 'extended_contact' AS rule, 'review' AS severity, c.peer_id, c.participant_id,
           c.contact_id, c.day AS flagged_on,
           'A ' || c.duration_min || '-minute ' || m.mode_words || ' contact: '
           || $extended_min_minutes || ' minutes or more and at least '
           || format('{:g}', CAST($extended_median_multiple AS DOUBLE)) || '× the program''s median '
           || m.mode_words || ' contact ('
           || format('{:g}', round(m.median_minutes, 1)) || ' minutes).' AS detail
    FROM window_contacts c
    JOIN mode_medians m USING (mode)
    WHERE c.duration_min >= $extended_min_minutes
      AND c.duration_min >= $extended_median_multiple * m.median_minutes
),
post_discharge_contact AS (
    SELECT 'post_discharge_contact' AS rule, 'review' AS severity, c.peer_id, c.participant_id,
           c.contact_id, c.day AS flagged_on,
           'Contact ' || (c.day - p.discharged_on)
           || CASE WHEN c.day - p.discharged_on = 1 THEN ' day' ELSE ' days' END
           || ' after the participant''s discharge on ' || strftime(p.discharged_on, '%Y-%m-%d')
           || '.' AS detail
    FROM window_contacts c
    JOIN participants p USING (participant_id)
    WHERE c.day > p.discharged_on
),
reported_concern AS (
    SELECT 'reported_concern' AS rule,
           CASE WHEN list_contains($urgent_concerns, boundary_concern) THEN 'urgent'
                ELSE 'review' END AS severity,
           peer_id, participant_id, contact_id, day AS flagged_on,
           'Boundary concern recorded: ' || replace(boundary_concern, '_', ' ') || '.' AS detail
    FROM window_contacts
    WHERE boundary_concern IS NOT NULL
),
-- Hours and minutes from the start of the contact to its escalation (null when not
-- escalated). Hours are shown to one decimal as round(minutes / 6) / 10, which rounds a half
-- up exactly (5 h 33 min is 5.6 hours).
safety AS (
    SELECT *, (epoch_us(escalated_at) - epoch_us(started_at)) / 3600e6 AS hours,
           round((epoch_us(escalated_at) - epoch_us(started_at)) / 360e6) / 10 AS hours_shown,
           CAST(ceil((epoch_us(escalated_at) - epoch_us(started_at)) / 60e6) AS BIGINT)
               AS minutes
    FROM window_contacts
    WHERE safety_concern
),
unescalated_safety AS (
    SELECT 'unescalated_safety' AS rule, 'urgent' AS severity, peer_id, participant_id,
           contact_id, day AS flagged_on,
           CASE WHEN escalated_at IS NULL THEN 'Safety concern recorded with no escalation.'
                ELSE 'Safety concern escalated '
                     || CASE WHEN hours_shown > $escalation_hours
                             THEN format('{:g}', hours_shown) || ' hours'
                             ELSE minutes // 60 || CASE WHEN minutes // 60 = 1 THEN ' hour '
                                                        ELSE ' hours ' END
                                  || minutes % 60 || CASE WHEN minutes % 60 = 1 THEN ' minute'
                                                          ELSE ' minutes' END END
                     || ' after the contact began (the program asks within '
                     || format('{:g}', CAST($escalation_hours AS DOUBLE)) || ').' END AS detail
    FROM safety
    WHERE escalated_at IS NULL OR hours > $escalation_hours
),
-- Minutes and contacts per peer and participant in the concentration window ending end.
pairs AS (
    SELECT peer_id, participant_id, sum(duration_min) AS minutes, count(*) AS contacts
    FROM contacts
    WHERE started_at >= CAST(coalesce($end, $as_of) - ($concentration_window_days - 1) AS TIMESTAMP)
      AND started_at < CAST(coalesce($end, $as_of) + 1 AS TIMESTAMP)
      AND peer_id IN (SELECT peer_id FROM peer_scope)
    GROUP BY peer_id, participant_id
),
peer_medians AS (
    SELECT peer_id, median(minutes) AS median_minutes, count(*) AS participants
    FROM pairs
    GROUP BY peer_id
),
concentration AS (
    SELECT 'concentration' AS rule, 'review' AS severity, p.peer_id, p.participant_id,
           NULL AS contact_id, b.end_day AS flagged_on,
           p.minutes || ' minutes with this participant over ' || p.contacts || ' contacts in the '
           || $concentration_window_days || ' days ending ' || strftime(b.end_day, '%Y-%m-%d')
           || ': ' || format('{:g}', round(p.minutes / m.median_minutes, 1))
           || '× the peer''s median of ' || format('{:g}', round(m.median_minutes, 1))
           || ' minutes per participant.' AS detail
    FROM pairs p
    JOIN peer_medians m USING (peer_id)
    CROSS JOIN bounds b
    WHERE m.participants >= $concentration_min_participants
      AND p.contacts >= $concentration_min_contacts
      AND p.minutes >= $concentration_multiple * m.median_minutes
),
-- Each peer's active caseload on end.
caseloads AS (
    SELECT s.peer_id, coalesce(s.caseload_capacity, $default_capacity) AS capacity,
           count(p.participant_id) AS active
    FROM peer_scope s
    CROSS JOIN bounds b
    LEFT JOIN participants p
           ON p.peer_id = s.peer_id AND p.enrolled_on <= b.end_day
          AND (p.discharged_on IS NULL OR p.discharged_on > b.end_day)
    GROUP BY ALL
),
over_capacity AS (
    SELECT 'over_capacity' AS rule, 'review' AS severity, c.peer_id, NULL AS participant_id,
           NULL AS contact_id, b.end_day AS flagged_on,
           c.active || ' active participants against a capacity of ' || c.capacity || '.'
           AS detail
    FROM caseloads c, bounds b
    WHERE c.active > c.capacity
),
last_sessions AS (
    SELECT peer_id, max(held_on) AS last_held_on
    FROM supervision
    WHERE held_on <= (SELECT end_day FROM bounds)
      AND peer_id IN (SELECT peer_id FROM peer_scope)
    GROUP BY peer_id
),
supervision_gap AS (
    SELECT 'supervision_gap' AS rule, 'review' AS severity, c.peer_id, NULL AS participant_id,
           NULL AS contact_id, b.end_day AS flagged_on,
           'No supervision session in the ' || $supervision_interval_days || ' days ending '
           || strftime(b.end_day, '%Y-%m-%d') || '; '
           || coalesce('the last was on ' || strftime(l.last_held_on, '%Y-%m-%d'),
                       'none is recorded') || '.' AS detail
    FROM caseloads c
    CROSS JOIN bounds b
    LEFT JOIN last_sessions l USING (peer_id)
    WHERE c.active > 0
      AND (l.last_held_on IS NULL OR l.last_held_on <= b.end_day - $supervision_interval_days)
      AND EXISTS (SELECT 1 FROM extract_tables WHERE table_name = 'supervision' AND present)
),
flags AS (
    SELECT * FROM after_hours
    UNION ALL SELECT * FROM extended_contact
    UNION ALL SELECT * FROM post_discharge_contact
    UNION ALL SELECT * FROM reported_concern
    UNION ALL SELECT * FROM unescalated_safety
    UNION ALL SELECT * FROM concentration
    UNION ALL SELECT * FROM over_capacity
    UNION ALL SELECT * FROM supervision_gap
)
SELECT rule, severity, peer_id, CAST(participant_id AS VARCHAR) AS participant_id,
       CAST(contact_id AS VARCHAR) AS contact_id, flagged_on, detail
FROM flags
ORDER BY CASE severity WHEN 'urgent' THEN 0 ELSE 1 END, flagged_on DESC, peer_id, rule,
         contact_id, participant_id
