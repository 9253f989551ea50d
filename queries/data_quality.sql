-- data_quality: how complete and how fresh each table of the extract is.
-- One row per contract table: whether the extract had it, its rows, the first and last date of
-- its main date column, how many days before the load the last one is, the share of empty
-- values in each optional column, and the rows whose dates lie outside the expected range
-- (after the day the extract was loaded, or before 1990), which usually point at a typing
-- error in the source system. The load's own warnings (dropped columns, unknown files) are
-- counted per table. The data-quality view lists them; this query takes no scope, because
-- completeness is a property of the whole extract.
-- column table_name key: the contract table
-- column present value: whether the extract had a file for it
-- column source_file value: the file it was loaded from
-- column row_count value: rows loaded
-- column first_date value: the earliest date of the table's main date column
-- column last_date value: the latest date of the table's main date column
-- column days_before_load value: days from last_date to the day the extract was loaded
-- column optional_nulls value: each optional column with its share of empty values
-- column rows_outside_range value: rows with a date after the load day or before 1990
-- column load_warnings value: warnings the load recorded for the table
WITH loaded AS (
    SELECT loaded_at::DATE AS loaded_on FROM extract_load
),
profile AS (
    SELECT 'peers' AS table_name, min(hired_on) AS first_date, max(hired_on) AS last_date,
           concat_ws(', ',
               printf('hired_on %.1f%%', 100 * avg((hired_on IS NULL)::INT)),
               printf('caseload_capacity %.1f%%', 100 * avg((caseload_capacity IS NULL)::INT)),
               printf('languages %.1f%%', 100 * avg((languages IS NULL)::INT)),
               printf('certified_on %.1f%%', 100 * avg((certified_on IS NULL)::INT))
           ) AS optional_nulls,
           count(*) FILTER (WHERE greatest(hired_on, certified_on) > loaded_on
                            OR least(hired_on, certified_on) < DATE '1990-01-01')
               AS rows_outside_range
    FROM peers, loaded
    UNION ALL
    SELECT 'participants', min(enrolled_on), max(enrolled_on),
           concat_ws(', ',
               printf('site %.1f%%', 100 * avg((site IS NULL)::INT)),
               printf('discharged_on %.1f%%', 100 * avg((discharged_on IS NULL)::INT)),
               printf('age_band %.1f%%', 100 * avg((age_band IS NULL)::INT)),
               printf('gender %.1f%%', 100 * avg((gender IS NULL)::INT)),
               printf('race_ethnicity %.1f%%', 100 * avg((race_ethnicity IS NULL)::INT)),
               printf('preferred_language %.1f%%', 100 * avg((preferred_language IS NULL)::INT))
           ),
           count(*) FILTER (WHERE greatest(enrolled_on, discharged_on) > loaded_on
                            OR enrolled_on < DATE '1990-01-01')
    FROM participants, loaded
    UNION ALL
    SELECT 'contacts', min(started_at)::DATE, max(started_at)::DATE,
           concat_ws(', ',
               printf('setting %.1f%%', 100 * avg((setting IS NULL)::INT)),
               printf('activity %.1f%%', 100 * avg((activity IS NULL)::INT)),
               printf('group_session_id %.1f%%', 100 * avg((group_session_id IS NULL)::INT)),
               printf('boundary_concern %.1f%%', 100 * avg((boundary_concern IS NULL)::INT)),
               printf('safety_concern %.1f%%', 100 * avg((safety_concern IS NULL)::INT)),
               printf('escalated_at %.1f%%', 100 * avg((escalated_at IS NULL)::INT))
           ),
           count(*) FILTER (WHERE started_at >= CAST(loaded_on + 1 AS TIMESTAMP)
                            OR started_at < TIMESTAMP '1990-01-01')
    FROM contacts, loaded
    UNION ALL
    SELECT 'outcomes', min(assessed_on), max(assessed_on), NULL,
           count(*) FILTER (WHERE assessed_on > loaded_on OR assessed_on < DATE '1990-01-01')
    FROM outcomes, loaded
    UNION ALL
    SELECT 'fidelity', min(rated_on), max(rated_on),
           printf('rater_id %.1f%%', 100 * avg((rater_id IS NULL)::INT)),
           count(*) FILTER (WHERE rated_on > loaded_on OR rated_on < DATE '1990-01-01')
    FROM fidelity, loaded
    UNION ALL
    SELECT 'supervision', min(held_on), max(held_on),
           printf('format %.1f%%', 100 * avg((format IS NULL)::INT)),
           count(*) FILTER (WHERE held_on > loaded_on OR held_on < DATE '1990-01-01')
    FROM supervision, loaded
    UNION ALL
    SELECT 'admissions', min(admitted_on), max(admitted_on),
           printf('discharged_on %.1f%%', 100 * avg((discharged_on IS NULL)::INT)),
           count(*) FILTER (WHERE greatest(admitted_on, discharged_on) > loaded_on
                            OR admitted_on < DATE '1990-01-01')
    FROM admissions, loaded
    UNION ALL
    SELECT 'appointments', min(scheduled_on), max(scheduled_on),
           printf('kind %.1f%%', 100 * avg((kind IS NULL)::INT)),
           count(*) FILTER (WHERE scheduled_on < DATE '1990-01-01')  -- future ones are booked
    FROM appointments, loaded
    UNION ALL
    SELECT 'goals', min(set_on), max(set_on),
           concat_ws(', ',
               printf('domain %.1f%%', 100 * avg((domain IS NULL)::INT)),
               printf('achieved_on %.1f%%', 100 * avg((achieved_on IS NULL)::INT))
           ),
           count(*) FILTER (WHERE greatest(set_on, achieved_on) > loaded_on
                            OR set_on < DATE '1990-01-01')
    FROM goals, loaded
),
warnings AS (
    SELECT table_name, count(*) AS load_warnings FROM extract_warnings GROUP BY table_name
)
SELECT
    t.table_name,
    t.present,
    t.source_file,
    t.row_count,
    p.first_date,
    p.last_date,
    (SELECT loaded_on FROM loaded) - p.last_date AS days_before_load,
    p.optional_nulls,
    p.rows_outside_range,
    coalesce(w.load_warnings, 0) AS load_warnings
FROM (SELECT *, rowid AS contract_order FROM extract_tables) t
JOIN profile p USING (table_name)
LEFT JOIN warnings w USING (table_name)
ORDER BY t.contract_order
