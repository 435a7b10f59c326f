-- samtaler.registrer_udtraek(...): records one ministry extract that samtaler extract has written
-- (samtaler.udtraek; samtaler extract --list). The role that runs extracts, samtaler_rapport,
-- writes nothing else: it appends here through this function, which runs as its owner (SECURITY
-- DEFINER; execute right in 90_grants.sql) and can only add a row.
CREATE OR REPLACE FUNCTION samtaler.registrer_udtraek(p_periode text, p_taerskel integer, p_som_af_batch integer,
    p_genskabt boolean, p_raekker integer, p_undertrykte integer, p_sha256 text, p_batches integer[], p_genereret timestamptz)
RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO samtaler.udtraek (periode, taerskel, som_af_batch, genskabt, raekker, undertrykte, sha256, batches, genereret)
    VALUES (p_periode, p_taerskel, p_som_af_batch, p_genskabt, p_raekker, p_undertrykte, p_sha256, p_batches, p_genereret)
    RETURNING udtraek_key
$$;
