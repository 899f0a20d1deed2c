-- The claim of the next message reads only this index (SQLite keeps the raw bytes in the row,
-- before the columns the claim tests, so reading the table would walk every waiting message's
-- overflow pages).
DROP INDEX messages_order_key;
CREATE INDEX messages_order_key ON messages(order_key, received_at, id)
    WHERE state IN ('received', 'processing');
CREATE INDEX messages_waiting ON messages(received_at, id, state, lease_until, order_key)
    WHERE state IN ('received', 'processing');
