-- The Postgres search engine reads text analysed by the same Go code (search/analysis) as the
-- Elasticsearch index: folded words and their stems, as tsvectors written by the application
-- in the same statement as the text they come from. Weights say where a word is: A title,
-- B body or description, C public comment, D internal comment.
--
-- No code path can forget them: a trigger refuses a row whose text changed while its vector
-- did not (vec_source is the md5 of the text the vector was built from). vec_version is the
-- analysis version (analysis.Version) that built it. Rows written before this migration, or
-- by an older analysis, are analysed (again) by `portalctl migrate`, in batches after the SQL
-- migrations; until then text search does not find rows that have no vector yet.

CREATE AGGREGATE tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');

ALTER TABLE tickets
    ADD COLUMN text_vec     tsvector,
    ADD COLUMN comments_vec tsvector NOT NULL DEFAULT '',
    ADD COLUMN vec_source   text,
    ADD COLUMN vec_version  smallint NOT NULL DEFAULT 0;
ALTER TABLE comments
    ADD COLUMN search_vec  tsvector,
    ADD COLUMN vec_source  text,
    ADD COLUMN vec_version smallint NOT NULL DEFAULT 0;
ALTER TABLE kb_articles
    ADD COLUMN search_vec  tsvector,
    ADD COLUMN vec_source  text,
    ADD COLUMN vec_version smallint NOT NULL DEFAULT 0;

CREATE FUNCTION ticket_vec_source(title text, description text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN md5(title || chr(31) || description);
CREATE FUNCTION comment_vec_source(body text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN md5(body);
CREATE FUNCTION article_vec_source(title text, body_text text, locale text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN md5(title || chr(31) || body_text || chr(31) || locale);

CREATE FUNCTION search_vec_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    want text;
    vec tsvector;
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'tickets' THEN want := ticket_vec_source(NEW.title, NEW.description); vec := NEW.text_vec;
    WHEN 'comments' THEN want := comment_vec_source(NEW.body); vec := NEW.search_vec;
    ELSE want := article_vec_source(NEW.title, NEW.body_text, NEW.locale); vec := NEW.search_vec;
    END CASE;
    IF vec IS NULL OR NEW.vec_source IS DISTINCT FROM want THEN
        RAISE EXCEPTION '% %: the search vector does not describe the text (write it through store)', TG_TABLE_NAME, NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_search_vec';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tickets_search_vec_check BEFORE INSERT OR UPDATE OF title, description, text_vec, vec_source ON tickets
    FOR EACH ROW EXECUTE FUNCTION search_vec_check();
CREATE TRIGGER comments_search_vec_check BEFORE INSERT OR UPDATE OF body, search_vec, vec_source ON comments
    FOR EACH ROW EXECUTE FUNCTION search_vec_check();
CREATE TRIGGER kb_articles_search_vec_check BEFORE INSERT OR UPDATE OF title, body_text, locale, search_vec, vec_source ON kb_articles
    FOR EACH ROW EXECUTE FUNCTION search_vec_check();

-- A ticket's comments, in order, as one vector: the one its search reads beside its own text.
CREATE FUNCTION ticket_comments_vec(ticket bigint) RETURNS tsvector
    LANGUAGE sql STABLE RETURN (
        SELECT coalesce(tsvector_agg(setweight(coalesce(m.search_vec, ''), (CASE WHEN m.internal THEN 'D' ELSE 'C' END)::"char")
                        ORDER BY m.created_at, m.id), '')
        FROM comments m WHERE m.ticket_id = ticket);

CREATE OR REPLACE FUNCTION comments_touch_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c comments;
BEGIN
    IF bulk_loading() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        c := OLD;
    ELSE
        c := NEW;
    END IF;
    -- The first public reply from staff is the ticket's first response (the SLA clock stops).
    UPDATE tickets t
       SET updated_at = greatest(now(), t.created_at),
           comments_vec = ticket_comments_vec(t.id),
           first_response_at = CASE
               WHEN t.first_response_at IS NULL AND TG_OP = 'INSERT' AND NOT c.internal
                    AND EXISTS (SELECT 1 FROM users u WHERE u.id = c.author_id AND u.role <> 'client')
               THEN greatest(c.created_at, t.created_at)
               ELSE t.first_response_at END
     WHERE t.id = c.ticket_id;
    RETURN NULL;
END $$;

-- The search itself: one vector per document, behind a GIN index.
CREATE INDEX tickets_search_idx ON tickets USING gin ((text_vec || comments_vec));
CREATE INDEX kb_articles_search_idx ON kb_articles USING gin (search_vec);

-- Every word the documents hold, for typo expansion: a term with a typo becomes the words
-- within its edits before the query runs. Words are added as documents are written and never
-- removed (a word no document holds any more matches nothing).
CREATE TABLE search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

CREATE FUNCTION search_words_add(vec tsvector) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_words (word)
        SELECT lexeme FROM unnest(tsvector_to_array(vec)) lexeme WHERE left(lexeme, 1) <> '~'
        ORDER BY 1 ON CONFLICT DO NOTHING
$$;
CREATE FUNCTION tickets_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT bulk_loading() THEN
        PERFORM search_words_add(NEW.text_vec);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION search_vec_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT bulk_loading() THEN
        PERFORM search_words_add(NEW.search_vec);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_search_words AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_search_words();
CREATE TRIGGER tickets_search_words_update AFTER UPDATE OF text_vec ON tickets
    FOR EACH ROW WHEN (NEW.text_vec IS DISTINCT FROM OLD.text_vec) EXECUTE FUNCTION tickets_search_words();
CREATE TRIGGER comments_search_words AFTER INSERT ON comments
    FOR EACH ROW EXECUTE FUNCTION search_vec_words();
CREATE TRIGGER comments_search_words_update AFTER UPDATE OF search_vec ON comments
    FOR EACH ROW WHEN (NEW.search_vec IS DISTINCT FROM OLD.search_vec) EXECUTE FUNCTION search_vec_words();
CREATE TRIGGER kb_articles_search_words AFTER INSERT ON kb_articles
    FOR EACH ROW EXECUTE FUNCTION search_vec_words();
CREATE TRIGGER kb_articles_search_words_update AFTER UPDATE OF search_vec ON kb_articles
    FOR EACH ROW WHEN (NEW.search_vec IS DISTINCT FROM OLD.search_vec) EXECUTE FUNCTION search_vec_words();

-- A bulk load (the seed, or analysing the rows written before this migration) writes no
-- change tracking: it draws no new versions either, so that the index, which tracks versions,
-- never waits for a change that carries none.
CREATE OR REPLACE FUNCTION tickets_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT bulk_loading() THEN
        NEW.version := nextval('doc_version_seq');
    END IF;
    IF NEW.status IN ('resolved', 'closed') THEN
        IF NEW.resolved_at IS NULL THEN
            NEW.resolved_at := greatest(now(), NEW.created_at);
        END IF;
    ELSE
        NEW.resolved_at := NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT bulk_loading() THEN
        NEW.version := nextval('doc_version_seq');
    END IF;
    RETURN NEW;
END $$;
