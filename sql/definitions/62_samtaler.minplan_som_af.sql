-- samtaler.minplan_som_af(p_batch): fact_minplan as it stood right after load batch p_batch was
-- published (as samtaler.samtale_som_af).
CREATE OR REPLACE FUNCTION samtaler.minplan_som_af(p_batch integer) RETURNS SETOF samtaler.fact_minplan
LANGUAGE sql STABLE AS $$
    SELECT minplan_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, registreret_dato_key,
           aldersgruppe_key, koen_key, antal_jobmaal, batch_key
    FROM samtaler.fact_minplan WHERE batch_key <= p_batch
    UNION ALL
    SELECT minplan_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, registreret_dato_key,
           aldersgruppe_key, koen_key, antal_jobmaal, batch_key
    FROM samtaler.hist_minplan WHERE batch_key <= p_batch AND til_batch_key > p_batch
$$;
