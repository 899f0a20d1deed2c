DROP INDEX audit_log_purpose;
ALTER TABLE audit_log DROP COLUMN purpose;
DROP TABLE setup_tokens;
DROP TABLE group_members;
DROP TABLE user_groups;
