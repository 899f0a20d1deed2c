-- The same person across flights (travel history): normalised names + date of birth, or the
-- document number and country when the date of birth is unknown.
ALTER TABLE travellers ADD COLUMN person_key TEXT;
CREATE INDEX travellers_person ON travellers(person_key);
