-- Link analysis (issue 12): travellers who share a normalised value (phone, e-mail, card as
-- sent, address, document, frequent-flyer number, agency, booking, seat row, same person).
-- A node is `kind:` + a keyed hash of the normalised value (HMAC-SHA-256 under `links.key`, so
-- the table cannot be reversed by hashing every phone number); its label is masked for display.
-- Links are derived data: retention deletes them with (or before) their sources.
CREATE TABLE link_nodes (
    node TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL
);

-- One row per traveller and node, per source (`api` or `pnr`) that gave it; both directions
-- are indexed so a hop is one indexed read per side. `at` is the flight's departure (UTC ms),
-- for time windows.
CREATE TABLE links (
    node TEXT NOT NULL,
    traveller_id TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (node, traveller_id, source)
);
CREATE INDEX links_traveller ON links(traveller_id, node);

-- The hash key: random (gen_random_uuid draws from the server's strong random source), made
-- once per database.
INSERT INTO settings (key, value)
VALUES ('links.key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
