-- 0016: samtaler.first_load_build_indexes takes the tables whose dropped indexes it builds
-- (definitions/42): the loader's call for the four fact tables after their COPYs, finish_first_load's
-- for the visitation history after its INSERT (definitions/40, 41). The function without
-- arguments goes; the definitions create the new one and its grant (definitions/90).
DROP FUNCTION IF EXISTS samtaler.first_load_build_indexes();
