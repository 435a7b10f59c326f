-- samtaler.recompute_visitation(p_batch): the visitation history (fact_visitation) of the
-- persons in the temporary table samtaler_visitation_person, recomputed from the current
-- conversations. Called by merge_stage() for the persons a load touched, and by
-- finish_first_load() for everyone.
--
-- A visitationsgruppe takes effect from the Copenhagen date of the registration's first
-- `registreret` (§ 27 stk. 2; docs/feed.md). On one day the registration registered last counts
-- (then the higher registration key, so the result never depends on load order). Consecutive
-- days in the same group make one period; a period ends the day before the next group starts.
CREATE OR REPLACE FUNCTION samtaler.recompute_visitation(p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    DELETE FROM samtaler.fact_visitation v USING samtaler_visitation_person p WHERE v.person_pseudonym = p.person;
    INSERT INTO samtaler.fact_visitation (person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key,
        forrige_visitationsgruppe_key, indberetter_key, samtale_key, batch_key)
    WITH registrering AS (
        SELECT f.person_pseudonym, (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date AS dag,
               f.foerste_registreret, f.registrering_noegle, f.visitationsgruppe_key, f.indberetter_key, f.samtale_key
        FROM samtaler.fact_samtale f JOIN samtaler_visitation_person p ON p.person = f.person_pseudonym
        WHERE f.visitationsgruppe_key IS NOT NULL AND NOT f.annulleret),
    dag AS (
        SELECT DISTINCT ON (person_pseudonym, dag) person_pseudonym, dag, visitationsgruppe_key, indberetter_key, samtale_key
        FROM registrering
        ORDER BY person_pseudonym, dag, foerste_registreret DESC, registrering_noegle DESC),
    skift AS (
        SELECT *, lag(visitationsgruppe_key) OVER (PARTITION BY person_pseudonym ORDER BY dag) AS forrige
        FROM dag),
    start AS (
        SELECT * FROM skift WHERE forrige IS DISTINCT FROM visitationsgruppe_key)
    SELECT person_pseudonym, dag, lead(dag) OVER (PARTITION BY person_pseudonym ORDER BY dag) - 1,
           visitationsgruppe_key, forrige, indberetter_key, samtale_key, p_batch
    FROM start;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
