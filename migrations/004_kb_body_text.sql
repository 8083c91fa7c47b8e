-- Articles keep their text without markdown beside the markdown, written by the application
-- (markdown.PlainText) on every write: the fallback search then matches exactly the words the
-- Elasticsearch index holds, and not, say, the words of a link's URL.
ALTER TABLE kb_articles ADD COLUMN body_text text NOT NULL DEFAULT '';
-- Rows written before this migration: the markdown is a close stand-in until their next edit
-- or `portalctl reindex`-era rewrite.
UPDATE kb_articles SET body_text = body;
DROP INDEX kb_articles_body_trgm_idx;
CREATE INDEX kb_articles_body_text_trgm_idx ON kb_articles USING gin (search_fold(body_text) gin_trgm_ops);
