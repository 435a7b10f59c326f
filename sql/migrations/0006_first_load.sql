-- 0006: the end of a first load's direct path.
--
-- This migration created samtaler.finish_first_load() and gave merge_stage() its random_page_cost.
-- Both now live in sql/definitions/ (40_samtaler.finish_first_load.sql, 30_samtaler.merge_stage.sql;
-- docs/architecture.md, "SQL"). The file stays, empty, so that version 6 means the same in every
-- warehouse.
SELECT 1;
