import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

// Kept history (migration 0012, docs/history.md): every version a batch replaces is kept, the
// warehouse as it stood after any batch can be read back, and an extract made later with
// --as-of-batch is byte for byte the one made then.

private let first = "2025-06-30T12:00:00+02:00"
private let later = "2025-07-01T12:00:00+02:00"
private let earlier = "2025-06-29T12:00:00+02:00"

private func person(_ n: Int) -> String { (n < 10 ? "0" : "") + "\(n)01901234" }

private func jc(_ id: String, _ afholdt: String, _ n: Int, form: String = "VIDEO", registreret: String = first,
                handling: String? = nil, extra: String = "") -> String {
    Line.samtale(id: id, registreret: registreret, handling: handling, cpr: person(n), afholdt: afholdt, form: form, extra: extra)
}

private let tolk = ",\"deltagere\":[{\"navn\":\"Ib Hansen\",\"rolle\":\"TOLK\",\"deltagelsesform\":\"VIDEO\"}]"

/// The first delivery: five conversations in March, one in April, and C1 in two versions in the
/// same run (the later one replaces the first within the batch: no kept version).
let batch1 = [
    jc("A1", "2025-03-03", 1, extra: tolk), jc("A2", "2025-03-04", 2), jc("A3", "2025-03-05", 3, form: "PERSONLIGT"),
    jc("A4", "2025-03-06", 4, form: "PERSONLIGT"), jc("A5", "2025-03-07", 5, form: "TELEFONISK"),
    jc("B1", "2025-04-02", 6), jc("C1", "2025-03-10", 7), jc("C1", "2025-03-11", 7, registreret: later, handling: "ret"),
]
/// The second: A1 corrected to another form (its participant goes with the old version), A2
/// withdrawn, A3 moved to April, an older version of A4 arriving late (it was first registered
/// earlier: a new version too), and a new A6.
let batch2 = [
    jc("A1", "2025-03-03", 1, form: "PERSONLIGT", registreret: later, handling: "ret"),
    Line.annuller(id: "A2", registreret: later),
    jc("A3", "2025-04-03", 3, form: "PERSONLIGT", registreret: later, handling: "ret"),
    jc("A4", "2025-03-06", 4, form: "PERSONLIGT", registreret: earlier),
    jc("A6", "2025-03-12", 8),
]

/// Every column of every row, in a stable order: equal text, equal rows.
private func rows(_ w: TestWarehouse, _ from: String) throws -> String {
    try w.string("SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM (SELECT * FROM \(from)) t") ?? ""
}
private let factColumns = """
    samtale_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
    afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
    aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
    cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, antal_deltagere, batch_key, foerste_registreret, status_key
    """

extension TestWarehouse {
    /// The extract of `period` as of `batch` (nil: now) into a new folder: its summary, CSV and manifest.
    func extractFiles(_ period: String, asOf batch: Int? = nil, threshold: Int = 1,
                      now: Date) throws -> (MinistryExtract.Summary, String, String) {
        let out = try outputFolder()
        let c = try PGConnection(conninfo)
        defer { c.close() }
        var e = MinistryExtract(conn: c, period: try MinistryExtract.period(period), outputDirectory: out, threshold: threshold)
        e.asOfBatch = batch
        let s = try e.run(now: now)
        return (s, try String(contentsOfFile: s.csvPath, encoding: .utf8), try String(contentsOfFile: s.manifestPath, encoding: .utf8))
    }
}

/// A generated feed of `rows` lines in two deliveries: the first `split` lines, then the rest (the
/// second holds corrections and withdrawals of registrations of the first: the generator writes
/// them days after the original). Bytes, not text: the generator writes some invalid lines on purpose.
func twoDeliveries(_ w: TestWarehouse, rows: Int, seed: Int, split: Int) throws -> (first: String, second: String) {
    let whole = try Data(contentsOf: URL(fileURLWithPath: try generateFeed(w.dir + "/all.jsonl", rows: rows, seed: seed)))
        .split(separator: UInt8(ascii: "\n"))
    func part(_ name: String, _ lines: ArraySlice<Data>) -> String {
        let path = w.dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]))
        return path
    }
    return (part("a.jsonl", whole[..<split]), part("b.jsonl", whole[split...]))
}

/// A report request as the command line makes it.
func request(_ name: Reports.Name, _ period: String? = nil, per: Reports.Granularity = .month, by: [Reports.Breakdown] = [],
             configure: (inout Reports.Request) -> Void = { _ in }) throws -> Reports.Request {
    var r = Reports.Request(name: name, period: try period.map { try Period.parse($0) })
    r.per = per
    r.by = by
    configure(&r)
    return r
}

/// Every format's text of each report, as `samtaler report` writes it (`asOf`: --as-of-batch).
func rendered(_ w: TestWarehouse, _ requests: [Reports.Request], asOf: Int? = nil, options: CountingOptions? = nil) throws -> [String] {
    try requests.flatMap { req -> [String] in
        var r = req
        r.asOfBatch = asOf
        let conn = try PGConnection(w.conninfo)
        defer { conn.close() }
        return try everyFormat(Reports(conn: conn, options: options ?? CountingOptions(helper: { try PGConnection(w.conninfo) })).run(r))
    }
}

/// A report's text in every format, Excel's CSV too.
func everyFormat(_ t: ReportTable) -> [String] {
    ReportFormat.allCases.map { "\(t.name) \($0):\n" + $0.render(t) } + ["\(t.name) excel:\n" + ReportFormat.csv.render(t, excel: true)]
}

private func withoutGenerated(_ manifest: String) -> String {
    manifest.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("\"genereret\"") }.joined(separator: "\n")
}

@Suite(.serialized) struct HistoryTests {
    @Test func anExtractAsOfAnEarlierBatchIsTheOneMadeThen() throws {
        let w = try TestWarehouse()
        let t1 = Date(timeIntervalSince1970: 1_751_328_000)
        let t2 = Date(timeIntervalSince1970: 1_751_414_400)

        // Batch 1, a first load (direct path; C1's second version goes through the merge).
        let s1 = try w.load([w.file("1.jsonl", batch1)]) { $0.firstLoadWindow = 0 }
        #expect(s1.rejected == 0 && s1.batch == 1)
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_samtale") == 0, "a first load supersedes nothing across batches")
        let factsAfter1 = try rows(w, "samtaler.fact_samtale")
        let participantsAfter1 = try rows(w, "samtaler.fact_samtale_deltager")
        let (e1, csv1, manifest1) = try w.extractFiles("2025-03", now: t1)
        #expect(csv1 == Disclosure.header + "\n" + """
            2025-03,jobcenter,101,JOBSAMTALE,PERSONLIGT,2,2,
            2025-03,jobcenter,101,JOBSAMTALE,TELEFONISK,1,1,
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,3,3,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,6,6,

            """)
        #expect(e1.batches == [1] && e1.asOfBatch == 1 && !e1.reproduced)

        // Batch 2 corrects, withdraws and adds.
        let s2 = try w.load([w.file("2.jsonl", batch2)])
        #expect(s2.rejected == 0 && s2.batch == 2)
        let (e2, csv2, manifest2) = try w.extractFiles("2025-03", now: t2)
        #expect(csv2 == Disclosure.header + "\n" + """
            2025-03,jobcenter,101,JOBSAMTALE,PERSONLIGT,2,2,
            2025-03,jobcenter,101,JOBSAMTALE,TELEFONISK,1,1,
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,2,2,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,5,5,

            """)
        #expect(e2.batches == [1, 2] && e2.asOfBatch == 2)

        // The history holds exactly the four versions batch 2 replaced, as they were.
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_samtale") == 4)
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_samtale WHERE batch_key = 1 AND til_batch_key = 2") == 4)
        #expect(try rows(w, "samtaler.hist_samtale h JOIN samtaler.fact_samtale f USING (samtale_key) WHERE false") == "")
        let kept = try rows(w, "(SELECT \(factColumns) FROM samtaler.hist_samtale) h")
        let wereCurrent = try w.string("""
            SELECT string_agg(x, E'\\n' ORDER BY x) FROM unnest(string_to_array($1, E'\\n')) AS x
            WHERE split_part(trim(x, '()'), ',', 1)::bigint IN (SELECT samtale_key FROM samtaler.hist_samtale)
            """, [factsAfter1]) ?? ""
        #expect(kept == wereCurrent, "the kept versions are the fact rows as they stood after batch 1")
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_samtale_deltager WHERE batch_key = 1 AND til_batch_key = 2") == 1,
                "A1's participant goes with its old version")
        // The late older version of A4 is a new version: its fact row is now batch 2's.
        #expect(try w.string("""
            SELECT f.batch_key || ' ' || (f.foerste_registreret < h.foerste_registreret)
            FROM samtaler.fact_samtale f JOIN samtaler.hist_samtale h USING (samtale_key) WHERE f.afholdt_dato_key = 20250306
            """) == "2 true")

        // The warehouse as of each batch, read back whole.
        #expect(try rows(w, "samtaler.samtale_som_af(1)") == factsAfter1)
        #expect(try rows(w, "samtaler.samtale_deltager_som_af(1)") == participantsAfter1)
        #expect(try rows(w, "samtaler.samtale_som_af(2)") == rows(w, "samtaler.fact_samtale"))

        // Made later, as of batch 1: the same CSV byte for byte, the same manifest but `genereret`.
        let (r1, again1, againManifest1) = try w.extractFiles("2025-03", asOf: 1, now: t2)
        #expect(Array(again1.utf8) == Array(csv1.utf8))
        #expect(withoutGenerated(againManifest1) == withoutGenerated(manifest1))
        #expect(againManifest1 != manifest1)
        #expect(r1.batches == [1] && r1.asOfBatch == 1 && r1.reproduced && r1.sha256 == e1.sha256)
        let (_, again2, againManifest2) = try w.extractFiles("2025-03", asOf: 2, now: t2)
        #expect(again2 == csv2 && againManifest2 == manifest2)

        // A reload of the same files adds no version.
        let s3 = try w.load([w.file("2.jsonl", batch2)])
        #expect(s3.new == 0 && s3.changed == 0 && s3.withdrawn == 0)
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_samtale") == 4)
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_samtale_deltager") == 1)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE batch_key = 3") == 0)
        #expect(try w.extractFiles("2025-03", asOf: 1, now: t1).1 == csv1)
        #expect(try w.extractFiles("2025-03", asOf: 3, now: t1).1 == csv2)

        // Every extract made is recorded.
        let recorded = try MinistryExtract.recorded(w.conn, period: "2025-03")
        #expect(recorded.map(\.asOfBatch) == [1, 2, 1, 2, 1, 3])
        #expect(recorded.map(\.reproduced) == [false, false, true, true, true, true])
        #expect(recorded[0].sha256 == e1.sha256 && recorded[2].sha256 == e1.sha256 && recorded[1].sha256 == e2.sha256)
        #expect(recorded[0].generated == "2025-07-01T00:00:00Z" && recorded[1].batches == [1, 2])
        #expect(try MinistryExtract.recorded(w.conn, period: "2025-04").isEmpty)
    }

    @Test func anAsOfBatchThatWasNotPublishedIsAUsageError() throws {
        let w = try TestWarehouse()
        try w.load([w.file("1.jsonl", batch1)])
        #expect(throws: WarehouseError.self) { try w.extractFiles("2025-03", asOf: 7, now: Date()) }
        do { _ = try w.extractFiles("2025-03", asOf: 7, now: Date()) } catch {
            #expect((error as? WarehouseError)?.exitCode == 64, "\(error)")
            #expect("\(error)".contains("latest published batch is 1"), "\(error)")
        }
        #expect(try MinistryExtract.recorded(w.conn).isEmpty, "a refused extract is not recorded")
    }

    @Test func minplanAndJobsoegningskravKeepTheirVersionsToo() throws {
        let w = try TestWarehouse()
        // One synthetic feed in two deliveries: the second holds the corrections and withdrawals
        // of registrations of the first.
        let (a, b) = try twoDeliveries(w, rows: 4_000, seed: 21, split: 2_500)
        try w.load([a])
        let before = (try rows(w, "samtaler.fact_minplan"), try rows(w, "samtaler.fact_jobsoegningskrav"),
                      try rows(w, "samtaler.fact_samtale"))
        let s = try w.load([b])
        #expect(s.changed + s.withdrawn > 0, "the second delivery should replace some versions")
        #expect(try w.int("SELECT count(*) FROM samtaler.hist_minplan") + w.int("SELECT count(*) FROM samtaler.hist_jobsoegningskrav") > 0)
        #expect(try rows(w, "samtaler.minplan_som_af(1)") == before.0)
        #expect(try rows(w, "samtaler.jobsoegningskrav_som_af(1)") == before.1)
        #expect(try rows(w, "samtaler.samtale_som_af(1)") == before.2)
        #expect(try rows(w, "samtaler.minplan_som_af(\(s.batch))") == rows(w, "samtaler.fact_minplan"))
        // Only superseded versions are kept: never one that is also current.
        for (hist, fact, key) in [("hist_samtale", "fact_samtale", "samtale_key"), ("hist_minplan", "fact_minplan", "minplan_key"),
                                  ("hist_jobsoegningskrav", "fact_jobsoegningskrav", "jobsoegningskrav_key")] {
            #expect(try w.int("SELECT count(*) FROM samtaler.\(hist) h JOIN samtaler.\(fact) f USING (\(key)) WHERE h.batch_key = f.batch_key") == 0)
        }
    }

    /// Every report, made later with --as-of-batch 1, is byte for byte the report made right after
    /// batch 1, in every format; as of the latest batch it is the report made now.
    @Test func everyReportAsOfAnEarlierBatchIsTheOneMadeThen() throws {
        let w = try TestWarehouse()
        let (a, b) = try twoDeliveries(w, rows: 6_000, seed: 33, split: 4_000)
        try w.load([a])
        _ = try w.extractFiles("2025Q1", threshold: 5, now: Date())   // the delivery revisions starts from
        let requests = try [
            request(.volumes), request(.volumes, "2025", per: .quarter, by: [.samtaletype, .region]),
            request(.volumes, "2025Q1", by: [.indberetter]), request(.forms, "2025", per: .quarter),
            request(.participants, "2025"), request(.coverage), request(.coverage, "2025-03"),
            request(.marks, "2025", per: .year), request(.marks, "2025", by: [.indberettertype]) { $0.marks = [.akasseDeltagelse] },
            request(.visitation, "2025", per: .quarter), request(.visitation, by: [.region]) { $0.date = CivilDate(year: 2025, month: 3, day: 31) },
            request(.transitions, "2025"), request(.minplan, "2025"), request(.jobsoegningskrav, "2025", per: .quarter), request(.batches),
            request(.timeliness, "2025"), request(.timeliness, by: [.indberetter]),
            request(.revisions, "2025Q1"), request(.revisions, "2025Q1") { $0.threshold = 1 },
        ]
        #expect(Set(requests.map(\.name)) == Set(Reports.Name.allCases), "every report is compared")
        let then = try rendered(w, requests)

        let s2 = try w.load([b])
        #expect(s2.batch == 2 && s2.changed + s2.withdrawn > 0 && s2.new > 0)
        let now = try rendered(w, requests)
        #expect(now != then)
        let again = try rendered(w, requests, asOf: 1)
        #expect(again.count == then.count)
        for (x, y) in zip(again, then) { #expect(x == y, "\(x.prefix(40))") }
        #expect(try rendered(w, requests, asOf: 2) == now)

        // volumes and forms as of batch 1 counted every way (SQL, the client, pieces, halves):
        // the same bytes as right after batch 1.
        let counted = try [request(.volumes), request(.volumes, "2025", per: .quarter, by: [.samtaletype, .region]),
                           request(.forms, "2025", per: .quarter), request(.forms)]
        let reference = try rendered(w, counted, asOf: 1, options: CountingOptions(sqlOnly: true))
        let ways: [(String, CountingOptions)] = [
            ("client", CountingOptions()),
            ("pieces", CountingOptions(clientRowLimit: 2_000, chunkRows: 500)),
            ("pieces on two connections", CountingOptions(clientRowLimit: 2_000, helper: { try PGConnection(w.conninfo) }, chunkRows: 500)),
            ("halves", CountingOptions(helper: { try PGConnection(w.conninfo) }, splitRows: 0)),
        ]
        for (way, options) in ways {
            #expect(try rendered(w, counted, asOf: 1, options: options) == reference, "\(way)")
        }
        // Halves as of a batch are days, also where the facts alone would be split by blocks.
        let scan = w.conninfo + " options='-c enable_indexscan=off -c enable_bitmapscan=off'"
        let halves = try counted.flatMap { req -> [String] in
            var r = req
            r.asOfBatch = 1
            return everyFormat(try Reports(conn: PGConnection(scan), helper: { try PGConnection(scan) }, splitRows: 0).run(r))
        }
        #expect(halves == reference)
    }

    /// The visitation history as of each batch (samtaler.visitation_som_af) is the one
    /// recompute_visitation made then, through corrections, a withdrawal, a moved person and two
    /// registrations on one day.
    @Test func theVisitationHistoryAsOfEachBatchIsTheOneMadeThen() throws {
        let w = try TestWarehouse()
        let columns = "person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key, forrige_visitationsgruppe_key, indberetter_key, samtale_key"
        var states: [String] = []
        let deliveries = [
            [VisitationTests.visit("V1", "2025-03-04T10:00:00+01:00", "JOBPARAT"), VisitationTests.visit("V2", "2025-05-01T09:00:00+02:00", "AKTIVITETSPARAT"),
             VisitationTests.visit("V3", "2025-06-02T09:00:00+02:00", "JOBPARAT"), VisitationTests.visit("W1", "2025-04-01T09:00:00+02:00", "JOBPARAT", cpr: "0303701234"),
             // Two on one day: the one registered last counts.
             VisitationTests.visit("V5", "2025-08-01T10:00:00+02:00", "AKTIVITETSPARAT"), VisitationTests.visit("V4", "2025-08-01T09:00:00+02:00", "UDDANNELSESPARAT")],
            [VisitationTests.visit("V2", "2025-05-10T09:00:00+02:00", "UDDANNELSESPARAT", handling: "ret")],
            [Line.annuller(id: "V3", registreret: "2025-06-20T10:00:00+02:00")],
            [VisitationTests.visit("V1", "2025-07-01T09:00:00+02:00", "KATEGORI_1", cpr: "0202801234", handling: "ret")],
        ]
        for (i, lines) in deliveries.enumerated() {
            try w.load([w.file("\(i).jsonl", lines)])
            states.append(try rows(w, "(SELECT \(columns) FROM samtaler.fact_visitation) v"))
        }
        #expect(Set(states).count == states.count, "each delivery changes the history")
        for (i, state) in states.enumerated() {
            #expect(try rows(w, "(SELECT \(columns) FROM samtaler.visitation_som_af(\(i + 1))) v") == state, "as of batch \(i + 1)")
        }
    }

    /// --as-of-batch on a report: a batch that published nothing, or from before the history
    /// began, is a usage error (exit 64) that says what can be asked for.
    @Test func aReportAsOfABatchThatCannotBeShownIsAUsageError() throws {
        let w = try TestWarehouse()
        try w.load([w.file("1.jsonl", batch1)])
        for (n, says) in [(7, "latest published batch is 1"), (0, "there is no batch 0")] {
            do {
                _ = try rendered(w, [request(.volumes, "2025")], asOf: n)
                Issue.record("as of batch \(n) should be refused")
            } catch {
                #expect((error as? WarehouseError)?.exitCode == 64 && "\(error)".contains(says), "\(error)")
            }
        }
        try w.conn.execute("UPDATE samtaler.historik_start SET fra_batch = 2")
        try w.load([w.file("2.jsonl", batch2)])
        do {
            _ = try rendered(w, [request(.timeliness)], asOf: 1)
            Issue.record("as of a batch before the history should be refused")
        } catch {
            #expect((error as? WarehouseError)?.exitCode == 64 && "\(error)".contains("begins after batch 2"), "\(error)")
        }
        #expect(try rendered(w, [request(.timeliness)], asOf: 2) == rendered(w, [request(.timeliness)]))
    }
}
