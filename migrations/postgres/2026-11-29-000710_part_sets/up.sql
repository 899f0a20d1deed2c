-- Multi-part manifests (UNH S010): each part loads into its flight as it arrives, and the set of
-- parts is tracked here until it is complete or times out (PAXRISK_PART_TIMEOUT_SECONDS).
CREATE TABLE part_sets (
    id TEXT PRIMARY KEY,
    flight_id TEXT NOT NULL REFERENCES flights(id),
    carrier TEXT NOT NULL,
    -- BGM document code (745 passengers, 250 crew, ...) and the UNH common access reference.
    document TEXT NOT NULL,
    reference TEXT NOT NULL,
    -- Known once the part flagged last (F) has arrived: its sequence number.
    parts_expected INTEGER,
    parts_seen INTEGER NOT NULL,
    duplicates INTEGER NOT NULL DEFAULT 0,
    -- incomplete | complete | timed_out
    state TEXT NOT NULL,
    first_part_at BIGINT NOT NULL,
    last_part_at BIGINT NOT NULL,
    completed_at BIGINT,
    timed_out_at BIGINT
);
CREATE UNIQUE INDEX part_sets_key ON part_sets(flight_id, document, reference);
CREATE INDEX part_sets_open ON part_sets(state, first_part_at);

-- One row per part a message carried (a file may hold several parts, even a whole set).
CREATE TABLE message_parts (
    message_id TEXT NOT NULL REFERENCES messages(id),
    set_id TEXT NOT NULL REFERENCES part_sets(id),
    sequence INTEGER NOT NULL,
    last BOOLEAN NOT NULL,
    PRIMARY KEY (message_id, set_id, sequence)
);
CREATE INDEX message_parts_set ON message_parts(set_id, sequence);
