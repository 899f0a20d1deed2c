DROP TABLE retention_runs;
DROP TABLE sensitive_removals;
DROP TABLE sensitive_lists;
DROP TABLE unmask_requests;
DROP TABLE sealed_originals;
DROP TABLE retention_keys;
DROP TABLE retention_policy;
