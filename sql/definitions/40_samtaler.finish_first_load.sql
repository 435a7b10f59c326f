-- samtaler.finish_first_load(p_batch): the end of a first load's direct path
-- (Sources/SamtalerWarehouse/Load/FirstLoad.swift, docs/performance.md "The first load").
-- uses: 21_samtaler.insert_visitation.sql
-- uses: 42_samtaler.first_load_build_indexes.sql
--
-- Into a warehouse without conversations the loader COPYs each conversation registration it has
-- certainly not met before in the run straight into fact_samtale (and its participants into
-- fact_samtale_deltager); other lines go through staging and merge_stage(p_batch, false). After
-- the merge this function builds the visitation history of every person once (the direct rows
-- did not pass the merge) and counts the conversations: in a warehouse that was empty, every
-- registration is new or withdrawn.
--
-- Everyone's history from all current facts, by the one set of rules (visitation_perioder, 19,
-- through insert_visitation, 21), as recompute_visitation (20) builds it for the persons a load touched, but without first
-- listing every person to join the facts with: one scan of the facts fewer and no join (the 1M
-- all-new first load: this function 1.35-1.43 s against 2.15-2.60 s, alternating;
-- docs/performance.md). The warehouse had no conversations before this load, so it had no
-- history either; the DELETE is for certainty. The loader's first load dropped the history's
-- indexes (first_load_drop_indexes, 41): they are built after the INSERT. A caller that dropped
-- none (sql/bench/sql_alternative.sql) finds them in place.
CREATE OR REPLACE FUNCTION samtaler.finish_first_load(p_batch integer)
RETURNS TABLE (new bigint, withdrawn bigint)
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off AS $$
BEGIN
    DELETE FROM samtaler.fact_visitation;
    PERFORM samtaler.insert_visitation('samtaler.fact_samtale f', p_batch);
    IF to_regclass('pg_temp.samtaler_first_load_index') IS NOT NULL THEN
        PERFORM samtaler.first_load_build_indexes(ARRAY['samtaler.fact_visitation']::regclass[]);
    END IF;
    RETURN QUERY SELECT count(*) FILTER (WHERE NOT f.annulleret), count(*) FILTER (WHERE f.annulleret)
    FROM samtaler.fact_samtale f;
END $$;
