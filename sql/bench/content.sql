-- The content of a warehouse's facts without surrogate keys and batch numbers, one line per table:
-- its name, row count and the md5 of its rows in natural-key order. make bench (scripts/bench.sh)
-- compares samtaler load, the DuckDB route and sql_alternative.sql with it: equal lines, equal
-- content. A dimension key is kept where reference data made it (the same in every warehouse
-- migrated from the same files); the indberetter, which a load may add (inferred a-kasser), is
-- written as type and kode, and a conversation by its natural key.
WITH ind AS (SELECT indberetter_key, indberettertype || ':' || indberetterkode AS indberetter FROM samtaler.dim_indberetter),
samtale AS (
    SELECT f.registrering_noegle, concat_ws('|', f.registrering_noegle, i.indberetter, f.registreret, f.annulleret, f.person_pseudonym,
           f.afholdt_dato_key, f.afholdt_tid, f.samtaletype_key, f.samtaleform_key, f.kontaktgruppe_key, f.visitationsgruppe_key,
           f.aldersgruppe_key, f.koen_key, f.aftale_forpligtende, f.aftale_saerlig_indsats, f.aftale_med_tekst, f.akasse_deltog,
           f.tidlig_opfoelgning, f.cv_fyldestgoerende, f.cv_godkendelse, f.raadighedsvurdering, f.videregivet_til_akasse,
           f.foerste_registreret, f.antal_deltagere, f.status_key) AS r
    FROM samtaler.fact_samtale f JOIN ind i USING (indberetter_key)),
deltager AS (
    SELECT f.registrering_noegle, d.deltager_nr,
           concat_ws('|', f.registrering_noegle, d.deltager_nr, d.deltagerrolle_key, d.deltagelsesform_key) AS r
    FROM samtaler.fact_samtale_deltager d JOIN samtaler.fact_samtale f USING (samtale_key)),
minplan AS (
    SELECT f.registrering_noegle, concat_ws('|', f.registrering_noegle, i.indberetter, f.registreret, f.annulleret, f.person_pseudonym,
           f.registreret_dato_key, f.aldersgruppe_key, f.koen_key, f.antal_jobmaal) AS r
    FROM samtaler.fact_minplan f JOIN ind i USING (indberetter_key)),
jobsoegningskrav AS (
    SELECT f.registrering_noegle, concat_ws('|', f.registrering_noegle, i.indberetter, f.registreret, f.annulleret, f.person_pseudonym,
           f.registreret_dato_key, f.aldersgruppe_key, f.koen_key, f.antal_fagomraader, f.antal_ansoegninger, f.med_omfang,
           f.med_formaal, f.med_stillingskilder) AS r
    FROM samtaler.fact_jobsoegningskrav f JOIN ind i USING (indberetter_key)),
visitation AS (
    SELECT v.person_pseudonym, v.gyldig_fra, concat_ws('|', v.person_pseudonym, v.gyldig_fra, v.gyldig_til, v.visitationsgruppe_key,
           v.forrige_visitationsgruppe_key, i.indberetter, f.registrering_noegle) AS r
    FROM samtaler.fact_visitation v JOIN ind i USING (indberetter_key) JOIN samtaler.fact_samtale f USING (samtale_key)),
udledt AS (
    SELECT indberetterkode, concat_ws('|', indberettertype, indberetterkode, navn) AS r FROM samtaler.dim_indberetter WHERE udledt)
SELECT 'fact_samtale', count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY registrering_noegle), '')) FROM samtale
UNION ALL SELECT 'fact_samtale_deltager', count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY registrering_noegle, deltager_nr), '')) FROM deltager
UNION ALL SELECT 'fact_minplan', count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY registrering_noegle), '')) FROM minplan
UNION ALL SELECT 'fact_jobsoegningskrav', count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY registrering_noegle), '')) FROM jobsoegningskrav
UNION ALL SELECT 'fact_visitation', count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY person_pseudonym, gyldig_fra), '')) FROM visitation
UNION ALL SELECT 'inferred a-kasser', count(*), md5(coalesce(string_agg(r, E'\n' ORDER BY indberetterkode), '')) FROM udledt;
