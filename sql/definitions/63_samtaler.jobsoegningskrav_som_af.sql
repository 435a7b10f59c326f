-- samtaler.jobsoegningskrav_som_af(p_batch): fact_jobsoegningskrav as it stood right after load
-- batch p_batch was published (as samtaler.samtale_som_af).
CREATE OR REPLACE FUNCTION samtaler.jobsoegningskrav_som_af(p_batch integer) RETURNS SETOF samtaler.fact_jobsoegningskrav
LANGUAGE sql STABLE AS $$
    SELECT jobsoegningskrav_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym,
           registreret_dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal,
           med_stillingskilder, batch_key
    FROM samtaler.fact_jobsoegningskrav WHERE batch_key <= p_batch
    UNION ALL
    SELECT jobsoegningskrav_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym,
           registreret_dato_key, aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal,
           med_stillingskilder, batch_key
    FROM samtaler.hist_jobsoegningskrav WHERE batch_key <= p_batch AND til_batch_key > p_batch
$$;
