-- A database filled by `portalctl seed` before this release had its ticket_search indexes
-- rebuilt "ON ONLY" the partitioned table: invalid, on no partition, so every fallback search
-- read every row's vector (seconds at 100,000 tickets). Build each such index again, whole.
DO $$
DECLARE
    ix record;
BEGIN
    FOR ix IN
        SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid AND c.relkind = 'p'
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        WHERE NOT i.indisvalid
    LOOP
        EXECUTE format('DROP INDEX %s', ix.name);
        EXECUTE replace(ix.def, ' ON ONLY ', ' ON ');
    END LOOP;
END $$;
