import Foundation
import PostgresClient
import SamtalerFeed

/// Applies the numbered migrations of `sql/migrations/` in order, records each, and loads the
/// reference data of `sql/reference/` into the dimensions. Safe to run again.
public struct Migrator {
    /// The schema version this binary was written for: the highest migration number it knows.
    public static let schemaVersion = 9
    /// The advisory lock every writer (load, migrate) takes, so two never interleave.
    public static let writerLockKey: Int64 = 0x5341_4D54_414C_4552  // "SAMTALER"

    public let conn: PGConnection
    public let sqlDirectory: String

    public init(conn: PGConnection, sqlDirectory: String) {
        self.conn = conn
        self.sqlDirectory = sqlDirectory
    }

    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let path: String
    }

    /// The migration files, ordered by number (`0001_name.sql`).
    public func migrations() throws(WarehouseError) -> [Migration] {
        let dir = sqlDirectory + "/migrations"
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            throw .configuration("cannot list \(dir): \(error.localizedDescription)")
        }
        var out: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            guard let underscore = name.firstIndex(of: "_"), let v = Int(name[..<underscore]) else {
                throw .configuration("\(dir)/\(name): a migration is named NNNN_description.sql")
            }
            out.append(Migration(version: v, name: String(name.dropLast(4)), path: dir + "/" + name))
        }
        for (a, b) in zip(out, out.dropFirst()) where a.version == b.version {
            throw .configuration("two migrations have number \(a.version): \(a.name) and \(b.name)")
        }
        return out
    }

    public struct Report: Sendable {
        public var applied: [String] = []
        public var alreadyApplied = 0
        public var referenceRows = 0
    }

    /// Brings the warehouse up to date.
    public func run(log: (String) -> Void = { _ in }) throws(WarehouseError) -> Report {
        var report = Report()
        let all = try migrations()
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
                    anvendt timestamptz NOT NULL DEFAULT now())
                """)
            let done = try conn.execute("SELECT version FROM samtaler.schema_migration")
            let doneVersions = Set((0..<done.rowCount).compactMap { done.int($0, 0) })
            if let newest = doneVersions.max(), newest > Migrator.schemaVersion {
                throw WarehouseError.configuration("the warehouse has schema version \(newest), newer than this samtaler (\(Migrator.schemaVersion)); upgrade samtaler")
            }
            for m in all {
                if doneVersions.contains(m.version) { report.alreadyApplied += 1; continue }
                guard let sql = try? String(contentsOfFile: m.path, encoding: .utf8) else {
                    throw WarehouseError.configuration("cannot read \(m.path)")
                }
                try conn.transaction {
                    try conn.execute(sql)
                    try conn.execute("INSERT INTO samtaler.schema_migration (version, navn, sha256) VALUES ($1, $2, md5($3))",
                                     [String(m.version), m.name, sql])
                }
                log("applied \(m.name)")
                report.applied.append(m.name)
            }
            report.referenceRows = try conn.transaction { try loadReferenceData() }
        } catch {
            throw WarehouseError.wrap(error, doing: "migrating")
        }
        return report
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
