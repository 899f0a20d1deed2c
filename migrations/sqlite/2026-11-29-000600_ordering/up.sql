-- Scale-out (issue 10): per-flight ordering of message processing and one waiting screening job
-- per flight.

-- The flight a message names, read at intake (carrier|number|origin|departure date), so that a
-- worker only takes a message when no older message of the same flight is still waiting or being
-- processed. NULL when intake could not tell: such a message has no ordering constraint.
ALTER TABLE messages ADD COLUMN order_key TEXT;
-- The order in which messages were loaded (committed), for operators and the ordering tests.
ALTER TABLE messages ADD COLUMN load_order BIGINT;
CREATE INDEX messages_order_key ON messages(order_key, received_at)
    WHERE state IN ('received', 'processing');

-- At most one queued screening job per flight: a second enqueue is a no-op.
DELETE FROM jobs WHERE state = 'queued' AND id NOT IN
    (SELECT MIN(id) FROM jobs WHERE state = 'queued' GROUP BY flight_id);
CREATE UNIQUE INDEX jobs_one_queued ON jobs(flight_id) WHERE state = 'queued';
CREATE INDEX jobs_flight_running ON jobs(flight_id) WHERE state = 'running';
CREATE INDEX messages_load_order ON messages(load_order);
