"""The metric queries: one .sql file per metric, shipped inside the package as data."""
