-- 0006: the end of a first load's direct path (Sources/SamtalerWarehouse/Load/FirstLoad.swift,
-- docs/performance.md "The first load").
--
-- Into a warehouse without conversations the loader COPYs each conversation registration it has
-- certainly not met before in the run straight into fact_samtale (and its participants into
-- fact_samtale_deltager); other lines go through staging and merge_stage() as always. After the
-- merge this function builds the visitation history of every person (the direct rows did not
-- pass the merge, which builds it for the persons it touches) and counts the conversations: in a
-- warehouse that was empty, every registration is new or withdrawn.
CREATE OR REPLACE FUNCTION samtaler.finish_first_load(p_batch integer)
RETURNS TABLE (new bigint, withdrawn bigint)
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.samtaler_vis_person;
    CREATE TEMP TABLE samtaler_vis_person ON COMMIT DROP AS
    SELECT DISTINCT person_pseudonym AS person FROM samtaler.fact_samtale
    WHERE visitationsgruppe_key IS NOT NULL AND person_pseudonym IS NOT NULL AND NOT annulleret;
    ANALYZE samtaler_vis_person;
    PERFORM samtaler.recompute_visitation(p_batch);
    RETURN QUERY SELECT count(*) FILTER (WHERE NOT f.annulleret), count(*) FILTER (WHERE f.annulleret)
    FROM samtaler.fact_samtale f;
END $$;

-- The merge joins a night's staged versions (thousands to a few hundred thousand rows) to facts
-- that are in memory or on SSD: at the default random_page_cost (4, for spinning disks) the
-- planner hashed the whole fact table to update a few thousand rows (0.8 s at 1M facts instead
-- of 0.1 s). docs/performance.md.
ALTER FUNCTION samtaler.merge_stage(integer) SET random_page_cost = 1.1;
