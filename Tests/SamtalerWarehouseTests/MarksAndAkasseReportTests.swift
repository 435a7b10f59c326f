import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import Testing
@testable import SamtalerWarehouse

/// The marks dimension, and the Min Plan / job search reports (issue 6); the visitation history is in
/// VisitationTests.swift.
@Suite(.serialized) struct MarksAndAkasseReportTests {
    /// Every mark of the marks report agrees with the fact's own columns, on a generated warehouse.
    @Test func marksAgreeWithTheFactColumns() throws {
        let w = try TestWarehouse()
        let feed = w.dir + "/gen.jsonl"
        _ = try SyntheticFeed.write(to: feed, options: SyntheticFeedOptions(rows: 8000, seed: 3),
                                    reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        try w.load([feed])
        var req = Reports.Request(name: .marks)
        req.per = .year
        let t = try Reports(conn: w.conn).run(req)
        func count(_ mark: Reports.Mark, _ value: String) -> Int? {
            let rows = t.rows.filter { $0.cells[1] == .text(mark.label) && $0.cells[2] == .text(value) }
            return rows.isEmpty ? nil : rows.compactMap { $0.cells[3].int }.reduce(0, +)
        }
        let checks: [(Reports.Mark, String, String)] = [
            (.tidligOpfoelgning, "Markeret", "tidlig_opfoelgning"),
            (.tidligOpfoelgning, "Angivet: ikke markeret", "NOT tidlig_opfoelgning"),
            (.cvFyldestgoerende, "Ikke længere fyldestgørende", "NOT cv_fyldestgoerende"),
            (.videregivetTilAkasse, "Videregivet til a-kasse", "videregivet_til_akasse"),
            (.forpligtendeAftale, "Forpligtende", "aftale_forpligtende"),
            (.forpligtendeAftale, "Ikke forpligtende", "NOT aftale_forpligtende"),
            (.saerligIndsats, "Særlig indsats", "aftale_saerlig_indsats"),
            (.akasseDeltagelse, "A-kassen deltog", "akasse_deltog"),
            (.akasseDeltagelse, "A-kassen deltog ikke", "NOT akasse_deltog"),
            (.cvGodkendelse, "Godkendt", "cv_godkendelse = 'GODKENDT'"),
            (.cvGodkendelse, "Ikke godkendt", "cv_godkendelse = 'IKKE_GODKENDT'"),
            (.raadighedsvurdering, "Tvivl om rådighed", "raadighedsvurdering = 'TVIVL_OM_RAADIGHED'"),
        ]
        for (mark, value, condition) in checks {
            let expected = try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE NOT annulleret AND \(condition)")
            #expect(expected > 0, "the generated feed has \(value)")
            #expect(count(mark, value) == expected, "\(mark.rawValue) = \(value)")
        }
        // Shares of a mark that applies to some conversations are of those.
        let deltog = t.rows.first { $0.cells[1] == .text(Reports.Mark.akasseDeltagelse.label) && $0.cells[2] == .text("A-kassen deltog") }
        let year = deltog?.cells[0].string ?? ""
        func inYear(_ condition: String) throws -> Int {
            try w.int("SELECT count(*) FROM samtaler.fact_samtale f JOIN samtaler.dim_dato d ON d.dato_key = f.afholdt_dato_key WHERE NOT f.annulleret AND d.periode_aar = $1 AND \(condition)", [year])
        }
        let base = try inYear("akasse_deltog IS NOT NULL")
        #expect(deltog?.cells[5] == .count(base))
        if case .share(let s)? = deltog?.cells[4], let s {
            #expect(abs(s - Double(try inYear("akasse_deltog")) / Double(base)) < 1e-9)
        } else { Issue.record("no share for A-kassen deltog") }

        // A mark as a breakdown of volumes gives the same numbers.
        var vol = Reports.Request(name: .volumes)
        vol.per = .year
        vol.by = [.mark(.akasseDeltagelse)]
        let v = try Reports(conn: w.conn).run(vol)
        let deltogRows = v.rows.filter { $0.level == 0 && $0.cells[1] == .text("A-kassen deltog") }
        #expect(deltogRows.compactMap { $0.cells[2].int }.reduce(0, +) == count(.akasseDeltagelse, "A-kassen deltog"))
    }

    static func minplan(_ id: String, _ registreret: String, jobmaal: Int, kode: String = "24", handling: String? = nil) -> String {
        let h = handling.map { #","handling":"\#($0)""# } ?? ""
        let maal = (0..<jobmaal).map { "\"Mål \($0)\"" }.joined(separator: ",")
        return #"{"registrering":"minplan","id":"\#(id)"\#(h),"registreret":"\#(registreret)","indberetter":{"type":"akasse","kode":"\#(kode)"},"cpr":"1203854321","jobmaal":[\#(maal)],"plan":"Søge job","begrundelse":"Erfaring"}"#
    }

    @Test func minplanAndJobSearchReportsFollowVersions() throws {
        let w = try TestWarehouse()
        try w.load([w.file("a.jsonl", [
            Self.minplan("MP1", "2025-03-05T09:00:00Z", jobmaal: 2),
            Self.minplan("MP2", "2025-03-06T09:00:00Z", jobmaal: 4),
            Self.minplan("MP3", "2025-04-01T09:00:00Z", jobmaal: 1, kode: "77"),
            #"{"registrering":"jobsoegningskrav","id":"JK1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"24"},"cpr":"1203854321","fagomraader":["Lager","Transport"],"geografi":"Aarhus","antalAnsoegninger":5,"omfang":"fuldtid","formaal":"Ordinær beskæftigelse","stillingskilder":"Jobnet"}"#,
            #"{"registrering":"jobsoegningskrav","id":"JK2","registreret":"2025-03-07T09:00:00Z","indberetter":{"type":"akasse","kode":"24"},"cpr":"0101901234","fagomraader":["Lager"],"geografi":"Aarhus","antalAnsoegninger":10,"omfang":"fuldtid","formaal":"Ordinær beskæftigelse","stillingskilder":"Jobnet"}"#,
        ])])
        // MP2 corrected to 6 job goals, MP3 withdrawn.
        try w.load([w.file("b.jsonl", [
            Self.minplan("MP2", "2025-03-20T09:00:00Z", jobmaal: 6, handling: "ret"),
            #"{"registrering":"minplan","id":"MP3","handling":"annuller","registreret":"2025-04-02T09:00:00Z","indberetter":{"type":"akasse","kode":"77"}}"#,
        ])])
        var req = Reports.Request(name: .minplan, period: try Period.parse("2025"))
        let mp = try Reports(conn: w.conn).run(req)
        let name24 = try w.string("SELECT indberetterkode || ' ' || navn FROM samtaler.dim_indberetter WHERE indberettertype = 'akasse' AND indberetterkode = '24'")!
        let march = mp.rows.first { $0.cells[0] == .text("2025-03") && $0.cells[1] == .text(name24) }
        #expect(march.map { Array($0.cells[2...]) } == [.count(2), .count(1), .decimal(4)])   // (2 + 6) / 2 job goals, one person
        #expect(!mp.rows.contains { $0.cells[0] == .text("2025-04") && $0.level == 0 })          // MP3 withdrawn
        #expect(mp.rows.last.map { Array($0.cells[0...2]) } == [.text("I alt"), .text("I alt"), .count(2)])

        req.name = .jobsoegningskrav
        let jk = try Reports(conn: w.conn).run(req)
        let row = jk.rows.first { $0.cells[0] == .text("2025-03") && $0.cells[1] == .text(name24) }
        #expect(row.map { Array($0.cells[2...]) } == [.count(2), .count(2), .decimal(7.5), .decimal(1.5), .share(1), .share(1), .share(1)])
        for format in ReportFormat.allCases {
            #expect(!format.render(jk).isEmpty)
        }
    }
}
