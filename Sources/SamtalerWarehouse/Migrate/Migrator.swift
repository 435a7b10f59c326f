import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerPseudonym

/// Brings a warehouse up to date, in one transaction:
///
/// 1. the numbered migrations of `sql/migrations/` it has not had (tables, indexes, data
///    changes: what must happen once), in number order, each recorded with its SHA-256;
/// 2. the definitions of `sql/definitions/` (every function and view, one file each with its
///    whole current text), applied again whenever a file's SHA-256 differs from the recorded
///    one, in file-name order (the model of Flyway's repeatable migrations);
/// 3. the reference data of `sql/reference/` into the dimensions.
///
/// A migration that was applied and whose file has changed since is refused (exit 78, naming
/// the file): history is never rewritten in place. docs/architecture.md, "SQL".
public struct Migrator {
    /// The schema version this binary was written for: the highest migration number it knows.
    public static let schemaVersion = 16
    /// The advisory lock every writer (load, migrate) takes, so two never interleave.
    public static let writerLockKey: Int64 = 0x5341_4D54_414C_4552  // "SAMTALER"

    public let conn: PGConnection
    public let sqlDirectory: String

    public init(conn: PGConnection, sqlDirectory: String) {
        self.conn = conn
        self.sqlDirectory = sqlDirectory
    }

    /// One SQL file of `sql/migrations/` or `sql/definitions/`, with the SHA-256 of its bytes.
    public struct SQLFile: Sendable {
        /// The migration's number (0 for a definition).
        public let version: Int
        /// The file name without `.sql`.
        public let name: String
        public let path: String
        public let text: String
        public let sha256: String
        /// Definitions a migration's data step calls (`-- uses: FILE` lines): applied just before it,
        /// each after the definitions it names in its own `-- uses:` lines.
        public var uses: [String] {
            text.split(separator: "\n").compactMap { line in
                line.hasPrefix("-- uses: ") ? line.dropFirst(9).split(separator: " ").first.map(String.init) : nil
            }
        }

        init(version: Int, name: String, path: String) throws(WarehouseError) {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw .configuration("cannot read \(path)")
            }
            self.version = version
            self.name = name
            self.path = path
            self.text = text
            self.sha256 = sha256Hex(Array(data))
        }
    }

    /// The migration files, ordered by number (`0001_name.sql`).
    public func migrations() throws(WarehouseError) -> [SQLFile] {
        var out: [SQLFile] = []
        for name in try sqlFiles(in: "migrations", required: true) {
            guard let underscore = name.firstIndex(of: "_"), let v = Int(name[..<underscore]) else {
                throw .configuration("\(sqlDirectory)/migrations/\(name): a migration is named NNNN_description.sql")
            }
            out.append(try SQLFile(version: v, name: String(name.dropLast(4)), path: "\(sqlDirectory)/migrations/\(name)"))
        }
        for (a, b) in zip(out, out.dropFirst()) where a.version == b.version {
            throw .configuration("two migrations have number \(a.version): \(a.name) and \(b.name)")
        }
        return out
    }

    /// The definition files, in the order they are applied: by name, which starts with a number
    /// (`30_samtaler.merge_stage.sql`). A sql/ folder without definitions/ (releases before
    /// migration 0010) has none.
    public func definitions() throws(WarehouseError) -> [SQLFile] {
        var out: [SQLFile] = []
        for name in try sqlFiles(in: "definitions", required: false) {
            guard name.first?.isNumber == true, name.contains("_") else {
                throw .configuration("\(sqlDirectory)/definitions/\(name): a definition is named NN_schema.object.sql (the number orders them)")
            }
            out.append(try SQLFile(version: 0, name: String(name.dropLast(4)), path: "\(sqlDirectory)/definitions/\(name)"))
        }
        return out
    }

    private func sqlFiles(in folder: String, required: Bool) throws(WarehouseError) -> [String] {
        let dir = sqlDirectory + "/" + folder
        guard FileManager.default.fileExists(atPath: dir) || required else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw .configuration("cannot list \(dir): \(error.localizedDescription)")
        }
    }

    public struct Report: Sendable {
        /// The migrations applied by this run.
        public var applied: [String] = []
        public var alreadyApplied = 0
        /// The definition files applied by this run (none when all were as recorded).
        public var definitionsApplied: [String] = []
        /// Migrations recorded by a release before 0010 (an MD5 in place of the SHA-256), checked
        /// against that release's files and recorded anew with the SHA-256 of today's files.
        public var rebaselined: [String] = []
        public var referenceRows = 0
    }

    /// Brings the warehouse up to date.
    public func run(log: (String) -> Void = { _ in }) throws(WarehouseError) -> Report {
        var report = Report()
        let all = try migrations()
        let definitions = try definitions()
        if let newest = all.last?.version, newest > Migrator.schemaVersion {
            throw .configuration("sql/migrations has migration \(newest), newer than this samtaler (schema \(Migrator.schemaVersion)); use the sql/ folder that came with this binary")
        }
        do {
            try conn.execute("SET client_min_messages = warning")
            try conn.execute("SELECT pg_advisory_lock($1)", [String(Migrator.writerLockKey)])
            defer { _ = try? conn.execute("SELECT pg_advisory_unlock($1)", [String(Migrator.writerLockKey)]) }
            try conn.execute("""
                CREATE SCHEMA IF NOT EXISTS samtaler;
                CREATE TABLE IF NOT EXISTS samtaler.schema_migration (
                    version integer PRIMARY KEY, navn text NOT NULL, sha256 text NOT NULL,
                    anvendt timestamptz NOT NULL DEFAULT now());
                CREATE TABLE IF NOT EXISTS samtaler.schema_definition (
                    fil text PRIMARY KEY, sha256 text NOT NULL, anvendt timestamptz NOT NULL DEFAULT now())
                """)
            // Roles are the cluster's, not the database's: two databases of one cluster migrated at
            // the same moment may both see a role missing and both create it, and one transaction
            // then fails on pg_authid's unique index. It rolled back whole, and the role now exists:
            // run it again (the advisory lock above is per database and cannot prevent this).
            var attempt = 0
            while true {
                do {
                    report = try migrateOnce(all, definitions, log: log)
                    break
                } catch let e as PGError where attempt < 3 && Migrator.isConcurrentRoleCreation(e) {
                    attempt += 1
                    log("another migration created a role at the same moment; running again")
                }
            }
            report.referenceRows = try conn.transaction { try loadReferenceData() }
            if !report.applied.isEmpty, let hint = try analystSearchPathHint() { log(hint) }
        } catch {
            throw WarehouseError.wrap(error, doing: "migrating")
        }
        return report
    }

    /// A role created by another session between this transaction's check and its CREATE ROLE.
    static func isConcurrentRoleCreation(_ e: PGError) -> Bool {
        (e.sqlState == "23505" && (e.constraint == "pg_authid_rolname_index" || e.message.contains("pg_authid_rolname_index")))
            || (e.sqlState == "42710" && e.message.hasPrefix("role "))
    }

    /// The migrations and definitions in one transaction.
    private func migrateOnce(_ all: [SQLFile], _ definitions: [SQLFile], log: (String) -> Void) throws -> Report {
        var report = Report()
        try conn.transaction {
            let recorded = try recordedMigrations()
            if let newest = recorded.keys.max(), newest > Migrator.schemaVersion {
                throw WarehouseError.configuration("the warehouse has schema version \(newest), newer than this samtaler (\(Migrator.schemaVersion)); upgrade samtaler")
            }
            report.rebaselined = try checkRecorded(recorded, against: all)
            for name in report.rebaselined { log("recorded \(name) with its SHA-256 (it was applied by samtaler before migration 0010)") }
            let byName = Dictionary(definitions.map { ($0.name + ".sql", $0) }, uniquingKeysWith: { a, _ in a })
            for m in all {
                if recorded[m.version] != nil { report.alreadyApplied += 1; continue }
                // What the data step calls, and what that calls, first (a definition may name
                // one it calls: recompute_visitation runs visitation_perioder's query).
                var done: Set<String> = []
                func apply(_ uses: [String], of path: String) throws {
                    for use in uses where !done.contains(use) {
                        guard let d = byName[use] else {
                            throw WarehouseError.configuration("\(path) uses \(use), which is not in \(sqlDirectory)/definitions")
                        }
                        done.insert(use)
                        try apply(d.uses, of: d.path)
                        try conn.execute(d.text)
                    }
                }
                try apply(m.uses, of: m.path)
                try conn.execute(m.text)
                try conn.execute("INSERT INTO samtaler.schema_migration (version, navn, sha256) VALUES ($1, $2, $3)",
                                 [String(m.version), m.name, m.sha256])
                log("applied \(m.name)")
                report.applied.append(m.name)
            }
            report.definitionsApplied = try applyDefinitions(definitions)
            for name in report.definitionsApplied { log("applied definitions/\(name).sql") }
        }
        return report
    }

    /// Migration 0011 puts schema rapport on the database's search_path, which only the database's
    /// owner or a superuser may do (a group role's own settings do not reach its members); when the
    /// migrating role could not, what to run instead. The migration's WARNING says the same, but
    /// this client does not show the server's notices.
    private func analystSearchPathHint() throws -> String? {
        let path = try conn.scalar("""
            SELECT coalesce((SELECT substring(c FROM length('search_path=') + 1)
                             FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c
                             WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                               AND s.setrole = 0 AND c LIKE 'search_path=%'), '')
            """) ?? ""
        if path.range(of: #"(^|[ ,])"?rapport"?($|[ ,])"#, options: .regularExpression) != nil { return nil }
        let db = try conn.scalar("SELECT quote_ident(current_database())") ?? "samtaler"
        return """
            note: schema rapport is not on the search_path of database \(db) (only its owner or a superuser may set it), \
            so analysts must write rapport.samtale; ask one of them to run: \
            ALTER DATABASE \(db) SET search_path = \(path.isEmpty ? "\"$user\", public" : path), rapport
            """
    }

    /// The applied migrations: version to (name, checksum).
    private func recordedMigrations() throws -> [Int: (name: String, checksum: String)] {
        let r = try conn.execute("SELECT version, navn, sha256 FROM samtaler.schema_migration")
        var out: [Int: (name: String, checksum: String)] = [:]
        for i in 0..<r.rowCount {
            guard let v = r.int(i, 0) else { continue }
            out[v] = (r.value(i, 1) ?? "", r.value(i, 2) ?? "")
        }
        return out
    }

    /// Refuses (78) a recorded migration whose file is gone or has changed since it was applied.
    /// A migration recorded before 0010 carries the MD5 of the file it came from: when that is the
    /// released file's, the row gets today's file's SHA-256 (returned: the names rebaselined).
    private func checkRecorded(_ recorded: [Int: (name: String, checksum: String)], against files: [SQLFile]) throws -> [String] {
        let byVersion = Dictionary(files.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        var rebaselined: [String] = []
        for (version, row) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else {
                throw WarehouseError.configuration("""
                    the warehouse has migration \(version) (\(row.name)), but \(sqlDirectory)/migrations has no file for it; \
                    use the sql/ folder that came with this samtaler
                    """)
            }
            if row.checksum == file.sha256 { continue }
            if row.checksum.count == 32, LegacyMigrations.md5[version] == row.checksum {
                try conn.execute("UPDATE samtaler.schema_migration SET sha256 = $2 WHERE version = $1", [String(version), file.sha256])
                rebaselined.append(file.name)
                continue
            }
            throw WarehouseError.configuration("""
                \(file.path) has changed since it was applied to this warehouse (recorded SHA-256 \(row.checksum.prefix(12))…, \
                the file's now \(file.sha256.prefix(12))…). An applied migration is never edited: restore the file as it was \
                and put the change in a new migration (docs/architecture.md, "SQL")
                """)
        }
        return rebaselined
    }

    /// Applies every definition file, in order, when any of them differs from what was recorded
    /// (new, changed or gone), and records the set; returns the names applied. The set is applied
    /// whole, not file by file: a definition may depend on an earlier one (a view on a view), and
    /// the grants at the end cover whatever was made before them.
    private func applyDefinitions(_ files: [SQLFile]) throws -> [String] {
        let r = try conn.execute("SELECT fil, sha256 FROM samtaler.schema_definition")
        let recorded = Dictionary((0..<r.rowCount).map { (r.value($0, 0) ?? "", r.value($0, 1) ?? "") }, uniquingKeysWith: { a, _ in a })
        let current = Dictionary(files.map { ($0.name + ".sql", $0.sha256) }, uniquingKeysWith: { a, _ in a })
        guard recorded != current else { return [] }
        for f in files { try conn.execute(f.text) }
        try conn.execute("DELETE FROM samtaler.schema_definition")
        for f in files {
            try conn.execute("INSERT INTO samtaler.schema_definition (fil, sha256) VALUES ($1, $2)", [f.name + ".sql", f.sha256])
        }
        return files.map(\.name)
    }

    /// Upserts every reference file into its dimension; keys stay stable, names and flags follow the files.
    func loadReferenceData() throws -> Int {
        let dir = sqlDirectory + "/reference"
        var rows = 0
        func table(_ name: String) throws -> CSVTable {
            do { return try CSVTable(path: "\(dir)/\(name).csv") } catch {
                throw WarehouseError.configuration("reference data: \(error)")
            }
        }
        func upsert(_ file: String, _ target: String, key: String, columns: [(csv: String, column: String, type: String)]) throws {
            let t = try table(file)
            let cols = columns.map(\.column)
            let params = columns.enumerated().map { "NULLIF($\($0.offset + 1), '')::\($0.element.type)" }
            let updates = cols.filter { $0 != key }.map { "\($0) = EXCLUDED.\($0)" }
            let sql = "INSERT INTO samtaler.\(target) (\(cols.joined(separator: ", "))) VALUES (\(params.joined(separator: ", "))) "
                + "ON CONFLICT (\(key)) DO " + (updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", "))
            for r in t.records {
                try conn.execute(sql, columns.map { r[$0.csv] ?? "" })
                rows += 1
            }
        }
        try upsert("samtaletyper", "dim_samtaletype", key: "samtaletype", columns: [
            ("samtaletype", "samtaletype", "text"), ("betegnelse", "betegnelse", "text"),
            ("fra_jobcenter", "fra_jobcenter", "boolean"), ("fra_akasse", "fra_akasse", "boolean"),
            ("kraever_aftale", "kraever_aftale", "boolean"), ("kraever_akassedeltagelse", "kraever_akassedeltagelse", "boolean"),
            ("akasse_kraever", "akasse_kraever", "text"), ("videregives_kg1", "videregives_kg1", "boolean"),
            ("gyldig_fra", "gyldig_fra", "date"), ("gyldig_til", "gyldig_til", "date")])
        try upsert("samtaleformer", "dim_samtaleform", key: "samtaleform", columns: [
            ("samtaleform", "samtaleform", "text"), ("betegnelse", "betegnelse", "text"),
            ("star_gruppe", "star_gruppe", "text"), ("star_gruppe_orden", "star_gruppe_orden", "smallint")])
        try upsert("deltagerroller", "dim_deltagerrolle", key: "deltagerrolle", columns: [
            ("deltagerrolle", "deltagerrolle", "text"), ("betegnelse", "betegnelse", "text"),
            ("fra_jobcenter", "fra_jobcenter", "boolean"), ("fra_akasse", "fra_akasse", "boolean")])
        try upsert("deltagelsesformer", "dim_deltagelsesform", key: "deltagelsesform", columns: [
            ("deltagelsesform", "deltagelsesform", "text"), ("betegnelse", "betegnelse", "text")])
        try upsert("visitationsgrupper", "dim_visitationsgruppe", key: "visitationsgruppe", columns: [
            ("visitationsgruppe", "visitationsgruppe", "text"), ("betegnelse", "betegnelse", "text")])
        try upsert("kontaktgrupper", "dim_kontaktgruppe", key: "kontaktgruppe", columns: [
            ("kontaktgruppe", "kontaktgruppe", "smallint"), ("betegnelse", "betegnelse", "text"),
            ("visitation_tilladt", "visitation_tilladt", "boolean"), ("cv_regel", "cv_regel", "boolean"),
            ("videregives_til_akasse", "videregives_til_akasse", "boolean"),
            ("gyldig_fra", "gyldig_fra", "date"), ("gyldig_til", "gyldig_til", "date")])
        try upsert("aldersgrupper", "dim_aldersgruppe", key: "aldersgruppe", columns: [
            ("aldersgruppe", "aldersgruppe", "text"), ("fra_alder", "fra_alder", "smallint"),
            ("til_alder", "til_alder", "smallint"), ("orden", "orden", "smallint")])
        try upsert("koen", "dim_koen", key: "koen", columns: [("koen", "koen", "text"), ("betegnelse", "betegnelse", "text")])
        // Reporting authorities: both registers go into one dimension; a named a-kasse that was
        // inferred from the feed earlier loses its flag.
        for r in try table("kommuner").records {
            try conn.execute("""
                INSERT INTO samtaler.dim_indberetter (indberettertype, indberetterkode, navn, regionskode, regionsnavn, gyldig_fra, gyldig_til)
                VALUES ('jobcenter', $1, $2, $3, $4, NULLIF($5, '')::date, NULLIF($6, '')::date)
                ON CONFLICT (indberettertype, indberetterkode) DO UPDATE SET navn = EXCLUDED.navn, regionskode = EXCLUDED.regionskode,
                    regionsnavn = EXCLUDED.regionsnavn, gyldig_fra = EXCLUDED.gyldig_fra, gyldig_til = EXCLUDED.gyldig_til, udledt = false
                """, [r["kommunekode"], r["kommunenavn"], r["regionskode"], r["regionsnavn"], r["gyldig_fra"] ?? "", r["gyldig_til"] ?? ""])
            rows += 1
        }
        for r in try table("akasser").records {
            try conn.execute("""
                INSERT INTO samtaler.dim_indberetter (indberettertype, indberetterkode, navn, gyldig_fra, gyldig_til)
                VALUES ('akasse', $1, $2, NULLIF($3, '')::date, NULLIF($4, '')::date)
                ON CONFLICT (indberettertype, indberetterkode) DO UPDATE SET navn = EXCLUDED.navn,
                    gyldig_fra = EXCLUDED.gyldig_fra, gyldig_til = EXCLUDED.gyldig_til, udledt = false
                """, [r["akassekode"], r["navn"], r["gyldig_fra"] ?? "", r["gyldig_til"] ?? ""])
            rows += 1
        }
        return rows
    }

    /// Checks that the warehouse has exactly the schema this binary expects, before a load or a report.
    public static func checkSchema(_ conn: PGConnection) throws(WarehouseError) {
        let version: Int?
        do {
            let exists = try conn.scalar("SELECT to_regclass('samtaler.schema_migration') IS NOT NULL")
            guard exists == "t" else {
                throw WarehouseError.configuration("the warehouse has no samtaler schema: run `samtaler migrate` first")
            }
            version = try conn.scalar("SELECT max(version) FROM samtaler.schema_migration").flatMap { Int($0) }
        } catch {
            throw WarehouseError.wrap(error, doing: "checking the schema")
        }
        guard let version else { throw .configuration("the warehouse schema is empty: run `samtaler migrate` first") }
        if version > schemaVersion {
            throw .configuration("the warehouse has schema version \(version), newer than this samtaler (\(schemaVersion)); upgrade samtaler")
        }
        if version < schemaVersion {
            throw .configuration("the warehouse has schema version \(version), older than this samtaler (\(schemaVersion)); run `samtaler migrate`")
        }
    }
}

/// The migrations as releases before 0010 recorded them: the MD5 of each file's text (in the
/// column named sha256). Those files were rewritten when functions and views moved to
/// sql/definitions/ (git history holds them, at commit f432f9b); a warehouse that applied them is
/// recognized by these sums and its rows get the SHA-256 of today's files.
enum LegacyMigrations {
    static let md5: [Int: String] = [
        1: "41b8d49e4bcaff35eb8f527ed16c159c",
        2: "6709840c776cc31d4ba1721318378b0d",
        3: "9b14b6ebd50a78adb04b29969cd728ef",
        4: "54ef07b93cbf2c5b8a37f382624d2d58",
        5: "1c170ba1b50aedc01fa14ec77dcb0a28",
        6: "a44103542f9373aef36cfefca87cda16",
        7: "79cea197c8b014b7e3e646ab9a32a857",
        8: "a6e310c375628d5cb32023f209352a44",
        9: "6c901d107d8bf5512279087eb76de74e",
    ]
}
