-- Exports people ask for (POST /api/v1/reports): built by the worker, kept here with their file
-- until downloaded by the person who asked, or an admin. The export job is queued in the
-- transaction that inserts the row.
CREATE TABLE reports (
    id           bigserial PRIMARY KEY,
    requested_by bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('tickets', 'sla')),
    format       text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    date_from    date NOT NULL,
    date_to      date NOT NULL,
    client_id    bigint REFERENCES clients (id) ON DELETE CASCADE,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    rows         bigint,
    content      bytea,
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    CHECK (date_from <= date_to)
);

CREATE INDEX reports_requested_by_idx ON reports (requested_by, created_at DESC);
