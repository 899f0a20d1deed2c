DROP INDEX travellers_person;
ALTER TABLE travellers DROP COLUMN person_key;
