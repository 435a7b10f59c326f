\pset footer off
\echo 'Batches'
SELECT batch_key AS batch, status, read, accepted, rejected, new, changed, withdrawn, unchanged, seconds, lines_per_second
FROM samtaler.dim_batch ORDER BY batch_key;
\echo 'Current conversations by samtaletype and indberettertype'
SELECT t.samtaletype, count(*) FILTER (WHERE i.indberettertype = 'jobcenter') AS jobcenter,
       count(*) FILTER (WHERE i.indberettertype = 'akasse') AS akasse, count(DISTINCT f.person_pseudonym) AS personer
FROM samtaler.fact_samtale f JOIN samtaler.dim_samtaletype t USING (samtaletype_key) JOIN samtaler.dim_indberetter i USING (indberetter_key)
WHERE NOT f.annulleret GROUP BY t.samtaletype ORDER BY count(*) DESC;
\echo 'Forms by quarter (STAR grouping)'
SELECT d.periode_kvartal AS kvartal, sf.star_gruppe, count(*) AS samtaler
FROM samtaler.fact_samtale f JOIN samtaler.dim_dato d ON d.dato_key = f.afholdt_dato_key JOIN samtaler.dim_samtaleform sf USING (samtaleform_key)
WHERE NOT f.annulleret GROUP BY 1, 2, sf.star_gruppe_orden ORDER BY 1, sf.star_gruppe_orden;
