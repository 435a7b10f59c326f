-- A dbt sources.yml for the rapport views, with the database's own descriptions (COMMENT ON, from
-- sql/definitions/81_comments.rapport.sql) as the views' and columns' descriptions, so dbt docs
-- shows them whichever dbt version reads the catalog. Any login may run it (samtaler_analytiker
-- too):
--   psql -XAtq -f scripts/dbt-sources.sql > models/sources.yml
-- The descriptions are written as JSON strings, which YAML reads as they are. docs/schema.md,
-- "Using the views".
SELECT E'version: 2\nsources:\n  - name: samtaler\n    schema: rapport\n    description: ' || to_json(coalesce(obj_description('rapport'::regnamespace, 'pg_namespace'), ''))::text
       || E'\n    tables:\n'
       || string_agg(t.yaml, E'\n' ORDER BY t.name)
FROM (
  SELECT c.relname AS name,
         '      - name: ' || c.relname || E'\n        description: ' || to_json(coalesce(obj_description(c.oid, 'pg_class'), ''))::text
         || E'\n        columns:\n'
         || string_agg('          - name: ' || a.attname || E'\n            description: ' || to_json(coalesce(col_description(c.oid, a.attnum), ''))::text,
                       E'\n' ORDER BY a.attnum) AS yaml
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.relnamespace = 'rapport'::regnamespace AND c.relkind = 'v'
  GROUP BY c.oid, c.relname
) t;
