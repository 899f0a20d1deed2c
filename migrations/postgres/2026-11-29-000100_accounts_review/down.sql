DROP TABLE notify_events;
DROP TABLE lookouts;
DROP TABLE manual_hits;
DROP INDEX review_notes_item;
ALTER TABLE review_notes DROP COLUMN kind;
DROP TABLE api_keys;
ALTER TABLE users DROP COLUMN notify_high;
ALTER TABLE users DROP COLUMN email;
