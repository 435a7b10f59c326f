-- 0004: the visitation history per person, the marks and statuses as a dimension, and the
-- merge that keeps both right through corrections and withdrawals.
--
-- docs/schema.md describes the grains; docs/feed.md the decisions (effective date of a
-- visitation, same-day registrations, corrections).

------------------------------------------------------------------ first registration
-- When the registration was first registered (the earliest `registreret` of its versions that
-- were not withdrawals; NULL while only withdrawals are known). A visitationsgruppe takes effect from the Copenhagen date of this
-- instant (§ 27 stk. 2): a correction corrects the group from the day it was first registered,
-- it does not move the day.
ALTER TABLE samtaler.fact_samtale ADD COLUMN foerste_registreret timestamptz;
UPDATE samtaler.fact_samtale SET foerste_registreret = registreret WHERE NOT annulleret;

------------------------------------------------------------------ marks and statuses
-- The marks and statuses of a conversation as one junk dimension: every combination of
-- fast track (§ 27 stk. 3), cv adequacy (stk. 4), passed on to the a-kasse (stk. 5), binding
-- agreement and særlig indsats, a-kasse participation in § 31 stk. 2 conversations, cv approval
-- and rådighedsvurdering (§ 87). The fact's status_key is computed from its own columns, so
-- it can never disagree with them; digit d of the key (mixed radix) is one mark.
ALTER TABLE samtaler.fact_samtale ADD COLUMN status_key smallint GENERATED ALWAYS AS ((
      (CASE tidlig_opfoelgning WHEN true THEN 1 WHEN false THEN 2 ELSE 0 END)
    + 3 * (CASE cv_fyldestgoerende WHEN true THEN 1 WHEN false THEN 2 ELSE 0 END)
    + 9 * (CASE WHEN videregivet_til_akasse THEN 1 ELSE 0 END)
    + 18 * (CASE aftale_forpligtende WHEN true THEN 1 WHEN false THEN 2 ELSE 0 END)
    + 54 * (CASE aftale_saerlig_indsats WHEN true THEN 1 WHEN false THEN 2 ELSE 0 END)
    + 162 * (CASE akasse_deltog WHEN true THEN 1 WHEN false THEN 2 ELSE 0 END)
    + 486 * (CASE cv_godkendelse WHEN 'KLAR_TIL_KVALITETSSIKRING' THEN 1 WHEN 'GODKENDT' THEN 2
                                 WHEN 'IKKE_GODKENDT' THEN 3 ELSE 0 END)
    + 1944 * (CASE raadighedsvurdering WHEN 'STAAR_TIL_RAADIGHED' THEN 1 WHEN 'TVIVL_OM_RAADIGHED' THEN 2
                                       WHEN 'STAAR_IKKE_TIL_RAADIGHED' THEN 3 ELSE 0 END)
    )::smallint) STORED;

-- One row per combination (3·3·2·3·3·3·4·4 = 7,776). Each mark has a readable value and an
-- order (1, 2, 3 for the values the feed can give, 9 for "not given / not relevant").
CREATE TABLE samtaler.dim_samtalestatus (
    status_key                 smallint PRIMARY KEY,
    tidlig_opfoelgning         text NOT NULL,
    tidlig_opfoelgning_orden   smallint NOT NULL,
    cv_fyldestgoerende         text NOT NULL,
    cv_fyldestgoerende_orden   smallint NOT NULL,
    videregivet_til_akasse     text NOT NULL,
    videregivet_til_akasse_orden smallint NOT NULL,
    forpligtende_aftale        text NOT NULL,
    forpligtende_aftale_orden  smallint NOT NULL,
    saerlig_indsats            text NOT NULL,
    saerlig_indsats_orden      smallint NOT NULL,
    akasse_deltagelse          text NOT NULL,
    akasse_deltagelse_orden    smallint NOT NULL,
    cv_godkendelse             text NOT NULL,
    cv_godkendelse_orden       smallint NOT NULL,
    raadighedsvurdering        text NOT NULL,
    raadighedsvurdering_orden  smallint NOT NULL
);
INSERT INTO samtaler.dim_samtalestatus
SELECT k,
       (ARRAY['Ikke angivet', 'Markeret', 'Angivet: ikke markeret'])[t + 1], CASE t WHEN 0 THEN 9 ELSE t END,
       (ARRAY['Ikke oplyst', 'Fyldestgørende', 'Ikke længere fyldestgørende'])[c + 1], CASE c WHEN 0 THEN 9 ELSE c END,
       (ARRAY['Ikke videregivet', 'Videregivet til a-kasse'])[v + 1], CASE v WHEN 0 THEN 9 ELSE v END,
       (ARRAY['Ingen aftale', 'Forpligtende', 'Ikke forpligtende'])[fo + 1], CASE fo WHEN 0 THEN 9 ELSE fo END,
       (ARRAY['Ikke oplyst', 'Særlig indsats', 'Ikke særlig indsats'])[si + 1], CASE si WHEN 0 THEN 9 ELSE si END,
       (ARRAY['Ikke relevant', 'A-kassen deltog', 'A-kassen deltog ikke'])[ad + 1], CASE ad WHEN 0 THEN 9 ELSE ad END,
       (ARRAY['Ikke relevant', 'Klar til kvalitetssikring', 'Godkendt', 'Ikke godkendt'])[cg + 1], CASE cg WHEN 0 THEN 9 ELSE cg END,
       (ARRAY['Ikke relevant', 'Står til rådighed', 'Tvivl om rådighed', 'Står ikke til rådighed'])[rv + 1], CASE rv WHEN 0 THEN 9 ELSE rv END
FROM generate_series(0, 7775) AS g(k),
     LATERAL (SELECT k % 3 AS t, k / 3 % 3 AS c, k / 9 % 2 AS v, k / 18 % 3 AS fo, k / 54 % 3 AS si,
                     k / 162 % 3 AS ad, k / 486 % 4 AS cg, k / 1944 % 4 AS rv) AS x;

------------------------------------------------------------------ visitation history
-- Fact: the visitationsgruppe of a person over time (§ 27 stk. 2). Grain: one period of one
-- person in one group: from the day a registration put the person in the group until the day
-- before a later registration put them in another (gyldig_til NULL: still in effect).
-- Consecutive registrations of the same group make one period. Derived entirely from the
-- current conversations: every load recomputes the history of each person it touched.
CREATE TABLE samtaler.fact_visitation (
    person_pseudonym              uuid NOT NULL,
    gyldig_fra                    date NOT NULL,
    gyldig_til                    date,
    visitationsgruppe_key         smallint NOT NULL,
    forrige_visitationsgruppe_key smallint,        -- NULL: the person's first registered group
    indberetter_key               integer NOT NULL, -- the jobcenter whose registration started the period
    samtale_key                   bigint NOT NULL,  -- that registration
    batch_key                     integer NOT NULL, -- the load that last computed the period
    PRIMARY KEY (person_pseudonym, gyldig_fra),
    CHECK (gyldig_til IS NULL OR gyldig_til >= gyldig_fra)
);
CREATE INDEX fact_visitation_fra ON samtaler.fact_visitation (gyldig_fra);

-- Finds a person's visitation registrations when a load touches that person.
CREATE INDEX fact_samtale_visitation_person ON samtaler.fact_samtale (person_pseudonym)
    WHERE visitationsgruppe_key IS NOT NULL;

-- Recomputes the visitation history of the persons in pg_temp.samtaler_vis_person from the
-- current conversations. On one day the registration registered last counts (then the higher
-- registration key, so the result never depends on load order).
CREATE OR REPLACE FUNCTION samtaler.recompute_visitation(p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    DELETE FROM samtaler.fact_visitation v USING samtaler_vis_person p WHERE v.person_pseudonym = p.person;
    INSERT INTO samtaler.fact_visitation (person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key,
        forrige_visitationsgruppe_key, indberetter_key, samtale_key, batch_key)
    WITH registrering AS (
        SELECT f.person_pseudonym, (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date AS dag,
               f.foerste_registreret, f.registrering_noegle, f.visitationsgruppe_key, f.indberetter_key, f.samtale_key
        FROM samtaler.fact_samtale f JOIN samtaler_vis_person p ON p.person = f.person_pseudonym
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

------------------------------------------------------------------ the merge
-- As 0002, plus: the first registration instant of every conversation, and the visitation
-- history of every person whose visitation registrations were added, corrected or withdrawn
-- (the person before and after a correction both count: a corrected personnummer moves the
-- registration from one history to another).
-- The merge sorts the whole stage once: with memory for it the sort stays off disk, and its
-- statements run once per load, so compiling them (JIT) costs more than it saves.
CREATE OR REPLACE FUNCTION samtaler.merge_stage(p_batch integer)
RETURNS TABLE (registrering text, new bigint, changed bigint, withdrawn bigint)
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off AS $$
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
    FROM samtaler_winner w LEFT JOIN samtaler.fact_samtale f ON f.registrering_noegle = w.noegle
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
    FROM samtaler_applied WHERE old_key IS NULL;

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

-- Warehouses loaded before this migration get their history now.
CREATE TEMP TABLE samtaler_vis_person ON COMMIT DROP AS
SELECT DISTINCT person_pseudonym AS person FROM samtaler.fact_samtale
WHERE visitationsgruppe_key IS NOT NULL AND person_pseudonym IS NOT NULL AND NOT annulleret;
SELECT samtaler.recompute_visitation(coalesce((SELECT max(batch_key) FROM samtaler.dim_batch), 0));
DROP TABLE samtaler_vis_person;

------------------------------------------------------------------ reporting views
-- The marks of each current conversation, readable.
CREATE OR REPLACE VIEW rapport.samtale_markering AS
SELECT s.samtale_id, s.afholdt_dato, s.periode_maaned, s.periode_kvartal, s.periode_aar,
       s.indberettertype, s.indberetterkode, s.indberetter, s.region, s.samtaletype, s.kontaktgruppe,
       st.tidlig_opfoelgning, st.cv_fyldestgoerende, st.videregivet_til_akasse, st.forpligtende_aftale,
       st.saerlig_indsats, st.akasse_deltagelse, st.cv_godkendelse, st.raadighedsvurdering
FROM rapport.samtale s
JOIN samtaler.fact_samtale f ON f.samtale_key = s.samtale_id
JOIN samtaler.dim_samtalestatus st ON st.status_key = f.status_key;

-- Visitation periods, without the pseudonym: one row per period of one (unnamed) person.
-- Persons in a group on day D: WHERE gyldig_fra <= D AND (gyldig_til IS NULL OR gyldig_til >= D).
CREATE OR REPLACE VIEW rapport.visitation AS
SELECT v.gyldig_fra, v.gyldig_til, g.visitationsgruppe, g.betegnelse AS visitationsgruppe_betegnelse,
       fg.visitationsgruppe AS forrige_visitationsgruppe,
       i.indberetterkode AS kommunekode, i.navn AS jobcenter, i.regionsnavn AS region, v.batch_key AS batch
FROM samtaler.fact_visitation v
JOIN samtaler.dim_visitationsgruppe g ON g.visitationsgruppe_key = v.visitationsgruppe_key
LEFT JOIN samtaler.dim_visitationsgruppe fg ON fg.visitationsgruppe_key = v.forrige_visitationsgruppe_key
JOIN samtaler.dim_indberetter i ON i.indberetter_key = v.indberetter_key;

-- The new views for the analyst role, as in 0003.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        GRANT SELECT ON rapport.samtale_markering, rapport.visitation TO samtaler_analytiker;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON samtaler.fact_visitation, samtaler.dim_samtalestatus TO samtaler_indlaeser;
        GRANT SELECT ON rapport.samtale_markering, rapport.visitation TO samtaler_indlaeser;
    END IF;
END $$;
