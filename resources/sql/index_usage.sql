/* vigil */
-- Unused indexes (no scan since the statistics were reset; not unique, not backing a
-- constraint) and duplicates (an index whose key columns lead another valid index of the same
-- access method on the same table), with sizes. One row per finding.
WITH idx AS (
    SELECT i.indexrelid, i.indrelid, i.indisunique, i.indisprimary, i.indisvalid,
           (SELECT array_agg(k ORDER BY o) FROM unnest(i.indkey) WITH ORDINALITY AS u(k, o)) AS keys, c.relam, i.indpred IS NULL AND i.indexprs IS NULL AS plain,
           n.nspname AS schema, t.relname AS tbl, c.relname AS name,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS backs_constraint,
           pg_relation_size(i.indexrelid) AS size,
           (SELECT array_agg(a.attname ORDER BY k.ord)
              FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS cols
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
)
SELECT 'UNUSED_INDEX' AS type, x.schema, x.tbl, x.name, array_to_string(x.cols, ',') AS cols, x.size,
       s.idx_scan, NULL::text AS covered_by,
       (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database())::text AS since
FROM idx x JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid
WHERE s.idx_scan = 0 AND NOT x.indisunique AND NOT x.indisprimary AND NOT x.backs_constraint AND x.indisvalid
UNION ALL
SELECT 'DUPLICATE_INDEX', a.schema, a.tbl, a.name, array_to_string(a.cols, ','), a.size, NULL, b.name, NULL
FROM idx a JOIN idx b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid AND a.relam = b.relam
WHERE a.plain AND b.plain AND a.indisvalid AND b.indisvalid AND NOT a.indisunique AND NOT a.backs_constraint
  AND array_length(a.keys, 1) <= array_length(b.keys, 1)
  AND b.keys[1:array_length(a.keys, 1)] = a.keys
  -- Two identical indexes: report only one of them as the duplicate.
  AND (array_length(a.keys, 1) < array_length(b.keys, 1) OR a.indexrelid > b.indexrelid)
ORDER BY 1, 6 DESC
