-- samtaler.keep_samtale(p_part, p_parts): writes the blocks of samtaler.kept_samtale whose number
-- is p_part modulo p_parts again from the current conversations (migration 0013; docs/performance.md,
-- "Every period: the kept copy"). After a load has published its batch, the loader runs it for
-- both halves at once on two sessions, each in its own transaction, and then stamps the copy with
-- the batch (kept_samtale_batch) unless the facts changed meanwhile; until then reports read the
-- facts. It does not stamp: the caller does.
--
-- One row per year of afholdt_dato_key and pseudonym block (the pseudonym's first byte, 0-255;
-- conversations without a person are block 256). data: the block's conversations as 38-byte rows,
-- sorted by their bytes, so by person:
--   bytes  0-15  person_pseudonym (uuid_send; zero bytes in block 256)
--         16-19  afholdt_dato_key             (int4, big-endian)
--         20-23  indberetter_key              (int4)
--         24-25  samtaletype_key              (int2; -1 for NULL, like every key below)
--         26-27  samtaleform_key
--         28-29  kontaktgruppe_key
--         30-31  visitationsgruppe_key
--         32-33  aldersgruppe_key
--         34-35  koen_key
--         36-37  status_key
-- KeptCounting.swift reads this layout; a change here is a change there.
CREATE OR REPLACE FUNCTION samtaler.keep_samtale(p_part integer, p_parts integer)
RETURNS void
LANGUAGE plpgsql SET work_mem = '256MB' SET jit = off AS $$
BEGIN
    DELETE FROM samtaler.kept_samtale WHERE blok % p_parts = p_part;
    INSERT INTO samtaler.kept_samtale (aar, blok, raekker, data)
    SELECT aar, blok, count(*), string_agg(r, ''::bytea ORDER BY r)
    FROM (
        SELECT (f.afholdt_dato_key / 10000)::smallint AS aar,
               coalesce(get_byte(uuid_send(f.person_pseudonym), 0), 256)::smallint AS blok,
               coalesce(uuid_send(f.person_pseudonym), '\x00000000000000000000000000000000'::bytea)
                   || int4send(f.afholdt_dato_key) || int4send(f.indberetter_key)
                   || int2send(coalesce(f.samtaletype_key, -1::smallint)) || int2send(coalesce(f.samtaleform_key, -1::smallint))
                   || int2send(coalesce(f.kontaktgruppe_key, -1::smallint)) || int2send(coalesce(f.visitationsgruppe_key, -1::smallint))
                   || int2send(coalesce(f.aldersgruppe_key, -1::smallint)) || int2send(coalesce(f.koen_key, -1::smallint))
                   || int2send(coalesce(f.status_key, -1::smallint)) AS r
        FROM samtaler.fact_samtale f
        WHERE NOT f.annulleret AND f.afholdt_dato_key IS NOT NULL
          AND coalesce(get_byte(uuid_send(f.person_pseudonym), 0), 256) % p_parts = p_part
    ) x
    GROUP BY aar, blok;
END $$;
