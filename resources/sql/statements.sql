/* vigil */
-- Counters only (showtext => false): the texts file is read just for queryids we have not seen.
-- Kept narrow because it runs every period over every entry: no names (oids are resolved once
-- and cached), no mean (total / calls), times rounded to microseconds.
SELECT s.userid, s.dbid, s.queryid, s.calls,
       round(s.total_exec_time::numeric, 3) AS total, round(s.min_exec_time::numeric, 3) AS min,
       round(s.max_exec_time::numeric, 3) AS max, round(s.stddev_exec_time::numeric, 3) AS stddev,
       s.rows, s.shared_blks_hit AS hit, s.shared_blks_read AS rd
FROM pg_stat_statements(false) AS s
WHERE s.toplevel
