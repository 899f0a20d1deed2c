ALTER TABLE flights DROP COLUMN population;
