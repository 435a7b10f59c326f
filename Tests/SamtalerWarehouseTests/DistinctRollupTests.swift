import Foundation
import PostgresClient
import SamtalerFeed
import Testing
@testable import SamtalerWarehouse

/// The volumes report counts distinct persons under ROLLUP in the client (DistinctRollup); these
/// tests hold it to what PostgreSQL's own count(DISTINCT) gives.
@Suite(.serialized) struct DistinctRollupTests {
    /// Hand-worked: persons a, b and an unknown person (\N) over two months and two groups, one
    /// group NULL, one text key with a COPY escape.
    @Test func countsEveryLevelByHand() throws {
        var r = DistinctRollup(keyCount: 2)
        let a = "00000000-0000-0000-0000-00000000000a", b = "00000000-0000-0000-0000-00000000000b"
        for line in ["202501\tx\t\(a)", "202501\tx\t\(a)", "202501\t\\N\t\(a)", "202501\tx\t\(b)",
                     "202502\ty\\tz\t\(a)", "202502\ty\\tz\t\\N", "202502\tx\t\\N"] {
            try Array((line + "\n").utf8).withUnsafeBytes { try r.add(copyRow: $0) }
        }
        let groups = r.groups()
        func value(_ c: Int, _ code: UInt32?) -> String? { code.flatMap { r.columns[c].values[Int($0)] } }
        var got: [String: [Int]] = [:]
        for g in groups {
            got["\(value(0, g.keys[0]) ?? "-")|\(value(1, g.keys[1]) ?? "-")|\(g.niveau)"] = [g.conversations, g.persons]
        }
        #expect(got == [
            "202501|x|0": [3, 2], "202501|-|0": [1, 1], "202502|y\tz|0": [2, 1], "202502|x|0": [1, 0],
            "202501|-|1": [4, 2], "202502|-|1": [3, 1],
            "-|-|3": [7, 2],
        ])
        #expect(r.columns[1].values.contains("y\tz"))
        func integer(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBytes { DistinctRollup.integer($0[...]) } }
        #expect(integer("0101") == nil && integer("-0") == nil && integer("7x") == nil)   // text, not numbers
        #expect(integer("-7") == -7 && integer("0") == 0 && integer("202503") == 202503)
        #expect(GroupedQuery.estimatedRows("Seq Scan on fact_samtale f  (cost=0.00..31813.47 rows=871143 width=30)") == 871143)
        #expect(GroupedQuery.estimatedRows("Result") == nil)
    }

    /// No rows: only the grand total, with zeros (as ROLLUP's () row).
    @Test func anEmptyPeriodHasOnlyTheGrandTotal() throws {
        var r = DistinctRollup(keyCount: 3)
        let groups = r.groups()
        #expect(groups.count == 1 && groups[0].niveau == 7 && groups[0].conversations == 0 && groups[0].persons == 0)
    }

    /// On a generated warehouse, every granularity and many breakdowns (integer and text keys,
    /// NULL keys, marks, unknown persons, an empty period) give byte-identical reports counted in
    /// the client and by SQL alone.
    @Test func theVolumesReportIsTheSameCountedInTheClientOrBySQL() throws {
        let w = try TestWarehouse()
        let feed = w.dir + "/gen.jsonl"
        _ = try SyntheticFeed.write(to: feed, options: SyntheticFeedOptions(rows: 8000, seed: 5),
                                    reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        try w.load([feed, w.file("unknown.jsonl", [
            Line.samtale(id: "U1", registreret: "2025-02-04T10:00:00+01:00", cpr: "0000000000", afholdt: "2025-02-04"),
            Line.samtale(id: "U2", registreret: "2025-02-05T10:00:00+01:00", kommune: "751", cpr: "0000000000", afholdt: "2025-02-05"),
        ])])
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE person_pseudonym IS NULL AND NOT annulleret") >= 2)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE kontaktgruppe_key IS NULL AND NOT annulleret") > 0)
        let cases: [(String?, Reports.Granularity, [Reports.Breakdown])] = [
            (nil, .month, [.samtaletype, .indberetter]),
            ("2025", .quarter, [.indberettertype]),
            ("2025", .month, [.region, .koen]),
            ("2025Q2", .month, [.kontaktgruppe, .mark(.tidligOpfoelgning), .aldersgruppe]),
            ("2025", .year, []),
            ("2025", .quarter, [.visitationsgruppe, .samtaleform]),
            ("1990", .month, [.samtaletype]),   // no conversations at all
            ("2025", .quarter, [.samtaletype, .region, .koen, .kontaktgruppe]),   // five columns: SQL counts
        ]
        var compared = 0
        for (period, per, by) in cases {
            var req = Reports.Request(name: .volumes, period: try period.map { try Period.parse($0) })
            req.per = per
            req.by = by
            let client = try Reports(conn: PGConnection(w.conninfo)).run(req)
            let sql = try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(req)
            #expect(ReportFormat.json.render(client) == ReportFormat.json.render(sql), "\(period ?? "all") \(per) \(by.map(\.rawValue))")
            // Over the row limit (by the planner's estimate) SQL counts: the same report.
            let limited = try Reports(conn: PGConnection(w.conninfo), clientRowLimit: 10).run(req)
            #expect(ReportFormat.json.render(limited) == ReportFormat.json.render(sql))
            compared += client.rows.count
        }
        #expect(compared > 1000)
    }
}
