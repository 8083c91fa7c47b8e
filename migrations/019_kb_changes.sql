-- One row: how many times the knowledge base changed (articles or their categories). Every
-- portal keeps the KB pages it served anonymously in memory and polls this count every few
-- seconds: when it moved, those pages are rendered again, so a published edit shows on every
-- portal within seconds while a page view costs no query at all.
CREATE TABLE kb_state (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    changes    bigint      NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now() -- the pages' Last-Modified
);
INSERT INTO kb_state DEFAULT VALUES;

CREATE FUNCTION kb_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kb_state SET changes = changes + 1, changed_at = now();
    RETURN NULL;
END $$;
CREATE TRIGGER kb_articles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_articles
    FOR EACH STATEMENT EXECUTE FUNCTION kb_changed();
CREATE TRIGGER kb_categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_categories
    FOR EACH STATEMENT EXECUTE FUNCTION kb_changed();
