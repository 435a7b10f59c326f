-- samtaler.kept_samtale_delta(p_batch): what load batch p_batch changes in samtaler.kept_samtale,
-- as rows to take out (tilfoejet false: the current versions it replaced or withdrew, from
-- hist_samtale) and rows to put in (true: its new current versions, from fact_samtale), each with
-- its block (kept_blok) and its bytes (kept_rad); the year is in the row (its day). Called inside
-- the load's transaction, after merge_stage, whose pg_temp.samtaler_applied names the
-- conversations the batch added or replaced (`newer`; an older version arriving late only moves
-- foerste_registreret, which the copy does not hold), and pg_temp.samtaler_new_key the surrogate
-- keys of the added ones (a replaced one kept its key, old_key). The loader applies these rows to the copy
-- after COMMIT (Load/KeptUpkeep.swift), when the copy held the facts as the load began.
-- (PL/pgSQL: the temporary table exists only during a load.)
-- uses: 43_samtaler.kept_blok.sql
-- uses: 44_samtaler.kept_rad.sql
CREATE OR REPLACE FUNCTION samtaler.kept_samtale_delta(p_batch integer)
RETURNS TABLE (blok smallint, rad bytea, tilfoejet boolean)
LANGUAGE plpgsql SET jit = off SET random_page_cost = 1.1 AS $$
BEGIN
    RETURN QUERY
    SELECT samtaler.kept_blok(h.person_pseudonym),
           samtaler.kept_rad(h.person_pseudonym, h.afholdt_dato_key, h.indberetter_key, h.samtaletype_key, h.samtaleform_key,
                             h.kontaktgruppe_key, h.visitationsgruppe_key, h.aldersgruppe_key, h.koen_key, h.status_key),
           false
    FROM pg_temp.samtaler_applied a
    JOIN samtaler.hist_samtale h ON h.samtale_key = a.old_key AND h.til_batch_key = p_batch
    WHERE a.newer AND NOT h.annulleret AND h.afholdt_dato_key IS NOT NULL
    UNION ALL
    SELECT samtaler.kept_blok(f.person_pseudonym),
           samtaler.kept_rad(f.person_pseudonym, f.afholdt_dato_key, f.indberetter_key, f.samtaletype_key, f.samtaleform_key,
                             f.kontaktgruppe_key, f.visitationsgruppe_key, f.aldersgruppe_key, f.koen_key, f.status_key),
           true
    FROM pg_temp.samtaler_applied a
    LEFT JOIN pg_temp.samtaler_new_key n ON n.noegle = a.noegle
    JOIN samtaler.fact_samtale f ON f.samtale_key = coalesce(a.old_key, n.samtale_key)
    WHERE a.newer AND NOT f.annulleret AND f.afholdt_dato_key IS NOT NULL;
END $$;
