-- samtaler.finish_first_load(p_batch): the end of a first load's direct path
-- (Sources/SamtalerWarehouse/Load/FirstLoad.swift, docs/performance.md "The first load").
--
-- Into a warehouse without conversations the loader COPYs each conversation registration it has
-- certainly not met before in the run straight into fact_samtale (and its participants into
-- fact_samtale_deltager); other lines go through staging and merge_stage(p_batch, false). After
-- the merge this function builds the visitation history of every person once (the direct rows
-- did not pass the merge) and counts the conversations: in a warehouse that was empty, every
-- registration is new or withdrawn.
CREATE OR REPLACE FUNCTION samtaler.finish_first_load(p_batch integer)
RETURNS TABLE (new bigint, withdrawn bigint)
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.samtaler_visitation_person;
    CREATE TEMP TABLE samtaler_visitation_person ON COMMIT DROP AS
    SELECT DISTINCT person_pseudonym AS person FROM samtaler.fact_samtale
    WHERE visitationsgruppe_key IS NOT NULL AND person_pseudonym IS NOT NULL AND NOT annulleret;
    ANALYZE samtaler_visitation_person;
    PERFORM samtaler.recompute_visitation(p_batch);
    RETURN QUERY SELECT count(*) FILTER (WHERE NOT f.annulleret), count(*) FILTER (WHERE f.annulleret)
    FROM samtaler.fact_samtale f;
END $$;
