-- Retention (issue 8): the editable policy, data keys and sealed originals of masked data,
-- re-personalisation requests, the sensitive-data filter's list and counts, and run statistics.

-- The policy in force when set through the API (otherwise the configured profile applies).
CREATE TABLE retention_policy (
    id TEXT PRIMARY KEY NOT NULL,
    profile TEXT NOT NULL,
    spec TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One data key per subject (`traveller:ID`, `pnr:ID`), wrapped under the master key. Deleting the
-- row makes the subject's sealed originals unreadable in every copy of the database.
CREATE TABLE retention_keys (
    subject TEXT PRIMARY KEY NOT NULL,
    wrapped_key BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

-- The clear originals of masked data, encrypted under the subject's data key.
CREATE TABLE sealed_originals (
    subject TEXT PRIMARY KEY NOT NULL,
    sealed BLOB NOT NULL,
    sealed_at BIGINT NOT NULL
);

CREATE TABLE unmask_requests (
    id TEXT PRIMARY KEY NOT NULL,
    requester_id TEXT NOT NULL,
    traveller_ids TEXT NOT NULL,
    fields TEXT NOT NULL,
    purpose TEXT NOT NULL,
    reason TEXT NOT NULL,
    hours INTEGER NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decision_reason TEXT,
    decided_at BIGINT,
    expires_at BIGINT,
    dpo_reviewed_by TEXT,
    dpo_reviewed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX unmask_requests_status ON unmask_requests(status, expires_at);

-- Versions of the sensitive-data filter's list (SSR codes and keywords); the newest applies.
CREATE TABLE sensitive_lists (
    version INTEGER PRIMARY KEY NOT NULL,
    codes TEXT NOT NULL,
    keywords TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- How many items the filter removed per carrier and day (the count, never the content).
CREATE TABLE sensitive_removals (
    carrier TEXT NOT NULL,
    day TEXT NOT NULL,
    removed BIGINT NOT NULL,
    PRIMARY KEY (carrier, day)
);

-- One row per retention run that changed the store (statistics of deletions per period).
CREATE TABLE retention_runs (
    id TEXT PRIMARY KEY NOT NULL,
    as_of BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    profile TEXT NOT NULL,
    travellers_deleted BIGINT NOT NULL,
    travellers_masked BIGINT NOT NULL,
    pnrs_deleted BIGINT NOT NULL,
    pnrs_masked BIGINT NOT NULL,
    raw_deleted BIGINT NOT NULL,
    grants_expired BIGINT NOT NULL
);
CREATE INDEX retention_runs_as_of ON retention_runs(as_of);
