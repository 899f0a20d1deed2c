DROP INDEX travellers_received;
ALTER TABLE flights DROP COLUMN population;
