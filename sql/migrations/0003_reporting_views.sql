-- 0003: the schema `rapport` for analysts (psql, BI tools) and the roles of the warehouse.
--
-- The views in schema `rapport` hold current, not withdrawn registrations with readable names
-- and no pseudonym: an analyst sees conversations, never who had them. Each view's current text
-- is in sql/definitions/5x_rapport.*.sql (this migration created the first ones); docs/schema.md
-- describes each view.

CREATE SCHEMA IF NOT EXISTS rapport;

-- Roles (cluster-wide, NOLOGIN groups: grant them to login roles, see docs/operations.md).
--   samtaler_analytiker: reads the rapport views, nothing else.
--   samtaler_indlaeser:  the nightly job: writes the warehouse.
-- Made only where the migrating role may create roles; otherwise a NOTICE says what to do.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE samtaler_analytiker NOLOGIN;
        ELSE
            RAISE NOTICE 'cannot create role samtaler_analytiker: ask a superuser to run CREATE ROLE samtaler_analytiker NOLOGIN, then migrate again';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE samtaler_indlaeser NOLOGIN;
        ELSE
            RAISE NOTICE 'cannot create role samtaler_indlaeser: ask a superuser to run CREATE ROLE samtaler_indlaeser NOLOGIN, then migrate again';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        REVOKE ALL ON SCHEMA samtaler FROM samtaler_analytiker;
        GRANT USAGE ON SCHEMA rapport TO samtaler_analytiker;
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_analytiker;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        GRANT USAGE, CREATE ON SCHEMA samtaler TO samtaler_indlaeser;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA samtaler TO samtaler_indlaeser;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA samtaler TO samtaler_indlaeser;
        GRANT USAGE ON SCHEMA rapport TO samtaler_indlaeser;
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_indlaeser;
    END IF;
END $$;
REVOKE ALL ON SCHEMA samtaler FROM PUBLIC;
REVOKE ALL ON SCHEMA rapport FROM PUBLIC;
