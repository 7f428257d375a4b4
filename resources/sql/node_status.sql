/* vigil */
-- One round trip per poll for the Overview figures of a PostgreSQL node.
SELECT current_setting('server_version') AS version,
       extract(epoch FROM now() - pg_postmaster_start_time())::bigint AS uptime_s,
       pg_is_in_recovery() AS in_recovery,
       d.xacts, d.blks_hit, d.blks_read,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS connections,
       current_setting('max_connections')::int AS max_connections,
       (SELECT count(*) FILTER (WHERE state = 'streaming') FROM pg_stat_replication) AS replicas_streaming,
       (SELECT count(*) FROM pg_stat_replication) AS replicas_total,
       (SELECT status FROM pg_stat_wal_receiver) AS receiver_status,
       CASE WHEN pg_is_in_recovery()
            THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS replay_lag_s,
       CASE WHEN pg_is_in_recovery()
            THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) END AS replay_lag_bytes,
       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS has_pgss,
       -- NULL without pg_read_all_settings: pg_settings hides superuser-only values.
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload,
       (pg_has_role(current_user, 'pg_monitor', 'MEMBER')
        OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) AS can_monitor,
       current_user AS user_name
FROM (SELECT sum(xact_commit + xact_rollback)::float8 AS xacts,
             sum(blks_hit)::float8 AS blks_hit, sum(blks_read)::float8 AS blks_read
      FROM pg_stat_database) d
