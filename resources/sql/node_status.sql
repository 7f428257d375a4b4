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
       current_user AS user_name,
       -- Replication tab: WAL senders, slots and the replica's own positions, in the same round
       -- trip. Byte lags come from pg_wal_lsn_diff on the server; a standby has no current LSN,
       -- so its slots are measured against what it has received.
       (SELECT json_agg(json_build_object(
                 'name', r.application_name, 'client', host(r.client_addr), 'state', r.state,
                 'sync_state', r.sync_state, 'sent_lsn', r.sent_lsn, 'write_lsn', r.write_lsn,
                 'flush_lsn', r.flush_lsn, 'replay_lsn', r.replay_lsn,
                 'write_lag_s', extract(epoch FROM r.write_lag), 'flush_lag_s', extract(epoch FROM r.flush_lag),
                 'replay_lag_s', extract(epoch FROM r.replay_lag),
                 'sent_lag_b', pg_wal_lsn_diff(cur.lsn, r.sent_lsn),
                 'write_lag_b', pg_wal_lsn_diff(cur.lsn, r.write_lsn),
                 'flush_lag_b', pg_wal_lsn_diff(cur.lsn, r.flush_lsn),
                 'replay_lag_b', pg_wal_lsn_diff(cur.lsn, r.replay_lsn),
                 'slot', sl.slot_name, 'backend_start', r.backend_start) ORDER BY r.application_name)
        FROM pg_stat_replication r
        LEFT JOIN pg_replication_slots sl ON sl.active_pid = r.pid
        CROSS JOIN (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                                ELSE pg_current_wal_lsn() END AS lsn) cur) AS wal_senders,
       (SELECT json_agg(json_build_object(
                 'name', sl.slot_name, 'type', sl.slot_type, 'active', sl.active, 'restart_lsn', sl.restart_lsn,
                 'retained_b', pg_wal_lsn_diff(cur.lsn, sl.restart_lsn), 'wal_status', sl.wal_status,
                 'safe_wal_size', sl.safe_wal_size) ORDER BY sl.slot_name)
        FROM pg_replication_slots sl
        CROSS JOIN (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                                ELSE pg_current_wal_lsn() END AS lsn) cur) AS slots,
       pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver) AS sender,
       (SELECT slot_name FROM pg_stat_wal_receiver) AS receiver_slot,
       pg_size_bytes(current_setting('max_wal_size')) AS max_wal_size_b
FROM (SELECT sum(xact_commit + xact_rollback)::float8 AS xacts,
             sum(blks_hit)::float8 AS blks_hit, sum(blks_read)::float8 AS blks_read
      FROM pg_stat_database) d
