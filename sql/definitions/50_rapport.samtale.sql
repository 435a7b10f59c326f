-- rapport.samtale: one row per current, not withdrawn conversation, with readable names and no
-- pseudonym (an analyst sees conversations, never who had them). docs/schema.md.
-- An a-kasse has no region: its rows say 'A-kasse (ingen region)', the label the reports print,
-- so a GROUP BY region (or pandas' groupby, which drops NULL keys) keeps them.
CREATE OR REPLACE VIEW rapport.samtale AS
SELECT f.samtale_key                AS samtale_id,
       d.dato                       AS afholdt_dato,
       d.aar, d.kvartal, d.maaned, d.iso_aar, d.iso_uge,
       d.periode_maaned, d.periode_kvartal, d.periode_aar,
       f.afholdt_tid,
       i.indberettertype, i.indberetterkode, i.navn AS indberetter, i.regionskode,
       CASE WHEN i.indberettertype = 'akasse' THEN 'A-kasse (ingen region)' ELSE i.regionsnavn END AS region,
       i.udledt                     AS indberetter_udledt,
       t.samtaletype, t.betegnelse  AS samtaletype_betegnelse,
       s.samtaleform, s.betegnelse  AS samtaleform_betegnelse, s.star_gruppe, s.star_gruppe_orden,
       k.kontaktgruppe, v.visitationsgruppe,
       a.aldersgruppe, a.orden      AS aldersgruppe_orden, g.koen,
       f.aftale_forpligtende, f.aftale_saerlig_indsats, f.aftale_med_tekst, f.akasse_deltog,
       f.tidlig_opfoelgning, f.cv_fyldestgoerende, f.cv_godkendelse, f.raadighedsvurdering,
       f.videregivet_til_akasse, f.antal_deltagere,
       (f.person_pseudonym IS NULL)  AS ukendt_person,
       f.registreret, f.batch_key   AS batch
FROM samtaler.fact_samtale f
JOIN samtaler.dim_dato d            ON d.dato_key = f.afholdt_dato_key
JOIN samtaler.dim_indberetter i     USING (indberetter_key)
JOIN samtaler.dim_samtaletype t     USING (samtaletype_key)
JOIN samtaler.dim_samtaleform s     USING (samtaleform_key)
JOIN samtaler.dim_aldersgruppe a    USING (aldersgruppe_key)
JOIN samtaler.dim_koen g            USING (koen_key)
LEFT JOIN samtaler.dim_kontaktgruppe k     USING (kontaktgruppe_key)
LEFT JOIN samtaler.dim_visitationsgruppe v USING (visitationsgruppe_key)
WHERE NOT f.annulleret;
