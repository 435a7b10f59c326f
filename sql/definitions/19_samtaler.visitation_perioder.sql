-- samtaler.visitation_perioder(p_kilde, p_batch): the query, as text, that turns conversations
-- into visitation periods (rows of fact_visitation): the one place of the rules, for the current
-- history (recompute_visitation, 20) and for the history as of a batch (visitation_som_af, 64).
-- p_kilde is a FROM item aliased f with fact_samtale's columns: the current facts of the persons a
-- load touched, or samtale_som_af(batch). Both callers pass fixed text, never input.
--
-- A visitationsgruppe takes effect from the Copenhagen date of the registration's first
-- `registreret` (§ 27 stk. 2; docs/feed.md). On one day the registration registered last counts
-- (then the higher registration key, so the result never depends on load order). Consecutive
-- days in the same group make one period; a period ends the day before the next group starts.
-- batch_key is p_batch.
CREATE OR REPLACE FUNCTION samtaler.visitation_perioder(p_kilde text, p_batch integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT format($q$
    WITH registrering AS (
        SELECT f.person_pseudonym, (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date AS dag,
               f.foerste_registreret, f.registrering_noegle, f.visitationsgruppe_key, f.indberetter_key, f.samtale_key
        FROM %s
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
           visitationsgruppe_key, forrige, indberetter_key, samtale_key, %s
    FROM start
$q$, p_kilde, p_batch)
$$;
