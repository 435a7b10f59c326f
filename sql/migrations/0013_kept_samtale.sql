-- 0013: the current conversations kept a second time, sorted by person, for counting distinct
-- persons over many periods (docs/performance.md, "Every period: the kept copy").
--
-- Conversations add up over groups and periods; distinct persons do not. Counting them exactly
-- needs every conversation's person, and reading 8.8 million rows out of fact_samtale costs the
-- server about a microsecond a row: 4-8 s for every period of a 10M warehouse. Here the same rows
-- lie as a few thousand byte strings, one per year and pseudonym block (the pseudonym's first
-- byte), each holding its rows sorted by person: a report reads them at memory speed and finds
-- each person's rows side by side (Report/Counting/KeptCounting.swift). The copy holds what the
-- facts hold (the pseudonym and the dimension keys), nothing more.
--
-- After every load has published its batch, the loader writes it again (samtaler.keep_samtale, in
-- two halves at once) and stamps it with the batch (kept_samtale_batch); any statement that
-- changes fact_samtale clears the stamp (the trigger below). A report uses the copy only when its
-- stamp is the last published batch, and reads the facts otherwise: the copy can lag, never lie.
-- uses: 45_samtaler.keep_samtale.sql (for the warehouses loaded before this migration)
-- uses: 46_samtaler.kept_samtale_stale.sql

CREATE TABLE samtaler.kept_samtale (
    aar     smallint NOT NULL,
    blok    smallint NOT NULL,
    raekker integer  NOT NULL,
    data    bytea    NOT NULL,
    PRIMARY KEY (aar, blok)
);
-- Read whole and at once: stored uncompressed (pglz saved a third and cost more to read).
ALTER TABLE samtaler.kept_samtale ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE samtaler.kept_samtale_batch (
    batch_key  integer,
    aendringer bigint NOT NULL
);
INSERT INTO samtaler.kept_samtale_batch VALUES (NULL, 0);

CREATE TRIGGER kept_samtale_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON samtaler.fact_samtale
    FOR EACH STATEMENT EXECUTE FUNCTION samtaler.kept_samtale_stale();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON samtaler.kept_samtale, samtaler.kept_samtale_batch TO samtaler_indlaeser;
    END IF;
END $$;

-- A warehouse loaded before: its copy as of its last published batch.
SELECT samtaler.keep_samtale(0, 1);
UPDATE samtaler.kept_samtale_batch SET batch_key = (SELECT max(batch_key) FROM samtaler.dim_batch WHERE status = 'publiceret');
