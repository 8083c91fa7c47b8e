-- ticket_search in partitions of consecutive ids (issue 11). A search of a large table reads
-- the newest ids first, in bands (search/postgres); with one GIN index over all the rows, each
-- band decoded the whole table's posting lists of its words and intersected them with the
-- primary key's range, both growing with the table. With a partition per 131,072 ids, a band
-- reads the indexes of the partitions it covers, whatever the table's size: at a million
-- tickets a common word costs a third less, and the cost stops growing with the table.
--
-- Partitions are created as ids reach them, by the writes themselves (ticket_search_upsert):
-- no job to forget, no default partition to split later. CREATE TABLE ... PARTITION OF would
-- lock every search out of the table; a table created apart and then attached takes only a
-- lock that neither searches nor writes wait for.

-- How many ids a partition holds.
CREATE FUNCTION ticket_search_partition_ids() RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT 131072::bigint';

-- The partitions that hold the ids from lo to hi, created when missing. Writers reaching a new
-- range at once create it one at a time; one that still finds it made meanwhile goes on.
CREATE FUNCTION ticket_search_partitions(lo bigint, hi bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    width CONSTANT bigint := ticket_search_partition_ids();
    part text;
BEGIN
    IF lo IS NULL OR hi IS NULL THEN
        RETURN;
    END IF;
    FOR k IN lo / width .. hi / width LOOP
        part := 'ticket_search_' || k;
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        PERFORM pg_advisory_xact_lock(hashtext('ticket_search_partitions'));
        BEGIN
            EXECUTE format('CREATE TABLE %I (LIKE ticket_search INCLUDING DEFAULTS INCLUDING STORAGE)
                WITH (fillfactor = 90, toast_tuple_target = 128)', part);
            EXECUTE format('ALTER TABLE ticket_search ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                part, k * width, (k + 1) * width);
        EXCEPTION WHEN duplicate_table THEN
            NULL; -- attached by the writer that held the lock before
        END;
    END LOOP;
END $$;

-- The rows move to the partitioned table; its indexes are built once they are in.
ALTER TABLE ticket_search RENAME TO ticket_search_old;
ALTER TABLE ticket_search_old RENAME CONSTRAINT ticket_search_pkey TO ticket_search_old_pkey;
ALTER INDEX ticket_search_match_idx RENAME TO ticket_search_old_match_idx;
ALTER INDEX ticket_search_client_idx RENAME TO ticket_search_old_client_idx;
CREATE TABLE ticket_search (LIKE ticket_search_old INCLUDING DEFAULTS INCLUDING STORAGE) PARTITION BY RANGE (id);
SELECT ticket_search_partitions(min(id), max(id)) FROM ticket_search_old;
SET LOCAL maintenance_work_mem = '512MB';
INSERT INTO ticket_search SELECT * FROM ticket_search_old;
DROP TABLE ticket_search_old;
-- No foreign key: attaching a partition would clone it, and the triggers it adds to tickets
-- lock out every other writer of tickets, a deadlock with the writers waiting for the new
-- partition. A deleted ticket takes its search row with it by a trigger instead.
ALTER TABLE ticket_search ADD PRIMARY KEY (id);
CREATE FUNCTION ticket_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ticket_search WHERE id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION ticket_search_delete();
-- As before (007): the text, the filters and the id in one GIN index, per partition.
CREATE INDEX ticket_search_match_idx ON ticket_search
    USING gin (match_vec, status, priority, client_id, assignee_id, category, tags, id);
CREATE INDEX ticket_search_client_idx ON ticket_search (client_id, id);
ANALYZE ticket_search;

CREATE OR REPLACE FUNCTION ticket_search_upsert(lo bigint, hi bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    first bigint := lo;
    last bigint := hi;
BEGIN
    IF lo <> hi THEN -- a range (a load, the analysis of old rows): the ids it holds
        SELECT min(id), max(id) INTO first, last FROM tickets WHERE id BETWEEN lo AND hi;
    END IF;
    PERFORM ticket_search_partitions(first, last);
    INSERT INTO ticket_search (id, client_id, status, priority, category, tags, assignee_id, created_at, updated_at,
                               first_response_at, title_vec, match_vec)
    SELECT t.id, t.client_id, t.status, t.priority, t.category, t.tags, t.assignee_id, t.created_at, t.updated_at,
           t.first_response_at, ts_filter(coalesce(t.text_vec, ''), '{a}'), coalesce(t.text_vec, '') || t.comments_vec
    FROM tickets t WHERE t.id BETWEEN lo AND hi
    ON CONFLICT (id) DO UPDATE SET client_id = EXCLUDED.client_id, status = EXCLUDED.status, priority = EXCLUDED.priority,
        category = EXCLUDED.category, tags = EXCLUDED.tags, assignee_id = EXCLUDED.assignee_id,
        created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, first_response_at = EXCLUDED.first_response_at,
        title_vec = EXCLUDED.title_vec, match_vec = EXCLUDED.match_vec;
END $$;
