-- samtaler.first_load_drop_indexes(): a first load builds the secondary indexes of fact_samtale
-- after its COPY, not row by row during it (PostgreSQL's own advice for populating a table;
-- docs/performance.md, "The first load's indexes"). Measured on the 1M-line bench: COPY of the
-- rows into the indexed table 8.8-9.7 s; into the table with only its primary key 3.9-4.5 s, then
-- 1.05 s for the indexes. The loader calls this before the facts' COPY of a first load and
-- first_load_build_indexes() right after it, before the merge (which joins on the natural key).
--
-- The loading role does not own the table, so the two functions run as its owner (SECURITY
-- DEFINER; execute rights in 90_grants.sql) and do the DDL only for a table without rows, inside
-- the load's transaction: if the load fails, the rollback brings the indexes back as they were.
-- The definitions are read from the catalog when they are dropped (so a later migration's index is
-- deferred too) and kept in a temporary table that only the owner can write, dropped at commit.
CREATE OR REPLACE FUNCTION samtaler.first_load_drop_indexes() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    -- Readers wait for this load (there is nothing to read yet): the DDL needs the table alone.
    LOCK TABLE samtaler.fact_samtale IN ACCESS EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM samtaler.fact_samtale) THEN
        RAISE EXCEPTION 'samtaler.fact_samtale has rows: its indexes are built during a first load only';
    END IF;
    CREATE TEMP TABLE samtaler_first_load_index (nr integer PRIMARY KEY, ddl text NOT NULL) ON COMMIT DROP;
    -- Unique constraints (not the primary key: the keys arrive in order and the merge joins on them).
    FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
             WHERE conrelid = 'samtaler.fact_samtale'::regclass AND contype = 'u' ORDER BY conname LOOP
        n := n + 1;
        INSERT INTO samtaler_first_load_index VALUES
            (n, format('ALTER TABLE samtaler.fact_samtale ADD CONSTRAINT %I %s', r.conname, r.def));
        EXECUTE format('ALTER TABLE samtaler.fact_samtale DROP CONSTRAINT %I', r.conname);
    END LOOP;
    -- Plain indexes.
    FOR r IN SELECT c.relname, pg_get_indexdef(i.indexrelid) AS def
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = 'samtaler.fact_samtale'::regclass AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY c.relname LOOP
        n := n + 1;
        INSERT INTO samtaler_first_load_index VALUES (n, r.def);
        EXECUTE format('DROP INDEX samtaler.%I', r.relname);
    END LOOP;
    RETURN n;
END $$;
