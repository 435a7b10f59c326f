-- samtaler.first_load_build_indexes(p_tabeller): builds again the indexes that
-- first_load_drop_indexes() dropped on these tables in the same transaction (see that file for
-- why): the loader's for the four fact tables after their COPYs, finish_first_load's (40) for
-- fact_visitation after its INSERT. The list of dropped indexes goes when every one is built.
CREATE OR REPLACE FUNCTION samtaler.first_load_build_indexes(p_tabeller regclass[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET maintenance_work_mem = '256MB' AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    -- Only a list that first_load_drop_indexes made (as this function's owner) is carried out.
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('pg_temp.samtaler_first_load_index')
                   AND relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)) THEN
        RAISE EXCEPTION 'no indexes were dropped in this transaction';
    END IF;
    FOR r IN SELECT ddl FROM pg_temp.samtaler_first_load_index WHERE tabel = ANY (p_tabeller) ORDER BY nr LOOP
        EXECUTE r.ddl;
        n := n + 1;
    END LOOP;
    DELETE FROM pg_temp.samtaler_first_load_index WHERE tabel = ANY (p_tabeller);
    IF NOT EXISTS (SELECT 1 FROM pg_temp.samtaler_first_load_index) THEN
        DROP TABLE pg_temp.samtaler_first_load_index;
    END IF;
    RETURN n;
END $$;
