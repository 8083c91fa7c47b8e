-- People handle alerts: an agent acknowledges one (seen, in hand) or resolves it; the SLA check
-- still resolves the ones whose ticket got its answer, with no one named. Who did it stays,
-- and an acknowledged alert is not announced again.
ALTER TABLE alerts
    ADD COLUMN acknowledged_at timestamptz,
    ADD COLUMN acknowledged_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN resolved_by     bigint REFERENCES users (id) ON DELETE SET NULL;
