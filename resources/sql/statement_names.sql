/* vigil */
SELECT 'd' AS kind, oid, datname AS name FROM pg_database
UNION ALL
SELECT 'r', oid, rolname FROM pg_roles
