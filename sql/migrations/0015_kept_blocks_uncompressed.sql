-- 0015: the kept copy's blocks stored uncompressed, as the column's storage (EXTERNAL, migration
-- 0013) intends. Before this release an increment's patch wrote its blocks through a temporary
-- table whose column compressed them with pglz, and the INSERT from it kept them compressed: a
-- report then decompressed every such block it read (on the 10M bench warehouse after a few dozen
-- increments: 514 of 2,827 blocks, 37 MB). The patch now writes them uncompressed
-- (KeptUpkeep.patch); this writes again, uncompressed, any block an earlier patch compressed.
-- Concatenating nothing makes a new value, which the column's storage then keeps as it is. The
-- kept copy's stamp (kept_samtale_batch) stays: the rows are the same bytes.
UPDATE samtaler.kept_samtale SET data = data || ''::bytea WHERE pg_column_compression(data) IS NOT NULL;
