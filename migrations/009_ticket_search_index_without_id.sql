-- The GIN index of ticket_search without the id (issue 11). It held the id so that a band of
-- newest ids could be read from the index alone (007); since the table is partitioned by id
-- (008), a band prunes the partitions outside it, and the planner still took the id into the
-- index scan: one index entry per id of the band, walked and intersected with the words'
-- posting lists, which cost a common word's search at a million tickets 7 ms of its 17 ms of
-- index reading. Without it the partitions a band covers whole are read by their words alone,
-- the one it covers in part by its words and its primary key's range; the index is 15% smaller
-- and a write adds one entry less.
DROP INDEX ticket_search_match_idx;
CREATE INDEX ticket_search_match_idx ON ticket_search
    USING gin (match_vec, status, priority, client_id, assignee_id, category, tags);
