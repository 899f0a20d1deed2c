-- The screened population of a flight (issue 6's effectiveness report, issue 9's page timings):
-- travellers counted by nationality and sex as the flight's last screening saw them, as JSON
-- [[nationality, sex, count], ...]; NULL until the flight is screened again. The report reads
-- these counts instead of grouping every traveller of every flight in its range.
ALTER TABLE flights ADD COLUMN population TEXT;
-- Travellers by time of receipt: the monthly retention statistics count them per day through
-- this index instead of reading every row (inserts land at its right edge: cheap at load).
CREATE INDEX travellers_received ON travellers(received_at);
