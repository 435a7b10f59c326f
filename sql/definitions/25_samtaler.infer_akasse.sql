-- samtaler.infer_akasse(p_kode, p_batch): the key of a-kasse p_kode in dim_indberetter, adding it
-- first as an inferred member when the dimension lacks it (feed contract: a valid a-kassekode
-- missing from the reference data is accepted and waits for someone to name it; `samtaler report
-- coverage` lists those). The one place that names an inferred member: merge_stage() calls it for
-- the codes of its staged lines, a first load's direct path (Load/FirstLoad.swift) the moment it
-- meets a code, so that the a-kasse's conversations still go straight into the facts.
CREATE OR REPLACE FUNCTION samtaler.infer_akasse(p_kode text, p_batch integer) RETURNS integer
LANGUAGE sql AS $$
    WITH added AS (
        INSERT INTO samtaler.dim_indberetter (indberettertype, indberetterkode, navn, udledt, udledt_batch_key)
        VALUES ('akasse', p_kode, 'Ukendt a-kasse ' || p_kode, true, p_batch)
        ON CONFLICT (indberettertype, indberetterkode) DO NOTHING
        RETURNING indberetter_key)
    SELECT indberetter_key FROM added
    UNION ALL
    SELECT indberetter_key FROM samtaler.dim_indberetter WHERE indberettertype = 'akasse' AND indberetterkode = p_kode
    LIMIT 1
$$;
