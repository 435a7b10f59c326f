-- 0002: the set-based half of `samtaler load`.
--
-- This migration created samtaler.create_stage() and samtaler.merge_stage(). Functions and views
-- are not migrations' business any more: each has one file under sql/definitions/ with its whole
-- current text, which `samtaler migrate` applies after the migrations whenever it changed
-- (docs/architecture.md, "SQL"). The file stays, empty, so that version 2 means the same in every
-- warehouse.
SELECT 1;
