-- The Postgres fallback search matches comments too.
CREATE INDEX comments_body_trgm_idx ON comments USING gin (search_fold(body) gin_trgm_ops);

-- Outbox rows that failed to index wait before their next try, so one bad document cannot
-- hold up the rest; attempts and the last error are what `portalctl status` reports.
ALTER TABLE search_outbox
    ADD COLUMN attempts   integer     NOT NULL DEFAULT 0,
    ADD COLUMN last_error text,
    ADD COLUMN not_before timestamptz NOT NULL DEFAULT '-infinity';
CREATE INDEX search_outbox_retry_idx ON search_outbox (not_before) WHERE attempts > 0;
