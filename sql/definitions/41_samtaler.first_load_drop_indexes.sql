-- samtaler.first_load_drop_indexes(): a first load builds the indexes of the fact tables it COPYs
-- into (fact_samtale, fact_samtale_deltager, fact_minplan, fact_jobsoegningskrav) and of the
-- visitation history after their rows are in, not row by row (PostgreSQL's own advice for
-- populating a table; docs/performance.md, "The first load: every index after the COPYs").
-- Measured on the 1M-line bench: COPY of the rows into the indexed table 8.8-9.7 s; into the
-- table with only its primary key 3.9-4.5 s, then 1.05 s for the indexes; the participants'
-- 304,564 rows 0.66-0.70 s into the table with its primary key, 0.19-0.20 s without it and
-- 0.15-0.16 s to build it. So every index goes, the primary keys too: the keys arrive in order,
-- but each row still costs a descent of the tree.
-- The loader calls this before the facts' COPY of a first load and first_load_build_indexes()
-- for the four tables after their COPYs, before the merge (which joins on the keys). The visitation
-- history (fact_visitation) is built from scratch too, by finish_first_load (40), which builds
-- its indexes after its INSERT: the 99,905 rows of the 1M all-new feed took 0.97 s into the
-- indexed table (the query that makes them included), 0.51 s into the bare one and 0.13 s for its
-- two indexes after.
--
-- The loading role does not own the tables, so the two functions run as their owner (SECURITY
-- DEFINER; execute rights in 90_grants.sql) and do the DDL only for tables without rows, inside
-- the load's transaction: if the load fails, the rollback brings the indexes back as they were.
-- The definitions are read from the catalog when they are dropped (so a later migration's index is
-- deferred too) and kept in a temporary table that only the owner can write, dropped at commit.
CREATE OR REPLACE FUNCTION samtaler.first_load_drop_indexes() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tabel regclass;
    r record;
    har_raekker boolean;
    n integer := 0;
BEGIN
    CREATE TEMP TABLE samtaler_first_load_index (nr integer PRIMARY KEY, tabel regclass NOT NULL, ddl text NOT NULL) ON COMMIT DROP;
    FOREACH tabel IN ARRAY ARRAY['samtaler.fact_samtale', 'samtaler.fact_samtale_deltager', 'samtaler.fact_minplan',
                                 'samtaler.fact_jobsoegningskrav', 'samtaler.fact_visitation']::regclass[] LOOP
        -- Readers wait for this load (there is nothing to read yet): the DDL needs the table alone.
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tabel);
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', tabel) INTO har_raekker;
        IF har_raekker THEN
            RAISE EXCEPTION '% has rows: its indexes are built during a first load only', tabel;
        END IF;
        -- Primary keys and unique constraints, then plain indexes, each in name order.
        FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                 WHERE conrelid = tabel AND contype IN ('p', 'u') ORDER BY contype, conname LOOP
            n := n + 1;
            INSERT INTO samtaler_first_load_index VALUES
                (n, tabel, format('ALTER TABLE %s ADD CONSTRAINT %I %s', tabel, r.conname, r.def));
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tabel, r.conname);
        END LOOP;
        FOR r IN SELECT c.relname, pg_get_indexdef(i.indexrelid) AS def
                 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE i.indrelid = tabel AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                 ORDER BY c.relname LOOP
            n := n + 1;
            INSERT INTO samtaler_first_load_index VALUES (n, tabel, r.def);
            EXECUTE format('DROP INDEX samtaler.%I', r.relname);
        END LOOP;
    END LOOP;
    RETURN n;
END $$;
