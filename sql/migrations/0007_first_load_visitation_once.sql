-- 0007: a first load builds the visitation history once. merge_stage() rebuilds the history of
-- the persons whose staged registrations it applied, and on a first load finish_first_load()
-- rebuilds everyone's right after it: the first rebuild was wasted (0.4 s of a 1M first load;
-- docs/performance.md). The loader sets samtaler.visitation_after_merge for its first load's
-- merge (SET LOCAL: it ends with the transaction) and clears it before finish_first_load().
-- Every other caller sees the setting unset and rebuilds as before.
ALTER FUNCTION samtaler.recompute_visitation(integer) RENAME TO recompute_visitation_now;

CREATE FUNCTION samtaler.recompute_visitation(p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('samtaler.visitation_after_merge', true) = 'on' THEN
        RETURN 0;
    END IF;
    RETURN samtaler.recompute_visitation_now(p_batch);
END $$;
