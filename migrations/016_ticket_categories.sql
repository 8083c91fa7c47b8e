-- Ticket categories are data: staff add them, name them in Spanish and English and retire
-- those no longer offered (a retired category stays on the tickets that have it). A ticket's
-- category must be one of them.
CREATE TABLE ticket_categories (
    slug       text        PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name_es    text        NOT NULL CHECK (btrim(name_es) <> '' AND length(name_es) <= 100),
    name_en    text        NOT NULL CHECK (btrim(name_en) <> '' AND length(name_en) <= 100),
    active     boolean     NOT NULL DEFAULT true,
    position   integer     NOT NULL DEFAULT 0, -- the order people think of them in
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- A name finds its category whatever its case, so no two categories share one.
CREATE UNIQUE INDEX ticket_categories_name_es_idx ON ticket_categories (lower(name_es));
CREATE UNIQUE INDEX ticket_categories_name_en_idx ON ticket_categories (lower(name_en));

INSERT INTO ticket_categories (slug, name_es, name_en, position) VALUES
    ('general',    'General',             'General',                    0),
    ('vpn',        'VPN',                 'VPN',                        1),
    ('printers',   'Impresoras',          'Printers',                   2),
    ('email',      'Correo',              'Email',                      3),
    ('backups',    'Copias de seguridad', 'Backups',                    4),
    ('accounts',   'Cuentas',             'Accounts',                   5),
    ('network',    'Red',                 'Network',                    6),
    ('hardware',   'Equipos',             'Hardware',                   7),
    ('software',   'Software',            'Software',                   8),
    ('security',   'Seguridad',           'Security',                   9),
    ('onboarding', 'Altas y bajas',       'Onboarding and offboarding', 10);
-- A category some ticket has that the list above lacks keeps existing, named by its slug
-- until staff name it.
INSERT INTO ticket_categories (slug, name_es, name_en, position)
    SELECT DISTINCT category, category, category, 100 FROM tickets ON CONFLICT DO NOTHING;

ALTER TABLE tickets ADD CONSTRAINT tickets_category_fk FOREIGN KEY (category) REFERENCES ticket_categories (slug);
