/* vigil */
-- Counters only (showtext => false): the texts file is read just for queryids we have not seen.
SELECT s.userid, s.dbid, s.queryid, d.datname, r.rolname,
       s.calls, s.total_exec_time, s.min_exec_time, s.max_exec_time, s.mean_exec_time, s.stddev_exec_time,
       s.rows, s.shared_blks_hit, s.shared_blks_read
FROM pg_stat_statements(false) AS s
LEFT JOIN pg_database AS d ON d.oid = s.dbid
LEFT JOIN pg_roles AS r ON r.oid = s.userid
WHERE s.toplevel
