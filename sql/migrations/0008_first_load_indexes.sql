-- 0008: a first load builds the facts' secondary indexes after its COPY.
--
-- This migration created samtaler.first_load_drop_indexes() and first_load_build_indexes(); they
-- now live in sql/definitions/ (41_..., 42_..., their grants in 90_grants.sql; docs/architecture.md,
-- "SQL"). The file stays, empty, so that version 8 means the same in every warehouse.
SELECT 1;
