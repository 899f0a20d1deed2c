DROP INDEX messages_waiting;
DROP INDEX messages_order_key;
CREATE INDEX messages_order_key ON messages(order_key, received_at)
    WHERE state IN ('received', 'processing');
