-- data_quality: how complete and how fresh each table of the extract is.
-- One row per contract table: whether the extract had it, its rows, the first and last date of
-- its main date column, how many days before the load the last one is, the share of empty
-- values in each optional column, and the rows with a date in any of their date or timestamp
-- columns outside the expected range (after the day the extract was loaded, or before 1990),
-- which usually point at a typing error in the source system; appointments are booked ahead, so
-- only theirs before 1990 count, and a course expires ahead, so only its completion date can
-- be too late. Which column is a table's main date, which are dates and which
-- are optional is read from the contract, which the warehouse binds: a column the contract adds
-- is profiled here. The load's own warnings (dropped columns, unknown files) are counted per
-- table. The data-quality view lists them; this query takes no scope, because completeness is a
-- property of the whole extract.
-- context contract: each contract table's main date column, date columns and optional columns
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
contract AS (
    SELECT table_name, spec.optional_columns
    FROM (UNPIVOT (SELECT unnest($contract)) ON COLUMNS(*) INTO NAME table_name VALUE spec)
),
-- One branch per table, each the same but for its name: the first and last day of its main
-- date column, its rows with a date out of range, and the share of empty values of every
-- column (as JSON by column name; the optional ones are picked below).
profile AS (
    SELECT 'peers' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.peers.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.peers.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.peers.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.peers.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM peers)
    UNION ALL
    SELECT 'participants' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.participants.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.participants.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.participants.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.participants.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM participants)
    UNION ALL
    SELECT 'contacts' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.contacts.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.contacts.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.contacts.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.contacts.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM contacts)
    UNION ALL
    SELECT 'outcomes' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.outcomes.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.outcomes.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.outcomes.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.outcomes.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM outcomes)
    UNION ALL
    SELECT 'fidelity' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.fidelity.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.fidelity.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.fidelity.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.fidelity.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM fidelity)
    UNION ALL
    SELECT 'supervision' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.supervision.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.supervision.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.supervision.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.supervision.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM supervision)
    UNION ALL
    SELECT 'admissions' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.admissions.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.admissions.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.admissions.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.admissions.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM admissions)
    UNION ALL
    SELECT 'appointments' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.appointments.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.appointments.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE least(*COLUMNS($contract.appointments.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM appointments)
    UNION ALL
    SELECT 'goals' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.goals.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.goals.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.goals.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.goals.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM goals)
    UNION ALL
    SELECT 'feedback' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.feedback.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.feedback.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.feedback.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.feedback.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM feedback)
    UNION ALL
    SELECT 'training' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.training.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.training.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE least(*COLUMNS($contract.training.date_columns)) < DATE '1990-01-01'
                        OR completed_on > (SELECT loaded_on FROM loaded)
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM training)
    UNION ALL
    SELECT 'mentoring' AS table_name, first_date, last_date, rows_outside_range,
           to_json(struct_pack(*COLUMNS(* EXCLUDE (first_date, last_date, rows_outside_range))))
               AS empty_shares
    FROM (SELECT min(COLUMNS($contract.mentoring.date_column))::DATE AS first_date,
                 max(COLUMNS($contract.mentoring.date_column))::DATE AS last_date,
                 count(*) FILTER (
                     WHERE CAST(greatest(*COLUMNS($contract.mentoring.date_columns)) AS DATE)
                           > (SELECT loaded_on FROM loaded)
                        OR least(*COLUMNS($contract.mentoring.date_columns)) < DATE '1990-01-01'
                 ) AS rows_outside_range,
                 avg((COLUMNS(*) IS NULL)::INT)
          FROM mentoring)
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
    nullif(array_to_string(list_transform(
        c.optional_columns,
        lambda name: printf('%s %.1f%%', name, 100 * CAST(p.empty_shares ->> name AS DOUBLE))),
        ', '), '') AS optional_nulls,
    p.rows_outside_range,
    coalesce(w.load_warnings, 0) AS load_warnings
FROM (SELECT *, rowid AS contract_order FROM extract_tables) t
JOIN contract c USING (table_name)
LEFT JOIN profile p USING (table_name)
LEFT JOIN warnings w USING (table_name)
ORDER BY t.contract_order
