-- samtaler.samtale_deltager_som_af(p_batch): the participants of the conversations of
-- samtaler.samtale_som_af(p_batch): those of the versions current right after batch p_batch.
CREATE OR REPLACE FUNCTION samtaler.samtale_deltager_som_af(p_batch integer) RETURNS SETOF samtaler.fact_samtale_deltager
LANGUAGE sql STABLE AS $$
    SELECT samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key
    FROM samtaler.fact_samtale_deltager WHERE batch_key <= p_batch
    UNION ALL
    SELECT samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key
    FROM samtaler.hist_samtale_deltager WHERE batch_key <= p_batch AND til_batch_key > p_batch
$$;
