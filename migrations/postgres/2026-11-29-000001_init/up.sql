-- Ids are generated in Rust (UUID text), times are UTC epoch milliseconds, JSON is text.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    carrier TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    carrier TEXT,
    account_id TEXT,
    source TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    message_type TEXT,
    diagnostics TEXT NOT NULL DEFAULT '[]',
    raw BYTEA,
    size BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX messages_state ON messages(state, received_at);

CREATE TABLE flights (
    id TEXT PRIMARY KEY NOT NULL,
    flight_key TEXT NOT NULL UNIQUE,
    carrier TEXT NOT NULL,
    number TEXT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    etd BIGINT,
    eta BIGINT,
    departure_local TEXT,
    arrival_local TEXT,
    direction TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX flights_eta ON flights(eta);

CREATE TABLE travellers (
    id TEXT PRIMARY KEY NOT NULL,
    flight_id TEXT NOT NULL REFERENCES flights(id),
    identity_key TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    surname TEXT NOT NULL,
    given_names TEXT NOT NULL,
    date_of_birth TEXT,
    gender TEXT,
    nationality TEXT,
    record_locator TEXT,
    data TEXT NOT NULL,
    message_id TEXT NOT NULL,
    masked BOOLEAN NOT NULL DEFAULT FALSE,
    received_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (flight_id, identity_key)
);
CREATE INDEX travellers_identity ON travellers(identity_key);

CREATE TABLE traveller_versions (
    id TEXT PRIMARY KEY NOT NULL,
    traveller_id TEXT NOT NULL REFERENCES travellers(id),
    message_id TEXT NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX traveller_versions_traveller ON traveller_versions(traveller_id);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    traveller_id TEXT NOT NULL REFERENCES travellers(id),
    doc_type TEXT NOT NULL,
    number TEXT NOT NULL,
    issuing_country TEXT,
    expiry TEXT
);
CREATE INDEX documents_traveller ON documents(traveller_id);
CREATE INDEX documents_number ON documents(number);

CREATE TABLE pnrs (
    id TEXT PRIMARY KEY NOT NULL,
    flight_id TEXT NOT NULL REFERENCES flights(id),
    record_locator TEXT NOT NULL,
    message_id TEXT NOT NULL,
    data TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (flight_id, record_locator)
);

CREATE TABLE watchlists (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE watchlist_entries (
    id TEXT PRIMARY KEY NOT NULL,
    watchlist_id TEXT NOT NULL REFERENCES watchlists(id),
    version INTEGER NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX watchlist_entries_list ON watchlist_entries(watchlist_id, version);

CREATE TABLE rules (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    weight INTEGER NOT NULL,
    state TEXT NOT NULL,
    condition TEXT NOT NULL,
    spec TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE rule_versions (
    id TEXT PRIMARY KEY NOT NULL,
    rule_id TEXT NOT NULL REFERENCES rules(id),
    version INTEGER NOT NULL,
    spec TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (rule_id, version)
);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    flight_id TEXT NOT NULL,
    state TEXT NOT NULL,
    run_after BIGINT NOT NULL,
    lease_until BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_state ON jobs(state, run_after);

CREATE TABLE hits (
    id TEXT PRIMARY KEY NOT NULL,
    traveller_id TEXT NOT NULL REFERENCES travellers(id),
    flight_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    source_version INTEGER NOT NULL,
    live BOOLEAN NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    weight INTEGER NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX hits_traveller ON hits(traveller_id);
CREATE INDEX hits_flight ON hits(flight_id);

CREATE TABLE review_items (
    id TEXT PRIMARY KEY NOT NULL,
    traveller_id TEXT NOT NULL UNIQUE REFERENCES travellers(id),
    flight_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    band TEXT NOT NULL,
    status TEXT NOT NULL,
    assignee TEXT,
    disposition TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX review_items_flight ON review_items(flight_id);

CREATE TABLE review_notes (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES review_items(id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
