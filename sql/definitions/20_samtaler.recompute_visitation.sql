-- samtaler.recompute_visitation(p_batch): the visitation history (fact_visitation) of the
-- persons in the temporary table samtaler_visitation_person, recomputed from the current
-- conversations by the rules of samtaler.visitation_perioder (19, through insert_visitation,
-- 21). Called by merge_stage() for the persons a load touched (finish_first_load builds
-- everyone's history from all the facts, without listing everyone).
-- uses: 21_samtaler.insert_visitation.sql (for a migration's data step that calls this one)
CREATE OR REPLACE FUNCTION samtaler.recompute_visitation(p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM samtaler.fact_visitation v USING samtaler_visitation_person p WHERE v.person_pseudonym = p.person;
    RETURN samtaler.insert_visitation(
        'samtaler.fact_samtale f JOIN samtaler_visitation_person p ON p.person = f.person_pseudonym', p_batch);
END $$;
