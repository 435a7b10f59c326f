-- rapport.samtale_markering: the marks and statuses of each current conversation, readable
-- (samtaler.dim_samtalestatus through the fact's status_key).
CREATE OR REPLACE VIEW rapport.samtale_markering AS
SELECT s.samtale_id, s.afholdt_dato, s.periode_maaned, s.periode_kvartal, s.periode_aar,
       s.indberettertype, s.indberetterkode, s.indberetter, s.region, s.samtaletype, s.kontaktgruppe,
       st.tidlig_opfoelgning, st.cv_fyldestgoerende, st.videregivet_til_akasse, st.forpligtende_aftale,
       st.saerlig_indsats, st.akasse_deltagelse, st.cv_godkendelse, st.raadighedsvurdering
FROM rapport.samtale s
JOIN samtaler.fact_samtale f ON f.samtale_key = s.samtale_id
JOIN samtaler.dim_samtalestatus st ON st.status_key = f.status_key;
