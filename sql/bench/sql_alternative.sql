-- The alternative a team would otherwise build, for `make bench` only: stage the raw JSON lines
-- in a jsonb table with COPY (done by scripts/bench.sh), then transform with INSERT ... SELECT
-- joins to the dimensions. It does what samtaler load does for samtaler and their participants
-- (versions, pseudonyms, age band, gender, dimension keys), without the line-level validation
-- and reasons (the bench feed has no invalid lines). Expects psql variables :key (hex) and :batch.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

INSERT INTO samtaler.dim_indberetter (indberettertype, indberetterkode, navn, udledt, udledt_batch_key)
SELECT DISTINCT 'akasse', l->'indberetter'->>'kode', 'Ukendt a-kasse ' || (l->'indberetter'->>'kode'), true, :batch
FROM alt_raw WHERE l->'indberetter'->>'type' = 'akasse'
ON CONFLICT (indberettertype, indberetterkode) DO NOTHING;

CREATE TEMP TABLE alt_winner AS
SELECT DISTINCT ON (noegle) *
FROM (
    SELECT encode(substring(hmac(convert_to('registrering:samtale|' || (l->'indberetter'->>'type') || '|' || (l->'indberetter'->>'kode') || '|' || (l->>'id'), 'UTF8'),
                                 decode(:'key', 'hex'), 'sha256') FROM 1 FOR 16), 'hex')::uuid AS noegle,
           l, (l->>'registreret')::timestamptz AS registreret, coalesce(l->>'handling', 'opret') = 'annuller' AS annulleret,
           replace(l->>'cpr', '-', '') AS cpr, n
    FROM alt_raw WHERE l->>'registrering' = 'samtale'
) x
ORDER BY noegle, registreret DESC, n;

CREATE TEMP TABLE alt_row AS
SELECT w.noegle, i.indberetter_key, w.registreret, w.annulleret,
       CASE WHEN w.annulleret OR w.cpr = '0000000000' THEN NULL
            ELSE encode(substring(hmac(convert_to('person:' || w.cpr, 'UTF8'), decode(:'key', 'hex'), 'sha256') FROM 1 FOR 16), 'hex')::uuid END AS person,
       to_char(dag, 'YYYYMMDD')::int AS dato_key,
       CASE WHEN length(w.l->>'afholdt') > 10 THEN (w.l->>'afholdt')::timestamptz END AS afholdt_tid,
       t.samtaletype_key, s.samtaleform_key, k.kontaktgruppe_key, v.visitationsgruppe_key,
       coalesce(a.aldersgruppe_key, (SELECT aldersgruppe_key FROM samtaler.dim_aldersgruppe WHERE fra_alder IS NULL)) AS aldersgruppe_key,
       g.koen_key, (w.l->'aftale'->>'forpligtende')::boolean AS forpligtende, (w.l->'aftale'->>'saerligIndsats')::boolean AS saerlig,
       (w.l->'aftale'->>'tekst') IS NOT NULL AS med_tekst, (w.l->>'akasseDeltagelse') = 'DELTOG' AS deltog,
       (w.l->>'tidligOpfoelgning')::boolean AS tidlig, (w.l->>'cvFyldestgoerende')::boolean AS cv,
       w.l->>'cvGodkendelse' AS cvg, w.l->>'raadighedsvurdering' AS raad,
       coalesce(k.videregives_til_akasse AND t.videregives_kg1, false) AS videregivet,
       CASE WHEN jsonb_typeof(w.l->'deltagere') = 'array' THEN w.l->'deltagere' END AS deltagere
FROM alt_winner w
JOIN samtaler.dim_indberetter i ON i.indberettertype = w.l->'indberetter'->>'type' AND i.indberetterkode = w.l->'indberetter'->>'kode'
CROSS JOIN LATERAL (SELECT CASE WHEN length(w.l->>'afholdt') > 10
                                THEN ((w.l->>'afholdt')::timestamptz AT TIME ZONE 'Europe/Copenhagen')::date
                                ELSE (w.l->>'afholdt')::date END AS dag) d
CROSS JOIN LATERAL (SELECT CASE WHEN w.cpr IS NULL OR w.cpr = '0000000000' THEN NULL ELSE make_date(
        CASE WHEN substr(w.cpr, 7, 1) IN ('0','1','2','3') THEN 1900
             WHEN substr(w.cpr, 7, 1) IN ('4','9') THEN CASE WHEN substr(w.cpr, 5, 2)::int <= 36 THEN 2000 ELSE 1900 END
             ELSE CASE WHEN substr(w.cpr, 5, 2)::int <= 57 THEN 2000 ELSE 1800 END END + substr(w.cpr, 5, 2)::int,
        substr(w.cpr, 3, 2)::int, substr(w.cpr, 1, 2)::int) END AS foedt) b
LEFT JOIN samtaler.dim_samtaletype t ON t.samtaletype = w.l->>'samtaletype'
LEFT JOIN samtaler.dim_samtaleform s ON s.samtaleform = w.l->>'samtaleform'
LEFT JOIN samtaler.dim_kontaktgruppe k ON k.kontaktgruppe = (w.l->>'kontaktgruppe')::smallint
LEFT JOIN samtaler.dim_visitationsgruppe v ON v.visitationsgruppe = w.l->>'visitationsgruppe'
LEFT JOIN samtaler.dim_aldersgruppe a ON extract(year FROM age(d.dag, b.foedt)) BETWEEN a.fra_alder AND a.til_alder
LEFT JOIN samtaler.dim_koen g ON g.koen = CASE WHEN b.foedt IS NULL THEN 'U' WHEN substr(w.cpr, 10, 1)::int % 2 = 1 THEN 'M' ELSE 'K' END;

INSERT INTO samtaler.fact_samtale (registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
    afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
    aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
    cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere, batch_key)
SELECT noegle, indberetter_key, registreret, annulleret, person, CASE WHEN annulleret THEN NULL ELSE dato_key END, afholdt_tid,
       samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key, forpligtende,
       saerlig, med_tekst, deltog, tidlig, cv, cvg, raad, videregivet, coalesce(jsonb_array_length(deltagere), 0), :batch
FROM alt_row;

INSERT INTO samtaler.fact_samtale_deltager (samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key)
SELECT f.samtale_key, e.nr, r.deltagerrolle_key, df.deltagelsesform_key, :batch
FROM alt_row x
JOIN samtaler.fact_samtale f ON f.registrering_noegle = x.noegle
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN x.annulleret THEN '[]'::jsonb ELSE coalesce(x.deltagere, '[]') END) WITH ORDINALITY e(d, nr)
JOIN samtaler.dim_deltagerrolle r ON r.deltagerrolle = e.d->>'rolle'
JOIN samtaler.dim_deltagelsesform df ON df.deltagelsesform = e.d->>'deltagelsesform';
