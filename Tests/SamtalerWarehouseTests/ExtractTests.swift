import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerPseudonym
import Testing
@testable import SamtalerWarehouse

// The ministry extract against a real warehouse: hand-written feed lines are loaded, and the
// CSV and manifest are compared with answers worked out by hand from the contract.

/// Every line is registered at the end of June 2025, after every conversation in these tests.
private let late = "2025-06-30T12:00:00+02:00"

/// A valid personnummer for person n (1...28): born n January 1990.
private func person(_ n: Int) -> String { (n < 10 ? "0" : "") + "\(n)01901234" }
private let unknown = "0000000000"

private func jc(_ id: String, _ afholdt: String, _ cpr: String, form: String = "VIDEO", type: String = "JOBSAMTALE",
                kommune: String = "101", registreret: String = late, handling: String? = nil) -> String {
    Line.samtale(id: id, registreret: registreret, handling: handling, kommune: kommune, cpr: cpr, afholdt: afholdt,
                 type: type, form: form)
}

/// An a-kasse cv-samtale (the a-kasse's own form and code).
private func ak(_ id: String, _ afholdt: String, _ cpr: String, kode: String = "77", form: String = "PERSONLIGT") -> String {
    """
    {"registrering":"samtale","id":"\(id)","registreret":"\(late)","indberetter":{"type":"akasse","kode":"\(kode)"},\
    "cpr":"\(cpr)","afholdt":"\(afholdt)","samtaletype":"CV_SAMTALE","samtaleform":"\(form)",\
    "aftale":{"forpligtende":true,"saerligIndsats":false},"cvGodkendelse":"GODKENDT"}
    """
}

private let header = Disclosure.header + "\n"

extension TestWarehouse {
    /// Loads lines as one batch and checks that every line was accepted.
    @discardableResult
    func loadAll(_ name: String, _ lines: [String]) throws -> LoadSummary {
        let s = try load([file(name, lines)])
        #expect(s.rejected == 0, "a test line was rejected: see \(s.rejectsFile ?? "?")")
        #expect(s.published)
        return s
    }

    /// A new empty folder for extract files.
    func outputFolder(_ name: String = "out-" + UUID().uuidString) throws -> String {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Runs the extract into a new folder and returns its summary and the CSV's text.
    func extract(_ period: String, threshold: Int = 5, into folder: String? = nil,
                 now: Date = Date(timeIntervalSince1970: 1_743_487_200)) throws -> (MinistryExtract.Summary, String) {
        let out = try folder ?? outputFolder()
        let c = try PGConnection(conninfo)
        defer { c.close() }
        let summary = try MinistryExtract(conn: c, period: try MinistryExtract.period(period), outputDirectory: out,
                                          threshold: threshold).run(now: now)
        return (summary, try String(contentsOfFile: summary.csvPath, encoding: .utf8))
    }
}

private func files(in dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

/// The small warehouse of `theExactCSVOfASmallWarehouse` (and the determinism tests).
private let smallWarehouse: [String] = [
    // jobcenter 101, JOBSAMTALE: VIDEO p1 p2 p3, PERSONLIGT p1 p4 p5 p6, TELEFONISK p7
    jc("V1", "2025-03-03", person(1)), jc("V2", "2025-03-10", person(2)), jc("V3", "2025-03-17", person(3)),
    jc("P1", "2025-03-04", person(1), form: "PERSONLIGT"), jc("P2", "2025-03-05", person(4), form: "PERSONLIGT"),
    jc("P3", "2025-03-06", person(5), form: "PERSONLIGT"), jc("P4", "2025-03-07", person(6), form: "PERSONLIGT"),
    jc("T1", "2025-03-12", person(7), form: "TELEFONISK"),
    jc("W1", "2025-03-12", person(8)),                                   // withdrawn below
    jc("X1", "2025-04-01", person(2)),                                   // April: not in March
    // jobcenter 101, INTEGRATIONSSAMTALE: BREV p1 p2 p3
    jc("I1", "2025-03-20", person(1), form: "BREV", type: "INTEGRATIONSSAMTALE"),
    jc("I2", "2025-03-21", person(2), form: "BREV", type: "INTEGRATIONSSAMTALE"),
    jc("I3", "2025-03-24", person(3), form: "BREV", type: "INTEGRATIONSSAMTALE"),
    // a-kasse 12: two conversations with unknown persons
    ak("K1", "2025-03-05T08:30:00+01:00", unknown, kode: "12"), ak("K2", "2025-03-06T08:30:00+01:00", unknown, kode: "12"),
    // a-kasse 3: p9 in person, p10 digitally
    ak("K3", "2025-03-05T08:30:00+01:00", person(9), kode: "3"),
    ak("K4", "2025-03-05T09:30:00+01:00", person(10), kode: "3", form: "DIGITALT"),
]
private let smallWithdrawal = [Line.annuller(id: "W1", registreret: "2025-07-01T12:00:00+02:00")]

@Suite(.serialized) struct ExtractTests {
    @Test func theExactCSVOfASmallWarehouse() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", smallWarehouse)
        try w.loadAll("withdrawals.jsonl", smallWithdrawal)
        let (s, csv) = try w.extract("2025-03", threshold: 3)
        // Threshold 3. akasse before jobcenter; a-kasse "12" before "3" (byte order).
        // akasse 12: 2 conversations, 0 persons: published (the primary rule needs at least 1 person).
        // akasse 3: 1 person per form and 2 on I_ALT, all below 3: P; with the total hidden, no S.
        // 101 INTEGRATIONSSAMTALE: 3 persons: published.
        // 101 JOBSAMTALE: TELEFONISK 1 person: P. I_ALT: 8 conversations (W1 withdrawn, X1 in April),
        //   7 persons (p1 twice): published, so one more form row is hidden: VIDEO (3 < 4): S.
        #expect(csv == """
            periode,indberettertype,indberetterkode,samtaletype,samtaleform,antal_samtaler,antal_personer,diskretion
            2025-03,akasse,12,CV_SAMTALE,PERSONLIGT,2,0,
            2025-03,akasse,12,CV_SAMTALE,I_ALT,2,0,
            2025-03,akasse,3,CV_SAMTALE,DIGITALT,,,P
            2025-03,akasse,3,CV_SAMTALE,PERSONLIGT,,,P
            2025-03,akasse,3,CV_SAMTALE,I_ALT,,,P
            2025-03,jobcenter,101,INTEGRATIONSSAMTALE,BREV,3,3,
            2025-03,jobcenter,101,INTEGRATIONSSAMTALE,I_ALT,3,3,
            2025-03,jobcenter,101,JOBSAMTALE,PERSONLIGT,4,4,
            2025-03,jobcenter,101,JOBSAMTALE,TELEFONISK,,,P
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,,,S
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,8,7,

            """)
        #expect(s.rows == 11)
        #expect(s.suppressed == 5)
        #expect(s.conversations == 15)  // 8 + 3 + 2 + 2
        #expect(s.csvPath.hasSuffix("/samtaler_2025-03.csv"))
        #expect(s.manifestPath.hasSuffix("/samtaler_2025-03.manifest.json"))
    }

    @Test func withdrawnConversationsAreNotCounted() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [jc("A1", "2025-03-03", person(1)), jc("A2", "2025-03-04", person(2)),
                                     jc("A3", "2025-03-05", person(3))])
        #expect(try w.extract("2025-03", threshold: 1).1 == header + """
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,3,3,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,3,3,

            """)
        // A2 is withdrawn; A3 is corrected (ret) to a conversation held in April.
        try w.loadAll("later.jsonl", [Line.annuller(id: "A2", registreret: "2025-07-01T12:00:00+02:00"),
                                      jc("A3", "2025-04-02", person(3), registreret: "2025-07-01T12:00:00+02:00", handling: "ret")])
        #expect(try w.extract("2025-03", threshold: 1).1 == header + """
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,1,1,

            """)
        #expect(try w.extract("2025-04", threshold: 1).1 == header + """
            2025-04,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025-04,jobcenter,101,JOBSAMTALE,I_ALT,1,1,

            """)
        // A withdrawn row counts nowhere, even if it kept its date (the loader empties it; the
        // extract does not rely on that).
        try w.conn.execute("""
            UPDATE samtaler.fact_samtale SET annulleret = true
            WHERE afholdt_dato_key = 20250303
            """)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE annulleret AND afholdt_dato_key IS NOT NULL") == 1)
        let (_, none) = try w.extract("2025-03", threshold: 1)
        #expect(none == header)
        try w.conn.execute("UPDATE samtaler.fact_samtale SET annulleret = false WHERE afholdt_dato_key = 20250303")
        // Withdrawing the last one leaves a group with no conversations: no rows at all.
        try w.loadAll("last.jsonl", [Line.annuller(id: "A1", registreret: "2025-07-02T12:00:00+02:00")])
        let (s, csv) = try w.extract("2025-03", threshold: 1)
        #expect(csv == header)
        #expect(s.rows == 0 && s.conversations == 0 && s.batches == [])
    }

    @Test func unknownPersonsCountAsConversationsButNotAsPersons() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [
            jc("U1", "2025-03-03", person(1)), jc("U2", "2025-03-04", unknown), jc("U3", "2025-03-05", "000000-0000"),
            jc("U4", "2025-03-06", unknown, form: "TELEFONISK"),
        ])
        // VIDEO: 3 conversations, 1 person; TELEFONISK: 1 conversation, 0 persons; I_ALT: 4 and 1.
        #expect(try w.extract("2025-03", threshold: 1).1 == header + """
            2025-03,jobcenter,101,JOBSAMTALE,TELEFONISK,1,0,
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,3,1,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,4,1,

            """)
    }

    @Test func aPersonCountsOnceInARowAndOnceOnTheTotalAcrossFormsAndMonths() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [
            jc("S1", "2025-01-15", person(1)), jc("S2", "2025-02-15", person(1)), jc("S3", "2025-03-15", person(2)),
            jc("S4", "2025-03-16", person(1), form: "PERSONLIGT"), jc("S5", "2025-01-16", person(3), form: "PERSONLIGT"),
        ])
        // The quarter: VIDEO p1 p1 p2 = 3 conversations, 2 persons; PERSONLIGT p1 p3 = 2 and 2;
        // I_ALT 5 conversations, 3 persons (p1 p2 p3) -- not 2 + 2 = 4.
        let quarter = header + """
            2025Q1,jobcenter,101,JOBSAMTALE,PERSONLIGT,2,2,
            2025Q1,jobcenter,101,JOBSAMTALE,VIDEO,3,2,
            2025Q1,jobcenter,101,JOBSAMTALE,I_ALT,5,3,

            """
        #expect(try w.extract("2025Q1", threshold: 1).1 == quarter)
        #expect(try w.extract("2025", threshold: 1).1 == quarter.replacingOccurrences(of: "2025Q1,", with: "2025,"))
        // The months' I_ALT persons are 2, 1 and 2: their sum (5) is not the quarter's 3.
        #expect(try w.extract("2025-01", threshold: 1).1 == header + """
            2025-01,jobcenter,101,JOBSAMTALE,PERSONLIGT,1,1,
            2025-01,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025-01,jobcenter,101,JOBSAMTALE,I_ALT,2,2,

            """)
        #expect(try w.extract("2025-02", threshold: 1).1 == header + """
            2025-02,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025-02,jobcenter,101,JOBSAMTALE,I_ALT,1,1,

            """)
        #expect(try w.extract("2025-03", threshold: 1).1 == header + """
            2025-03,jobcenter,101,JOBSAMTALE,PERSONLIGT,1,1,
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,2,2,

            """)
    }

    @Test func thePeriodIsTakenInDanishTime() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [
            ak("B1", "2025-03-31T23:30:00Z", person(1)),       // 1 April 01:30 in Copenhagen (summer time)
            ak("B2", "2025-03-31T21:59:59Z", person(2)),       // 31 March 23:59:59
            ak("B3", "2025-02-28T23:30:00Z", person(3)),       // 1 March 00:30 (winter time)
            ak("B4", "2025-02-28T22:59:59Z", person(4)),       // 28 February 23:59:59
            jc("J1", "2025-03-31", person(5)),                  // a date: 31 March
            jc("J2", "2025-04-01", person(6)),                  // a date: 1 April
            jc("J3", "2025-03-31T22:30:00Z", person(7)),        // a jobcenter timestamp: 1 April 00:30
        ])
        #expect(try w.extract("2025-03", threshold: 1).1 == header + """
            2025-03,akasse,77,CV_SAMTALE,PERSONLIGT,2,2,
            2025-03,akasse,77,CV_SAMTALE,I_ALT,2,2,
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,1,1,

            """)
        #expect(try w.extract("2025-04", threshold: 1).1 == header + """
            2025-04,akasse,77,CV_SAMTALE,PERSONLIGT,1,1,
            2025-04,akasse,77,CV_SAMTALE,I_ALT,1,1,
            2025-04,jobcenter,101,JOBSAMTALE,VIDEO,2,2,
            2025-04,jobcenter,101,JOBSAMTALE,I_ALT,2,2,

            """)
        #expect(try w.extract("2025Q1", threshold: 1).1 == header + """
            2025Q1,akasse,77,CV_SAMTALE,PERSONLIGT,3,3,
            2025Q1,akasse,77,CV_SAMTALE,I_ALT,3,3,
            2025Q1,jobcenter,101,JOBSAMTALE,VIDEO,1,1,
            2025Q1,jobcenter,101,JOBSAMTALE,I_ALT,1,1,

            """)
    }

    @Test func theManifestDescribesTheCSV() throws {
        let w = try TestWarehouse()
        // Batch 1: VIDEO p1-p6 and PERSONLIGT p7-p13 in March, one conversation in April.
        let b1 = try w.loadAll("b1.jsonl", (1...6).map { jc("V\($0)", "2025-03-0\($0)", person($0)) }
                                   + (7...13).map { jc("P\($0)", "2025-03-\($0 + 10)", person($0), form: "PERSONLIGT") }
                                   + [jc("X1", "2025-04-02", person(14))]).batch
        // Batch 2: TELEFONISK p14 in March. Batch 3: a correction of the April conversation only.
        let b2 = try w.loadAll("b2.jsonl", [jc("T1", "2025-03-20", person(14), form: "TELEFONISK")]).batch
        let b3 = try w.loadAll("b3.jsonl", [jc("X1", "2025-04-03", person(14), registreret: "2025-07-01T12:00:00+02:00",
                                               handling: "ret")]).batch
        #expect(b1 < b2 && b2 < b3)

        let (s, csv) = try w.extract("2025-03", now: Date(timeIntervalSince1970: 1_743_487_200))
        // Threshold 5: TELEFONISK (1 person) P; the total (14) is published, so VIDEO (6 < 7) S.
        #expect(csv == header + """
            2025-03,jobcenter,101,JOBSAMTALE,PERSONLIGT,7,7,
            2025-03,jobcenter,101,JOBSAMTALE,TELEFONISK,,,P
            2025-03,jobcenter,101,JOBSAMTALE,VIDEO,,,S
            2025-03,jobcenter,101,JOBSAMTALE,I_ALT,14,14,

            """)

        let data = try Data(contentsOf: URL(fileURLWithPath: s.manifestPath))
        let m = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(m.keys) == ["periode", "fra", "til", "raekker", "sha256", "taerskel", "undertrykte", "genereret", "batches"])
        #expect(m["periode"] as? String == "2025-03")
        #expect(m["fra"] as? String == "2025-03-01")
        #expect(m["til"] as? String == "2025-03-31")
        #expect(m["raekker"] as? Int == 4)
        #expect(m["undertrykte"] as? Int == 2)
        #expect(m["taerskel"] as? Int == 5)
        #expect(m["genereret"] as? String == "2025-04-01T06:00:00Z")
        #expect(m["batches"] as? [Int] == [b1, b2])  // not b3: its only row is in April
        // The checksum, computed independently of the program.
        let sum = Process()
        sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sum.arguments = [s.csvPath]
        let pipe = Pipe()
        sum.standardOutput = pipe
        try sum.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sum.waitUntilExit()
        let expected = String(output.prefix(64))
        #expect(expected.count == 64)
        #expect(m["sha256"] as? String == expected)
        #expect(s.sha256 == expected)
        #expect(s.batches == [b1, b2])

        // A quarter's manifest: its own dates, and every batch with rows in it.
        let (q, _) = try w.extract("2025Q2", threshold: 1)
        let qm = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: q.manifestPath))) as? [String: Any])
        #expect(qm["fra"] as? String == "2025-04-01")
        #expect(qm["til"] as? String == "2025-06-30")
        #expect(qm["batches"] as? [Int] == [b3])
        #expect(qm["undertrykte"] as? Int == 0)
    }

    @Test func twoExtractsOfTheSameStateAreByteForByteTheSame() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", smallWarehouse)
        try w.loadAll("withdrawals.jsonl", smallWithdrawal)
        let (a, _) = try w.extract("2025-03", now: Date(timeIntervalSince1970: 1_743_487_200))
        let (b, _) = try w.extract("2025-03", now: Date(timeIntervalSince1970: 1_750_000_000))
        let csvA = try Data(contentsOf: URL(fileURLWithPath: a.csvPath))
        #expect(try Data(contentsOf: URL(fileURLWithPath: b.csvPath)) == csvA)
        // The manifests differ only in `genereret`.
        let ma = try String(contentsOfFile: a.manifestPath, encoding: .utf8).split(separator: "\n")
        let mb = try String(contentsOfFile: b.manifestPath, encoding: .utf8).split(separator: "\n")
        #expect(ma.count == mb.count)
        #expect(zip(ma, mb).filter { $0 != $1 }.map { String($0.0) } == ["  \"genereret\": \"2025-04-01T06:00:00Z\","])

        // Again into the first folder: the pair is replaced by the same bytes, and nothing else is left there.
        let folder = (a.csvPath as NSString).deletingLastPathComponent
        let (c, _) = try w.extract("2025-03", into: folder)
        #expect(try Data(contentsOf: URL(fileURLWithPath: c.csvPath)) == csvA)
        #expect(files(in: folder) == ["samtaler_2025-03.csv", "samtaler_2025-03.manifest.json"])

        // Another warehouse with the same conversations, loaded in another order and in other
        // batches, gives the same CSV.
        let v = try TestWarehouse()
        try v.loadAll("first.jsonl", Array(smallWarehouse.reversed().prefix(7)))
        try v.loadAll("second.jsonl", Array(smallWarehouse.reversed().dropFirst(7)) + smallWithdrawal)
        let (d, _) = try v.extract("2025-03")
        #expect(try Data(contentsOf: URL(fileURLWithPath: d.csvPath)) == csvA)
    }

    @Test func aMissingOrUnusableOutputFolderFailsWithoutFiles() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [jc("A1", "2025-03-03", person(1))])
        let c = try PGConnection(w.conninfo)
        defer { c.close() }
        let period = try MinistryExtract.period("2025-03")
        let before = files(in: w.dir)

        let missing = w.dir + "/no-such-folder"
        let e1 = #expect(throws: WarehouseError.self) { try MinistryExtract(conn: c, period: period, outputDirectory: missing).run() }
        #expect(e1?.exitCode == 73)
        #expect(!FileManager.default.fileExists(atPath: missing))

        let aFile = w.file("not-a-folder", ["x"])
        let e2 = #expect(throws: WarehouseError.self) { try MinistryExtract(conn: c, period: period, outputDirectory: aFile).run() }
        #expect(e2?.exitCode == 73)
        #expect(files(in: w.dir) == (before + ["not-a-folder"]).sorted())

        // A folder without write permission (root may write anywhere, so only as another user).
        if getuid() != 0 {
            let locked = try w.outputFolder("locked")
            chmod(locked, 0o555)
            defer { chmod(locked, 0o755) }
            let e3 = #expect(throws: WarehouseError.self) { try MinistryExtract(conn: c, period: period, outputDirectory: locked).run() }
            #expect(e3?.exitCode == 73)
            #expect(files(in: locked) == [])
        }
    }

    @Test(arguments: [MinistryExtract.Step.csvTemporary, .manifestTemporary, .csvRename, .manifestRename, .directorySync])
    func aFailureWhileWritingLeavesBothFilesOrNeither(at step: MinistryExtract.Step) throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [jc("A1", "2025-03-03", person(1))])
        let c = try PGConnection(w.conninfo)
        defer { c.close() }
        let period = try MinistryExtract.period("2025-03")

        // Into an empty folder: nothing is left, not even a temporary file.
        let empty = try w.outputFolder()
        var x = MinistryExtract(conn: c, period: period, outputDirectory: empty, threshold: 1)
        x.failAt = step
        let e = #expect(throws: WarehouseError.self) { try x.run() }
        #expect(e?.exitCode == 73)
        #expect(files(in: empty) == [])

        // Over an earlier extract of the period (made before A2 arrived): before the old manifest
        // goes, the old pair stays as it was; after that, neither file is left. Never a mixed pair.
        let folder = try w.outputFolder()
        let old = try w.extract("2025-03", threshold: 1, into: folder).0
        let oldCSV = try Data(contentsOf: URL(fileURLWithPath: old.csvPath))
        let oldManifest = try Data(contentsOf: URL(fileURLWithPath: old.manifestPath))
        try w.loadAll("more.jsonl", [jc("A2", "2025-03-04", person(2))])
        x = MinistryExtract(conn: c, period: period, outputDirectory: folder, threshold: 1)
        x.failAt = step
        #expect(throws: WarehouseError.self) { try x.run() }
        switch step {
        case .csvTemporary, .manifestTemporary:
            #expect(files(in: folder) == ["samtaler_2025-03.csv", "samtaler_2025-03.manifest.json"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: old.csvPath)) == oldCSV)
            #expect(try Data(contentsOf: URL(fileURLWithPath: old.manifestPath)) == oldManifest)
        case .csvRename, .manifestRename, .directorySync:
            #expect(files(in: folder) == [])
        }
        // And a run without a failure writes the new pair.
        x.failAt = nil
        let s = try x.run()
        #expect(files(in: folder) == ["samtaler_2025-03.csv", "samtaler_2025-03.manifest.json"])
        #expect(s.conversations == 2)
    }

    @Test func aBadPeriodOrThresholdIsAUsageError() throws {
        for text in ["2025-13", "2025q1", "2025Q5", "25", "2025-3", "", "1899", "2025-03-01"] {
            let e = #expect(throws: WarehouseError.self, "\(text)") { try MinistryExtract.period(text) }
            #expect(e?.exitCode == 64)
        }
        let w = try TestWarehouse()
        let out = try w.outputFolder()
        let c = try PGConnection(w.conninfo)
        defer { c.close() }
        let range = try Period.range(from: CivilDate(year: 2025, month: 3, day: 1)!, to: CivilDate(year: 2025, month: 3, day: 15)!)
        let e1 = #expect(throws: WarehouseError.self) { try MinistryExtract(conn: c, period: range, outputDirectory: out).run() }
        #expect(e1?.exitCode == 64)
        let e2 = #expect(throws: WarehouseError.self) {
            try MinistryExtract(conn: c, period: try MinistryExtract.period("2025-03"), outputDirectory: out, threshold: 0).run()
        }
        #expect(e2?.exitCode == 64)
        #expect(files(in: out) == [])
    }

    @Test func aPeriodWithoutConversationsGivesTheHeaderOnly() throws {
        let w = try TestWarehouse()
        try w.loadAll("feed.jsonl", [jc("A1", "2025-03-03", person(1))])
        let (s, csv) = try w.extract("2024")
        #expect(csv == header)
        let m = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: s.manifestPath))) as? [String: Any])
        #expect(m["raekker"] as? Int == 0)
        #expect(m["undertrykte"] as? Int == 0)
        #expect(m["batches"] as? [Int] == [])
        #expect(m["fra"] as? String == "2024-01-01")
        #expect(m["til"] as? String == "2024-12-31")
        #expect(m["sha256"] as? String == sha256Hex(Array(header.utf8)))
    }

    @Test func anUnmigratedWarehouseIsAConfigurationError() throws {
        let w = try TestWarehouse(migrate: false)
        let out = try w.outputFolder()
        let e = #expect(throws: WarehouseError.self) {
            try MinistryExtract(conn: w.conn, period: try MinistryExtract.period("2025-03"), outputDirectory: out).run()
        }
        #expect(e?.exitCode == 78)
        #expect(files(in: out) == [])
    }

    @Test func sha256HexMatchesPublishedVectors() {
        #expect(sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
