-- contact_log: the contacts themselves, one row each, for drilling down from a card or a flag.
-- Lists every contact dated start to end, both days included (by default the 28 days ending
-- as_of), made by a peer in scope: the scope goes by the peer who made the contact, whoever the
-- participant is assigned to, as boundary_flags does, so a flag's contact is always in the log
-- of the same scope. participant_id narrows the log to one participant (every peer's contacts
-- with them in scope). Each attendee of a group session has a row of their own, sharing the
-- group_session_id. Values are shown as loaded: a safety concern left empty in the extract is
-- shown as false (the contract reads empty as no concern), a boundary concern recorded as
-- "none" is empty. The rows run from the earliest contact, ties by contact_id. These are
-- participant-level rows: never shown to the leadership role.
-- param as_of date: the last day looked at when end is not given (default: the last contact date)
-- param start date: the first day whose contacts are listed (default: end - 27, four weeks)
-- param end date: the last day whose contacts are listed (default: as_of)
-- param site text: only contacts by peers of this site (default: all sites)
-- param supervisor_id text: only contacts by this supervisor's peers (default: all)
-- param peer_id text: only contacts by this peer (default: all)
-- param participant_id text: only contacts with this participant (default: all)
-- uses: peer_scope
-- column contact_id id: the contact
-- column participant_id id: the participant contacted
-- column peer_id key: the peer who made the contact
-- column started_at value: when the contact began (local time)
-- column duration_min value: its length in minutes
-- column mode value: in_person, phone, video, text, group or other
-- column setting value: clinic, community, home, hospital, virtual or other (empty: not recorded)
-- column activity value: what the contact was for (empty: not recorded)
-- column group_session_id value: the group session it was part of (empty: one-to-one)
-- column boundary_concern value: the boundary concern recorded (empty: none)
-- column safety_concern value: true when a safety concern was recorded
-- column escalated_at value: when the safety concern was escalated (empty: not escalated)
SELECT
    contact_id,
    participant_id,
    peer_id,
    started_at,
    duration_min,
    mode,
    setting,
    activity,
    group_session_id,
    boundary_concern,
    coalesce(safety_concern, false) AS safety_concern,
    escalated_at
FROM contacts
-- A range on the stored, time-ordered column, so DuckDB reads only those weeks.
WHERE started_at >= CAST(coalesce($start, coalesce($end, $as_of) - 27) AS TIMESTAMP)
  AND started_at < CAST(coalesce($end, $as_of) + 1 AS TIMESTAMP)
  AND peer_id IN (SELECT peer_id FROM peer_scope)
  AND ($participant_id IS NULL OR participant_id = $participant_id)
ORDER BY started_at, contact_id
