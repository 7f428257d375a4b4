/* vigil */
-- kind, name, table, blocks hit, blocks read: databases, then the 25 busiest tables and indexes.
(SELECT 'database' AS kind, datname AS name, NULL::text AS tbl, blks_hit AS hit, blks_read AS rd
 FROM pg_stat_database WHERE datname IS NOT NULL)
UNION ALL
(SELECT 'table', relname, NULL,
        coalesce(heap_blks_hit, 0) + coalesce(toast_blks_hit, 0),
        coalesce(heap_blks_read, 0) + coalesce(toast_blks_read, 0)
 FROM pg_statio_user_tables
 ORDER BY coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0) DESC LIMIT 25)
UNION ALL
(SELECT 'index', indexrelname, relname, coalesce(idx_blks_hit, 0), coalesce(idx_blks_read, 0)
 FROM pg_statio_user_indexes
 ORDER BY coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0) DESC LIMIT 25)
