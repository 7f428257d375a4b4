/* vigil */
-- One row per client backend with the category the Pool tab counts it under. Vigil's own
-- sessions are returned flagged (is_vigil) so they can be counted apart, not mixed in.
SELECT a.pid, coalesce(a.datname, '') AS datname, coalesce(a.usename, '') AS usename,
       coalesce(a.application_name, '') AS application_name,
       coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local socket' ELSE '' END) AS client,
       coalesce(a.state, '') AS state,
       CASE WHEN a.wait_event_type = 'Lock' THEN 'waiting on lock'
            WHEN a.state = 'active' AND a.wait_event_type = 'Client' THEN 'client'
            WHEN a.state = 'active' AND a.wait_event_type = 'IO' THEN 'IO'
            ELSE coalesce(a.state, 'unknown') END AS category,
       coalesce(a.wait_event_type, '') AS wait_event_type, coalesce(a.wait_event, '') AS wait_event,
       coalesce(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000, -1) AS xact_ms,
       coalesce(extract(epoch FROM clock_timestamp() - a.state_change) * 1000, -1) AS state_ms,
       array_to_string(pg_blocking_pids(a.pid), ',') AS blocked_by,
       a.query, a.application_name = 'vigil' OR a.pid = pg_backend_pid() AS is_vigil
FROM pg_stat_activity AS a
WHERE a.backend_type = 'client backend'
