-- samtaler.hold_merge_indexes(): reads into PostgreSQL's shared buffers the indexes an
-- increment's merge (merge_stage, 30) looks its keys up in, so the lookups do not wait for the disk.
-- The loader calls it on a second session while it reads the feed, and waits for it before the
-- merge (Load/MergeIndexes.swift; docs/performance.md, "The increment into 100M").
--
-- Why: the natural key is a keyed hash, so a night's keys fall on random pages of the key index.
-- At 100M conversations that index is 2.7 GB; a 20,000-line increment reads about 19,000 of its
-- pages one at a time, and on a disk that does some 700 random reads a second the merge took 44 s.
-- Read whole and in order, the pages come at the disk's sequential speed once, and the following
-- loads find them in memory (the merge then 3 s). Pages already in shared buffers cost only their
-- lookup: about 0.3 s for the 480,000 pages of the 100M warehouse's indexes below.
--
-- Only when they fit in half of shared_buffers (the rest is for everything else: a set that does
-- not fit would be read whole at every load and pushed out again) and when the extension
-- pg_prewarm is installed (migration 0014 installs it where the server has it); otherwise nothing
-- is read and `reason` says why. The result: whether they are held, how many relations (indexes
-- and the table fact_visitation) and their size, the size of shared_buffers, both in MB, and the
-- reason when they are not held.
--
-- SECURITY DEFINER: pg_prewarm checks SELECT on each relation, and an index has no grants of its
-- own (only its owner passes); the loading role runs it (90_grants.sql).
CREATE OR REPLACE FUNCTION samtaler.hold_merge_indexes()
RETURNS TABLE (held boolean, relations integer, megabytes bigint, shared_buffers_mb bigint, reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    -- The merge's lookups: each kind's natural key, and the visitation history of the persons a
    -- load touches (their conversations with a group; their periods, deleted and written again,
    -- into both of the history's indexes: the periods of a person's whole history start on days
    -- all over the years, and without the index by day held, the 100M increment read 461 of its
    -- pages from the disk, 0.32 s).
    rels regclass[] := ARRAY(
        SELECT to_regclass(n) FROM unnest(ARRAY[
            'samtaler.fact_samtale_registrering_noegle_key', 'samtaler.fact_minplan_registrering_noegle_key',
            'samtaler.fact_jobsoegningskrav_registrering_noegle_key', 'samtaler.fact_samtale_visitation_person',
            'samtaler.fact_visitation', 'samtaler.fact_visitation_pkey', 'samtaler.fact_visitation_fra']) n
        WHERE to_regclass(n) IS NOT NULL);
    bytes bigint;
    buffers bigint;
    prewarm text;
    r regclass;
BEGIN
    SELECT coalesce(sum(pg_relation_size(x)), 0) INTO bytes FROM unnest(rels) x;
    SELECT setting::bigint * 8192 INTO buffers FROM pg_settings WHERE name = 'shared_buffers';
    SELECT format('%I.pg_prewarm', n.nspname) INTO prewarm
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_prewarm';
    held := false;
    relations := cardinality(rels);
    megabytes := bytes / 1048576;
    shared_buffers_mb := buffers / 1048576;
    IF prewarm IS NULL THEN
        reason := 'the extension pg_prewarm is not installed in this database';
    ELSIF bytes > buffers / 2 THEN
        reason := format('they need %s MB, more than half of shared_buffers (%s MB)', megabytes, shared_buffers_mb);
    ELSE
        FOREACH r IN ARRAY rels LOOP
            EXECUTE format('SELECT %s($1)', prewarm) USING r;
        END LOOP;
        held := true;
    END IF;
    RETURN NEXT;
END $$;
