-- 0002: the set-based half of `samtaler load`.
--
-- The loader validates and pseudonymizes each line in Swift, resolves every code to its
-- dimension key, and streams finished rows with COPY into the temporary table that
-- samtaler.create_stage() makes. samtaler.merge_stage() then publishes them in a handful of
-- set-based statements, inside the load's one transaction.

-- The staging table of one load (temporary: dropped at commit or rollback). Column order is the
-- COPY order in Sources/SamtalerWarehouse/Load/StageRow.swift.
CREATE OR REPLACE FUNCTION samtaler.create_stage() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.samtaler_stage;
    CREATE TEMP TABLE samtaler_stage (
        seq                    bigint NOT NULL,     -- file number << 40 | line number: the order lines were loaded in
        kind                   smallint NOT NULL,   -- 1 samtale, 2 minplan, 3 jobsoegningskrav
        noegle                 uuid NOT NULL,       -- keyed hash of the natural key
        indberetter_key        integer,             -- NULL: an a-kasse the dimension does not know yet
        akasse_kode            text,                -- set only when indberetter_key is NULL
        registreret            timestamptz NOT NULL,
        annulleret             boolean NOT NULL,
        person_pseudonym       uuid,
        dato_key               integer,
        afholdt_tid            timestamptz,
        samtaletype_key        smallint,
        samtaleform_key        smallint,
        kontaktgruppe_key      smallint,
        visitationsgruppe_key  smallint,
        aldersgruppe_key       smallint,
        koen_key               smallint,
        aftale_forpligtende    boolean,
        aftale_saerlig_indsats boolean,
        aftale_med_tekst       boolean,
        akasse_deltog          boolean,
        tidlig_opfoelgning     boolean,
        cv_fyldestgoerende     boolean,
        cv_godkendelse         text,
        raadighedsvurdering    text,
        videregivet_til_akasse boolean,
        deltager_roller        smallint[],
        deltager_former        smallint[],
        antal_jobmaal          smallint,
        antal_fagomraader      smallint,
        antal_ansoegninger     smallint,
        med_omfang             boolean,
        med_formaal            boolean,
        med_stillingskilder    boolean
    ) ON COMMIT DROP;
END $$;

-- Publishes the staged rows of batch p_batch. Versioning (docs/feed.md): of all versions of a
-- registration the one with the latest `registreret` is current; on equal `registreret` the one
-- loaded first stays; a withdrawal is a version like any other and leaves a tombstone.
-- Returns, per kind of registration, how many registrations were new, changed and withdrawn.
CREATE OR REPLACE FUNCTION samtaler.merge_stage(p_batch integer)
RETURNS TABLE (registrering text, new bigint, changed bigint, withdrawn bigint)
LANGUAGE plpgsql AS $$
BEGIN
    -- An a-kassekode the dimension lacks becomes an inferred member, flagged for naming.
    INSERT INTO samtaler.dim_indberetter (indberettertype, indberetterkode, navn, udledt, udledt_batch_key)
    SELECT DISTINCT 'akasse', s.akasse_kode, 'Ukendt a-kasse ' || s.akasse_kode, true, p_batch
    FROM samtaler_stage s WHERE s.indberetter_key IS NULL
    ON CONFLICT (indberettertype, indberetterkode) DO NOTHING;
    UPDATE samtaler_stage s SET indberetter_key = d.indberetter_key
    FROM samtaler.dim_indberetter d
    WHERE s.indberetter_key IS NULL AND d.indberettertype = 'akasse' AND d.indberetterkode = s.akasse_kode;

    -- Within the batch: the latest version of each registration; on a tie the line loaded first.
    DROP TABLE IF EXISTS pg_temp.samtaler_winner;
    CREATE TEMP TABLE samtaler_winner ON COMMIT DROP AS
    SELECT DISTINCT ON (noegle) * FROM samtaler_stage ORDER BY noegle, registreret DESC, seq;

    ------------------------------------------------------------------ samtaler
    -- The winners that are newer than the warehouse's current version (or have none).
    DROP TABLE IF EXISTS pg_temp.samtaler_applied;
    CREATE TEMP TABLE samtaler_applied ON COMMIT DROP AS
    SELECT w.*, f.samtale_key AS old_key, f.annulleret AS old_annulleret
    FROM samtaler_winner w LEFT JOIN samtaler.fact_samtale f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 1 AND (f.samtale_key IS NULL OR w.registreret > f.registreret);

    -- A replaced version's participants go with it.
    DELETE FROM samtaler.fact_samtale_deltager d USING samtaler_applied a WHERE d.samtale_key = a.old_key;

    -- Replace current versions in place (the surrogate key stays).
    UPDATE samtaler.fact_samtale f SET
        indberetter_key = a.indberetter_key, registreret = a.registreret, annulleret = a.annulleret,
        person_pseudonym = a.person_pseudonym, afholdt_dato_key = a.dato_key, afholdt_tid = a.afholdt_tid,
        samtaletype_key = a.samtaletype_key, samtaleform_key = a.samtaleform_key,
        kontaktgruppe_key = a.kontaktgruppe_key, visitationsgruppe_key = a.visitationsgruppe_key,
        aldersgruppe_key = a.aldersgruppe_key, koen_key = a.koen_key,
        aftale_forpligtende = a.aftale_forpligtende, aftale_saerlig_indsats = a.aftale_saerlig_indsats,
        aftale_med_tekst = a.aftale_med_tekst, akasse_deltog = a.akasse_deltog,
        tidlig_opfoelgning = a.tidlig_opfoelgning, cv_fyldestgoerende = a.cv_fyldestgoerende,
        cv_godkendelse = a.cv_godkendelse, raadighedsvurdering = a.raadighedsvurdering,
        videregivet_til_akasse = a.videregivet_til_akasse,
        antal_deltagere = coalesce(cardinality(a.deltager_roller), 0), batch_key = p_batch
    FROM samtaler_applied a WHERE f.samtale_key = a.old_key;

    -- Registrations seen for the first time.
    INSERT INTO samtaler.fact_samtale (
        registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key, afholdt_tid,
        samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
        aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning,
        cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere, batch_key)
    SELECT noegle, indberetter_key, registreret, annulleret, person_pseudonym, dato_key, afholdt_tid,
        samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
        aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning,
        cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse,
        coalesce(cardinality(deltager_roller), 0), p_batch
    FROM samtaler_applied WHERE old_key IS NULL;

    -- The participants of every new current version.
    INSERT INTO samtaler.fact_samtale_deltager (samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key)
    SELECT f.samtale_key, u.nr, u.rolle, u.form, p_batch
    FROM samtaler_applied a
    JOIN samtaler.fact_samtale f ON f.registrering_noegle = a.noegle
    CROSS JOIN LATERAL unnest(a.deltager_roller, a.deltager_former) WITH ORDINALITY AS u(rolle, form, nr)
    WHERE NOT a.annulleret;

    RETURN QUERY SELECT 'samtale'::text,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM samtaler_applied a;

    ------------------------------------------------------------------ minplan
    DROP TABLE IF EXISTS pg_temp.samtaler_applied_mp;
    CREATE TEMP TABLE samtaler_applied_mp ON COMMIT DROP AS
    SELECT w.*, f.minplan_key AS old_key, f.annulleret AS old_annulleret
    FROM samtaler_winner w LEFT JOIN samtaler.fact_minplan f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 2 AND (f.minplan_key IS NULL OR w.registreret > f.registreret);

    UPDATE samtaler.fact_minplan f SET
        indberetter_key = a.indberetter_key, registreret = a.registreret, annulleret = a.annulleret,
        person_pseudonym = a.person_pseudonym, registreret_dato_key = a.dato_key,
        aldersgruppe_key = a.aldersgruppe_key, koen_key = a.koen_key, antal_jobmaal = a.antal_jobmaal, batch_key = p_batch
    FROM samtaler_applied_mp a WHERE f.minplan_key = a.old_key;

    INSERT INTO samtaler.fact_minplan (registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym,
        registreret_dato_key, aldersgruppe_key, koen_key, antal_jobmaal, batch_key)
    SELECT noegle, indberetter_key, registreret, annulleret, person_pseudonym, dato_key, aldersgruppe_key, koen_key,
        antal_jobmaal, p_batch
    FROM samtaler_applied_mp WHERE old_key IS NULL;

    RETURN QUERY SELECT 'minplan'::text,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM samtaler_applied_mp a;

    ------------------------------------------------------------------ jobsoegningskrav
    DROP TABLE IF EXISTS pg_temp.samtaler_applied_jk;
    CREATE TEMP TABLE samtaler_applied_jk ON COMMIT DROP AS
    SELECT w.*, f.jobsoegningskrav_key AS old_key, f.annulleret AS old_annulleret
    FROM samtaler_winner w LEFT JOIN samtaler.fact_jobsoegningskrav f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 3 AND (f.jobsoegningskrav_key IS NULL OR w.registreret > f.registreret);

    UPDATE samtaler.fact_jobsoegningskrav f SET
        indberetter_key = a.indberetter_key, registreret = a.registreret, annulleret = a.annulleret,
        person_pseudonym = a.person_pseudonym, registreret_dato_key = a.dato_key,
        aldersgruppe_key = a.aldersgruppe_key, koen_key = a.koen_key, antal_fagomraader = a.antal_fagomraader,
        antal_ansoegninger = a.antal_ansoegninger, med_omfang = a.med_omfang, med_formaal = a.med_formaal,
        med_stillingskilder = a.med_stillingskilder, batch_key = p_batch
    FROM samtaler_applied_jk a WHERE f.jobsoegningskrav_key = a.old_key;

    INSERT INTO samtaler.fact_jobsoegningskrav (registrering_noegle, indberetter_key, registreret, annulleret,
        person_pseudonym, registreret_dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger,
        med_omfang, med_formaal, med_stillingskilder, batch_key)
    SELECT noegle, indberetter_key, registreret, annulleret, person_pseudonym, dato_key, aldersgruppe_key, koen_key,
        antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal, med_stillingskilder, p_batch
    FROM samtaler_applied_jk WHERE old_key IS NULL;

    RETURN QUERY SELECT 'jobsoegningskrav'::text,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM samtaler_applied_jk a;
END $$;
