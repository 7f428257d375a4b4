/* vigil */
SELECT a.pid, a.datname, a.usename, a.application_name, host(a.client_addr) AS client, a.state,
       a.wait_event_type, a.wait_event, (extract(epoch FROM a.query_start) * 1000)::bigint AS query_start_ms,
       extract(epoch FROM clock_timestamp() - a.query_start) * 1000 AS duration_ms,
       array_to_string(pg_blocking_pids(a.pid), ',') AS blocked_by,
       a.query, a.query_id, a.backend_type
FROM pg_stat_activity AS a
WHERE a.state = 'active'
  AND a.pid <> pg_backend_pid()
  AND a.backend_type = 'client backend'
  AND a.application_name IS DISTINCT FROM 'vigil'
  AND clock_timestamp() - a.query_start > make_interval(secs => $1::float8 / 1000)
ORDER BY a.query_start
