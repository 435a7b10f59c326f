-- samtaler.visitation_som_af(p_batch): fact_visitation as it stood right after load batch p_batch
-- was published: the visitation history of every person, derived from the conversations of
-- samtaler.samtale_som_af(p_batch) by the same rules, in the same text, as the current history
-- (samtaler.visitation_perioder, 19; a test holds the two to the same history). batch_key is
-- p_batch, the state shown. Computed whole on each call (the reports' visitation and transitions
-- as of a batch), never stored.
CREATE OR REPLACE FUNCTION samtaler.visitation_som_af(p_batch integer) RETURNS SETOF samtaler.fact_visitation
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE samtaler.visitation_perioder(format('samtaler.samtale_som_af(%s) f', p_batch), p_batch);
END $$;
