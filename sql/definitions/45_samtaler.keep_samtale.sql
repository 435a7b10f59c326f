-- samtaler.keep_samtale(p_part, p_parts): writes the blocks of samtaler.kept_samtale whose number
-- is p_part modulo p_parts again from the current conversations (migration 0013; docs/performance.md,
-- "Every period: the kept copy"): one row per year of afholdt_dato_key and block (kept_blok), data
-- the block's conversations as kept_rad rows sorted by their bytes, so by person.
--
-- The whole copy, from the facts: after a first load, or when the copy was not up to date as a
-- load began. After any other load the loader patches only the blocks the batch changed
-- (kept_samtale_delta, Load/KeptUpkeep.swift). It runs both halves at once on two sessions, each in
-- its own transaction, and then stamps the copy with the batch (kept_samtale_batch) unless the
-- facts changed meanwhile; until then reports read the facts. It does not stamp: the caller does.
-- uses: 43_samtaler.kept_blok.sql
-- uses: 44_samtaler.kept_rad.sql
CREATE OR REPLACE FUNCTION samtaler.keep_samtale(p_part integer, p_parts integer)
RETURNS void
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off AS $$
BEGIN
    DELETE FROM samtaler.kept_samtale WHERE blok % p_parts = p_part;
    INSERT INTO samtaler.kept_samtale (aar, blok, raekker, data)
    SELECT aar, blok, count(*), string_agg(r, ''::bytea ORDER BY r)
    FROM (
        SELECT (f.afholdt_dato_key / 10000)::smallint AS aar, samtaler.kept_blok(f.person_pseudonym) AS blok,
               samtaler.kept_rad(f.person_pseudonym, f.afholdt_dato_key, f.indberetter_key, f.samtaletype_key, f.samtaleform_key,
                                 f.kontaktgruppe_key, f.visitationsgruppe_key, f.aldersgruppe_key, f.koen_key, f.status_key) AS r
        FROM samtaler.fact_samtale f
        WHERE NOT f.annulleret AND f.afholdt_dato_key IS NOT NULL
          AND samtaler.kept_blok(f.person_pseudonym) % p_parts = p_part
    ) x
    GROUP BY aar, blok;
END $$;
