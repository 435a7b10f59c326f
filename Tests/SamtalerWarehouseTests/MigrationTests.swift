import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

/// `samtaler migrate`: numbered migrations once, definitions whenever they change, an applied
/// migration never edited, and a warehouse of the releases before 0010 upgraded to the same state
/// as a fresh one.
@Suite(.serialized) struct MigrationTests {
    /// Every object of schemas samtaler and rapport as the catalog describes it: tables with their
    /// columns, indexes, constraints, functions with their whole text and settings, views with their
    /// query, every privilege and every description. Equal only when the two schemas are the same.
    static func catalog(_ c: PGConnection) throws -> String {
        try c.scalar("""
            SELECT string_agg(x, E'\\n' ORDER BY x) FROM (
              SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                     || ' ' || ordinal_position || ' ' || coalesce(column_default, '') || ' ' || coalesce(generation_expression, '') AS x
              FROM information_schema.columns WHERE table_schema IN ('samtaler', 'rapport')
              UNION ALL
              SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname IN ('samtaler', 'rapport')
              UNION ALL
              SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace)
              UNION ALL
              SELECT 'function ' || pg_get_functiondef(p.oid) || ' acl ' || coalesce(p.proacl::text, '')
              FROM pg_proc p WHERE p.pronamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace)
              UNION ALL
              SELECT 'view ' || c.oid::regclass || ' ' || pg_get_viewdef(c.oid) FROM pg_class c
              WHERE c.relkind = 'v' AND c.relnamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace)
              UNION ALL
              SELECT 'acl ' || c.oid::regclass || ' ' || coalesce(c.relacl::text, '') FROM pg_class c
              WHERE c.relnamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace) AND c.relkind IN ('r', 'v', 'S')
              UNION ALL
              SELECT 'comment ' || c.oid::regclass || ' ' || d.objsubid || ' ' || d.description
              FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
              WHERE c.relnamespace IN ('samtaler'::regnamespace, 'rapport'::regnamespace)
            ) t
            """) ?? ""
    }

    /// The content of every table but the migrator's own records (which hold when they were
    /// applied), and but the batch table when `batches` is false (it holds when each load ran).
    static func content(_ c: PGConnection, batches: Bool = true, historyStart: Bool = true) throws -> String {
        try WarehouseState.exact(c).split(separator: "\n")
            .filter { !$0.hasPrefix("schema_") && (batches || !$0.hasPrefix("dim_batch "))
                      && (historyStart || !$0.hasPrefix("historik_start ")) }.joined(separator: "\n")
    }

    /// A copy of sql/ to change files in.
    static func sqlCopy(_ w: TestWarehouse) throws -> String {
        let copy = w.dir + "/sql"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: TestWarehouse.root + "/sql", toPath: copy)
        return copy
    }

    static func append(_ text: String, to path: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
    }

    @Test func migrateTwiceChangesNothing() throws {
        let w = try TestWarehouse()
        let catalog = try Self.catalog(w.conn)
        let records = try w.string("SELECT string_agg(fil || sha256 || anvendt, ',' ORDER BY fil) FROM samtaler.schema_definition")
        let again = try Migrator(conn: w.conn, sqlDirectory: TestWarehouse.root + "/sql").run()
        #expect(again.applied.isEmpty && again.definitionsApplied.isEmpty && again.rebaselined.isEmpty)
        #expect(try Self.catalog(w.conn) == catalog)
        #expect(try w.string("SELECT string_agg(fil || sha256 || anvendt, ',' ORDER BY fil) FROM samtaler.schema_definition") == records)
        // Every definition file is recorded with the SHA-256 of its bytes.
        let files = try Migrator(conn: w.conn, sqlDirectory: TestWarehouse.root + "/sql").definitions()
        #expect(files.count >= 10)
        #expect(try w.string("SELECT string_agg(fil || ' ' || sha256, ',' ORDER BY fil) FROM samtaler.schema_definition")
                == files.map { "\($0.name).sql \($0.sha256)" }.joined(separator: ","))
        #expect(try w.int("SELECT count(*) FROM samtaler.schema_migration WHERE sha256 ~ '^[0-9a-f]{64}$'") == Migrator.schemaVersion)
    }

    @Test func anAppliedMigrationThatChangedIsRefusedWith78() throws {
        let w = try TestWarehouse()
        let sql = try Self.sqlCopy(w)
        let catalog = try Self.catalog(w.conn)
        try Self.append("\n-- an afterthought\n", to: sql + "/migrations/0005_report_role.sql")
        #expect {
            try Migrator(conn: w.conn, sqlDirectory: sql).run()
        } throws: { e in
            let e = e as? WarehouseError
            return e?.exitCode == 78 && e?.description.contains("/migrations/0005_report_role.sql has changed") == true
        }
        #expect(try Self.catalog(w.conn) == catalog)
        // The command says the same, with exit code 78.
        let r = try ChildProcess.run(["migrate"], env: ["PGDATABASE": w.name, "SAMTALER_SQL_DIR": sql])
        #expect(r.status == 78)
        #expect(r.stderr.contains("0005_report_role.sql has changed since it was applied"), "\(r.stderr)")
    }

    @Test func aMissingAppliedMigrationIsRefusedWith78() throws {
        let w = try TestWarehouse()
        let sql = try Self.sqlCopy(w)
        try FileManager.default.removeItem(atPath: sql + "/migrations/0007_first_load_visitation_once.sql")
        #expect {
            try Migrator(conn: w.conn, sqlDirectory: sql).run()
        } throws: { e in
            (e as? WarehouseError)?.exitCode == 78 && (e as? WarehouseError)?.description.contains("migration 7") == true
        }
    }

    /// Roles belong to the cluster: a migration that finds a role missing and creates it while
    /// another database's migration creates the same role fails on pg_authid's unique index once
    /// the other commits. The migrator runs its transaction again and succeeds (CI saw this when
    /// two test databases were migrated at once on a fresh cluster).
    @Test func aRoleCreatedByAnotherMigrationAtTheSameMomentIsNotAnError() throws {
        let w = try TestWarehouse(migrate: false)
        let sql = try Self.sqlCopy(w)
        let role = "samtaler_proeve_" + UUID().uuidString.lowercased().prefix(8)
        defer { _ = try? PGConnection("dbname=postgres").execute("DROP ROLE IF EXISTS \(role)") }
        // The same pattern as 0003 and 0005: create the role unless it exists.
        try Self.append("""

            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(role)') THEN CREATE ROLE \(role) NOLOGIN; END IF;
            END $$;
            """, to: sql + "/migrations/0003_reporting_views.sql")
        // Another session creates the role and holds its transaction open while this migrate runs:
        // the migrate's CREATE ROLE waits for it, and fails when it commits.
        nonisolated(unsafe) let other = try PGConnection("dbname=postgres")   // used by one thread at a time
        try other.execute("BEGIN")
        try other.execute("CREATE ROLE \(role) NOLOGIN")
        let otherPid = try other.scalar("SELECT pg_backend_pid()") ?? ""
        let committer = Thread {
            // Commit once the migrate waits for the other session (or after 30 s: the migrate then
            // finds the role made and the test fails on the missing "running again").
            guard let watch = try? PGConnection("dbname=postgres") else { return }
            for _ in 0..<1500 {
                let waiting = (try? watch.scalar("SELECT count(*) FROM pg_stat_activity WHERE \(otherPid) = ANY(pg_blocking_pids(pid))")) ?? nil
                if let waiting, waiting != "0" { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            _ = try? other.execute("COMMIT")
        }
        committer.start()
        var lines: [String] = []
        let report = try Migrator(conn: w.conn, sqlDirectory: sql).run { lines.append($0) }
        #expect(report.applied.count == Migrator.schemaVersion)
        #expect(lines.contains { $0.contains("running again") }, "\(lines)")
        #expect(try w.int("SELECT count(*) FROM samtaler.schema_migration") == Migrator.schemaVersion)
    }

    /// A definition file that changes is applied again by the next migrate, and only then.
    @Test func aChangedDefinitionIsAppliedAgain() throws {
        let w = try TestWarehouse()
        let sql = try Self.sqlCopy(w)
        let file = sql + "/definitions/53_rapport.indberetter.sql"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "udledt, gyldig_fra, gyldig_til", with: "udledt, gyldig_fra, gyldig_til, true AS proeve")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let report = try Migrator(conn: w.conn, sqlDirectory: sql).run()
        #expect(report.applied.isEmpty)
        #expect(report.definitionsApplied.contains("53_rapport.indberetter"))
        #expect(try w.int("SELECT count(*) FROM information_schema.columns WHERE table_name = 'indberetter' AND column_name = 'proeve'") == 1)
        #expect(try Migrator(conn: w.conn, sqlDirectory: sql).run().definitionsApplied.isEmpty)
        // A broken definition leaves the warehouse as it was: one transaction.
        try Self.append("\nSELECT no_such_function();\n", to: sql + "/definitions/58_rapport.visitation.sql")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: WarehouseError.self) { try Migrator(conn: w.conn, sqlDirectory: sql).run() }
        #expect(try w.int("SELECT count(*) FROM information_schema.columns WHERE table_name = 'indberetter' AND column_name = 'proeve'") == 1)
    }

    /// No function or view is left that no file under sql/definitions/ creates.
    @Test func everyFunctionAndViewHasItsFile() throws {
        let w = try TestWarehouse()
        let objects = try w.conn.execute("""
            SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('samtaler', 'rapport')
            UNION SELECT schemaname || '.' || viewname FROM pg_views WHERE schemaname IN ('samtaler', 'rapport') ORDER BY 1
            """)
        let files = try Migrator(conn: w.conn, sqlDirectory: TestWarehouse.root + "/sql").definitions()
        #expect(objects.rowCount >= 15)
        for i in 0..<objects.rowCount {
            let name = objects.value(i, 0) ?? ""
            let homes = files.filter { $0.name.hasSuffix("_" + name) }
            #expect(homes.count == 1, "\(name) should have one file under sql/definitions")
            #expect(homes.first?.text.contains(" " + name + "(") == true || homes.first?.text.contains("VIEW " + name + " AS") == true,
                    "\(name)'s file should create it")
        }
    }

    /// A warehouse that the migrations of the release before 0010 built and loaded (git history
    /// holds those files) upgrades with `migrate` to the same schema as a fresh warehouse, keeps its
    /// content, and then loads exactly as a fresh one does.
    @Test func aWarehouseOfTheEarlierMigrationsUpgradesToTheFreshState() throws {
        let fresh = try TestWarehouse()
        let old = try TestWarehouse(migrate: false)
        try Self.migrateAsBefore0010(old.conn)
        #expect(try old.int("SELECT count(*) FROM pg_proc WHERE proname = 'recompute_visitation_now'") == 1)

        // The same content in both: loaded into the fresh one, copied table by table into the old one.
        let feed = try generateFeed(fresh.dir + "/a.jsonl", rows: 4_000, seed: 13)
        try fresh.load([feed])
        try Self.copyContent(from: fresh.conn, to: old.conn)
        // (The tables of later migrations are not in the old warehouse yet.)
        let oldTables = Set(try Self.content(old.conn).split(separator: "\n").map { $0.prefix { $0 != " " } })
        #expect(try Self.content(old.conn)
                == Self.content(fresh.conn).split(separator: "\n").filter { oldTables.contains($0.prefix { $0 != " " }) }.joined(separator: "\n"))

        let report = try Migrator(conn: old.conn, sqlDirectory: TestWarehouse.root + "/sql").run()
        #expect(report.rebaselined.count == 9)
        #expect(report.applied == ["0010_definitions_and_danish_batch", "0011_analysts_names_path_sandbox", "0012_history", "0013_kept_samtale", "0014_merge_indexes_in_memory",
                                  "0015_kept_blocks_uncompressed", "0016_first_load_build_indexes_per_table"])
        #expect(try Self.catalog(old.conn) == Self.catalog(fresh.conn))
        // The history starts where each got it: the fresh one before its first load, the old one
        // after the batch it had (its earlier versions were never kept).
        #expect(try fresh.int("SELECT fra_batch FROM samtaler.historik_start") == 0)
        #expect(try old.int("SELECT fra_batch FROM samtaler.historik_start") == 1)
        #expect(try Self.content(old.conn, historyStart: false) == Self.content(fresh.conn, historyStart: false))
        #expect(try old.string("SELECT string_agg(version || sha256, ',' ORDER BY version) FROM samtaler.schema_migration")
                == fresh.string("SELECT string_agg(version || sha256, ',' ORDER BY version) FROM samtaler.schema_migration"))

        // Both load the next night alike (same keys: the old one's sequences came along).
        let next = try generateFeed(fresh.dir + "/b.jsonl", rows: 3_000, seed: 14)
        try fresh.load([next])
        try old.load([next])
        #expect(try Self.content(old.conn, batches: false, historyStart: false) == Self.content(fresh.conn, batches: false, historyStart: false))
        #expect(try WarehouseState.batches(old.conn) == WarehouseState.batches(fresh.conn))
    }

    /// The state of a warehouse migrated by samtaler before migration 0010: its migration files
    /// (git history, commit f432f9b), each recorded with the MD5 of its text, as that migrator did.
    static func migrateAsBefore0010(_ c: PGConnection) throws {
        let commit = "f432f9b"
        let names = try git(["ls-tree", "--name-only", commit, "sql/migrations/"]).split(separator: "\n").map(String.init)
        #expect(names.count == 9, "git history should hold the nine migrations of \(commit)")
        try c.execute("SET client_min_messages = warning")
        try c.execute("""
            CREATE SCHEMA samtaler;
            CREATE TABLE samtaler.schema_migration (version integer PRIMARY KEY, navn text NOT NULL, sha256 text NOT NULL,
                anvendt timestamptz NOT NULL DEFAULT now())
            """)
        for path in names {
            let text = try git(["show", "\(commit):\(path)"])
            let name = String(path.split(separator: "/").last!.dropLast(4))
            try c.execute(text)
            try c.execute("INSERT INTO samtaler.schema_migration (version, navn, sha256) VALUES ($1, $2, md5($3))",
                          [String(Int(name.prefix(4))!), name, text])
        }
        _ = try Migrator(conn: c, sqlDirectory: TestWarehouse.root + "/sql").loadReferenceData()
    }

    static func git(_ args: [String]) throws -> String {
        let r = try ChildProcess.run(["-C", TestWarehouse.root] + args, executable: "/usr/bin/git")
        #expect(r.status == 0, "git \(args.joined(separator: " ")): \(r.stderr)")
        return r.stdout
    }

    /// Copies every table of schema samtaler but the calendar and the migrator's records, and sets
    /// every sequence as it is in `source`.
    static func copyContent(from source: PGConnection, to target: PGConnection) throws {
        let tables = try source.execute("""
            SELECT tablename FROM pg_tables WHERE schemaname = 'samtaler' AND tablename NOT IN ('dim_dato') AND tablename NOT LIKE 'schema\\_%' ORDER BY 1
            """)
        // Only the tables the target has (a warehouse of older migrations lacks the later ones).
        let present = try target.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'samtaler'")
        let targetNames = Set((0..<present.rowCount).compactMap { present.value($0, 0) })
        let names = (0..<tables.rowCount).compactMap { tables.value($0, 0) }.filter { targetNames.contains($0) }
        try target.execute("TRUNCATE " + names.map { "samtaler." + $0 }.joined(separator: ", "))
        for t in names {
            // Without a column list: every column but a generated one, in table order (the batch
            // table's columns have other names in the old schema, in the same order).
            var rows: [UInt8] = []
            try source.copyOut("COPY samtaler.\(t) TO STDOUT") { rows.append(contentsOf: $0) }
            let w = try target.copyIn("COPY samtaler.\(t) FROM STDIN")
            try w.write(rows)
            try w.finish()
        }
        let sequences = try source.execute("""
            SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences WHERE schemaname = 'samtaler' AND last_value IS NOT NULL
            """)
        for i in 0..<sequences.rowCount {
            try target.execute("SELECT setval($1, $2)", [sequences.value(i, 0), sequences.value(i, 1)])
        }
    }
}
