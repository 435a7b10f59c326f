-- 0009: the merge looks up a night's natural keys in key order.
--
-- This migration edited merge_stage()'s text; that text is now whole in sql/definitions/
-- 30_samtaler.merge_stage.sql (docs/architecture.md, "SQL"). The file stays, empty, so that
-- version 9 means the same in every warehouse.
SELECT 1;
