-- The Postgres search engine at scale (issue 11): searches read narrow tables, one row per
-- document, instead of the wide tickets and articles; a new comment is appended to its ticket's
-- comments vector instead of gathering all of them again; typo expansion looks words up by
-- trigrams of lower(word). Vectors gain title and internal-comment marks (store/searchvec.go),
-- a new format: `portalctl migrate` analyses every row again after this file, in batches in id
-- order that can be interrupted and resumed, and writes each batch's search rows as it goes.
-- Until it has, text search in the fallback does not find the rows not yet analysed.

DROP INDEX tickets_search_idx;
DROP INDEX kb_articles_search_idx;
-- The first fallback's trigram indexes on the raw text: nothing reads them any more, and they
-- were most of what a write cost.
DROP INDEX tickets_title_trgm_idx, tickets_description_trgm_idx, comments_body_trgm_idx,
    kb_articles_title_trgm_idx, kb_articles_body_text_trgm_idx;
DROP FUNCTION search_fold(text);

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
    -- A new comment goes at the end of the comments' vector; a changed or deleted one has the
    -- vector built again from all of them.
    UPDATE tickets t
       SET updated_at = greatest(now(), t.created_at),
           comments_vec = CASE WHEN TG_OP = 'INSERT'
               THEN t.comments_vec || setweight(coalesce(c.search_vec, ''), (CASE WHEN c.internal THEN 'D' ELSE 'C' END)::"char")
               ELSE ticket_comments_vec(t.id) END,
           first_response_at = CASE
               WHEN t.first_response_at IS NULL AND TG_OP = 'INSERT' AND NOT c.internal
                    AND EXISTS (SELECT 1 FROM users u WHERE u.id = c.author_id AND u.role <> 'client')
               THEN greatest(c.created_at, t.created_at)
               ELSE t.first_response_at END
     WHERE t.id = c.ticket_id;
    RETURN NULL;
END $$;

-- The search itself reads narrow tables, one row per document: the facets, and the analysed
-- text as title_vec (the title's lexemes, kept in the row: cheap to rank every candidate by)
-- and match_vec (everything a search may match, out of the row: a row is a few hundred bytes,
-- so the rows of ten thousand candidates are read fast). Triggers keep them in the writing
-- transaction; their GIN indexes answer every query. Lexemes, as the store writes them
-- (store/searchvec.go): words; "=" + word for title words (title-only rules: word starts, and
-- typos in the strict pass); "~" + stem; "!" + word for internal comments.
CREATE TABLE ticket_search (
    id                bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    client_id         bigint      NOT NULL,
    status            text        NOT NULL,
    priority          text        NOT NULL,
    category          text        NOT NULL,
    tags              text[]      NOT NULL,
    assignee_id       bigint,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    first_response_at timestamptz,
    title_vec         tsvector    NOT NULL,
    match_vec         tsvector    NOT NULL
) WITH (fillfactor = 90, toast_tuple_target = 128);
-- Only match_vec leaves the row: with a toast target this low, every other column of variable
-- length would be moved out too (tags, even a category), and facets read them for every candidate.
ALTER TABLE ticket_search ALTER COLUMN match_vec SET STORAGE EXTERNAL, ALTER COLUMN title_vec SET STORAGE PLAIN,
    ALTER COLUMN status SET STORAGE MAIN, ALTER COLUMN priority SET STORAGE MAIN, ALTER COLUMN category SET STORAGE MAIN,
    ALTER COLUMN tags SET STORAGE MAIN;
-- One GIN index answers the text and the filters together (btree_gin for the scalar columns),
-- and the window of newest ids (id): a filtered search reads only the rows that pass. The
-- price: a change of status or assignee is no HOT update and indexes the vector again, as a
-- new comment does.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX ticket_search_match_idx ON ticket_search
    USING gin (match_vec, status, priority, client_id, assignee_id, category, tags, id);
CREATE INDEX ticket_search_client_idx ON ticket_search (client_id, id);

CREATE TABLE kb_search (
    id          bigint PRIMARY KEY REFERENCES kb_articles (id) ON DELETE CASCADE,
    category_id bigint,
    tags        text[]      NOT NULL,
    audience    text        NOT NULL,
    published   boolean     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    title_vec   tsvector    NOT NULL,
    match_vec   tsvector    NOT NULL
) WITH (fillfactor = 90, toast_tuple_target = 128);
ALTER TABLE kb_search ALTER COLUMN match_vec SET STORAGE EXTERNAL, ALTER COLUMN title_vec SET STORAGE PLAIN,
    ALTER COLUMN tags SET STORAGE MAIN, ALTER COLUMN audience SET STORAGE MAIN;
CREATE INDEX kb_search_match_idx ON kb_search USING gin (match_vec);

-- The search rows of the tickets and articles with ids from lo to hi, from their current state:
-- a ticket's own vector holds its title (weight A) and description (B), its comments' vector the
-- public ones (C) and the internal ones (D). Triggers call them for one row; a bulk load and the
-- analysis of old rows, for many. PL/pgSQL, not SQL: a session plans their statements once, where
-- a SQL function's would be planned on every call (most of a trigger's cost).
CREATE FUNCTION ticket_search_upsert(lo bigint, hi bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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
CREATE FUNCTION kb_search_upsert(lo bigint, hi bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kb_search (id, category_id, tags, audience, published, created_at, updated_at, title_vec, match_vec)
    SELECT a.id, a.category_id, a.tags, a.audience, a.status = 'published', a.created_at, a.updated_at,
           ts_filter(coalesce(a.search_vec, ''), '{a}'), coalesce(a.search_vec, '')
    FROM kb_articles a WHERE a.id BETWEEN lo AND hi
    ON CONFLICT (id) DO UPDATE SET category_id = EXCLUDED.category_id, tags = EXCLUDED.tags, audience = EXCLUDED.audience,
        published = EXCLUDED.published, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
        title_vec = EXCLUDED.title_vec, match_vec = EXCLUDED.match_vec;
END $$;

CREATE FUNCTION ticket_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF bulk_loading() THEN
        RETURN NULL; -- the load writes the search rows in one statement
    END IF;
    IF TG_OP = 'INSERT' OR NEW.text_vec IS DISTINCT FROM OLD.text_vec OR NEW.comments_vec IS DISTINCT FROM OLD.comments_vec THEN
        PERFORM ticket_search_upsert(NEW.id, NEW.id);
    ELSE -- the facets alone: the vectors stay as they are (no new index entries, no new toast)
        UPDATE ticket_search SET client_id = NEW.client_id, status = NEW.status, priority = NEW.priority,
            category = NEW.category, tags = NEW.tags, assignee_id = NEW.assignee_id, created_at = NEW.created_at,
            updated_at = NEW.updated_at, first_response_at = NEW.first_response_at
        WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_search_sync AFTER INSERT OR UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION ticket_search_sync();

CREATE FUNCTION kb_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT bulk_loading() THEN
        PERFORM kb_search_upsert(NEW.id, NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER kb_articles_search_sync AFTER INSERT OR UPDATE ON kb_articles
    FOR EACH ROW EXECUTE FUNCTION kb_search_sync();

-- Typo expansion reads trigrams of lower(word), the same text (words are folded), so that
-- looking words up exactly can only take the primary key: a trigram index answers "=" too, and
-- the planner may pick it for a list of a word's one-edit variants, at a thousand times the cost.
DROP INDEX search_words_trgm_idx;
CREATE INDEX search_words_trgm_idx ON search_words USING gin (lower(word) gin_trgm_ops);

-- The words of a vector, without its marks: stems and title marks are not words, and an
-- internal comment's words are words.
CREATE FUNCTION search_words_of(vec tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT CASE WHEN left(l, 1) = '!' THEN substr(l, 2) ELSE l END
    FROM unnest(tsvector_to_array(vec)) l WHERE left(l, 1) NOT IN ('~', '=')
$$;
CREATE OR REPLACE FUNCTION search_words_add(vec tsvector) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word) SELECT w FROM search_words_of(vec) w ORDER BY 1 ON CONFLICT DO NOTHING;
END $$;
