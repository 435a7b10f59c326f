import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import Testing
@testable import SamtalerWarehouse

/// The volumes report counts distinct persons under ROLLUP in the client (DistinctRollup); these
/// tests hold it to what PostgreSQL's own count(DISTINCT) gives.
@Suite(.serialized) struct DistinctRollupTests {
    /// One message of COPY's binary format: an int4 month, a text key (nil: NULL), a pseudonym
    /// (nil: NULL); the header before the first row.
    static func message(_ month: Int32, _ key: String?, _ person: UInt8?, header: Bool = false) -> [UInt8] {
        var m: [UInt8] = header ? PGCopyBinary.header : []
        func int32(_ v: Int32) { withUnsafeBytes(of: v.bigEndian) { m += $0 } }
        m += [0, 3]
        int32(4); int32(month)
        if let key { int32(Int32(key.utf8.count)); m += Array(key.utf8) } else { int32(-1) }
        if let person { int32(16); m += [UInt8](repeating: 0, count: 15) + [person] } else { int32(-1) }
        return m
    }

    /// Hand-worked: persons a and b and an unknown person over two months and two groups, one
    /// group NULL, one text key with a tab in it; the header with the first row, the end alone.
    @Test func countsEveryLevelByHand() throws {
        var r = DistinctRollup(textColumns: [false, true])
        let a: UInt8 = 0x0a, b: UInt8 = 0x0b
        let messages = [Self.message(202501, "x", a, header: true), Self.message(202501, "x", a), Self.message(202501, nil, a),
                        Self.message(202501, "x", b), Self.message(202502, "y\tz", a), Self.message(202502, "y\tz", nil),
                        Self.message(202502, "x", nil), [0xFF, 0xFF]]
        for m in messages { try m.withUnsafeBytes { try r.add(binaryMessage: $0) } }
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
        #expect(PlanEstimate(json: #"[{"Plan": {"Node Type": "Seq Scan", "Parallel Aware": false, "Relation Name": "fact_samtale", "Alias": "f", "Startup Cost": 0.00, "Total Cost": 31813.47, "Plan Rows": 871143, "Plan Width": 30}}]"#)?.rows == 871143)
        #expect(PlanEstimate(json: #"[{"Plan": {"Node Type": "Result"}}]"#)?.rows == nil)
    }

    /// What is not COPY's binary format, or a row with the wrong number of fields, is an error.
    @Test func refusesWhatItCannotRead() throws {
        var r = DistinctRollup(textColumns: [false])
        #expect(throws: WarehouseError.self) { try Array("202501\tx\n".utf8).withUnsafeBytes { try r.add(binaryMessage: $0) } }
        var s = DistinctRollup(textColumns: [false])
        #expect(throws: WarehouseError.self) { try Self.message(202501, "x", 1, header: true).withUnsafeBytes { try s.add(binaryMessage: $0) } }
    }

    /// No rows: only the grand total, with zeros (as ROLLUP's () row).
    @Test func anEmptyPeriodHasOnlyTheGrandTotal() throws {
        var r = DistinctRollup(textColumns: [false, false, true])
        let groups = r.groups()
        #expect(groups.count == 1 && groups[0].niveau == 7 && groups[0].conversations == 0 && groups[0].persons == 0)
    }

    /// On a generated warehouse, every granularity and many breakdowns (integer and text keys,
    /// NULL keys, marks, unknown persons, an empty period) give byte-identical volumes reports
    /// counted in the client (whole or in halves on two connections) and by SQL alone, and
    /// forms reports counted in halves and in one query.
    @Test func volumesAndFormsAreTheSameHoweverTheyAreCounted() throws {
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
            let client = try Reports(conn: PGConnection(w.conninfo), keptCopy: false).run(req)
            let sql = try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(req)
            #expect(ReportFormat.json.render(client) == ReportFormat.json.render(sql), "\(period ?? "all") \(per) \(by.map(\.rawValue))")
            // Over the row limit (by the planner's estimate) SQL counts: the same report.
            let limited = try Reports(conn: PGConnection(w.conninfo), clientRowLimit: 10, keptCopy: false).run(req)
            #expect(ReportFormat.json.render(limited) == ReportFormat.json.render(sql))
            // Over the row limit, in pieces of whole periods of about 500 rows, one connection and
            // two (the grand total's persons counted over all pieces): the same. Where the pieces
            // cannot be made (one period; a piece over the limit) SQL counts.
            for helper in [nil, { try PGConnection(w.conninfo) }] as [(() throws -> PGConnection)?] {
                let inPieces = try Reports(conn: PGConnection(w.conninfo), clientRowLimit: 2000, helper: helper, chunkRows: 500, keptCopy: false).run(req)
                #expect(ReportFormat.json.render(inPieces) == ReportFormat.json.render(sql), "pieces: \(period ?? "all") \(per) \(by.map(\.rawValue))")
            }
            // Read in two halves on two connections (one snapshot), counted together: the same.
            // Halves of the table's blocks where PostgreSQL scans the whole table (index scans
            // off), halves of the days where it reads the date index (sequential scans off).
            for conninfo in [w.conninfo + " options='-c enable_indexscan=off -c enable_bitmapscan=off'",
                             w.conninfo + " options='-c enable_seqscan=off'"] {
                let halves = try Reports(conn: PGConnection(conninfo), helper: { try PGConnection(conninfo) }, splitRows: 0, keptCopy: false).run(req)
                #expect(ReportFormat.json.render(halves) == ReportFormat.json.render(sql), "halves: \(conninfo) \(period ?? "all") \(per) \(by.map(\.rawValue))")
            }
            compared += client.rows.count
        }
        #expect(compared > 1000)
        // The pieces those reports were counted in: whole periods, in order, covering the period.
        let reports = try Reports(conn: PGConnection(w.conninfo), clientRowLimit: 2000, chunkRows: 500)
        let months = try #require(try reports.pieces(ReportFilter(nil), per: .month, rows: 8000)).map(\.sql)
        #expect(months.count >= 8)
        #expect(months.first?.contains("BETWEEN 19000101 AND ") == true && months.last?.hasSuffix("AND 20991231") == true)
        for (a, b) in zip(months, months.dropFirst()) {
            let end = try #require(Int(a.split(separator: " ").last ?? "")), start = try #require(Int(b.split(separator: " ").dropLast(2).last ?? ""))
            #expect(start % 100 == 1 && CivilDate(key: end)?.adding(days: 1) == CivilDate(key: start), "\(a) | \(b)")
        }
        let quarters = try #require(try reports.pieces(ReportFilter(try Period.parse("2025")), per: .quarter, rows: 4000)).map(\.sql)
        #expect(quarters.count >= 2 && quarters.count <= 4)
        for q in quarters.dropFirst() { #expect([101, 401, 701, 1001].contains(Int(q.split(separator: " ").dropLast(2).last ?? "")! % 10000)) }
        #expect(try reports.pieces(ReportFilter(try Period.parse("2025")), per: .year, rows: 4000) == nil)   // one period
        #expect(try Reports(conn: PGConnection(w.conninfo), clientRowLimit: 200, chunkRows: 500)
            .pieces(ReportFilter(nil), per: .month, rows: 8000) == nil)   // a piece over the limit

        // The planner's estimate and top node read from EXPLAIN's JSON are those its text gives.
        for period in [nil, "2025", "2025Q2", "1990"] as [String?] {
            let filter = ReportFilter(try period.map { try Period.parse($0) })
            let conn = try PGConnection(w.conninfo)
            let line = try conn.scalar("EXPLAIN SELECT 1 FROM samtaler.fact_samtale f WHERE \(filter.sql)") ?? ""
            let plan = try Reports(conn: conn).plan(filter)
            #expect(plan.rows != nil && plan.rows == line.range(of: " rows=").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }, "\(line)")
            #expect(plan.scansTheTable == line.hasPrefix("Seq Scan"), "\(line)")
        }

        // forms counted in halves on two connections and added up: the same as one query
        // (from the kept copy: KeptCountingTests).
        let formsCases: [(String?, Reports.Granularity, [Reports.Breakdown])] = [
            (nil, .quarter, []), ("2025", .month, [.indberettertype]), ("2025", .quarter, [.region, .kontaktgruppe]),
            ("1990", .year, []),
        ]
        for (period, per, by) in formsCases {
            var req = Reports.Request(name: .forms, period: try period.map { try Period.parse($0) })
            req.per = per
            req.by = by
            let whole = try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(req)
            for conninfo in [w.conninfo + " options='-c enable_indexscan=off -c enable_bitmapscan=off'",
                             w.conninfo + " options='-c enable_seqscan=off'"] {
                let halves = try Reports(conn: PGConnection(conninfo), helper: { try PGConnection(conninfo) }, splitRows: 0, keptCopy: false).run(req)
                #expect(ReportFormat.json.render(halves) == ReportFormat.json.render(whole), "forms halves: \(conninfo) \(period ?? "all") \(per) \(by.map(\.rawValue))")
            }
            #expect(period == "1990" || whole.rows.count > 10)
        }
    }

    /// Many random rows against counting with sets: more groups than the group table's first
    /// size (it grows), persons that differ only in their low bits, integer keys small, large
    /// and negative, NULL keys and unknown persons.
    @Test func agreesWithCountingBySets() throws {
        var rng = SplitMix64(seed: 77)
        var r = DistinctRollup(textColumns: [false, false, false])
        typealias Key = [Int64?]
        var rows: [(keys: Key, person: UInt64?)] = []
        for i in 0..<60_000 {
            let month: Int64? = rng.next() % 50 == 0 ? nil : 202_000 + Int64(rng.next() % 40)
            let type: Int64? = rng.next() % 30 == 0 ? nil : Int64(rng.next() % 60) - 5
            let unit: Int64? = rng.next() % 30 == 0 ? nil : (rng.next() % 2 == 0 ? Int64(rng.next() % 90) : 5_000_000_000 + Int64(rng.next() % 7))
            let person: UInt64? = rng.next() % 25 == 0 ? nil : rng.next() % 3_000
            rows.append(([month, type, unit], person))
            var m: [UInt8] = i == 0 ? PGCopyBinary.header : []
            func be<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.bigEndian) { m += $0 } }
            be(Int16(4))
            if let month { be(Int32(4)); be(Int32(month)) } else { be(Int32(-1)) }
            if let type { be(Int32(2)); be(Int16(type)) } else { be(Int32(-1)) }
            if let unit { be(Int32(8)); be(unit) } else { be(Int32(-1)) }
            // Persons differ in the low half only, or in the high half only.
            if let person { be(Int32(16)); be(person % 2 == 0 ? UInt64(0) : person); be(person % 2 == 0 ? person : UInt64(7)) } else { be(Int32(-1)) }
            try m.withUnsafeBytes { try r.add(binaryMessage: $0) }
        }
        try [UInt8]([0xFF, 0xFF]).withUnsafeBytes { try r.add(binaryMessage: $0) }
        let groups = r.groups()

        var expected: [String: (conversations: Int, persons: Set<UInt64>)] = [:]
        for row in rows {
            for l in 0...3 {
                let name = (0..<3).map { $0 < l ? (row.keys[$0].map(String.init) ?? "NULL") : "*" }.joined(separator: "|")
                var e = expected[name] ?? (0, [])
                e.conversations += 1
                if let p = row.person { e.persons.insert(p) }
                expected[name] = e
            }
        }
        var got: [String: (conversations: Int, persons: Int)] = [:]
        for g in groups {
            let name = (0..<3).map { c in g.keys[c].map { r.columns[c].values[Int($0)] ?? "NULL" } ?? "*" }.joined(separator: "|")
            #expect(got[name] == nil, "\(name) twice")
            got[name] = (g.conversations, g.persons)
            #expect(g.niveau == (1 << g.keys.filter { $0 == nil }.count) - 1)
        }
        #expect(got.count == expected.count && got.count > 2_000)
        for (name, e) in expected {
            #expect(got[name]?.conversations == e.conversations && got[name]?.persons == e.persons.count, "\(name)")
        }
    }
}
