-- rapport.deltager: one row per participant of a current conversation (no name is ever kept).
CREATE OR REPLACE VIEW rapport.deltager AS
SELECT s.samtale_id, s.afholdt_dato, s.periode_maaned, s.periode_kvartal, s.periode_aar,
       s.indberettertype, s.indberetterkode, s.indberetter, s.region, s.samtaletype, s.samtaleform,
       p.deltager_nr, r.deltagerrolle, r.betegnelse AS deltagerrolle_betegnelse,
       df.deltagelsesform, df.betegnelse AS deltagelsesform_betegnelse
FROM samtaler.fact_samtale_deltager p
JOIN rapport.samtale s                 ON s.samtale_id = p.samtale_key
JOIN samtaler.dim_deltagerrolle r      USING (deltagerrolle_key)
JOIN samtaler.dim_deltagelsesform df   USING (deltagelsesform_key);
