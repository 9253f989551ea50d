-- load_warnings: what the load of this extract warned about, one row per warning.
-- A load succeeds only when the extract has no errors, but it may still warn: a column outside
-- the contract that was dropped, a file that is not a contract table, a table with no rows, a
-- reference that could not be checked. These are recorded in the database when it is built and
-- listed here in the order the load found them, so an analyst can see what was left out
-- before trusting a figure. This query takes no parameters, not even a scope: the warnings
-- belong to the extract as a whole, and they name tables and columns, never a participant or
-- a value from the data.
-- column table_name key: the table (or "extract" for the folder as a whole)
-- column column_name value: the column concerned (empty when the warning is about a table or file)
-- column rule value: the kind of warning, e.g. extra column, unknown file, empty table
-- column message value: what was found and what the load did about it
-- column locations value: the first lines (or Parquet rows) it was found on, e.g. "lines 3, 7" (empty when it is about a whole file or table)
-- column count value: how many lines or rows it was found on in all (0 when it is about a whole file or table)
SELECT table_name, column_name, rule, message, nullif(locations, '') AS locations, "count"
FROM extract_warnings
ORDER BY rowid
