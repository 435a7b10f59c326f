-- samtaler.kept_samtale_stale(): the trigger function that clears the kept copy's stamp
-- (kept_samtale_batch) and counts one more change whenever a statement changes fact_samtale
-- (migration 0013). A load's own statements clear it too; after the load has published, the
-- loader writes the copy again and stamps it, but only if the count is what it was before (no
-- change to the facts meanwhile). Any other change leaves the copy unstamped, and reports read
-- the facts until the next load writes it again. One row updated per statement, not per row.
CREATE OR REPLACE FUNCTION samtaler.kept_samtale_stale()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE samtaler.kept_samtale_batch SET batch_key = NULL, aendringer = aendringer + 1;
    RETURN NULL;
END $$;
