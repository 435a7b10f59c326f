-- samtaler.insert_visitation(p_facts, p_batch): adds to fact_visitation the visitation periods of
-- the conversations of p_facts (a FROM item whose conversations are `f`, as
-- samtaler.visitation_perioder (19) takes it), written by batch p_batch; returns how many. The one
-- INSERT of the history: recompute_visitation (20) for the persons a load touched,
-- finish_first_load (40) for everyone.
-- uses: 19_samtaler.visitation_perioder.sql
CREATE OR REPLACE FUNCTION samtaler.insert_visitation(p_facts text, p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE 'INSERT INTO samtaler.fact_visitation (person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key,'
         || ' forrige_visitationsgruppe_key, indberetter_key, samtale_key, batch_key) '
         || samtaler.visitation_perioder(p_facts, p_batch);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
