-- samtaler.kept_samtale_stale(): the trigger function that clears the kept copy's stamp
-- (kept_samtale_batch) whenever a statement changes fact_samtale (migration 0013). A load's own
-- statements clear it too, and keep_samtale(batch) sets it again before the load commits; any
-- other change to the facts leaves the copy unstamped, and reports read the facts until the next
-- load writes the copy again. One row updated per statement, not per row.
CREATE OR REPLACE FUNCTION samtaler.kept_samtale_stale()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE samtaler.kept_samtale_batch SET batch_key = NULL WHERE batch_key IS NOT NULL;
    RETURN NULL;
END $$;
