import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import Testing
@testable import SamtalerWarehouse

/// A small warehouse with a known content, shared by the report tests.
final class ReportFixture {
    let w: TestWarehouse

    init() throws {
        w = try TestWarehouse()
        var lines: [String] = []
        // January: 3 jobcenter conversations in København by two persons, one withdrawn later.
        lines.append(Line.samtale(id: "J1", registreret: "2025-01-10T10:00:00+01:00", cpr: "0101901234", afholdt: "2025-01-10", form: "PERSONLIGT"))
        lines.append(Line.samtale(id: "J2", registreret: "2025-01-11T10:00:00+01:00", cpr: "0101901234", afholdt: "2025-01-11", form: "VIDEO",
                                  extra: #","visitationsgruppe":"JOBPARAT""#))
        lines.append(Line.samtale(id: "J3", registreret: "2025-01-12T10:00:00+01:00", cpr: "0202801234", afholdt: "2025-01-12", type: "HENVISNING", form: "TELEFONISK"))
        lines.append(Line.annuller(id: "J3", registreret: "2025-01-20T10:00:00+01:00"))
        // February: Aarhus (751), one with participants, one unknown person.
        lines.append(Line.samtale(id: "A1", registreret: "2025-02-03T10:00:00+01:00", kommune: "751", cpr: "0303701234", afholdt: "2025-02-03", form: "DIGITALT",
                                  extra: #","deltagere":[{"navn":"X Y","rolle":"TOLK","deltagelsesform":"VIDEO"},{"navn":"Z W","rolle":"MENTOR","deltagelsesform":"PERSONLIGT"}]"#))
        lines.append(Line.samtale(id: "A2", registreret: "2025-02-04T10:00:00+01:00", kommune: "751", cpr: "0000000000", afholdt: "2025-02-04", form: "PERSONLIGT"))
        // An a-kasse conversation at 23:30 UTC on 31 March: 1 April in Copenhagen.
        lines.append(Line.akasse(id: "K1", registreret: "2025-04-01T08:00:00+02:00", cpr: "0101901234", afholdt: "2025-03-31T23:30:00Z"))
        // An a-kasse's Min Plan draft and job search requirements.
        lines.append(#"{"registrering":"minplan","id":"MP1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"77"},"cpr":"0101901234","jobmaal":["Lager"],"plan":"Søge job","begrundelse":"Erfaring"}"#)
        lines.append(#"{"registrering":"jobsoegningskrav","id":"JK1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"77"},"cpr":"0101901234","fagomraader":["Lager"],"geografi":"Aarhus","antalAnsoegninger":5,"omfang":"fuldtid","formaal":"Ordinær beskæftigelse","stillingskilder":"Jobnet"}"#)
        try w.load([w.file("feed.jsonl", lines)])
    }

    func report(_ name: Reports.Name, period: String? = nil, per: Reports.Granularity = .month, by: [Reports.Breakdown] = [],
                configure: (inout Reports.Request) -> Void = { _ in }) throws -> ReportTable {
        var r = Reports.Request(name: name, period: try period.map { try Period.parse($0) })
        r.per = per
        r.by = by
        configure(&r)
        return try Reports(conn: PGConnection(w.conninfo)).run(r)
    }
}

@Suite(.serialized) struct ReportTests {
    @Test func volumesCountCurrentConversationsAndDistinctPersons() throws {
        let f = try ReportFixture()
        let t = try f.report(.volumes, period: "2025", by: [.indberetter])
        func row(_ period: String, _ who: String) -> [ReportTable.Cell]? {
            t.rows.first { $0.cells[0] == .text(period) && $0.cells[1] == .text(who) }.map { Array($0.cells[2...]) }
        }
        #expect(row("2025-01", "101 København") == [.count(2), .count(1)])     // J3 withdrawn; one person twice
        #expect(row("2025-02", "751 Aarhus") == [.count(2), .count(1)])        // the unknown person is no person
        #expect(row("2025-04", "77 Business A-kasse") == [.count(1), .count(1)]) // 31 March 23:30 UTC is April
        #expect(row("2025-03", "I alt") == nil)
        // Persons over the year, not a sum of rows: 0101901234 (J1, J2, K1) and 0303701234 (A1).
        #expect(row("I alt", "I alt") == [.count(5), .count(2)])
        #expect(t.rows.last?.level == 2)
    }

    /// Every report's numbers agree with direct SQL over the facts (on a generated warehouse).
    @Test func reportsAgreeWithDirectSQL() throws {
        let w = try TestWarehouse()
        let feed = w.dir + "/gen.jsonl"
        _ = try SyntheticFeed.write(to: feed, options: SyntheticFeedOptions(rows: 6000, seed: 11), reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        try w.load([feed])
        var req = Reports.Request(name: .volumes, period: try Period.parse("2025"))
        req.per = .quarter
        req.by = [.samtaletype, .region]
        let t = try Reports(conn: PGConnection(w.conninfo)).run(req)
        let sql = try PGConnection(w.conninfo).execute("""
            SELECT d.periode_kvartal, t.samtaletype, coalesce(i.regionsnavn, 'A-kasse (ingen region)'), count(*), count(DISTINCT f.person_pseudonym)
            FROM samtaler.fact_samtale f JOIN samtaler.dim_dato d ON d.dato_key = f.afholdt_dato_key
            JOIN samtaler.dim_samtaletype t USING (samtaletype_key) JOIN samtaler.dim_indberetter i USING (indberetter_key)
            WHERE NOT f.annulleret AND d.aar = 2025 GROUP BY 1, 2, 3
            """)
        let details = t.rows.filter { $0.level == 0 }
        #expect(details.count == sql.rowCount)
        for i in 0..<sql.rowCount {
            let match = details.first { $0.cells[0] == .text(sql.value(i, 0)!) && $0.cells[1] == .text(sql.value(i, 1)!) && $0.cells[2] == .text(sql.value(i, 2)!) }
            #expect(match?.cells[3] == .count(sql.int(i, 3)!) && match?.cells[4] == .count(sql.int(i, 4)!))
        }
        let total = try PGConnection(w.conninfo).execute("SELECT count(*), count(DISTINCT person_pseudonym) FROM rapport.samtale s JOIN samtaler.fact_samtale f ON f.samtale_key = s.samtale_id WHERE s.aar = 2025")
        #expect(t.rows.last?.cells[3] == .count(total.int(0, 0)!) && t.rows.last?.cells[4] == .count(total.int(0, 1)!))

        // forms: each STAR group's count, and shares that add up to 1 per quarter.
        var fr = Reports.Request(name: .forms, period: try Period.parse("2025"))
        fr.per = .quarter
        let forms = try Reports(conn: PGConnection(w.conninfo)).run(fr)
        let star = try PGConnection(w.conninfo).execute("""
            SELECT periode_kvartal, star_gruppe, count(*) FROM rapport.samtale WHERE aar = 2025 GROUP BY 1, 2
            """)
        for i in 0..<star.rowCount {
            let row = forms.rows.first { $0.level == 1 && $0.cells[0] == .text(star.value(i, 0)!) && $0.cells[1] == .text(star.value(i, 1)!) }
            #expect(row?.cells[3] == .count(star.int(i, 2)!))
        }
        for q in ["2025Q1", "2025Q2", "2025Q3", "2025Q4"] {
            let sum = forms.rows.filter { $0.level == 1 && $0.cells[0] == .text(q) }.compactMap { r -> Double? in
                if case .share(let v) = r.cells[4] { return v } else { return nil }
            }.reduce(0, +)
            #expect(abs(sum - 1) < 1e-9)
        }

        // participants: per role and form, as counted from the facts.
        let p = try Reports(conn: PGConnection(w.conninfo)).run(Reports.Request(name: .participants, period: try Period.parse("2025")))
        let parts = try PGConnection(w.conninfo).execute("""
            SELECT periode_maaned, deltagerrolle_betegnelse, deltagelsesform_betegnelse, count(*) FROM rapport.deltager
            WHERE periode_aar = '2025' GROUP BY 1, 2, 3
            """)
        #expect(p.rows.filter { $0.level == 0 }.count == parts.rowCount)
        for i in 0..<parts.rowCount {
            let row = p.rows.first { $0.level == 0 && $0.cells[0] == .text(parts.value(i, 0)!) && $0.cells[1] == .text(parts.value(i, 1)!) && $0.cells[2] == .text(parts.value(i, 2)!) }
            #expect(row?.cells[3] == .count(parts.int(i, 3)!))
        }
    }

    @Test func participantsByRoleAndForm() throws {
        let f = try ReportFixture()
        let t = try f.report(.participants, period: "2025-02")
        let tolk = t.rows.first { $0.cells[1] == .text("Tolk") && $0.cells[2] == .text("Videokonference") }
        #expect(tolk?.cells[3] == .count(1) && tolk?.cells[4] == .count(1))
        #expect(tolk?.cells[5] == .share(0.5))   // 1 of the 2 February conversations
        #expect(t.rows.last?.cells[3] == .count(2))
        #expect(t.notes.first == "2025-02: 1 af 2 samtaler havde deltagere.")
    }

    @Test func coverageFindsSilentIndberettereAndUnnamedAkasser() throws {
        let f = try ReportFixture()
        try f.w.load([f.w.file("inferred.jsonl", [Line.akasse(id: "U1", kode: "913", registreret: "2025-02-10T08:00:00+01:00", afholdt: "2025-02-10T07:00:00+01:00")])])
        let t = try f.report(.coverage, period: "2025-02")
        let silent = t.rows.filter { $0.cells[0] == .text("Ingen leverancer") }
        #expect(silent.map { $0.cells[2] } == [.text("101")])    // København delivered in January, not in February
        #expect(silent.first?.cells[4] == .count(3))             // J1, J2 and J3's withdrawal
        let unnamed = t.rows.filter { $0.cells[0] == .text("Mangler navn (udledt)") }
        #expect(unnamed.map { $0.cells[2] } == [.text("913")])
    }

    /// batches: one row per load with what it read, accepted and rejected, the rejects per rule
    /// (the most frequent first), and a period that means the day the load started.
    @Test func batchesListsEachLoadWithItsRejectsPerRule() throws {
        let f = try ReportFixture()
        try f.w.load([f.w.file("bad.jsonl", ["{", "{", Line.samtale(id: "N1", registreret: "2025-05-01T10:00:00+02:00", cpr: "0101901234", afholdt: "2025-05-01", form: "PERSONLIGT")])])
        let t = try f.report(.batches)
        #expect(t.columns.map(\.key) == ["batch", "startet", "status", "laest", "accepteret", "afvist", "nye", "aendrede", "annullerede", "afvist_pr_regel"])
        try #require(t.rows.count == 2)
        // The fixture's own load rejects one line.
        #expect(t.rows[0].cells[0] == .text("1") && t.rows[0].cells[5] == .count(1) && t.rows[0].cells[9] == .text("aftale.forpligtende: not_allowed (1)"))
        #expect(t.rows[1].cells[2] == .text("Publiceret"))
        #expect(t.rows[1].cells[3] == .count(3) && t.rows[1].cells[4] == .count(1) && t.rows[1].cells[5] == .count(2) && t.rows[1].cells[6] == .count(1))
        #expect(t.rows[1].cells[9] == .text("line: json (2)"))
        #expect(t.charts.first?.categories == ["line: json", "aftale.forpligtende: not_allowed"] && t.charts.first?.series.first?.values == [2, 1])
        let today = try #require(try f.w.string("SELECT to_char(now() AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM')"))
        #expect(try f.report(.batches, period: today).rows.count == 2)
        #expect(try f.report(.batches, period: "2024-01").rows.isEmpty)
    }

    @Test func everyReportRendersInEveryFormat() throws {
        let f = try ReportFixture()
        for name in Reports.Name.allCases {
            // (revisions compares two states: no extract was recorded, so it is told the first.)
            let t = try f.report(name, period: "2025") { if name == .revisions { $0.fromBatch = 1 } }
            // (coverage lists problems: none in the fixture's 2025; batches lists the loads started
            // in 2025, and the fixture was loaded today)
            #expect(!t.rows.isEmpty || name == .coverage || name == .batches, "the \(name) report has no rows on the fixture")
            for format in ReportFormat.allCases {
                let text = format.render(t)
                #expect(!text.isEmpty)
                switch format {
                case .json:
                    let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    #expect((o?["rows"] as? [Any])?.count == t.rows.count)
                case .csv:
                    #expect(text.split(separator: "\r\n").count == t.rows.count + 1)
                    // Each coded column is followed by its label; the level column ends the line.
                    #expect(text.hasPrefix((t.machineColumns.map(\.column.key) + ["niveau"]).joined(separator: ",") + "\r\n"))
                case .table:
                    #expect(text.contains(t.title))
                case .html:
                    #expect(text.hasPrefix("<!DOCTYPE html>") && !text.contains("http://") == false)
                    #expect(!text.contains("<script") && !text.contains("src="))
                }
            }
        }
    }

    @Test func csvForDanishExcel() throws {
        let f = try ReportFixture()
        let text = ReportFormat.csv.render(try f.report(.forms, period: "2025-01"), excel: true)
        #expect(text.hasPrefix("\u{FEFF}periode;star_gruppe;samtaleform;samtaleform_betegnelse;samtaler;andel;niveau\r\n"))
        #expect(text.contains(";PERSONLIGT;Personligt fremmøde;1;0,500000;detalje\r\n"))
    }

    /// Danish thousands the plain way: the digits of the decimal form, a dot before every group of three from the right.
    static func thousandsBySeparators(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A long table is made into text in two halves on two threads: the same text as in one
    /// piece, with the widest cells (a label with æ, ø, å; the largest count) in the second half,
    /// subtotals and the grand total's rule in both, and a total's "I alt" once.
    @Test func aLongTableInHalvesIsTheSameText() {
        var t = ReportTable(name: "volumes", title: "Samtaler og personer", subtitle: "Afholdte samtaler",
                            columns: [ReportTable.Column(key: "periode", label: "Måned", kind: .text),
                                      ReportTable.Column(key: "samtaletype", label: "Samtaletype", kind: .text),
                                      ReportTable.Column(key: "samtaler", label: "Samtaler", kind: .count),
                                      ReportTable.Column(key: "andel", label: "Andel", kind: .share)],
                            rows: [])
        t.codeLabels = ["samtaletype": ["A": "Jobsamtale", "B": "Rådighedssamtale i forløb"]]
        for k in 0..<301 {
            let total = k % 50 == 49
            t.rows.append(ReportTable.Row(cells: [.text(total ? "I alt" : "2025-\(k % 12 + 1)"), .text(total ? "I alt" : (k > 200 ? "B" : "A")),
                                                  .count(k * k * 97), .share(k % 7 == 0 ? nil : Double(k) / 301)],
                                          level: total ? 2 : (k % 10 == 0 ? 1 : 0)))
        }
        t.notes = ["Personer tælles én gang pr. række."]
        let whole = TextTable.render(t, halvesFrom: Int.max)
        #expect(TextTable.render(t, halvesFrom: 1) == whole)
        #expect(TextTable.render(t, halvesFrom: 301) == whole)
        #expect(whole.contains("Rådighedssamtale i forløb") && whole.contains("8.730.000"))
        let lines = whole.split(separator: "\n")
        #expect(lines.count == 2 + 2 + 301 + 6 + 1)   // title, subtitle; header, rule; rows; a rule above each grand total; the note
    }

    @Test func tableUsesDanishNumbers() {
        #expect(Danish.count(1234567) == "1.234.567")
        // Written as bytes, digit by digit from the last: every place a separator can fall.
        for (n, text) in [(0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (12345, "12.345"), (100000, "100.000"),
                          (-1, "-1"), (-1000, "-1.000"), (Int.max, "9.223.372.036.854.775.807"),
                          (Int.min, "-9.223.372.036.854.775.808")] {
            #expect(Danish.count(n) == text)
            #expect(Danish.count(n) == Self.thousandsBySeparators(n))
        }
        #expect(LoadSummary.thousands(1234567) == "1,234,567")
        #expect(Danish.share(0.1234) == "12,3 %")
        #expect(Danish.share(nil) == "–")
    }

    /// The HTML is well-formed XML with one SVG bar per value, so any browser can draw it.
    @Test func htmlChartsHaveABarPerValue() throws {
        let f = try ReportFixture()
        let t = try f.report(.forms, period: "2025")
        let html = ReportFormat.html.render(t)
        let doc = try XMLDocument(xmlString: String(html.dropFirst("<!DOCTYPE html>\n".count)))
        let bars = try doc.nodes(forXPath: "//*[local-name()='rect'][@class='bar']")
        let chart = try #require(t.charts.first)
        #expect(bars.count == chart.categories.count * chart.series.count)
        #expect(chart.categories == ["2025-01", "2025-02", "2025-04"])
        #expect(try doc.nodes(forXPath: "//*[local-name()='svg']").count == t.charts.count)
    }

    /// When a browser is on the machine, the report opens in it and is drawn (a screenshot is made).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
    func htmlOpensInAHeadlessBrowser() throws {
        let f = try ReportFixture()
        let html = f.w.dir + "/forms.html", png = f.w.dir + "/forms.png"
        _ = FileManager.default.createFile(atPath: html, contents: Data(ReportFormat.html.render(try f.report(.forms, period: "2025")).utf8))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1000,800", "--screenshot=" + png, html]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(data.count > 10_000)   // a blank page is a few kB; charts and a table are more
    }

    @Test func theAnalystRoleReadsTheViewsOnly() throws {
        let f = try ReportFixture()
        let admin = try PGConnection(f.w.conninfo)
        let role = "analytiker_" + f.w.name.suffix(8)
        try admin.execute("CREATE ROLE \(role) LOGIN IN ROLE samtaler_analytiker")
        defer { _ = try? admin.execute("DROP OWNED BY \(role)"); _ = try? admin.execute("DROP ROLE \(role)") }
        let analyst = try PGConnection("\(f.w.conninfo) user=\(role)")
        #expect(try analyst.scalar("SELECT count(*) FROM rapport.samtale") == "5")
        #expect(try analyst.scalar("SELECT sum(antal_personer) FROM rapport.personer_maaned") != nil)
        for forbidden in ["SELECT person_pseudonym FROM samtaler.fact_samtale", "SELECT * FROM samtaler.dim_batch",
                          "INSERT INTO samtaler.indstilling VALUES ('x', 'y')", "DELETE FROM rapport.samtale",
                          "CREATE TABLE rapport.x (i int)"] {
            #expect(throws: PGError.self) { try analyst.execute(forbidden) }
        }
        // No view shows a pseudonym.
        #expect(try admin.scalar("""
            SELECT count(*) FROM information_schema.columns
            WHERE table_schema = 'rapport' AND (column_name LIKE '%pseudonym%' OR data_type = 'uuid')
            """) == "0")
    }
}
