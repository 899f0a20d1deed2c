DROP INDEX flights_etd;
DROP INDEX hits_source;
DROP TABLE rule_suggestions;
