-- Client companies are managed by admins (API, CLI, pages): an inactive one keeps its history
-- and its people's access to it, and opens no new tickets. A change of SLA changes the
-- deadline of every ticket of the client, which the index holds (sla_due): such a change
-- touches the tickets as a rename does.
ALTER TABLE clients ADD COLUMN active boolean NOT NULL DEFAULT true;

CREATE OR REPLACE FUNCTION clients_touch_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.name IS DISTINCT FROM OLD.name OR NEW.sla_response_minutes IS DISTINCT FROM OLD.sla_response_minutes)
       AND NOT bulk_loading() THEN
        UPDATE tickets SET version = 0 WHERE client_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
