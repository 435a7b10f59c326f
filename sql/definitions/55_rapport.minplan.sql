-- rapport.minplan: a-kasse drafts of »Min Plan« (counts only; never their text). The a-kasse is
-- the indberetter, named as in every rapport view (indberettertype, indberetterkode, indberetter).
CREATE OR REPLACE VIEW rapport.minplan AS
SELECT d.dato AS registreret_dato, d.periode_maaned, d.periode_kvartal, d.periode_aar,
       i.indberettertype, i.indberetterkode, i.navn AS indberetter, a.aldersgruppe, g.koen, f.antal_jobmaal, f.batch_key AS batch
FROM samtaler.fact_minplan f
JOIN samtaler.dim_dato d ON d.dato_key = f.registreret_dato_key
JOIN samtaler.dim_indberetter i USING (indberetter_key)
JOIN samtaler.dim_aldersgruppe a USING (aldersgruppe_key)
JOIN samtaler.dim_koen g USING (koen_key)
WHERE NOT f.annulleret;
