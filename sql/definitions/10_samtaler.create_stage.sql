-- samtaler.create_stage(): the staging table of one load.
--
-- The loader validates and pseudonymizes each line in Swift, turns every code into its dimension
-- key, and streams finished rows with COPY into this temporary table (dropped at commit or
-- rollback); samtaler.merge_stage() then publishes them. The column order is the COPY order of
-- Sources/SamtalerWarehouse/Load/StageRow.swift (StageRowEncoder.columns).
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
