-- 0010: functions and views get one home each (sql/definitions/), and the batch table speaks Danish.
--
-- What the definitions replace and cannot remove themselves (a definition only creates or replaces):
-- merge_stage(integer), now merge_stage(integer, boolean) with the first load's case as a
-- parameter; recompute_visitation_now(integer), which 0007 made by a rename and which
-- recompute_visitation() replaces; the view rapport.batch, whose columns are renamed below
-- (a view's columns cannot be renamed in place; 54_rapport.batch.sql makes it again).
DROP FUNCTION IF EXISTS samtaler.merge_stage(integer);
DROP FUNCTION IF EXISTS samtaler.recompute_visitation_now(integer);
DROP VIEW IF EXISTS rapport.batch;

-- One language in the batch table, as in the rest of the schema (docs/architecture.md, "Names").
ALTER TABLE samtaler.dim_batch RENAME COLUMN read TO laest;
ALTER TABLE samtaler.dim_batch RENAME COLUMN accepted TO accepteret;
ALTER TABLE samtaler.dim_batch RENAME COLUMN rejected TO afvist;
ALTER TABLE samtaler.dim_batch RENAME COLUMN new TO nye;
ALTER TABLE samtaler.dim_batch RENAME COLUMN changed TO aendrede;
ALTER TABLE samtaler.dim_batch RENAME COLUMN withdrawn TO annullerede;
ALTER TABLE samtaler.dim_batch RENAME COLUMN unchanged TO uaendrede;
ALTER TABLE samtaler.dim_batch RENAME COLUMN rejected_by_rule TO afvist_pr_regel;
ALTER TABLE samtaler.dim_batch RENAME COLUMN seconds TO sekunder;
ALTER TABLE samtaler.dim_batch RENAME COLUMN lines_per_second TO linjer_pr_sekund;
