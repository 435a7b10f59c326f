-- 0003: reporting views for analysts (psql, BI tools) and the read-only analyst role.
--
-- The views in schema `rapport` hold current, not withdrawn registrations with readable names
-- and no pseudonym: an analyst sees conversations, never who had them. Distinct persons are
-- offered only as counts (rapport.personer_*), computed per cell and therefore not additive.
-- docs/schema.md describes each view.

CREATE SCHEMA IF NOT EXISTS rapport;

-- One row per current conversation.
CREATE OR REPLACE VIEW rapport.samtale AS
SELECT f.samtale_key                AS samtale_id,
       d.dato                       AS afholdt_dato,
       d.aar, d.kvartal, d.maaned, d.iso_aar, d.iso_uge,
       d.periode_maaned, d.periode_kvartal, d.periode_aar,
       f.afholdt_tid,
       i.indberettertype, i.indberetterkode, i.navn AS indberetter, i.regionskode, i.regionsnavn AS region,
       i.udledt                     AS indberetter_udledt,
       t.samtaletype, t.betegnelse  AS samtaletype_betegnelse,
       s.samtaleform, s.betegnelse  AS samtaleform_betegnelse, s.star_gruppe, s.star_gruppe_orden,
       k.kontaktgruppe, v.visitationsgruppe,
       a.aldersgruppe, a.orden      AS aldersgruppe_orden, g.koen,
       f.aftale_forpligtende, f.aftale_saerlig_indsats, f.aftale_med_tekst, f.akasse_deltog,
       f.tidlig_opfoelgning, f.cv_fyldestgoerende, f.cv_godkendelse, f.raadighedsvurdering,
       f.videregivet_til_akasse, f.antal_deltagere,
       (f.person_pseudonym IS NULL)  AS ukendt_person,
       f.registreret, f.batch_key   AS batch
FROM samtaler.fact_samtale f
JOIN samtaler.dim_dato d            ON d.dato_key = f.afholdt_dato_key
JOIN samtaler.dim_indberetter i     USING (indberetter_key)
JOIN samtaler.dim_samtaletype t     USING (samtaletype_key)
JOIN samtaler.dim_samtaleform s     USING (samtaleform_key)
JOIN samtaler.dim_aldersgruppe a    USING (aldersgruppe_key)
JOIN samtaler.dim_koen g            USING (koen_key)
LEFT JOIN samtaler.dim_kontaktgruppe k     USING (kontaktgruppe_key)
LEFT JOIN samtaler.dim_visitationsgruppe v USING (visitationsgruppe_key)
WHERE NOT f.annulleret;

-- One row per participant of a current conversation.
CREATE OR REPLACE VIEW rapport.deltager AS
SELECT s.samtale_id, s.afholdt_dato, s.periode_maaned, s.periode_kvartal, s.periode_aar,
       s.indberettertype, s.indberetterkode, s.indberetter, s.region, s.samtaletype, s.samtaleform,
       p.deltager_nr, r.deltagerrolle, r.betegnelse AS deltagerrolle_betegnelse,
       df.deltagelsesform, df.betegnelse AS deltagelsesform_betegnelse
FROM samtaler.fact_samtale_deltager p
JOIN rapport.samtale s                 ON s.samtale_id = p.samtale_key
JOIN samtaler.dim_deltagerrolle r      USING (deltagerrolle_key)
JOIN samtaler.dim_deltagelsesform df   USING (deltagelsesform_key);

-- Distinct persons per month, reporting authority, samtaletype and samtaleform.
-- A person counts once per cell: these numbers must not be added across cells.
CREATE OR REPLACE VIEW rapport.personer_maaned AS
SELECT d.periode_maaned, i.indberettertype, i.indberetterkode, t.samtaletype, s.samtaleform,
       count(*) AS antal_samtaler, count(DISTINCT f.person_pseudonym) AS antal_personer
FROM samtaler.fact_samtale f
JOIN samtaler.dim_dato d        ON d.dato_key = f.afholdt_dato_key
JOIN samtaler.dim_indberetter i USING (indberetter_key)
JOIN samtaler.dim_samtaletype t USING (samtaletype_key)
JOIN samtaler.dim_samtaleform s USING (samtaleform_key)
WHERE NOT f.annulleret
GROUP BY 1, 2, 3, 4, 5;

-- Reporting authorities, with the inferred a-kasser still waiting for a name.
CREATE OR REPLACE VIEW rapport.indberetter AS
SELECT indberettertype, indberetterkode, navn, regionskode, regionsnavn AS region, udledt, gyldig_fra, gyldig_til
FROM samtaler.dim_indberetter;

-- The load batches: what each nightly run read, accepted, rejected and changed.
CREATE OR REPLACE VIEW rapport.batch AS
SELECT batch_key AS batch, startet, afsluttet, status, read, accepted, rejected, new, changed, withdrawn, unchanged,
       rejected_by_rule, seconds, lines_per_second, samtaler_version
FROM samtaler.dim_batch;

-- Min Plan drafts and job search requirements (counts only; never their text).
CREATE OR REPLACE VIEW rapport.minplan AS
SELECT d.dato AS registreret_dato, d.periode_maaned, d.periode_kvartal, d.periode_aar,
       i.indberetterkode AS akassekode, i.navn AS akasse, a.aldersgruppe, g.koen, f.antal_jobmaal, f.batch_key AS batch
FROM samtaler.fact_minplan f
JOIN samtaler.dim_dato d ON d.dato_key = f.registreret_dato_key
JOIN samtaler.dim_indberetter i USING (indberetter_key)
JOIN samtaler.dim_aldersgruppe a USING (aldersgruppe_key)
JOIN samtaler.dim_koen g USING (koen_key)
WHERE NOT f.annulleret;

CREATE OR REPLACE VIEW rapport.jobsoegningskrav AS
SELECT d.dato AS registreret_dato, d.periode_maaned, d.periode_kvartal, d.periode_aar,
       i.indberetterkode AS akassekode, i.navn AS akasse, a.aldersgruppe, g.koen,
       f.antal_fagomraader, f.antal_ansoegninger, f.med_omfang, f.med_formaal, f.med_stillingskilder, f.batch_key AS batch
FROM samtaler.fact_jobsoegningskrav f
JOIN samtaler.dim_dato d ON d.dato_key = f.registreret_dato_key
JOIN samtaler.dim_indberetter i USING (indberetter_key)
JOIN samtaler.dim_aldersgruppe a USING (aldersgruppe_key)
JOIN samtaler.dim_koen g USING (koen_key)
WHERE NOT f.annulleret;

-- Roles (cluster-wide, NOLOGIN groups: grant them to login roles, see docs/operations.md).
--   samtaler_analytiker: reads the rapport views, nothing else.
--   samtaler_indlaeser:  the nightly job: writes the warehouse.
-- Made only where the migrating role may create roles; otherwise a NOTICE says what to do.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE samtaler_analytiker NOLOGIN;
        ELSE
            RAISE NOTICE 'cannot create role samtaler_analytiker: ask a superuser to run CREATE ROLE samtaler_analytiker NOLOGIN, then migrate again';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE samtaler_indlaeser NOLOGIN;
        ELSE
            RAISE NOTICE 'cannot create role samtaler_indlaeser: ask a superuser to run CREATE ROLE samtaler_indlaeser NOLOGIN, then migrate again';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        REVOKE ALL ON SCHEMA samtaler FROM samtaler_analytiker;
        GRANT USAGE ON SCHEMA rapport TO samtaler_analytiker;
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_analytiker;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        GRANT USAGE, CREATE ON SCHEMA samtaler TO samtaler_indlaeser;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA samtaler TO samtaler_indlaeser;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA samtaler TO samtaler_indlaeser;
        GRANT USAGE ON SCHEMA rapport TO samtaler_indlaeser;
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_indlaeser;
    END IF;
END $$;
REVOKE ALL ON SCHEMA samtaler FROM PUBLIC;
REVOKE ALL ON SCHEMA rapport FROM PUBLIC;
