-- 0011: what an analyst meets: one name per concept in the rapport views, schema rapport on the
-- search_path, and a sandbox schema `sandkasse` to create tables in. docs/schema.md, "Using the views".
--
-- Names. The reporting authority is `indberettertype`, `indberetterkode`, `indberetter` in every
-- view that has one; rapport.visitation said kommunekode/jobcenter and rapport.minplan and
-- rapport.jobsoegningskrav akassekode/akasse for the same columns of samtaler.dim_indberetter.
-- A view's columns cannot be renamed in place: the three are dropped here, and their files under
-- sql/definitions/ make them again in this migrate (with their grants and descriptions).
DROP VIEW IF EXISTS rapport.visitation;
DROP VIEW IF EXISTS rapport.minplan;
DROP VIEW IF EXISTS rapport.jobsoegningskrav;

-- search_path. A setting made with ALTER ROLE on a group role (samtaler_analytiker,
-- samtaler_rapport) does not reach its members: a login gets only its own role's settings and the
-- database's. So schema rapport goes on this database's search_path, for every session in it,
-- after what is there ("$user", public by default): it can add names, never hide one, and only the
-- schema's owner may create in it. A login's own setting (ALTER ROLE name SET search_path) still
-- wins over the database's. Only the database's owner or a superuser may do this; anyone else gets
-- a WARNING with the command for them, and analysts write rapport.samtale until then.
DO $$
DECLARE
    db   text := current_database();
    path text;
BEGIN
    SELECT substring(c FROM length('search_path=') + 1) INTO path
    FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c
    WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = db) AND s.setrole = 0
      AND c LIKE 'search_path=%';
    path := coalesce(path, '"$user", public');
    IF path !~ '(^|[ ,])"?rapport"?($|[ ,])' THEN
        BEGIN
            EXECUTE format('ALTER DATABASE %I SET search_path = %s, rapport', db, path);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'schema rapport is not on the search_path of database %: only its owner or a superuser may set it. Ask one to run: ALTER DATABASE % SET search_path = %, rapport',
                db, quote_ident(db), path;
        END;
    END IF;
END $$;

-- The sandbox. Analysts may create tables and views of their own in schema `sandkasse` (each owns
-- what they make; others see it only when its owner grants it). Not `analyse`: that is a reserved
-- word in PostgreSQL (the British ANALYZE) and would need quotes everywhere. It is on nobody's default
-- search_path: a schema that many may write to, early on everyone's path, could hide a table or
-- a function from everyone else (CVE-2018-1058); analysts write sandkasse.name. samtaler_analytiker
-- has no right on schema samtaler (0003): nothing it reads holds a pseudonym, so nothing it writes
-- here can. samtaler_rapport, which reads the pseudonyms, gets no right here: none is copied to
-- where analysts read.
CREATE SCHEMA IF NOT EXISTS sandkasse;
REVOKE ALL ON SCHEMA sandkasse FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_analytiker') THEN
        GRANT USAGE, CREATE ON SCHEMA sandkasse TO samtaler_analytiker;
    END IF;
END $$;
