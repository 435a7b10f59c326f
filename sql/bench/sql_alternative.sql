-- The alternative a team would otherwise build, for `make bench` only: stage the raw JSON lines
-- in a jsonb table with COPY (done by scripts/bench.sh: alt_raw (n bigserial, l jsonb), n the
-- load order), then transform with INSERT ... SELECT joins to the dimensions. It writes what
-- samtaler load writes into an empty warehouse (make bench compares every fact table with
-- sql/bench/content.sql): conversations, their participants, Min Plan drafts and job search
-- requirements, each registration's current version by the loader's rules (the latest
-- registreret, the line loaded first on a tie, withdrawals as tombstones, foerste_registreret
-- the earliest registreret of the versions that were not withdrawals), pseudonyms and natural
-- keys by pgcrypto's HMAC, age band and gender by the century rule, inferred a-kasser
-- (samtaler.infer_akasse) and the visitation history (samtaler.finish_first_load). It does not
-- validate (the bench feeds have no invalid lines). Expects psql variables :key (hex) and :batch.

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Each registration's versions: the current one (DISTINCT ON) and the first registration.
CREATE TEMP TABLE alt_version AS
SELECT l->>'registrering' AS registrering, l->'indberetter'->>'type' AS itype, l->'indberetter'->>'kode' AS ikode, l->>'id' AS id,
       (l->>'registreret')::timestamptz AS registreret, coalesce(l->>'handling', 'opret') = 'annuller' AS annulleret, l, n
FROM alt_raw;

CREATE TEMP TABLE alt_winner AS
SELECT w.*, f.foerste_registreret
FROM (SELECT DISTINCT ON (registrering, itype, ikode, id) * FROM alt_version ORDER BY registrering, itype, ikode, id, registreret DESC, n) w
JOIN (SELECT registrering, itype, ikode, id, min(registreret) FILTER (WHERE NOT annulleret) AS foerste_registreret
      FROM alt_version GROUP BY 1, 2, 3, 4) f USING (registrering, itype, ikode, id);

SELECT samtaler.infer_akasse(ikode, :batch)
FROM (SELECT DISTINCT itype, ikode FROM alt_winner) w
WHERE itype = 'akasse' AND NOT EXISTS (SELECT 1 FROM samtaler.dim_indberetter d WHERE d.indberettertype = 'akasse' AND d.indberetterkode = w.ikode);

-- Every kind's shared columns; a withdrawal keeps only the envelope (its other keys are ignored).
CREATE TEMP TABLE alt_row AS
SELECT w.registrering, encode(substring(hmac(convert_to('registrering:' || w.registrering || '|' || w.itype || '|' || w.ikode || '|' || w.id, 'UTF8'),
                                  decode(:'key', 'hex'), 'sha256') FROM 1 FOR 16), 'hex')::uuid AS noegle,
       i.indberetter_key, w.itype, w.registreret, w.annulleret, w.foerste_registreret, w.n, b.l,
       CASE WHEN b.foedt IS NOT NULL
            THEN encode(substring(hmac(convert_to('person:' || b.cpr, 'UTF8'), decode(:'key', 'hex'), 'sha256') FROM 1 FOR 16), 'hex')::uuid END AS person,
       to_char(d.dag, 'YYYYMMDD')::int AS dato_key,
       CASE WHEN NOT w.annulleret THEN coalesce(a.aldersgruppe_key, (SELECT aldersgruppe_key FROM samtaler.dim_aldersgruppe WHERE fra_alder IS NULL)) END AS aldersgruppe_key,
       g.koen_key
FROM alt_winner w
JOIN samtaler.dim_indberetter i ON i.indberettertype = w.itype AND i.indberetterkode = w.ikode
CROSS JOIN LATERAL (SELECT CASE WHEN w.annulleret THEN NULL ELSE w.l END AS l,
                           CASE WHEN w.annulleret THEN NULL ELSE replace(w.l->>'cpr', '-', '') END AS cpr) c
CROSS JOIN LATERAL (SELECT CASE WHEN c.l IS NULL THEN NULL
                                WHEN w.registrering <> 'samtale' THEN (w.registreret AT TIME ZONE 'Europe/Copenhagen')::date
                                WHEN length(c.l->>'afholdt') = 10 THEN (c.l->>'afholdt')::date
                                ELSE ((c.l->>'afholdt')::timestamptz AT TIME ZONE 'Europe/Copenhagen')::date END AS dag) d
CROSS JOIN LATERAL (SELECT c.l, c.cpr, CASE WHEN c.cpr IS NULL OR c.cpr = '0000000000' THEN NULL ELSE make_date(
        CASE WHEN substr(c.cpr, 7, 1) IN ('0','1','2','3') THEN 1900
             WHEN substr(c.cpr, 7, 1) IN ('4','9') THEN CASE WHEN substr(c.cpr, 5, 2)::int <= 36 THEN 2000 ELSE 1900 END
             ELSE CASE WHEN substr(c.cpr, 5, 2)::int <= 57 THEN 2000 ELSE 1800 END END + substr(c.cpr, 5, 2)::int,
        substr(c.cpr, 3, 2)::int, substr(c.cpr, 1, 2)::int) END AS foedt) b
LEFT JOIN samtaler.dim_aldersgruppe a ON extract(year FROM age(d.dag, b.foedt)) BETWEEN a.fra_alder AND a.til_alder
LEFT JOIN samtaler.dim_koen g ON NOT w.annulleret
     AND g.koen = CASE WHEN b.foedt IS NULL THEN 'U' WHEN substr(b.cpr, 10, 1)::int % 2 = 1 THEN 'M' ELSE 'K' END;

INSERT INTO samtaler.fact_samtale (registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
    afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
    aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
    cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, foerste_registreret, antal_deltagere, batch_key)
SELECT r.noegle, r.indberetter_key, r.registreret, r.annulleret, r.person, r.dato_key,
       CASE WHEN length(r.l->>'afholdt') > 10 THEN (r.l->>'afholdt')::timestamptz END,
       t.samtaletype_key, s.samtaleform_key, k.kontaktgruppe_key, v.visitationsgruppe_key, r.aldersgruppe_key, r.koen_key,
       (r.l->'aftale'->>'forpligtende')::boolean, (r.l->'aftale'->>'saerligIndsats')::boolean,
       CASE WHEN jsonb_typeof(r.l->'aftale') = 'object' THEN coalesce(length(r.l->'aftale'->>'tekst') > 0, false) END,
       CASE r.l->>'akasseDeltagelse' WHEN 'DELTOG' THEN true WHEN 'DELTOG_IKKE' THEN false END,
       (r.l->>'tidligOpfoelgning')::boolean, (r.l->>'cvFyldestgoerende')::boolean, r.l->>'cvGodkendelse', r.l->>'raadighedsvurdering',
       CASE WHEN NOT r.annulleret THEN r.itype = 'jobcenter' AND coalesce(k.videregives_til_akasse, false) AND t.videregives_kg1 END,
       r.foerste_registreret,
       CASE WHEN jsonb_typeof(r.l->'deltagere') = 'array' THEN jsonb_array_length(r.l->'deltagere') ELSE 0 END, :batch
FROM alt_row r
LEFT JOIN samtaler.dim_samtaletype t ON t.samtaletype = r.l->>'samtaletype'
LEFT JOIN samtaler.dim_samtaleform s ON s.samtaleform = r.l->>'samtaleform'
LEFT JOIN samtaler.dim_kontaktgruppe k ON k.kontaktgruppe = (r.l->>'kontaktgruppe')::smallint
LEFT JOIN samtaler.dim_visitationsgruppe v ON v.visitationsgruppe = r.l->>'visitationsgruppe'
WHERE r.registrering = 'samtale'
ORDER BY r.n;

INSERT INTO samtaler.fact_samtale_deltager (samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key)
SELECT f.samtale_key, e.nr, dr.deltagerrolle_key, df.deltagelsesform_key, :batch
FROM alt_row r
JOIN samtaler.fact_samtale f ON f.registrering_noegle = r.noegle
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.l->'deltagere') = 'array' THEN r.l->'deltagere' ELSE '[]' END) WITH ORDINALITY e(d, nr)
JOIN samtaler.dim_deltagerrolle dr ON dr.deltagerrolle = e.d->>'rolle'
JOIN samtaler.dim_deltagelsesform df ON df.deltagelsesform = e.d->>'deltagelsesform'
WHERE r.registrering = 'samtale';

INSERT INTO samtaler.fact_minplan (registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym,
    registreret_dato_key, aldersgruppe_key, koen_key, antal_jobmaal, batch_key)
SELECT noegle, indberetter_key, registreret, annulleret, person, dato_key, aldersgruppe_key, koen_key,
       jsonb_array_length(l->'jobmaal'), :batch
FROM alt_row WHERE registrering = 'minplan' ORDER BY n;

INSERT INTO samtaler.fact_jobsoegningskrav (registrering_noegle, indberetter_key, registreret, annulleret,
    person_pseudonym, registreret_dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger,
    med_omfang, med_formaal, med_stillingskilder, batch_key)
SELECT noegle, indberetter_key, registreret, annulleret, person, dato_key, aldersgruppe_key, koen_key,
       jsonb_array_length(l->'fagomraader'), (l->>'antalAnsoegninger')::smallint,
       CASE WHEN l IS NOT NULL THEN coalesce(length(btrim(l->>'omfang')) > 0, false) END,
       CASE WHEN l IS NOT NULL THEN coalesce(length(btrim(l->>'formaal')) > 0, false) END,
       CASE WHEN l IS NOT NULL THEN coalesce(length(btrim(l->>'stillingskilder')) > 0, false) END, :batch
FROM alt_row WHERE registrering = 'jobsoegningskrav' ORDER BY n;

-- The visitation history of every person, as a first load builds it.
SELECT samtaler.finish_first_load(:batch);
