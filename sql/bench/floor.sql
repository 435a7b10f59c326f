-- The bulk floor of make bench (scripts/bench.sh): what any bulk loader must at least do to
-- write the rows a load produced. In one transaction (psql -1): the fact tables' indexes and key
-- constraints are dropped (their definitions kept), the rows are COPYed in by the psql script
-- :copies (one \copy per table, from the files the load's tables were dumped to), and the same
-- indexes and constraints are built again.
CREATE TEMP TABLE floor_index (nr serial, tabel regclass, navn text, er_constraint boolean, ddl text);
INSERT INTO floor_index (tabel, navn, er_constraint, ddl)
SELECT c.conrelid::regclass, c.conname, true,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
WHERE t.relnamespace = 'samtaler'::regnamespace AND t.relname LIKE 'fact\_%' AND c.contype IN ('p', 'u');
INSERT INTO floor_index (tabel, navn, er_constraint, ddl)
SELECT i.indrelid::regclass, x.relname, false, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = 'samtaler'::regnamespace AND t.relname LIKE 'fact\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid);
SELECT CASE WHEN er_constraint THEN format('ALTER TABLE %s DROP CONSTRAINT %I', tabel, navn)
            ELSE format('DROP INDEX samtaler.%I', navn) END FROM floor_index ORDER BY nr \gexec
\i :copies
SET maintenance_work_mem = '256MB';
SELECT ddl FROM floor_index ORDER BY nr \gexec
