-- samtaler.visitation_som_af(p_batch): fact_visitation as it stood right after load batch p_batch
-- was published: the visitation history of every person, derived from the conversations of
-- samtaler.samtale_som_af(p_batch) by the rules samtaler.recompute_visitation() applies to the
-- current conversations (20_samtaler.recompute_visitation.sql; a test holds the two to the same
-- history): a group takes effect from the Copenhagen date of the registration's first
-- `registreret` (§ 27 stk. 2); on one day the registration registered last counts (then the
-- higher registration key); consecutive days in the same group make one period, which ends the
-- day before the next group starts. batch_key is p_batch, the state shown. Computed whole on each
-- call (the reports' visitation and transitions as of a batch), never stored.
CREATE OR REPLACE FUNCTION samtaler.visitation_som_af(p_batch integer) RETURNS SETOF samtaler.fact_visitation
LANGUAGE sql STABLE AS $$
    WITH registrering AS (
        SELECT f.person_pseudonym, (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date AS dag,
               f.foerste_registreret, f.registrering_noegle, f.visitationsgruppe_key, f.indberetter_key, f.samtale_key
        FROM samtaler.samtale_som_af(p_batch) f
        WHERE f.visitationsgruppe_key IS NOT NULL AND NOT f.annulleret AND f.person_pseudonym IS NOT NULL),
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
    FROM start
$$;
