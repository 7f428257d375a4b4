/* vigil */
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS created,
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload,
       pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')
         OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS can_read_all,
       current_database() AS db,
       current_user AS user_name
