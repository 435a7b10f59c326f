-- rapport.visitation: visitation periods without the pseudonym: one row per period of one
-- (unnamed) person. Persons in a group on day D:
--   WHERE gyldig_fra <= D AND (gyldig_til IS NULL OR gyldig_til >= D).
-- The jobcenter that registered the group is the indberetter, named as in every rapport view.
CREATE OR REPLACE VIEW rapport.visitation AS
SELECT v.gyldig_fra, v.gyldig_til, g.visitationsgruppe, g.betegnelse AS visitationsgruppe_betegnelse,
       fg.visitationsgruppe AS forrige_visitationsgruppe,
       i.indberettertype, i.indberetterkode, i.navn AS indberetter,
       CASE WHEN i.indberettertype = 'akasse' THEN 'A-kasse (ingen region)' ELSE i.regionsnavn END AS region, v.batch_key AS batch
FROM samtaler.fact_visitation v
JOIN samtaler.dim_visitationsgruppe g ON g.visitationsgruppe_key = v.visitationsgruppe_key
LEFT JOIN samtaler.dim_visitationsgruppe fg ON fg.visitationsgruppe_key = v.forrige_visitationsgruppe_key
JOIN samtaler.dim_indberetter i ON i.indberetter_key = v.indberetter_key;
