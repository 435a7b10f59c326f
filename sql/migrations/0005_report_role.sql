-- 0005: the role that runs `samtaler report` and `samtaler extract`.
--
-- The reports and the extract count distinct persons, so they read the facts' pseudonyms; the
-- analyst role reads only the `rapport` views, which have none (0003). samtaler_rapport may read
-- the whole warehouse and write nothing: give it to the login that runs reports and extracts
-- (a service account, or analysts who are cleared to see pseudonyms), and samtaler_analytiker to
-- analysts working in SQL. docs/operations.md, Roles.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_rapport') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE samtaler_rapport NOLOGIN;
        ELSE
            RAISE NOTICE 'cannot create role samtaler_rapport: ask a superuser to run CREATE ROLE samtaler_rapport NOLOGIN, then migrate again';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_rapport') THEN
        GRANT USAGE ON SCHEMA samtaler, rapport TO samtaler_rapport;
        GRANT SELECT ON ALL TABLES IN SCHEMA samtaler TO samtaler_rapport;
        GRANT SELECT ON ALL TABLES IN SCHEMA rapport TO samtaler_rapport;
        -- Tables and views of later migrations (made by the same migrating role) too.
        ALTER DEFAULT PRIVILEGES IN SCHEMA samtaler GRANT SELECT ON TABLES TO samtaler_rapport;
        ALTER DEFAULT PRIVILEGES IN SCHEMA rapport GRANT SELECT ON TABLES TO samtaler_rapport;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_indlaeser') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA samtaler GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO samtaler_indlaeser;
        ALTER DEFAULT PRIVILEGES IN SCHEMA samtaler GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO samtaler_indlaeser;
        ALTER DEFAULT PRIVILEGES IN SCHEMA rapport GRANT SELECT ON TABLES TO samtaler_indlaeser;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA rapport GRANT SELECT ON TABLES TO samtaler_analytiker;
    END IF;
END $$;
