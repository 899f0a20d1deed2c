-- Targeting rules (issue 6): weight suggestions an administrator accepted, and indexes for
-- backtests and the effectiveness report.

-- One row per accepted weight suggestion: the version it was computed on, the version it made,
-- the base weight it scaled and the outcome counts behind it. Suggestions that are only shown
-- are not stored: they are recomputed from the review outcomes on every request.
CREATE TABLE rule_suggestions (
    id TEXT PRIMARY KEY NOT NULL,
    rule_id TEXT NOT NULL REFERENCES rules(id),
    from_version INTEGER NOT NULL,
    to_version INTEGER NOT NULL,
    base_weight INTEGER NOT NULL,
    old_weight INTEGER NOT NULL,
    new_weight INTEGER NOT NULL,
    resultant DOUBLE PRECISION NOT NULL,
    non_resultant DOUBLE PRECISION NOT NULL,
    accepted_by TEXT NOT NULL,
    accepted_at BIGINT NOT NULL,
    UNIQUE (rule_id, to_version)
);

-- The hits of one rule (outcomes, report) and the flights of a date range (backtest, report).
CREATE INDEX hits_source ON hits(source_id, kind);
CREATE INDEX flights_etd ON flights(etd);
