-- samtaler.samtale_som_af(p_batch): fact_samtale as it stood right after load batch p_batch was
-- published: the current versions made by batch p_batch or earlier, and the kept versions
-- (hist_samtale, migration 0012) that were current then (made at or before it, superseded after
-- it). One row per registration known then, tombstones included, with the fact's columns. An
-- inlinable SQL function: a caller's WHERE on afholdt_dato_key reaches both tables' indexes.
-- Meaningful for p_batch >= samtaler.historik_start.fra_batch (docs/history.md).
CREATE OR REPLACE FUNCTION samtaler.samtale_som_af(p_batch integer) RETURNS SETOF samtaler.fact_samtale
LANGUAGE sql STABLE AS $$
    SELECT samtale_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
           afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
           aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
           cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere, batch_key, foerste_registreret, status_key
    FROM samtaler.fact_samtale WHERE batch_key <= p_batch
    UNION ALL
    SELECT samtale_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
           afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
           aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
           cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere, batch_key, foerste_registreret, status_key
    FROM samtaler.hist_samtale WHERE batch_key <= p_batch AND til_batch_key > p_batch
$$;
