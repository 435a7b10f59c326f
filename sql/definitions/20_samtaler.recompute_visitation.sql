-- samtaler.recompute_visitation(p_batch): the visitation history (fact_visitation) of the
-- persons in the temporary table samtaler_visitation_person, recomputed from the current
-- conversations by the rules of samtaler.visitation_perioder (19). Called by merge_stage() for
-- the persons a load touched (finish_first_load builds everyone's history from
-- visitation_perioder directly, without listing everyone).
-- uses: 19_samtaler.visitation_perioder.sql (for a migration's data step that calls this one)
CREATE OR REPLACE FUNCTION samtaler.recompute_visitation(p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    DELETE FROM samtaler.fact_visitation v USING samtaler_visitation_person p WHERE v.person_pseudonym = p.person;
    EXECUTE 'INSERT INTO samtaler.fact_visitation (person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key,'
         || ' forrige_visitationsgruppe_key, indberetter_key, samtale_key, batch_key) '
         || samtaler.visitation_perioder(
                'samtaler.fact_samtale f JOIN samtaler_visitation_person p ON p.person = f.person_pseudonym', p_batch);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
