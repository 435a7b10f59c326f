-- 0014: what an increment's merge reads, held in memory (docs/performance.md, "The increment into
-- 100M"). At 100M conversations the merge of a 20,000-line increment took 36-44 s, nearly all of
-- it waiting for single pages from the disk: the natural key's index (its keys are keyed hashes,
-- so a night's keys fall on random pages) and the conversations of the persons whose visitation
-- history is computed again (scattered over twenty years of the table).
--
-- 1. The extension pg_prewarm, with which a load reads those indexes into shared buffers while it
--    reads the feed (samtaler.hold_merge_indexes, definitions/31). It comes with PostgreSQL
--    (Debian's postgresql-15 package) and only a superuser may create it. Where the server lacks
--    it, or this migration does not run as a superuser, the warehouse works the same and the load
--    says in its summary that the indexes were not held: a DBA can create it later
--    (CREATE EXTENSION pg_prewarm in this database).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm') THEN
        RETURN;
    ELSIF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm') THEN
        RAISE NOTICE 'pg_prewarm is not available on this server: loads will not hold their lookup indexes in memory';
    ELSIF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE NOTICE 'pg_prewarm needs a superuser: run CREATE EXTENSION pg_prewarm in this database';
    ELSE
        CREATE EXTENSION pg_prewarm;
    END IF;
END $$;

-- 2. The index that finds a person's conversations with a visitation group carries the columns
--    the history is computed from (visitation_perioder, definitions/19), so they come from the
--    index alone (an index-only scan), not from a page of the table per conversation. At 100M:
--    174 MB before, 592 MB with them; the recomputation in an increment 1.2-1.8 s before, 0.3-0.5 s
--    with them.
DROP INDEX samtaler.fact_samtale_visitation_person;
CREATE INDEX fact_samtale_visitation_person ON samtaler.fact_samtale (person_pseudonym)
    INCLUDE (foerste_registreret, registrering_noegle, visitationsgruppe_key, indberetter_key, samtale_key, annulleret)
    WHERE visitationsgruppe_key IS NOT NULL;
