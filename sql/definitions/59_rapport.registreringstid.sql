-- rapport.registreringstid: how soon conversations are registered. Per month of afholdt and
-- reporting authority, the distribution of the days from the day a conversation was held to the
-- day it was first registered (fact_samtale.foerste_registreret, which a correction does not
-- move), both in Danish time, over the current, not withdrawn conversations. The median and the
-- 90 % point are percentile_disc: the fewest days within which at least half (90 %) were
-- registered. `samtaler report timeliness` counts the same (a test holds them equal) for any
-- period and breakdown, as of any batch, with the run-off triangle (docs/history.md).
CREATE OR REPLACE VIEW rapport.registreringstid AS
SELECT x.periode_maaned, i.indberettertype, i.indberetterkode, i.navn AS indberetter,
       CASE WHEN i.indberettertype = 'akasse' THEN 'A-kasse (ingen region)' ELSE i.regionsnavn END AS region,
       count(*) AS samtaler,
       min(x.dage) AS min_dage,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY x.dage) AS median_dage,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY x.dage) AS p90_dage,
       max(x.dage) AS maks_dage,
       (count(*) FILTER (WHERE x.dage <= 7))::float8 / count(*) AS andel_inden_7_dage,
       (count(*) FILTER (WHERE x.dage <= 30))::float8 / count(*) AS andel_inden_30_dage
FROM (SELECT f.indberetter_key, d.periode_maaned,
             (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date - d.dato AS dage
      FROM samtaler.fact_samtale f
      JOIN samtaler.dim_dato d ON d.dato_key = f.afholdt_dato_key
      WHERE NOT f.annulleret) x
JOIN samtaler.dim_indberetter i USING (indberetter_key)
GROUP BY x.periode_maaned, i.indberetter_key, i.indberettertype, i.indberetterkode, i.navn, i.regionsnavn;
