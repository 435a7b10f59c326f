-- samtaler.merge_stage(p_batch, p_build_visitation): publishes the staged rows of load batch
-- p_batch (samtaler.create_stage()) in a handful of set-based statements, inside the load's one
-- transaction. Returns, per kind of registration, how many registrations were new, changed and
-- withdrawn.
--
-- Versioning (docs/feed.md): of all versions of a registration the one with the latest
-- `registreret` is current; on equal `registreret` the one loaded first stays; a withdrawal is a
-- version like any other and leaves a tombstone. A conversation's foerste_registreret is the
-- earliest `registreret` of its versions that were not withdrawals.
--
-- Kept history (migration 0012, docs/history.md): before a current version is replaced in place,
-- it is copied into samtaler.hist_* with til_batch_key = p_batch; the fact row's batch_key becomes
-- p_batch. A reload of the same files replaces nothing and so adds no version.
--
-- Left for the rest of the load's transaction: pg_temp.samtaler_applied, the conversations this
-- batch added or replaced (newer) or whose foerste_registreret it moved, and
-- pg_temp.samtaler_new_key, the surrogate keys of those it added; kept_samtale_delta reads them.
--
-- p_build_visitation: rebuild the visitation history of every person whose visitation
-- registrations were added, corrected or withdrawn (the person before and after a correction both
-- count: a corrected personnummer moves the registration from one history to another). A first
-- load passes false: finish_first_load() builds everyone's history once after the merge.
--
-- Settings: the merge sorts the whole stage once, and with memory for it the sort stays off disk;
-- its statements run once per load, so compiling them (JIT) costs more than it saves; it joins a
-- night's rows to facts that are in memory or on SSD, where the default random_page_cost (4, for
-- spinning disks) made the planner hash the whole fact table to update a few thousand rows
-- (docs/performance.md).
CREATE OR REPLACE FUNCTION samtaler.merge_stage(p_batch integer, p_build_visitation boolean)
RETURNS TABLE (registrering text, new bigint, changed bigint, withdrawn bigint)
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off SET random_page_cost = 1.1 AS $$
BEGIN
    -- An a-kassekode the dimension lacks becomes an inferred member, flagged for naming (infer_akasse).
    WITH inferred AS MATERIALIZED (
        SELECT akasse_kode, samtaler.infer_akasse(akasse_kode, p_batch) AS indberetter_key
        FROM (SELECT DISTINCT akasse_kode FROM samtaler_stage WHERE indberetter_key IS NULL) u)
    UPDATE samtaler_stage s SET indberetter_key = i.indberetter_key
    FROM inferred i WHERE s.indberetter_key IS NULL AND s.akasse_kode = i.akasse_kode;

    -- Within the batch: the latest version of each registration; on a tie the line loaded first;
    -- and the earliest registreret of its versions that were not withdrawals. Most registrations
    -- have one version in a batch: only those with several are sorted, the rest keep the order
    -- they were loaded in (files arrive in time order, so the facts lie on disk by date and a
    -- report over one period reads that period's blocks). docs/performance.md.
    -- (Temporary tables get no statistics by themselves: without them the planner guesses.)
    ANALYZE samtaler_stage;
    DROP TABLE IF EXISTS pg_temp.samtaler_versions;
    CREATE TEMP TABLE samtaler_versions ON COMMIT DROP AS
    SELECT noegle, min(registreret) FILTER (WHERE NOT annulleret) AS foerste_registreret
    FROM samtaler_stage GROUP BY noegle HAVING count(*) > 1;
    ANALYZE samtaler_versions;
    DROP TABLE IF EXISTS pg_temp.samtaler_winner;
    CREATE TEMP TABLE samtaler_winner ON COMMIT DROP AS
    SELECT s.*, CASE WHEN m.noegle IS NOT NULL THEN m.foerste_registreret
                     WHEN NOT s.annulleret THEN s.registreret END AS foerste_registreret
    FROM samtaler_stage s LEFT JOIN samtaler_versions m ON m.noegle = s.noegle
    WHERE m.noegle IS NULL
       OR s.seq IN (SELECT DISTINCT ON (d.noegle) d.seq
                    FROM samtaler_stage d JOIN samtaler_versions USING (noegle)
                    ORDER BY d.noegle, d.registreret DESC, d.seq);
    ANALYZE samtaler_winner;

    -- Each kind below looks its winners' current facts up in key order (the natural key is an
    -- HMAC: random order; probing in key order reads the index's pages in the order they lie on
    -- disk: 18,000 keys against the 10M warehouse with cold caches 2.2-3.8 s in load order,
    -- 0.50-0.66 s sorted), and inserts new facts in load order (ORDER BY seq), so they lie on
    -- disk by date (docs/performance.md, "The increment's lookups").

    ------------------------------------------------------------------ samtaler
    -- Winners newer than the warehouse's current version (or with none): newer. Older winners
    -- that were first registered earlier than the warehouse knew only move that instant.
    DROP TABLE IF EXISTS pg_temp.samtaler_applied;
    CREATE TEMP TABLE samtaler_applied ON COMMIT DROP AS
    SELECT w.*, f.samtale_key AS old_key, f.annulleret AS old_annulleret, f.person_pseudonym AS old_person,
           f.visitationsgruppe_key AS old_visitation,
           (f.samtale_key IS NULL OR w.registreret > f.registreret) AS newer
    FROM (SELECT * FROM samtaler_winner WHERE kind = 1 ORDER BY noegle) w LEFT JOIN samtaler.fact_samtale f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 1 AND (f.samtale_key IS NULL OR w.registreret > f.registreret
                          OR w.foerste_registreret < coalesce(f.foerste_registreret, 'infinity'));

    -- Kept history (migration 0012): every current version this batch replaces goes into the
    -- history first, with this batch as the one that superseded it: by a newer version, by a
    -- withdrawal, or by an older version arriving late that moves foerste_registreret (a new
    -- version too). Not a version this same batch made current: a first load's direct row that a
    -- later line of the run replaces was never published. One INSERT ... SELECT per kind.
    INSERT INTO samtaler.hist_samtale (samtale_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
        afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
        aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
        cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere, batch_key, foerste_registreret, status_key, til_batch_key)
    SELECT f.samtale_key, f.registrering_noegle, f.indberetter_key, f.registreret, f.annulleret, f.person_pseudonym, f.afholdt_dato_key, f.afholdt_tid, f.samtaletype_key, f.samtaleform_key, f.kontaktgruppe_key, f.visitationsgruppe_key, f.aldersgruppe_key, f.koen_key, f.aftale_forpligtende, f.aftale_saerlig_indsats, f.aftale_med_tekst, f.akasse_deltog, f.tidlig_opfoelgning, f.cv_fyldestgoerende, f.cv_godkendelse, f.raadighedsvurdering, f.videregivet_til_akasse, f.antal_deltagere, f.batch_key, f.foerste_registreret, f.status_key, p_batch
    FROM samtaler_applied a JOIN samtaler.fact_samtale f ON f.samtale_key = a.old_key
    WHERE f.batch_key <> p_batch;
    INSERT INTO samtaler.hist_samtale_deltager (samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key, til_batch_key)
    SELECT d.samtale_key, d.deltager_nr, d.deltagerrolle_key, d.deltagelsesform_key, d.batch_key, p_batch
    FROM samtaler_applied a JOIN samtaler.fact_samtale_deltager d ON d.samtale_key = a.old_key
    WHERE d.batch_key <> p_batch;

    -- A replaced version's participants go with it.
    DELETE FROM samtaler.fact_samtale_deltager d USING samtaler_applied a WHERE d.samtale_key = a.old_key AND a.newer;

    -- Replace current versions in place (the surrogate key stays).
    UPDATE samtaler.fact_samtale f SET
        indberetter_key = a.indberetter_key, registreret = a.registreret, annulleret = a.annulleret,
        foerste_registreret = least(f.foerste_registreret, a.foerste_registreret),
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
    FROM samtaler_applied a WHERE f.samtale_key = a.old_key AND a.newer;

    -- An older version arriving late: the registration was first registered earlier. That is a
    -- new version of the registration, made current by this batch (its participants stay).
    UPDATE samtaler.fact_samtale f SET foerste_registreret = a.foerste_registreret, batch_key = p_batch
    FROM samtaler_applied a WHERE f.samtale_key = a.old_key AND NOT a.newer;
    UPDATE samtaler.fact_samtale_deltager d SET batch_key = p_batch
    FROM samtaler_applied a WHERE d.samtale_key = a.old_key AND NOT a.newer;

    -- Registrations seen for the first time, and the surrogate keys they got, by natural key
    -- (pg_temp.samtaler_new_key): their participants below and kept_samtale_delta join it instead
    -- of looking every new key up again in the natural key's index (random pages of it).
    DROP TABLE IF EXISTS pg_temp.samtaler_new_key;
    CREATE TEMP TABLE samtaler_new_key (noegle uuid NOT NULL, samtale_key bigint NOT NULL) ON COMMIT DROP;
    WITH inserted AS (
        INSERT INTO samtaler.fact_samtale (
            registrering_noegle, indberetter_key, registreret, foerste_registreret, annulleret, person_pseudonym,
            afholdt_dato_key, afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key,
            aldersgruppe_key, koen_key, aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog,
            tidlig_opfoelgning, cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse,
            antal_deltagere, batch_key)
        SELECT noegle, indberetter_key, registreret, foerste_registreret, annulleret, person_pseudonym,
            dato_key, afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key,
            aldersgruppe_key, koen_key, aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog,
            tidlig_opfoelgning, cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse,
            coalesce(cardinality(deltager_roller), 0), p_batch
        FROM samtaler_applied WHERE old_key IS NULL ORDER BY seq
        RETURNING registrering_noegle, samtale_key)
    INSERT INTO samtaler_new_key SELECT registrering_noegle, samtale_key FROM inserted;
    ANALYZE samtaler_new_key;

    -- The participants of every new current version: a replaced version's row kept its surrogate
    -- key (old_key), a new one has the key it was just given.
    INSERT INTO samtaler.fact_samtale_deltager (samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key)
    SELECT coalesce(a.old_key, n.samtale_key), u.nr, u.rolle, u.form, p_batch
    FROM samtaler_applied a
    LEFT JOIN samtaler_new_key n ON n.noegle = a.noegle
    CROSS JOIN LATERAL unnest(a.deltager_roller, a.deltager_former) WITH ORDINALITY AS u(rolle, form, nr)
    WHERE a.newer AND NOT a.annulleret;

    -- The visitation history of every person whose visitation registrations changed.
    IF p_build_visitation THEN
        DROP TABLE IF EXISTS pg_temp.samtaler_visitation_person;
        CREATE TEMP TABLE samtaler_visitation_person ON COMMIT DROP AS
        SELECT old_person AS person FROM samtaler_applied WHERE old_visitation IS NOT NULL AND old_person IS NOT NULL
        UNION
        SELECT person_pseudonym FROM samtaler_applied
        WHERE newer AND NOT annulleret AND visitationsgruppe_key IS NOT NULL AND person_pseudonym IS NOT NULL;
        ANALYZE samtaler_visitation_person;
        PERFORM samtaler.recompute_visitation(p_batch);
    END IF;

    ------------------------------------------------------------------ minplan
    DROP TABLE IF EXISTS pg_temp.samtaler_applied_mp;
    CREATE TEMP TABLE samtaler_applied_mp ON COMMIT DROP AS
    SELECT w.*, f.minplan_key AS old_key, f.annulleret AS old_annulleret
    FROM (SELECT * FROM samtaler_winner WHERE kind = 2 ORDER BY noegle) w LEFT JOIN samtaler.fact_minplan f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 2 AND (f.minplan_key IS NULL OR w.registreret > f.registreret);

    -- Kept history: the versions this batch replaces (see fact_samtale above).
    INSERT INTO samtaler.hist_minplan (minplan_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, registreret_dato_key, aldersgruppe_key, koen_key, antal_jobmaal, batch_key, til_batch_key)
    SELECT f.minplan_key, f.registrering_noegle, f.indberetter_key, f.registreret, f.annulleret, f.person_pseudonym, f.registreret_dato_key, f.aldersgruppe_key, f.koen_key, f.antal_jobmaal, f.batch_key, p_batch
    FROM samtaler_applied_mp a JOIN samtaler.fact_minplan f ON f.minplan_key = a.old_key
    WHERE f.batch_key <> p_batch;

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

    ------------------------------------------------------------------ jobsoegningskrav
    DROP TABLE IF EXISTS pg_temp.samtaler_applied_jk;
    CREATE TEMP TABLE samtaler_applied_jk ON COMMIT DROP AS
    SELECT w.*, f.jobsoegningskrav_key AS old_key, f.annulleret AS old_annulleret
    FROM (SELECT * FROM samtaler_winner WHERE kind = 3 ORDER BY noegle) w LEFT JOIN samtaler.fact_jobsoegningskrav f ON f.registrering_noegle = w.noegle
    WHERE w.kind = 3 AND (f.jobsoegningskrav_key IS NULL OR w.registreret > f.registreret);

    -- Kept history: the versions this batch replaces (see fact_samtale above).
    INSERT INTO samtaler.hist_jobsoegningskrav (jobsoegningskrav_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, registreret_dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal, med_stillingskilder, batch_key, til_batch_key)
    SELECT f.jobsoegningskrav_key, f.registrering_noegle, f.indberetter_key, f.registreret, f.annulleret, f.person_pseudonym, f.registreret_dato_key, f.aldersgruppe_key, f.koen_key, f.antal_fagomraader, f.antal_ansoegninger, f.med_omfang, f.med_formaal, f.med_stillingskilder, f.batch_key, p_batch
    FROM samtaler_applied_jk a JOIN samtaler.fact_jobsoegningskrav f ON f.jobsoegningskrav_key = a.old_key
    WHERE f.batch_key <> p_batch;

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

    ------------------------------------------------------------------ what changed
    -- Per kind (each kind a row, also when nothing of it was staged): registrations new, changed
    -- and withdrawn by the versions applied. A conversation that only moved its first registration
    -- instant (not newer) changed nothing.
    RETURN QUERY SELECT k.registrering,
        count(*) FILTER (WHERE a.old_key IS NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.old_key IS NOT NULL AND NOT a.annulleret),
        count(*) FILTER (WHERE a.annulleret AND (a.old_key IS NULL OR NOT a.old_annulleret))
    FROM (VALUES ('samtale'), ('minplan'), ('jobsoegningskrav')) AS k(registrering)
    LEFT JOIN (SELECT 'samtale' AS registrering, old_key, annulleret, old_annulleret FROM samtaler_applied WHERE newer
               UNION ALL SELECT 'minplan', old_key, annulleret, old_annulleret FROM samtaler_applied_mp
               UNION ALL SELECT 'jobsoegningskrav', old_key, annulleret, old_annulleret FROM samtaler_applied_jk) a
        USING (registrering)
    GROUP BY k.registrering;
END $$;
