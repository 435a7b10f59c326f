-- samtaler.kept_blok(p_person): the block of samtaler.kept_samtale a person's conversations lie in:
-- the pseudonym's first byte (0-255), 256 for the unknown person (migration 0013). Used by
-- keep_samtale and kept_samtale_delta, so the two place a row alike.
CREATE OR REPLACE FUNCTION samtaler.kept_blok(p_person uuid)
RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(get_byte(uuid_send(p_person), 0), 256)::smallint
$$;
