DROP TABLE message_parts;
DROP TABLE part_sets;
