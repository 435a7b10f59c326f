import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

/// What an analyst meets in the database (issue 14, "The database describes itself"): every table,
/// view and column described, the rapport views found without their schema's name, a sandbox to
/// create tables in and nothing more, one name per concept across the views, and a region on
/// every row.
@Suite(.serialized) struct SchemaDescriptionTests {
    /// Every table and view of schemas samtaler and rapport, and every column of them, has a
    /// description (sql/definitions/80_comments.samtaler.sql, 81_comments.rapport.sql).
    @Test func everyTableViewAndColumnHasADescription() throws {
        let w = try TestWarehouse()
        let relations = try w.conn.execute("""
            SELECT c.oid::regclass::text, coalesce(obj_description(c.oid, 'pg_class'), '')
            FROM pg_class c
            WHERE c.relnamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
            ORDER BY 1
            """)
        let columns = try w.conn.execute("""
            SELECT c.oid::regclass::text || '.' || a.attname, coalesce(col_description(c.oid, a.attnum), '')
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relnamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
            ORDER BY 1
            """)
        // The queries see the whole schema: 29 tables and views, more than 300 columns.
        #expect(relations.rowCount >= 29)
        #expect(columns.rowCount >= 300)
        func undescribed(_ r: PGResult) -> [String] {
            (0..<r.rowCount).filter { (r.value($0, 1) ?? "").trimmingCharacters(in: .whitespaces).isEmpty }.map { r.value($0, 0) ?? "" }
        }
        #expect(undescribed(relations) == [], "tables and views without a description")
        #expect(undescribed(columns) == [], "columns without a description")
        #expect(try w.string("""
            SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace
            WHERE nspname IN ('samtaler', 'rapport', 'sandkasse') AND coalesce(obj_description(oid, 'pg_namespace'), '') <> ''
            """) == "rapport,samtaler,sandkasse")
        // A column shared by several views has one description in all of them.
        #expect(try w.int("""
            SELECT count(DISTINCT col_description(attrelid, attnum)) FROM pg_attribute
            WHERE attname = 'region' AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'rapport'::regnamespace AND relkind = 'v')
            """) == 1)
        // \d+ shows them.
        #expect(try w.string("SELECT col_description('samtaler.fact_samtale'::regclass, 6)")?.contains("HMAC") == true)
    }

    /// scripts/dbt-sources.sql writes a dbt sources.yml naming every rapport view and column with
    /// its description (docs/schema.md, "Using the views").
    @Test func theDbtSourcesFileCarriesEveryDescription() throws {
        let w = try TestWarehouse()
        let sql = try String(contentsOfFile: TestWarehouse.root + "/scripts/dbt-sources.sql", encoding: .utf8)
        let yaml = try w.string(sql) ?? ""
        let lines = yaml.split(separator: "\n").map(String.init)
        let columns = try w.int("""
            SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'rapport'::regnamespace AND c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped
            """)
        #expect(lines.prefix(4) == ["version: 2", "sources:", "  - name: samtaler", "    schema: rapport"])
        #expect(lines.filter { $0.hasPrefix("      - name: ") }.count == 10)
        #expect(lines.filter { $0.hasPrefix("          - name: ") }.count == columns)
        #expect(lines.filter { $0.contains("description: ") }.count == 1 + 10 + columns)
        #expect(!lines.contains { $0.hasSuffix("description: \"\"") || $0.hasSuffix("description: null") })
        #expect(lines.contains(#"      - name: visitation"#))
        #expect(lines.contains { $0.contains("A-kasse (ingen region)") })
    }

    /// A login that is a member of samtaler_analytiker finds the rapport views without writing
    /// `rapport.` (the database's search_path: a group role's own settings do not reach its
    /// members), may create tables in schema sandkasse, and may not create anything in samtaler or
    /// rapport. A member of samtaler_rapport finds the views the same way.
    @Test func anAnalystLoginFindsTheViewsAndWritesOnlyInTheSandbox() throws {
        let w = try TestWarehouse()
        try w.load([w.file("feed.jsonl", [Line.samtale(id: "J1"), Line.akasse(id: "K1")])])
        let admin = try PGConnection(w.conninfo)
        let analyst = "analytiker_" + w.name.suffix(8), reporter = "rapporter_" + w.name.suffix(8)
        try admin.execute("CREATE ROLE \(analyst) LOGIN IN ROLE samtaler_analytiker")
        try admin.execute("CREATE ROLE \(reporter) LOGIN IN ROLE samtaler_rapport")
        defer {
            for role in [analyst, reporter] { _ = try? admin.execute("DROP OWNED BY \(role)"); _ = try? admin.execute("DROP ROLE \(role)") }
        }
        // No ALTER ROLE setting is involved: the logins have none, the groups have none.
        #expect(try w.int("SELECT count(*) FROM pg_db_role_setting WHERE setrole IN (SELECT oid FROM pg_roles WHERE rolname IN ('\(analyst)', '\(reporter)', 'samtaler_analytiker', 'samtaler_rapport'))") == 0)

        let a = try PGConnection("\(w.conninfo) user=\(analyst)")
        defer { a.close() }
        #expect(try a.scalar("SHOW search_path")?.hasSuffix("rapport") == true)
        #expect(try a.scalar("SELECT count(*) FROM samtale") == "2")
        #expect(try a.scalar("SELECT count(*) FROM visitation") == "0")
        // What psql's \dv lists: the views visible on the search_path.
        #expect(try a.scalar("""
            SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
            WHERE relkind = 'v' AND relnamespace = 'rapport'::regnamespace AND pg_table_is_visible(oid)
            """) == "batch,deltager,indberetter,jobsoegningskrav,minplan,personer_maaned,registreringstid,samtale,samtale_markering,visitation")
        #expect(try a.scalar("SELECT sum(samtaler) FROM registreringstid") == "2")
        // The sandbox: tables of one's own, from the views.
        try a.execute("CREATE TABLE sandkasse.pr_region AS SELECT region, count(*) AS antal FROM samtale GROUP BY region")
        #expect(try a.scalar("SELECT sum(antal) FROM sandkasse.pr_region") == "2")
        try a.execute("DROP TABLE sandkasse.pr_region")
        for forbidden in ["CREATE TABLE samtaler.x (i int)", "CREATE TABLE rapport.x (i int)", "CREATE VIEW samtaler.v AS SELECT 1",
                          "SELECT count(*) FROM samtaler.fact_samtale"] {
            #expect(throws: PGError.self, "\(forbidden)") { try a.execute(forbidden) }
        }
        #expect(try w.string("""
            SELECT has_schema_privilege('samtaler_analytiker', 'samtaler', 'USAGE') OR has_schema_privilege('samtaler_analytiker', 'samtaler', 'CREATE')
            """) == "f")
        #expect(try w.string("SELECT has_schema_privilege('samtaler_rapport', 'sandkasse', 'CREATE')") == "f")

        let r = try PGConnection("\(w.conninfo) user=\(reporter)")
        defer { r.close() }
        #expect(try r.scalar("SELECT count(*) FROM samtale_markering") == "2")
        #expect(throws: PGError.self) { try r.execute("CREATE TABLE sandkasse.x (i int)") }
    }

    /// An a-kasse has no region: its rows carry the label the reports print, so a GROUP BY region
    /// (or pandas' groupby, which drops NULL keys) keeps them. In every rapport view with a region.
    @Test func aKasseRowsHaveTheRegionLabelTheReportsPrint() throws {
        let w = try TestWarehouse()
        try w.load([w.file("feed.jsonl", [
            Line.samtale(id: "J1", extra: #","visitationsgruppe":"JOBPARAT","deltagere":[{"navn":"A","rolle":"TOLK","deltagelsesform":"VIDEO"}]"#),
            Line.akasse(id: "K1"),
        ])])
        #expect(try w.string("SELECT string_agg(indberettertype || ':' || region, ',' ORDER BY indberettertype) FROM rapport.samtale")
                == "akasse:A-kasse (ingen region),jobcenter:Region Hovedstaden")
        #expect(try w.string("SELECT region FROM rapport.samtale_markering WHERE indberettertype = 'akasse'") == "A-kasse (ingen region)")
        #expect(try w.string("SELECT region FROM rapport.indberetter WHERE indberettertype = 'akasse' AND indberetterkode = '77'") == "A-kasse (ingen region)")
        // No NULL region in any view that has the column (six today).
        let views = try w.conn.execute("""
            SELECT table_name FROM information_schema.columns WHERE table_schema = 'rapport' AND column_name = 'region' ORDER BY 1
            """)
        #expect(views.rowCount == 6)
        for i in 0..<views.rowCount {
            let v = views.value(i, 0) ?? ""
            #expect(try w.int("SELECT count(*) FROM rapport.\(v)") > 0, "\(v) should have rows")
            #expect(try w.int("SELECT count(*) FROM rapport.\(v) WHERE region IS NULL") == 0, "rapport.\(v) has a NULL region")
        }
        // The code stays what it is: an a-kasse has no regionskode.
        #expect(try w.int("SELECT count(*) FROM rapport.samtale WHERE indberettertype = 'akasse' AND regionskode IS NULL") == 1)
    }

    /// The reporting authority has one set of names in every view: indberettertype,
    /// indberetterkode, indberetter (rapport.visitation said kommunekode/jobcenter, rapport.minplan
    /// and rapport.jobsoegningskrav akassekode/akasse).
    @Test func everyViewNamesTheIndberetterAlike() throws {
        let w = try TestWarehouse()
        try w.load([w.file("feed.jsonl", [
            Line.samtale(id: "J1", extra: #","visitationsgruppe":"JOBPARAT""#),
            #"{"registrering":"minplan","id":"MP1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"77"},"cpr":"0101901234","jobmaal":["Lager"],"plan":"Søge job","begrundelse":"Erfaring"}"#,
        ])])
        func columns(_ view: String) throws -> [String] {
            let r = try w.conn.execute("""
                SELECT column_name FROM information_schema.columns WHERE table_schema = 'rapport' AND table_name = $1 ORDER BY ordinal_position
                """, [view])
            return (0..<r.rowCount).compactMap { r.value($0, 0) }
        }
        for view in ["visitation", "minplan", "jobsoegningskrav", "samtale", "deltager", "samtale_markering"] {
            let c = try columns(view)
            #expect(["indberettertype", "indberetterkode", "indberetter"].allSatisfy(c.contains), "rapport.\(view): \(c)")
        }
        #expect(try w.int("""
            SELECT count(*) FROM information_schema.columns WHERE table_schema = 'rapport'
              AND column_name IN ('kommunekode', 'jobcenter', 'akassekode', 'akasse')
            """) == 0)
        #expect(try w.string("SELECT indberettertype || ' ' || indberetterkode || ' ' || indberetter || ' ' || region FROM rapport.visitation")
                == "jobcenter 101 København Region Hovedstaden")
        #expect(try w.string("SELECT indberettertype || ' ' || indberetterkode || ' ' || indberetter FROM rapport.minplan")
                == "akasse 77 Business A-kasse")
    }

    /// Only the database's owner (or a superuser) may put rapport on its search_path. A migrating
    /// role that does not own the database still migrates, and is told what to ask for.
    @Test func aMigratingRoleThatDoesNotOwnTheDatabaseIsToldWhatToRun() throws {
        let admin = try TestWarehouse.admin()
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let db = "samtaler_test_\(suffix)", role = "migrator_\(suffix)"
        try admin.execute("CREATE ROLE \(role) LOGIN")
        try admin.execute("CREATE DATABASE \(db)")   // owned by the admin, not by the role
        try admin.execute("GRANT CREATE ON DATABASE \(db) TO \(role)")
        defer {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(db) WITH (FORCE)")
            _ = try? admin.execute("DROP ROLE IF EXISTS \(role)")
        }
        var notes: [String] = []
        do {
            let c = try PGConnection("dbname=\(db) user=\(role)")
            defer { c.close() }
            let report = try Migrator(conn: c, sqlDirectory: TestWarehouse.root + "/sql").run(log: { notes.append($0) })
            #expect(report.applied.count == Migrator.schemaVersion)
        }
        #expect(notes.contains { $0.contains("ALTER DATABASE \(db) SET search_path = \"$user\", public, rapport") }, "\(notes)")
        #expect(try admin.scalar("SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = $1)", [db]) == "0")
    }

    /// rapport goes after what the database's search_path had, which stays.
    @Test func rapportGoesAfterWhatTheSearchPathHad() throws {
        let w = try TestWarehouse(migrate: false)
        let admin = try TestWarehouse.admin()
        try admin.execute("ALTER DATABASE \(w.name) SET search_path = public, \"$user\"")
        _ = try Migrator(conn: w.conn, sqlDirectory: TestWarehouse.root + "/sql").run()
        let setting = "SELECT array_to_string(setconfig, ';') FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = $1)"
        #expect(try admin.scalar(setting, [w.name]) == #"search_path=public, "$user", rapport"#)
        // A new session in the database has it.
        #expect(try PGConnection(w.conninfo).scalar("SHOW search_path") == #"public, "$user", rapport"#)
    }
}
