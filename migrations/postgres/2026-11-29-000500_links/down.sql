DELETE FROM settings WHERE key = 'links.key';
DROP INDEX links_traveller;
DROP TABLE links;
DROP TABLE link_nodes;
