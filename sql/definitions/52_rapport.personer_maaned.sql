-- rapport.personer_maaned: distinct persons per month, reporting authority, samtaletype and
-- samtaleform. A person counts once per cell: these numbers must not be added across cells.
CREATE OR REPLACE VIEW rapport.personer_maaned AS
SELECT d.periode_maaned, i.indberettertype, i.indberetterkode, t.samtaletype, s.samtaleform,
       count(*) AS antal_samtaler, count(DISTINCT f.person_pseudonym) AS antal_personer
FROM samtaler.fact_samtale f
JOIN samtaler.dim_dato d        ON d.dato_key = f.afholdt_dato_key
JOIN samtaler.dim_indberetter i USING (indberetter_key)
JOIN samtaler.dim_samtaletype t USING (samtaletype_key)
JOIN samtaler.dim_samtaleform s USING (samtaleform_key)
WHERE NOT f.annulleret
GROUP BY 1, 2, 3, 4, 5;
