-- 0009: the merge looks up a night's natural keys in key order.
--
-- merge_stage() finds each staged registration's current fact through the unique index on the
-- natural key (registrering_noegle, an HMAC: random order). It probed the index in the order the
-- lines were loaded, so a night's 18,000 keys read 18,000 random pages of the index; when the
-- index is not in memory (a cold cache, a busy disk) that was most of the increment: 5.5 s of a
-- 7.9 s increment into the 10M bench warehouse, 0.8 s of 2.3 s into the 1M one. Probing in key
-- order reads the index's leaf pages in the order they lie on disk (the operating system reads
-- ahead): 18,000 random new keys against the 10M warehouse, caches dropped, 2.2-3.8 s in load order
-- and 0.50-0.66 s in key order (docs/performance.md, "The increment's lookups").
--
-- The new facts are still inserted in load order (ORDER BY seq), so they lie on disk by date as
-- before. Otherwise this is 0004's merge_stage unchanged, with 0006's random_page_cost written
-- into the definition (CREATE OR REPLACE replaces a function's settings).

CREATE OR REPLACE FUNCTION samtaler.merge_stage(p_batch integer)
RETURNS TABLE (registrering text, new bigint, changed bigint, withdrawn bigint)
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off SET random_page_cost = 1.1 AS $$
BEGIN
    -- An a-kassekode the dimension lacks becomes an inferred member, flagged for naming.
    INSERT INTO samtaler.dim_indberetter (indberettertype, indberetterkode, navn, udledt, udledt_batch_key)
    SELECT DISTINCT 'akasse', s.akasse_kode, 'Ukendt a-kasse ' || s.akasse_kode, true, p_batch
    FROM samtaler_stage s WHERE s.indberetter_key IS NULL
    ON CONFLICT (indberettertype, indberetterkode) DO NOTHING;
    UPDATE samtaler_stage s SET indberetter_key = d.indberetter_key
    FROM samtaler.dim_indberetter d
    WHERE s.indberetter_key IS NULL AND d.indberettertype = 'akasse' AND d.indberetterkode = s.akasse_kode;

    -- Within the batch: the latest version of each registration; on a tie the line loaded first;
    -- and the earliest registreret of its versions that were not withdrawals. Most registrations
    -- have one version in a batch: only those with several are sorted, the rest keep the order
    -- they were loaded in (files arrive in time order, so the facts lie on disk by date and a
    -- report over one period reads that period's blocks). docs/performance.md.
    -- (Temporary tables get no statistics by themselves: without them the planner guesses.)
    ANALYZE samtaler_stage;
    DROP TABLE IF EXISTS pg_temp.samtaler_flere;
    CREATE TEMP TABLE samtaler_flere ON COMMIT DROP AS
    SELECT noegle, min(registreret) FILTER (WHERE NOT annulleret) AS foerst
    FROM samtaler_stage GROUP BY noegle HAVING count(*) > 1;
    ANALYZE samtaler_flere;
    DROP TABLE IF EXISTS pg_temp.samtaler_winner;
    CREATE TEMP TABLE samtaler_winner ON COMMIT DROP AS
    SELECT s.*, CASE WHEN m.noegle IS NOT NULL THEN m.foerst WHEN NOT s.annulleret THEN s.registreret END AS foerst
    FROM samtaler_stage s LEFT JOIN samtaler_flere m ON m.noegle = s.noegle
    WHERE m.noegle IS NULL
       OR s.seq IN (SELECT DISTINCT ON (d.noegle) d.seq
                    FROM samtaler_stage d JOIN samtaler_flere USING (noegle)
                    ORDER BY d.noegle, d.registreret DESC, d.seq);
    ANALYZE samtaler_winner;

    ------------------------------------------------------------------ samtaler
    -- Winners newer than the warehouse's current version (or with none): nyere. Older winners
    -- that were first registered earlier than the warehouse knew only move that instant.
    DROP TABLE IF EXISTS pg_temp.samtaler_applied;
    CREATE TEMP TABLE samtaler_applied ON COMMIT DROP AS
    SELECT w.*, f.samtale_key AS old_key, f.annulleret AS old_annulleret, f.person_pseudonym AS old_person,
           f.visitationsgruppe_key AS old_visitation,
           (f.samtale_key IS NULL OR w.registreret > f.registreret) AS nyere
    FROM (SELECT * FROM samtaler_winner WHERE kind = 1 ORDER BY noegle) w
    LEFT JOIN samtaler.fact_samtale f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 1 AND (f.samtale_key IS NULL OR w.registreret > f.registreret
                          OR w.foerst < coalesce(f.foerste_registreret, 'infinity'));

    -- A replaced version's participants go with it.
    DELETE FROM samtaler.fact_samtale_deltager d USING samtaler_applied a WHERE d.samtale_key = a.old_key AND a.nyere;

    -- Replace current versions in place (the surrogate key stays).
    UPDATE samtaler.fact_samtale f SET
        indberetter_key = a.indberetter_key, registreret = a.registreret, annulleret = a.annulleret,
        foerste_registreret = least(f.foerste_registreret, a.foerst),
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
    FROM samtaler_applied a WHERE f.samtale_key = a.old_key AND a.nyere;

    -- An older version arriving late: the registration was first registered earlier.
    UPDATE samtaler.fact_samtale f SET foerste_registreret = a.foerst
    FROM samtaler_applied a WHERE f.samtale_key = a.old_key AND NOT a.nyere;

    -- Registrations seen for the first time.
    INSERT INTO samtaler.fact_samtale (
        registrering_noegle, indberetter_key, registreret, foerste_registreret, annulleret, person_pseudonym,
        afholdt_dato_key, afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key,
        aldersgruppe_key, koen_key, aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog,
        tidlig_opfoelgning, cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse,
        antal_deltagere, batch_key)
    SELECT noegle, indberetter_key, registreret, foerst, annulleret, person_pseudonym,
        dato_key, afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key,
        aldersgruppe_key, koen_key, aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog,
        tidlig_opfoelgning, cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse,
        coalesce(cardinality(deltager_roller), 0), p_batch
    FROM samtaler_applied WHERE old_key IS NULL ORDER BY seq;

    -- The participants of every new current version.
    INSERT INTO samtaler.fact_samtale_deltager (samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key)
    SELECT f.samtale_key, u.nr, u.rolle, u.form, p_batch
    FROM samtaler_applied a
    JOIN samtaler.fact_samtale f ON f.registrering_noegle = a.noegle
    CROSS JOIN LATERAL unnest(a.deltager_roller, a.deltager_former) WITH ORDINALITY AS u(rolle, form, nr)
    WHERE a.nyere AND NOT a.annulleret;

    -- The visitation history of every person whose visitation registrations changed.
    DROP TABLE IF EXISTS pg_temp.samtaler_vis_person;
    CREATE TEMP TABLE samtaler_vis_person ON COMMIT DROP AS
    SELECT old_person AS person FROM samtaler_applied WHERE old_visitation IS NOT NULL AND old_person IS NOT NULL
    UNION
    SELECT person_pseudonym FROM samtaler_applied
    WHERE nyere AND NOT annulleret AND visitationsgruppe_key IS NOT NULL AND person_pseudonym IS NOT NULL;
    ANALYZE samtaler_vis_person;
    PERFORM samtaler.recompute_visitation(p_batch);

    RETURN QUERY SELECT 'samtale'::text,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM samtaler_applied a WHERE a.nyere;

    ------------------------------------------------------------------ minplan
    DROP TABLE IF EXISTS pg_temp.samtaler_applied_mp;
    CREATE TEMP TABLE samtaler_applied_mp ON COMMIT DROP AS
    SELECT w.*, f.minplan_key AS old_key, f.annulleret AS old_annulleret
    FROM (SELECT * FROM samtaler_winner WHERE kind = 2 ORDER BY noegle) w
    LEFT JOIN samtaler.fact_minplan f ON f.registrering_noegle = w.noegle
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
    FROM samtaler_applied_mp WHERE old_key IS NULL ORDER BY seq;

    RETURN QUERY SELECT 'minplan'::text,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM samtaler_applied_mp a;

    ------------------------------------------------------------------ jobsoegningskrav
    DROP TABLE IF EXISTS pg_temp.samtaler_applied_jk;
    CREATE TEMP TABLE samtaler_applied_jk ON COMMIT DROP AS
    SELECT w.*, f.jobsoegningskrav_key AS old_key, f.annulleret AS old_annulleret
    FROM (SELECT * FROM samtaler_winner WHERE kind = 3 ORDER BY noegle) w
    LEFT JOIN samtaler.fact_jobsoegningskrav f ON f.registrering_noegle = w.noegle
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
    FROM samtaler_applied_jk WHERE old_key IS NULL ORDER BY seq;

    RETURN QUERY SELECT 'jobsoegningskrav'::text,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM samtaler_applied_jk a;
END $$;
