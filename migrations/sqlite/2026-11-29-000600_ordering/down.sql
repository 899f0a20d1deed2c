DROP INDEX messages_load_order;
DROP INDEX jobs_flight_running;
DROP INDEX jobs_one_queued;
DROP INDEX messages_order_key;
ALTER TABLE messages DROP COLUMN load_order;
ALTER TABLE messages DROP COLUMN order_key;
