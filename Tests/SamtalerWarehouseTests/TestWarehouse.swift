import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerPseudonym
import SamtalerTestSupport
@testable import SamtalerWarehouse

/// A fresh, migrated warehouse database for one test, on the server that `make test` starts
/// (found through the PG* environment variables). Dropped when the test is done.
final class TestWarehouse {
    let name: String
    let conninfo: String
    let conn: PGConnection
    let dir: String
    let key: PseudonymKey

    static let root = TestPaths.root

    static func admin() throws -> PGConnection {
        do { return try PGConnection("dbname=postgres") } catch {
            fatalError("""
                These tests need the project's PostgreSQL: run them with `make test` (it starts the server and sets PGHOST).
                \(error)
                """)
        }
    }

    init(migrate: Bool = true) throws {
        name = "samtaler_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = try Self.admin()
        try admin.execute("CREATE DATABASE \(name)")
        conninfo = "dbname=\(name)"
        conn = try PGConnection(conninfo)
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        key = try PseudonymKey(hex: String(repeating: "5a", count: 32))
        if migrate { _ = try Migrator(conn: conn, sqlDirectory: Self.root + "/sql").run() }
    }

    deinit {
        conn.close()
        if let admin = try? Self.admin() {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Writes lines to a file in the test's folder and returns its path.
    func file(_ name: String, _ lines: [String]) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return path
    }

    /// Runs a load with this warehouse's key.
    @discardableResult
    func load(_ files: [String], maxRejectRatio: Double = 1, configure: (inout LoadOptions) -> Void = { _ in },
              log: @escaping (String) -> Void = { _ in }) throws -> LoadSummary {
        var o = LoadOptions(files: files)
        o.rejectsPath = dir + "/rejects-\(UUID().uuidString).jsonl"
        o.maxRejectRatio = maxRejectRatio
        configure(&o)
        let c = try PGConnection(conninfo)
        defer { c.close() }
        let conninfo = conninfo
        return try Loader(conn: c, key: key, reconnect: { try PGConnection(conninfo) }, log: log).run(o)
    }

    func int(_ sql: String, _ params: [String?] = []) throws -> Int {
        Int(try conn.scalar(sql, params) ?? "") ?? -1
    }

    func string(_ sql: String, _ params: [String?] = []) throws -> String? { try conn.scalar(sql, params) }

    /// Every current fact row as text, in a stable order: equal states give equal text.
    func factState() throws -> String {
        try string("""
            SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM (
              SELECT registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key, afholdt_tid,
                     samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
                     aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning,
                     cv_fyldestgoerende, cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere,
                     (SELECT array_agg(array[deltagerrolle_key, deltagelsesform_key] ORDER BY deltager_nr)
                        FROM samtaler.fact_samtale_deltager d WHERE d.samtale_key = f.samtale_key) AS deltagere
              FROM samtaler.fact_samtale f) t
            """) ?? ""
    }
}

/// Feed lines for tests, written as the contract shows them.
enum Line {
    static func samtale(id: String, registreret: String = "2025-03-04T10:15:00+01:00", handling: String? = nil,
                        kommune: String = "101", cpr: String = "0101901234", afholdt: String = "2025-03-04",
                        type: String = "JOBSAMTALE", form: String = "VIDEO", kontaktgruppe: Int = 2,
                        extra: String = "") -> String {
        let h = handling.map { ",\"handling\":\"\($0)\"" } ?? ""
        return """
            {"registrering":"samtale","id":"\(id)"\(h),"registreret":"\(registreret)","indberetter":{"type":"jobcenter","kode":"\(kommune)"},\
            "cpr":"\(cpr)","afholdt":"\(afholdt)","samtaletype":"\(type)","samtaleform":"\(form)","kontaktgruppe":\(kontaktgruppe),\
            "aftale":{"forpligtende":true,"saerligIndsats":false,"tekst":"Borgeren aftaler at søge 5 job om ugen"}\(extra)}
            """
    }

    static func akasse(id: String, kode: String = "77", registreret: String = "2025-03-05T09:00:00+01:00",
                       cpr: String = "120385-4321", afholdt: String = "2025-03-05T08:30:00+01:00") -> String {
        """
        {"registrering":"samtale","id":"\(id)","registreret":"\(registreret)","indberetter":{"type":"akasse","kode":"\(kode)"},\
        "cpr":"\(cpr)","afholdt":"\(afholdt)","samtaletype":"CV_SAMTALE","samtaleform":"PERSONLIGT",\
        "aftale":{"forpligtende":true,"saerligIndsats":false},"cvGodkendelse":"GODKENDT"}
        """
    }

    static func annuller(id: String, registreret: String, kommune: String = "101") -> String {
        """
        {"registrering":"samtale","id":"\(id)","handling":"annuller","registreret":"\(registreret)","indberetter":{"type":"jobcenter","kode":"\(kommune)"}}
        """
    }
}
