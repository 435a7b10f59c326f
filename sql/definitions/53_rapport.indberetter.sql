-- rapport.indberetter: the reporting authorities, with the inferred a-kasser still waiting for a name.
CREATE OR REPLACE VIEW rapport.indberetter AS
SELECT indberettertype, indberetterkode, navn, regionskode,
       CASE WHEN indberettertype = 'akasse' THEN 'A-kasse (ingen region)' ELSE regionsnavn END AS region,
       udledt, gyldig_fra, gyldig_til
FROM samtaler.dim_indberetter;
