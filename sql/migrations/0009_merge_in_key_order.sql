-- 0009: the merge looks up a night's natural keys in key order.
--
-- merge_stage() finds each staged registration's current fact through the unique index on the
-- natural key (registrering_noegle, an HMAC: random order). It probed the index in the order the
-- lines were loaded, so a night's 18,000 keys read 18,000 random pages of the index; when the
-- index is not in memory (a cold cache, a busy disk) that was most of the increment: 5.5 s of a
-- 7.9 s increment into the 10M bench warehouse, 0.8 s of 2.3 s into the 1M one. Probing in key
-- order reads the index's leaf pages in the order they lie on disk (the operating system reads
-- ahead): 18,000 random new keys against the 10M warehouse, caches dropped, 2.2-3.8 s in load order
-- and 0.50-0.66 s in key order (docs/performance.md, "The increment's lookups").
--
-- The new facts are still inserted in load order (ORDER BY seq), so they lie on disk by date as
-- before. The function is 0004's with these edits, made to its definition as the database holds
-- it (so its 160 lines are not copied once more, and 0006's settings stay): each edit must match
-- exactly once, or the migration stops.

DO $migration$
DECLARE
    def text := pg_get_functiondef('samtaler.merge_stage(integer)'::regprocedure);
    -- {text as 0004 wrote it, text now}
    edits text[] := ARRAY[
        -- the winners' current facts looked up in key order
        ['FROM samtaler_winner w LEFT JOIN samtaler.fact_samtale f ON',
         'FROM (SELECT * FROM samtaler_winner WHERE kind = 1 ORDER BY noegle) w LEFT JOIN samtaler.fact_samtale f ON'],
        ['FROM samtaler_winner w LEFT JOIN samtaler.fact_minplan f ON',
         'FROM (SELECT * FROM samtaler_winner WHERE kind = 2 ORDER BY noegle) w LEFT JOIN samtaler.fact_minplan f ON'],
        ['FROM samtaler_winner w LEFT JOIN samtaler.fact_jobsoegningskrav f ON',
         'FROM (SELECT * FROM samtaler_winner WHERE kind = 3 ORDER BY noegle) w LEFT JOIN samtaler.fact_jobsoegningskrav f ON'],
        -- the new facts inserted in load order
        ['FROM samtaler_applied WHERE old_key IS NULL;', 'FROM samtaler_applied WHERE old_key IS NULL ORDER BY seq;'],
        ['FROM samtaler_applied_mp WHERE old_key IS NULL;', 'FROM samtaler_applied_mp WHERE old_key IS NULL ORDER BY seq;'],
        ['FROM samtaler_applied_jk WHERE old_key IS NULL;', 'FROM samtaler_applied_jk WHERE old_key IS NULL ORDER BY seq;']];
    n integer;
BEGIN
    FOR i IN 1 .. array_length(edits, 1) LOOP
        n := (length(def) - length(replace(def, edits[i][1], ''))) / length(edits[i][1]);
        IF n <> 1 THEN
            RAISE EXCEPTION 'migration 0009: samtaler.merge_stage is not as migration 0004 made it (% matches % times)', edits[i][1], n;
        END IF;
        def := replace(def, edits[i][1], edits[i][2]);
    END LOOP;
    EXECUTE def;
END $migration$;
