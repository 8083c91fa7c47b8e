-- Search insights for KB authors: what readers searched, what they clicked, whether a ticket
-- followed. Nothing here names a person: no user, session, address or company, only the kind
-- of reader. Rows are written in batches by each portal (so ids are random, not serials) and
-- deleted after SEARCH_INSIGHTS_DAYS by the worker.
CREATE TABLE search_events (
    id      uuid        PRIMARY KEY,
    at      timestamptz NOT NULL,
    query   text        NOT NULL CHECK (length(query) BETWEEN 1 AND 500), -- folded text
    engine  text        NOT NULL CHECK (engine IN ('elasticsearch', 'postgres')),
    results bigint      NOT NULL CHECK (results >= 0),
    lang    text        NOT NULL CHECK (lang IN ('es', 'en')),
    reader  text        NOT NULL CHECK (reader IN ('anonymous', 'client', 'staff')),
    source  text        NOT NULL CHECK (source IN ('page', 'api')) -- API searches have no clicks
);
-- Every aggregate reads a period of time; retention deletes by it too.
CREATE INDEX search_events_at ON search_events (at);

-- What followed a search: a result clicked (its position across pages, the document), or a
-- ticket opened within 30 minutes in the same session. No foreign key: a click may name an
-- event still in its portal's buffer, and retention removes both tables by time; the writer
-- keeps only actions whose event exists.
CREATE TABLE search_actions (
    event_id uuid        NOT NULL,
    at       timestamptz NOT NULL,
    kind     text        NOT NULL CHECK (kind IN ('click', 'ticket')),
    position integer     CHECK (position BETWEEN 1 AND 10000),
    doc_type text        CHECK (doc_type IN ('kb', 'ticket')),
    doc_id   bigint      CHECK (doc_id > 0),
    CHECK ((kind = 'click') = (position IS NOT NULL AND doc_type IS NOT NULL AND doc_id IS NOT NULL))
);
CREATE INDEX search_actions_event ON search_actions (event_id, kind);
CREATE INDEX search_actions_at ON search_actions (at);
