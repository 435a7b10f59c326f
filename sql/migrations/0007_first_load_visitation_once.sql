-- 0007: a first load builds the visitation history once.
--
-- This migration wrapped recompute_visitation() in a function switched by a session setting.
-- That is now an explicit parameter of merge_stage() (p_build_visitation; sql/definitions/
-- 30_samtaler.merge_stage.sql), and migration 0010 drops the wrapper's leftovers. The file stays,
-- empty, so that version 7 means the same in every warehouse.
SELECT 1;
