-- samtaler.kept_rad(...): one conversation as a row of samtaler.kept_samtale's data (migration
-- 0013), from the columns of fact_samtale (or hist_samtale) it keeps. 38 bytes:
--   bytes  0-15  person_pseudonym (uuid_send; zero bytes for the unknown person, block 256)
--         16-19  afholdt_dato_key             (int4, big-endian)
--         20-23  indberetter_key              (int4)
--         24-25  samtaletype_key              (int2; -1 for NULL, like every key below)
--         26-27  samtaleform_key
--         28-29  kontaktgruppe_key
--         30-31  visitationsgruppe_key
--         32-33  aldersgruppe_key
--         34-35  koen_key
--         36-37  status_key
-- A block's rows are sorted by their bytes, so by person. The one place the layout is written:
-- keep_samtale writes blocks with it, kept_samtale_delta the rows a batch takes out and puts in;
-- KeptCounting.swift and KeptUpkeep.swift read it (KeptField), so a change here is a change there.
-- (A SQL function of one expression: the planner inlines it.)
CREATE OR REPLACE FUNCTION samtaler.kept_rad(
    p_person uuid, p_dato integer, p_indberetter integer, p_samtaletype smallint, p_samtaleform smallint,
    p_kontaktgruppe smallint, p_visitationsgruppe smallint, p_aldersgruppe smallint, p_koen smallint, p_status smallint)
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(uuid_send(p_person), '\x00000000000000000000000000000000'::bytea)
        || int4send(p_dato) || int4send(p_indberetter)
        || int2send(coalesce(p_samtaletype, -1::smallint)) || int2send(coalesce(p_samtaleform, -1::smallint))
        || int2send(coalesce(p_kontaktgruppe, -1::smallint)) || int2send(coalesce(p_visitationsgruppe, -1::smallint))
        || int2send(coalesce(p_aldersgruppe, -1::smallint)) || int2send(coalesce(p_koen, -1::smallint))
        || int2send(coalesce(p_status, -1::smallint))
$$;
