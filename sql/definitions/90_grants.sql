-- Who may use the functions and views above (the roles are made by migrations 0003 and 0005;
-- docs/operations.md, Roles). Applied with the other definitions, so a new view or function is
-- granted in the same migrate that creates it.
--   samtaler_analytiker  reads the rapport views (rapport.registreringstid too: every view of the
--                        schema, granted below whenever a definition changes), nothing else
--   samtaler_rapport     reads everything (reports count distinct persons from the pseudonyms)
--   samtaler_indlaeser   the nightly load: runs the first load's index functions and
--                        hold_merge_indexes (SECURITY DEFINER)
--   samtaler_rapport also records the extracts it makes, through registrer_udtraek (SECURITY DEFINER)
REVOKE ALL ON FUNCTION samtaler.first_load_drop_indexes(), samtaler.first_load_build_indexes(regclass[]), samtaler.hold_merge_indexes() FROM PUBLIC;
REVOKE ALL ON FUNCTION samtaler.registrer_udtraek(text, integer, integer, boolean, integer, integer, text, integer[], timestamptz) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_analytiker;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_rapport') THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_rapport;
        GRANT EXECUTE ON FUNCTION samtaler.registrer_udtraek(text, integer, integer, boolean, integer, integer, text, integer[], timestamptz)
            TO samtaler_rapport;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_indlaeser;
        GRANT EXECUTE ON FUNCTION samtaler.first_load_drop_indexes(), samtaler.first_load_build_indexes(regclass[]), samtaler.hold_merge_indexes()
            TO samtaler_indlaeser;
    END IF;
END $$;
