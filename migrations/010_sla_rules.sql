-- The rules of a ticket's response deadline, written once (issue 16): the store's SLA monitor,
-- the dashboard, the indexer's documents and the fallback search read them here, where they
-- were four spellings. Plain SQL functions, STABLE as timestamptz arithmetic is: the planner
-- inlines them, so a query costs what it did with the expression written out, and a status
-- test still uses the indexes on status.

-- Whether a ticket in this status still waits on the help desk.
CREATE FUNCTION ticket_open(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN status IN ('open', 'in_progress', 'waiting');

-- When the first response to a ticket opened at created_at is due, for a client that allows
-- sla_minutes.
CREATE FUNCTION ticket_response_deadline(created_at timestamptz, sla_minutes integer) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN created_at + sla_minutes * interval '1 minute';

-- The deadline of a ticket still waiting for its first response (open, not yet answered);
-- NULL for the others, which nothing is due for.
CREATE FUNCTION ticket_sla_due(created_at timestamptz, first_response_at timestamptz, status text, sla_minutes integer)
    RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN first_response_at IS NULL AND ticket_open(status)
        THEN ticket_response_deadline(created_at, sla_minutes) END;
