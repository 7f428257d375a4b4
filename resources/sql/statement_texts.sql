/* vigil */
SELECT DISTINCT ON (queryid) queryid, query
FROM pg_stat_statements(true)
WHERE queryid = ANY ($1::bigint[])
