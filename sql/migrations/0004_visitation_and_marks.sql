-- 0004: the visitation history per person and the marks and statuses as a dimension. The merge
-- keeps both right through corrections and withdrawals (sql/definitions/30_samtaler.merge_stage.sql,
-- 20_samtaler.recompute_visitation.sql); their views are rapport.samtale_markering and
-- rapport.visitation (sql/definitions/5x_rapport.*.sql).
--
-- docs/schema.md describes the grains; docs/feed.md the decisions (effective date of a
-- visitation, same-day registrations, corrections).
--
-- uses: 20_samtaler.recompute_visitation.sql (for the warehouses loaded before this migration)

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

-- Warehouses loaded before this migration get their history now.
CREATE TEMP TABLE samtaler_visitation_person ON COMMIT DROP AS
SELECT DISTINCT person_pseudonym AS person FROM samtaler.fact_samtale
WHERE visitationsgruppe_key IS NOT NULL AND person_pseudonym IS NOT NULL AND NOT annulleret;
SELECT samtaler.recompute_visitation(coalesce((SELECT max(batch_key) FROM samtaler.dim_batch), 0));
DROP TABLE samtaler_visitation_person;

-- The nightly load writes the new tables, as in 0003.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON samtaler.fact_visitation, samtaler.dim_samtalestatus TO samtaler_indlaeser;
    END IF;
END $$;
