import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import Testing
@testable import SamtalerWarehouse

/// The kept copy sorted by person (samtaler.kept_samtale, migration 0013) and the volumes, forms
/// and ministry extracts counted from it (KeptCounting): the same as SQL counts them, on every
/// feed shape, after corrections and withdrawals in a later batch, and never from a copy the
/// facts have left behind.
@Suite(.serialized) struct KeptCountingTests {
    /// Reports the copy can give: every granularity, every kind of breakdown (integer keys, text
    /// keys over the indberetter, marks, NULL keys), every period, a year, a month, days across a
    /// new year, and a year without conversations.
    static func requests() throws -> [Reports.Request] {
        let cases: [(Period?, Reports.Granularity, [Reports.Breakdown])] = [
            (nil, .month, [.samtaletype, .indberetter]),
            (nil, .year, [.region, .koen, .mark(.cvGodkendelse)]),
            (nil, .quarter, [.mark(.tidligOpfoelgning)]),
            (try Period.parse("2025"), .quarter, [.indberettertype, .kontaktgruppe]),
            (try Period.parse("2025-03"), .month, [.visitationsgruppe, .samtaleform, .aldersgruppe]),
            (try Period.range(from: CivilDate(year: 2024, month: 11, day: 15)!, to: CivilDate(year: 2025, month: 2, day: 10)!), .month, [.samtaletype]),
            (try Period.parse("2024"), .year, []),
            (try Period.parse("1990"), .month, [.samtaletype]),
        ]
        return cases.map { period, per, by in
            var r = Reports.Request(name: .volumes, period: period)
            r.per = per
            r.by = by
            return r
        }
    }

    /// Whether the choice counts `req` from the kept copy.
    static func countsFromTheCopy(_ w: TestWarehouse, _ req: Reports.Request) throws -> Bool {
        let reports = Reports(conn: try PGConnection(w.conninfo))
        return try reports.volumesCounting(reports.volumesQuery(req), req.filter, per: req.per) is KeptCounting
    }

    /// The three feed shapes, each loaded in two batches (the second corrects and withdraws
    /// registrations of the first, and has conversations of unknown persons): every request counted
    /// from the copy, on one connection and on two, is byte for byte the report SQL counts.
    @Test(arguments: [SyntheticFeedProfile.bench, .allNew, .corrections])
    func volumesFromTheCopyAreWhatSQLCounts(profile: SyntheticFeedProfile) throws {
        let w = try TestWarehouse()
        let feed = w.dir + "/gen.jsonl"
        var options = SyntheticFeedOptions(rows: 5000, seed: 21)
        options.profile = profile
        options.invalidShare = 0
        _ = try SyntheticFeed.write(to: feed, options: options, reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        let lines = try String(contentsOfFile: feed, encoding: .utf8).split(separator: "\n").map(String.init)
        let first = w.file("first.jsonl", Array(lines.prefix(lines.count * 3 / 5)))
        let second = w.file("second.jsonl", Array(lines.dropFirst(lines.count * 3 / 5)) + [
            Line.samtale(id: "U1", registreret: "2025-02-04T10:00:00+01:00", cpr: "0000000000", afholdt: "2025-02-04"),
            Line.samtale(id: "U2", registreret: "2025-02-05T10:00:00+01:00", kommune: "751", cpr: "0000000000", afholdt: "2025-02-05"),
        ])
        try w.load([first])
        let summary = try w.load([second])
        #expect(summary.changed + summary.withdrawn > 0 || profile == .allNew, "the second batch corrects the first")
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 2)
        #expect(try w.int("SELECT sum(raekker)::int FROM samtaler.kept_samtale")
                == w.int("SELECT count(*)::int FROM samtaler.fact_samtale WHERE NOT annulleret AND afholdt_dato_key IS NOT NULL"))
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE blok = 256") >= 1, "unknown persons have their block")
        // The second batch rewrote only the years it changed: the same copy as a rewrite of every year.
        #expect(summary.keptYears != nil)
        let (copy, whole) = try Self.copyAndWhole(w)
        #expect(copy == whole)
        var compared = 0
        for req in try Self.requests() {
            let what = "\(profile) \(req.period?.text ?? "every period") \(req.per) \(req.by.map(\.rawValue))"
            #expect(try Self.countsFromTheCopy(w, req), "\(what): counted from the copy")
            let sql = ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(req))
            let kept = try Reports(conn: PGConnection(w.conninfo)).run(req)
            let keptTwo = try Reports(conn: PGConnection(w.conninfo), helper: { try PGConnection(w.conninfo) }).run(req)
            #expect(ReportFormat.json.render(kept) == sql, "\(what)")
            #expect(ReportFormat.json.render(keptTwo) == sql, "\(what), two connections")
            // The groups in hash tables instead of dense arrays: the same rows.
            let conn = try PGConnection(w.conninfo)
            let reports = Reports(conn: conn)
            let query = reports.volumesQuery(req)
            let hashed = try KeptCounting(conn: conn, second: nil, filter: req.filter, denseLimit: 0).rollup(query)
            let reference = try SQLCounting(conn: conn, filter: req.filter).rollup(query)
            // (A rolled-up column's label is whatever SQL left there: compared where it is shown.)
            func shown(_ r: RollupRow) -> String {
                let n = r.labels.count
                let labels = r.labels.enumerated().map { j, l in (r.niveau >> (n - 1 - j)) & 1 == 1 ? "I alt" : (l ?? "NULL") }
                return "\(labels) \(r.conversations) \(r.persons) \(r.niveau)"
            }
            #expect(hashed.map(shown) == reference.map(shown), "\(what), hash slots")
            compared += kept.rows.count

            // forms over the same groups: from the copy, one connection and two, as SQL counts
            // (with the samtaleform at most four groups: over that from the facts).
            var formsReq = req
            formsReq.name = .forms
            #expect(try reports.formsCounting(reports.formsQuery(formsReq), formsReq.filter) is KeptCounting
                    == (query.groups.count < DistinctRollup.maxColumns), "\(what): forms from the copy")
            let formsSQL = ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(formsReq))
            #expect(ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo)).run(formsReq)) == formsSQL, "\(what), forms")
            #expect(ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo), helper: { try PGConnection(w.conninfo) }).run(formsReq))
                    == formsSQL, "\(what), forms on two connections")
        }
        #expect(compared > 500)

        // The ministry extract counts as volumes does: from the copy (one and two connections),
        // in the client and in SQL alone, now and as of the first batch, the same bytes.
        var extracted = 0
        for text in ["2025", "2025Q1", "2025-02", "2024-11"] {
            let period = try Period.parse(text)
            let filter = ReportFilter(period)
            let per = try #require(Reports.Granularity(rawValue: period.kind.rawValue))
            let query = Reports.volumesQuery(groups: [per.grouping] + MinistryExtract.rowGroups, filter)
            let reports = Reports(conn: try PGConnection(w.conninfo))
            #expect(try reports.volumesCounting(query, filter, per: per) is KeptCounting, "\(profile) extract \(text): counted from the copy")
            for asOf in [nil, 1] as [Int?] {
                let what = "\(profile) extract \(text) as of \(asOf.map(String.init) ?? "now")"
                let sql = try Self.extract(w, period, asOf) { $0.sqlOnly = true }
                #expect(try Self.extract(w, period, asOf) { _ in } == sql, "\(what)")
                #expect(try Self.extract(w, period, asOf) { $0.helper = { try PGConnection(w.conninfo) } } == sql, "\(what), two connections")
                #expect(try Self.extract(w, period, asOf) { $0.keptCopy = false } == sql, "\(what), in the client")
                extracted += sql.split(separator: "\n").count - 1
            }
        }
        #expect(extracted > 100)
    }

    /// The extract's CSV of `period` (as of batch `asOf`), counted with the options `set` gives.
    static func extract(_ w: TestWarehouse, _ period: Period, _ asOf: Int?, _ set: (inout CountingOptions) -> Void) throws -> String {
        let out = w.dir + "/extract-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        var extract = MinistryExtract(conn: try PGConnection(w.conninfo), period: period, outputDirectory: out)
        extract.asOfBatch = asOf
        set(&extract.counting)
        let summary = try extract.run(now: Date(timeIntervalSince1970: 1_743_487_200))
        return try String(contentsOfFile: summary.csvPath, encoding: .utf8)
    }

    /// A change to the facts outside a load clears the copy's stamp: reports count from the facts
    /// (the right numbers) until the next load writes the copy again.
    @Test func aChangeOutsideALoadIsNeverCountedFromTheOldCopy() throws {
        let w = try TestWarehouse()
        try w.load([w.file("a.jsonl", [
            Line.samtale(id: "A1", afholdt: "2025-03-04"),
            Line.samtale(id: "A2", cpr: "0202902345", afholdt: "2025-03-05", type: "CV_SAMTALE"),
            Line.akasse(id: "K1"),
        ])])
        var req = Reports.Request(name: .volumes, period: nil)
        req.by = [.samtaletype]
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 1)
        #expect(try Self.countsFromTheCopy(w, req))

        let before = try w.int("SELECT aendringer::int FROM samtaler.kept_samtale_batch")
        try w.conn.execute("UPDATE samtaler.fact_samtale SET annulleret = true WHERE afholdt_dato_key = 20250304")
        #expect(try w.string("SELECT batch_key FROM samtaler.kept_samtale_batch") == nil, "the statement cleared the stamp")
        // The change is counted, so a loader that read the count before writing the copy does not
        // stamp it (Loader.keepCopy's conditional UPDATE, the same statement).
        #expect(try w.int("SELECT aendringer::int FROM samtaler.kept_samtale_batch") == before + 1)
        #expect(try w.conn.execute("UPDATE samtaler.kept_samtale_batch SET batch_key = 1 WHERE aendringer = $1",
                                   [String(before)]).affectedRows == 0)
        #expect(try !Self.countsFromTheCopy(w, req))
        let sql = ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(req))
        let now = try Reports(conn: PGConnection(w.conninfo)).run(req)
        #expect(ReportFormat.json.render(now) == sql)
        let left = try w.int("SELECT count(*)::int FROM samtaler.fact_samtale WHERE NOT annulleret")
        #expect(left < 3 && now.rows.last?.cells.suffix(2).first == .count(left), "the withdrawn conversations are not counted")

        try w.load([w.file("b.jsonl", [Line.samtale(id: "B1", cpr: "0303903456", afholdt: "2025-04-01")])])
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 2)
        #expect(try Self.countsFromTheCopy(w, req))
        #expect(ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo)).run(req))
                == ReportFormat.json.render(try Reports(conn: PGConnection(w.conninfo), sqlOnly: true).run(req)))
        // A load that publishes nothing (over its reject threshold) leaves the copy as it was.
        let refused = try w.load([w.file("c.jsonl", ["{not json", Line.samtale(id: "C1", afholdt: "2025-04-02")])], maxRejectRatio: 0)
        #expect(!refused.published)
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 2)
        #expect(try Self.countsFromTheCopy(w, req))
    }

    /// The copy's content, block by block, and what a rewrite of every year from the facts gives.
    static func copyAndWhole(_ w: TestWarehouse) throws -> (String, String) {
        let content = "SELECT string_agg(aar || ' ' || blok || ' ' || raekker || ' ' || md5(data), E'\\n' ORDER BY aar, blok) FROM samtaler.kept_samtale"
        let copy = try w.string(content) ?? ""
        try w.conn.execute("BEGIN")
        defer { _ = try? w.conn.execute("ROLLBACK") }
        try w.conn.execute("SELECT samtaler.keep_samtale(0, 1)")
        return (copy, try w.string(content) ?? "")
    }

    /// After an increment only the blocks it changed are patched: of the day before a correction and
    /// the day after, of a withdrawal's year, of a new conversation's year; the copy is then what a
    /// rewrite of every year gives. A copy that was not up to date as a load began is written whole,
    /// and so is one found not to hold the facts (a row to take out missing).
    @Test func anIncrementPatchesOnlyTheBlocksItChanged() throws {
        let w = try TestWarehouse()
        try w.load([w.file("a.jsonl", [
            Line.samtale(id: "A1", registreret: "2023-03-04T10:15:00+01:00", afholdt: "2023-03-04"),
            Line.samtale(id: "A2", registreret: "2024-03-04T10:15:00+01:00", cpr: "0202902345", afholdt: "2024-03-04"),
            Line.samtale(id: "A3", registreret: "2022-03-04T10:15:00+01:00", cpr: "0303903456", afholdt: "2022-03-04"),
            Line.samtale(id: "A4", registreret: "2021-03-04T10:15:00+01:00", cpr: "0404904567", afholdt: "2021-03-04"),
        ])])
        #expect(try w.int("SELECT count(DISTINCT aar)::int FROM samtaler.kept_samtale") == 4)
        // A1 moves from 2023 to 2025 (another person too), A3 is withdrawn, a new one in 2026; A4 is
        // sent again unchanged (2021 stays as it is).
        let second = try w.load([w.file("b.jsonl", [
            Line.samtale(id: "A1", registreret: "2025-05-04T10:15:00+02:00", handling: "ret", cpr: "0505905678", afholdt: "2025-05-04"),
            Line.annuller(id: "A3", registreret: "2025-05-05T10:00:00+02:00"),
            Line.samtale(id: "N1", registreret: "2026-01-05T10:15:00+01:00", cpr: "0606906789", afholdt: "2026-01-05"),
            Line.samtale(id: "A4", registreret: "2021-03-04T10:15:00+01:00", cpr: "0404904567", afholdt: "2021-03-04"),
        ])])
        #expect(second.changed == 1 && second.withdrawn == 1 && second.new == 1, "\(second.json())")
        #expect(second.keptYears == [2022, 2023, 2025, 2026])
        #expect(second.keptSeconds != nil && second.json().contains("\"kept_years\":[2022,2023,2025,2026]"))
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 2)
        var (copy, whole) = try Self.copyAndWhole(w)
        #expect(copy == whole)
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE aar = 2023") == 0, "A1 left 2023")

        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE aar = 2021") == 1, "2021 untouched")
        // Nothing changed: no year written, the copy stamped with the batch.
        let again = try w.load([w.file("c.jsonl", [Line.samtale(id: "A4", registreret: "2021-03-04T10:15:00+01:00", cpr: "0404904567", afholdt: "2021-03-04")])])
        #expect(again.keptYears == [] && again.keptSeconds != nil)
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 3)

        // A change outside a load clears the stamp: the next load writes every year.
        try w.conn.execute("UPDATE samtaler.fact_samtale SET annulleret = true WHERE afholdt_dato_key = 20210304")
        let after = try w.load([w.file("d.jsonl", [Line.samtale(id: "N2", registreret: "2026-02-05T10:15:00+01:00", cpr: "0707907890", afholdt: "2026-02-05")])])
        #expect(after.keptYears == nil && after.json().contains("\"kept_years\":null"))
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 4)
        (copy, whole) = try Self.copyAndWhole(w)
        #expect(copy == whole)
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE aar = 2021") == 0, "the withdrawn 2021 row left")

        // A copy that is not what the facts hold (emptied by hand; the facts unchanged, so still
        // stamped): the patch finds a row to take out missing, and the copy is written whole.
        try w.conn.execute("UPDATE samtaler.kept_samtale SET data = '', raekker = 0 WHERE aar = 2024")
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 4)
        var warnings: [String] = []
        let mended = try w.load([w.file("e.jsonl", [Line.annuller(id: "A2", registreret: "2025-06-05T10:00:00+02:00")])],
                                log: { warnings.append($0) })
        #expect(mended.withdrawn == 1 && mended.keptYears == nil && mended.keptSeconds != nil)
        #expect(warnings.contains { $0.contains("was not what the facts hold") && $0.contains("2024") }, "\(warnings)")
        (copy, whole) = try Self.copyAndWhole(w)
        #expect(copy == whole)
        #expect(try w.int("SELECT batch_key FROM samtaler.kept_samtale_batch") == 5)
    }

    /// A patched block is stored as the copy's own are, uncompressed (its column's storage is
    /// EXTERNAL): a block that went through the patch's temporary table came back compressed with
    /// pglz, which every report then paid to decompress. One person's 200 conversations make a
    /// block that compresses well; an increment patches it. Migration 0015 mends a block an
    /// earlier release compressed.
    @Test func aPatchedBlockIsStoredUncompressed() throws {
        let w = try TestWarehouse()
        let day = { (k: Int) in String(format: "2025-%02d-%02d", 1 + k % 12, 1 + k % 28) }
        try w.load([w.file("a.jsonl", (0..<200).map { k in
            Line.samtale(id: "P\(k)", registreret: "\(day(k))T10:15:00+01:00", cpr: "0202902345", afholdt: day(k))
        })])
        let increment = try w.load([w.file("b.jsonl", [
            Line.samtale(id: "P200", registreret: "2025-12-30T10:15:00+01:00", cpr: "0202902345", afholdt: "2025-12-30"),
        ])])
        #expect(increment.keptYears == [2025])
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE raekker = 201") == 1)
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE pg_column_compression(data) IS NOT NULL") == 0)
        var (copy, whole) = try Self.copyAndWhole(w)
        #expect(copy == whole)

        // A block compressed as the patch of an earlier release left it (through a table of the
        // default storage), then migration 0015: written again uncompressed, the same bytes.
        try w.conn.execute("CREATE TEMP TABLE komprimeret AS SELECT aar, blok, data FROM samtaler.kept_samtale WHERE raekker = 201")
        try w.conn.execute("UPDATE samtaler.kept_samtale k SET data = t.data FROM komprimeret t WHERE (k.aar, k.blok) = (t.aar, t.blok)")
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE pg_column_compression(data) = 'pglz'") == 1)
        try w.conn.execute(String(contentsOfFile: TestWarehouse.root + "/sql/migrations/0015_kept_blocks_uncompressed.sql", encoding: .utf8))
        #expect(try w.int("SELECT count(*)::int FROM samtaler.kept_samtale WHERE pg_column_compression(data) IS NOT NULL") == 0)
        (copy, whole) = try Self.copyAndWhole(w)
        #expect(copy == whole)
    }

    /// A block patched: rows out taken once each (a duplicate row stays once), rows in merged in
    /// bytewise order, a block emptied, a new block; a row out that is not there gives nil.
    @Test func aBlockIsPatchedInOrder() {
        func row(_ first: UInt8, _ last: UInt8) -> [UInt8] { [first] + [UInt8](repeating: 7, count: KeptField.rowBytes - 2) + [last] }
        let block = [row(1, 0), row(2, 5), row(2, 5), row(4, 0), row(9, 9)].flatMap { $0 }
        let result = block.withUnsafeBytes {
            KeptUpkeep.patched($0, out: [row(2, 5), row(9, 9)], into: [row(0, 1), row(2, 4), row(2, 6), row(200, 0)])
        }
        #expect(result == [row(0, 1), row(1, 0), row(2, 4), row(2, 5), row(2, 6), row(4, 0), row(200, 0)].flatMap { $0 })
        #expect(block.withUnsafeBytes { KeptUpkeep.patched($0, out: [row(3, 0)], into: []) } == nil)
        #expect(block.withUnsafeBytes { KeptUpkeep.patched($0, out: [row(9, 9), row(9, 9)], into: []) } == nil)
        #expect(block.withUnsafeBytes { KeptUpkeep.patched($0, out: [row(1, 0), row(2, 5), row(2, 5), row(4, 0), row(9, 9)], into: []) } == [])
        #expect(KeptUpkeep.patched(UnsafeRawBufferPointer(start: nil, count: 0), out: [], into: [row(5, 5)]) == row(5, 5))
        #expect(KeptUpkeep.patched(UnsafeRawBufferPointer(start: nil, count: 0), out: [row(5, 5)], into: []) == nil)
    }

    /// The grand total's persons over years: lists one after the other (1 to 13 of them, some
    /// empty, persons shared between years, ties in the first word), merged and counted, against
    /// a set of the same persons. Every other round the words lie at the top of their range and
    /// every third the second word is any 64 bits (the merge compares by a subtraction's borrows).
    @Test func personsOverYearsAreCountedOnce() {
        var random = SplitMix64(seed: 15)
        for round in 0..<200 {
            let years = 1 + Int(random.next() % 13)
            var pool: [(UInt64, UInt64)] = []
            for _ in 0..<Int(random.next() % 60) {
                let first = random.next() % 4, second = round % 3 == 0 ? random.next() : random.next() % 1000
                pool.append(round % 2 == 0 ? (first, second) : (UInt64.max - first, round % 3 == 0 ? second : UInt64.max - second))
            }
            var persons: [UInt64] = [], ends: [Int] = [], all = Set<[UInt64]>()
            for _ in 0..<years {
                let year = Set(pool.filter { _ in random.next() % 3 == 0 }.map { [$0.0, $0.1] }).sorted { $0.lexicographicallyPrecedes($1) }
                persons += year.flatMap { $0 }
                ends.append(persons.count)
                all.formUnion(year)
            }
            var spare: [UInt64] = []
            #expect(KeptTally.distinct(&persons, ends: ends, spare: &spare) == all.count, "round \(round), \(years) years")
        }
    }

    /// Every breakdown and granularity is computed from one field of the copy, the period from the
    /// date; a report as of a batch and one with a field the copy lacks are counted from the facts.
    @Test func everyBreakdownHasItsField() throws {
        for b in Reports.Breakdown.allCases { #expect(KeptField.of(b.grouping) != nil, "\(b.rawValue)") }
        for g in Reports.Granularity.allCases { #expect(KeptField.of(g.grouping) == .dato) }
        #expect(KeptField.of(Grouping(key: "f.person_pseudonym", label: "KEY", sort: "KEY")) == nil)
        let w = try TestWarehouse()
        try w.load([w.file("a.jsonl", [Line.samtale(id: "A1"), Line.samtale(id: "A2", cpr: "0202902345")])])
        var req = Reports.Request(name: .volumes, period: nil)
        #expect(try Self.countsFromTheCopy(w, req))
        req.asOfBatch = 1
        #expect(try !Self.countsFromTheCopy(w, req))
        let reports = Reports(conn: try PGConnection(w.conninfo), keptCopy: false)
        req.asOfBatch = nil
        #expect(try !(reports.volumesCounting(reports.volumesQuery(req), req.filter, per: req.per) is KeptCounting))
    }
}
