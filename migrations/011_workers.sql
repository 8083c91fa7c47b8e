-- The job queue's workers say they are alive every few seconds, so /readyz and the jobs page
-- can tell a queue nobody works from a quiet one. (River's own tables come from its
-- migrations, which `portalctl migrate` applies after these.)
CREATE TABLE worker_heartbeats (
    name       text PRIMARY KEY,           -- host:pid
    started_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL DEFAULT now()
);
