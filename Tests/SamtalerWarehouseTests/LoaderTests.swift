import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerPseudonym
import Testing
@testable import SamtalerWarehouse

@Suite(.serialized) struct LoaderTests {
    @Test func aFeedWithKnownGoodAndBadLinesGivesExactlyTheExpectedCounts() throws {
        let w = try TestWarehouse()
        let lines = [
            Line.samtale(id: "A1"),
            "",                                                        // blank: counted nowhere
            Line.samtale(id: "A2", cpr: "3102901234"),                 // bad: impossible date
            Line.akasse(id: "K1"),
            "   \t ",                                                  // blank
            Line.samtale(id: "A3", kommune: "100"),                    // bad: not a kommune
            "{\"registrering\":\"samtale\"",                           // bad: broken JSON
            Line.samtale(id: "A4", type: "CV_SAMTALE"),                // bad: not from a jobcenter
            Line.samtale(id: "A5", cpr: "0000000000"),                 // unknown person: valid
        ]
        let rejectsPath = w.dir + "/rejects.jsonl"
        let s = try w.load([w.file("feed.jsonl", lines)]) { $0.rejectsPath = rejectsPath }
        #expect(s.read == 7)
        #expect(s.accepted == 3)
        #expect(s.rejected == 4)
        #expect(s.new == 3)
        #expect(s.published)
        #expect(s.rejectedByRule == ["cpr: date": 1, "indberetter.kode: code": 1, "line: json": 1, "samtaletype: not_allowed": 1])
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 3)

        // The rejects file: one object per bad line, with the file's own line numbers (blank lines count).
        let rejects = try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 4)
        let objects = try rejects.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["line"] as? Int } == [3, 6, 7, 8])
        #expect(objects.map { $0["id"] as? String } == ["A2", "A3", nil, "A4"])
        #expect(objects[0]["raw"] as? String == lines[2])
        let reason = (objects[0]["reasons"] as? [[String: Any]])?.first
        #expect(reason?["field"] as? String == "cpr")
        #expect(reason?["rule"] as? String == "date")
        #expect(reason?["source"] as? String == "BEK 442/2023 § 27 nr. 1")
        let mode = try FileManager.default.attributesOfItem(atPath: rejectsPath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        // The batch table keeps the same figures.
        #expect(try w.string("SELECT status || ' ' || laest || ' ' || accepteret || ' ' || afvist || ' ' || nye FROM samtaler.dim_batch WHERE batch_key = $1",
                             [String(s.batch)]) == "publiceret 7 3 4 3")
        // Every fact row knows its batch.
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE batch_key <> $1", [String(s.batch)]) == 0)
    }

    /// Feed contract v2: a `registreret` more than 5 minutes after the load started is rejected
    /// (`future`), the line whole: a new conversation from the future is not counted, and a
    /// correction from the future does not replace (or pin) the version already loaded.
    @Test func aRegistrationFromTheFutureIsRejectedWhole() throws {
        let w = try TestWarehouse()
        let first = try w.load([w.file("a.jsonl", [Line.samtale(id: "F1")])])
        #expect(first.new == 1)
        let now = Timestamp(Date())
        let tomorrow = now.adding(seconds: 86_400).rfc3339, soon = now.adding(seconds: 120).rfc3339
        let lines = [
            Line.samtale(id: "F1", registreret: tomorrow, handling: "ret", form: "TELEFONISK"),
            Line.samtale(id: "F2", registreret: tomorrow, afholdt: String(tomorrow.prefix(10))),
            Line.samtale(id: "F3", registreret: soon),   // within 5 minutes of the start: accepted
        ]
        let rejectsPath = w.dir + "/rejects.jsonl"
        let s = try w.load([w.file("b.jsonl", lines)]) { $0.rejectsPath = rejectsPath }
        #expect(s.read == 3 && s.accepted == 1 && s.rejected == 2)
        #expect(s.new == 1 && s.changed == 0)
        #expect(s.rejectedByRule == ["registreret: future": 2])
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 2)
        let rejects = try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n")
        let reasons = try rejects.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .flatMap { $0["reasons"] as? [[String: Any]] ?? [] }
        #expect(reasons.map { $0["rule"] as? String } == ["future", "future"])
        #expect(reasons.map { $0["source"] as? String } == ["feed.md: Envelope", "feed.md: Envelope"])
        // The same correction, once its time has come, is an ordinary later version.
        let later = try w.load([w.file("c.jsonl", [Line.samtale(id: "F1", registreret: now.rfc3339, handling: "ret", form: "TELEFONISK")])])
        #expect(later.changed == 1 && later.rejected == 0)
    }

    /// An ordinary load inserts its new conversations in the order their lines were loaded (the
    /// merge looks their keys up in key order since migration 0009, but inserts by line): a
    /// night's facts lie on disk, and get their keys, by date as the feed gives them.
    @Test func newConversationsAreInsertedInLoadOrder() throws {
        let w = try TestWarehouse()
        try w.load([w.file("first.jsonl", [Line.samtale(id: "F1")])])
        let lines = (1...300).map { i in
            let day = String(format: "2025-04-%02d", 1 + (i - 1) / 12)
            return Line.samtale(id: "N\(i)", registreret: day + "T12:00:00+02:00", afholdt: day)
        }
        let s = try w.load([w.file("night.jsonl", lines)])
        #expect(s.new == 300 && s.directLines == 0)
        let batch = String(s.batch)
        #expect(try w.int("SELECT count(DISTINCT afholdt_dato_key) FROM samtaler.fact_samtale WHERE batch_key = $1", [batch]) == 25)
        // In key order the dates never go back.
        #expect(try w.int("""
            SELECT count(*) FROM (
              SELECT afholdt_dato_key < lag(afholdt_dato_key) OVER (ORDER BY samtale_key) AS back
              FROM samtaler.fact_samtale WHERE batch_key = $1) x
            WHERE back
            """, [batch]) == 0)
    }

    @Test func loadingTheSameFilesAgainChangesNothing() throws {
        let w = try TestWarehouse()
        let f = w.file("feed.jsonl", [Line.samtale(id: "A1"), Line.samtale(id: "A2", form: "TELEFONISK"),
                                      Line.annuller(id: "A3", registreret: "2025-03-06T12:00:00+01:00"), Line.akasse(id: "K1")])
        let first = try w.load([f])
        #expect(first.new == 3 && first.withdrawn == 1)
        let before = try w.factState()
        let second = try w.load([f])
        #expect(second.new == 0 && second.changed == 0 && second.withdrawn == 0)
        #expect(second.unchanged == 4)
        #expect(try w.factState() == before)
        #expect(try w.int("SELECT count(DISTINCT batch_key) FROM samtaler.fact_samtale") == 1)
    }

    @Test func theLatestRegistreretWinsAcrossFilesAndRuns() throws {
        let w = try TestWarehouse()
        // Run 1: the correction arrives before the original, in two files.
        let ret = Line.samtale(id: "A1", registreret: "2025-03-05T10:00:00+01:00", handling: "ret", form: "TELEFONISK")
        let opret = Line.samtale(id: "A1", registreret: "2025-03-04T10:15:00+01:00", form: "VIDEO")
        let s1 = try w.load([w.file("f1.jsonl", [ret]), w.file("f2.jsonl", [opret])])
        #expect(s1.new == 1 && s1.unchanged == 1)
        #expect(try w.string("SELECT samtaleform FROM samtaler.fact_samtale JOIN samtaler.dim_samtaleform USING (samtaleform_key)") == "TELEFONISK")

        // Run 2: an older version changes nothing.
        let older = Line.samtale(id: "A1", registreret: "2025-03-04T12:00:00+01:00", handling: "ret", form: "DIGITALT")
        let s2 = try w.load([w.file("f3.jsonl", [older])])
        #expect(s2.changed == 0 && s2.unchanged == 1)

        // Run 3: a newer version replaces it; the surrogate key stays.
        let key = try w.int("SELECT samtale_key FROM samtaler.fact_samtale")
        let newer = Line.samtale(id: "A1", registreret: "2025-03-07T08:00:00+01:00", handling: "ret", form: "DIGITALT")
        let s3 = try w.load([w.file("f4.jsonl", [newer])])
        #expect(s3.changed == 1)
        #expect(try w.string("SELECT samtaleform FROM samtaler.fact_samtale JOIN samtaler.dim_samtaleform USING (samtaleform_key)") == "DIGITALT")
        #expect(try w.int("SELECT samtale_key FROM samtaler.fact_samtale") == key)
        #expect(try w.int("SELECT batch_key FROM samtaler.fact_samtale") == s3.batch)

        // Same instant written with another offset is the same registreret: the first loaded stays.
        let tie = Line.samtale(id: "A1", registreret: "2025-03-07T07:00:00Z", handling: "ret", form: "BREV")
        let s4 = try w.load([w.file("f5.jsonl", [tie])])
        #expect(s4.changed == 0)
        #expect(try w.string("SELECT samtaleform FROM samtaler.fact_samtale JOIN samtaler.dim_samtaleform USING (samtaleform_key)") == "DIGITALT")
    }

    @Test func withinOneRunATieGoesToTheLineLoadedFirst() throws {
        let w = try TestWarehouse()
        let a = Line.samtale(id: "T1", form: "BREV")
        let b = Line.samtale(id: "T1", handling: "ret", form: "ANDET")
        let s = try w.load([w.file("a.jsonl", [a]), w.file("b.jsonl", [b])])
        #expect(s.new == 1 && s.unchanged == 1)
        #expect(try w.string("SELECT samtaleform FROM samtaler.fact_samtale JOIN samtaler.dim_samtaleform USING (samtaleform_key)") == "BREV")
    }

    @Test func withdrawalsLeaveATombstoneThatOnlyANewerVersionLifts() throws {
        let w = try TestWarehouse()
        try w.load([w.file("1.jsonl", [Line.samtale(id: "W1", extra: ",\"deltagere\":[{\"navn\":\"Ib Hansen\",\"rolle\":\"TOLK\",\"deltagelsesform\":\"VIDEO\"}]")])])
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale_deltager") == 1)
        let s1 = try w.load([w.file("2.jsonl", [Line.annuller(id: "W1", registreret: "2025-03-06T12:00:00+01:00")])])
        #expect(s1.withdrawn == 1)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE annulleret") == 1)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE person_pseudonym IS NOT NULL OR samtaletype_key IS NOT NULL") == 0)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale_deltager") == 0)
        // An older opret arriving later does not bring it back.
        let s2 = try w.load([w.file("3.jsonl", [Line.samtale(id: "W1", registreret: "2025-03-05T12:00:00+01:00")])])
        #expect(s2.changed == 0 && s2.new == 0)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE annulleret") == 1)
        // A newer one does.
        let s3 = try w.load([w.file("4.jsonl", [Line.samtale(id: "W1", registreret: "2025-03-08T12:00:00+01:00", handling: "ret")])])
        #expect(s3.changed == 1)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE NOT annulleret") == 1)
    }

    @Test func retOrAnnullerOfAnUnknownIdIsItsFirstVersion() throws {
        let w = try TestWarehouse()
        let s = try w.load([w.file("f.jsonl", [Line.samtale(id: "R1", handling: "ret"),
                                              Line.annuller(id: "R2", registreret: "2025-03-06T12:00:00+01:00")])])
        #expect(s.new == 1 && s.withdrawn == 1)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 2)
        // The withdrawn one cannot be revived by its older opret.
        try w.load([w.file("g.jsonl", [Line.samtale(id: "R2", registreret: "2025-03-04T10:15:00+01:00")])])
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE annulleret") == 1)
    }

    @Test func theNaturalKeyIncludesTheIndberetter() throws {
        let w = try TestWarehouse()
        let s = try w.load([w.file("f.jsonl", [Line.samtale(id: "SAME", kommune: "101"), Line.samtale(id: "SAME", kommune: "147")])])
        #expect(s.new == 2)
    }

    @Test func thePersonBecomesAKeyedPseudonymAgeBandAndGender() throws {
        let w = try TestWarehouse()
        try w.load([w.file("f.jsonl", [
            Line.samtale(id: "P1", cpr: "0101901235", afholdt: "2025-03-04"),
            Line.samtale(id: "P2", cpr: "010190-1235", afholdt: "2025-03-04", form: "BREV"),
            Line.samtale(id: "P3", cpr: "0000000000"),
        ])])
        let expected = Pseudonymizer.uuidText(Pseudonymizer(key: w.key).person(digits: Array("0101901235".utf8)))
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE person_pseudonym = $1::uuid", [expected]) == 2)
        #expect(try w.string("""
            SELECT string_agg(coalesce(person_pseudonym::text, '-') || ' ' || a.aldersgruppe || ' ' || k.koen, ',' ORDER BY person_pseudonym NULLS LAST)
            FROM samtaler.fact_samtale JOIN samtaler.dim_aldersgruppe a USING (aldersgruppe_key) JOIN samtaler.dim_koen k USING (koen_key)
            """) == "\(expected) 35-39 M,\(expected) 35-39 M,- Ukendt U")
        // Age is taken on the conversation date: born 1 January 1990, held 31 December 2024 → 34.
        try w.load([w.file("g.jsonl", [Line.samtale(id: "P4", registreret: "2025-01-02T10:00:00Z", cpr: "0101904234", afholdt: "2024-12-31")])])
        #expect(try w.string("SELECT a.aldersgruppe || k.koen FROM samtaler.fact_samtale JOIN samtaler.dim_aldersgruppe a USING (aldersgruppe_key) JOIN samtaler.dim_koen k USING (koen_key) WHERE afholdt_dato_key = 20241231") == "30-34K")
    }

    @Test func anUnknownAkassekodeBecomesAnInferredMember() throws {
        let w = try TestWarehouse()
        let s = try w.load([w.file("f.jsonl", [Line.akasse(id: "K1", kode: "913"), Line.akasse(id: "K2", kode: "913"), Line.akasse(id: "K3", kode: "77")])])
        #expect(s.new == 3 && s.rejected == 0)
        #expect(try w.string("SELECT udledt::text || ' ' || udledt_batch_key || ' ' || navn FROM samtaler.dim_indberetter WHERE indberettertype = 'akasse' AND indberetterkode = '913'")
                == "true \(s.batch) Ukendt a-kasse 913")
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale f JOIN samtaler.dim_indberetter i USING (indberetter_key) WHERE i.indberetterkode = '913'") == 2)
        // Naming it later (reference data) keeps its key and clears the flag.
        try w.conn.execute("UPDATE samtaler.dim_indberetter SET navn = 'Ny A-kasse', udledt = false WHERE indberetterkode = '913'")
        #expect(try w.int("SELECT count(*) FROM samtaler.dim_indberetter WHERE udledt") == 0)
    }

    @Test func overTheRejectThresholdNothingIsPublishedButRejectsAndSummaryAreWritten() throws {
        let w = try TestWarehouse()
        let rejects = w.dir + "/r.jsonl"
        let summaryPath = w.dir + "/s.json"
        let s = try w.load([w.file("f.jsonl", [Line.samtale(id: "A1"), Line.samtale(id: "A2", kommune: "999")])], maxRejectRatio: 0.4) {
            $0.rejectsPath = rejects
            $0.summaryJSONPath = summaryPath
        }
        #expect(s.status == .overThreshold)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 0)
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").count == 1)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as! [String: Any]
        #expect(json["read"] as? Int == 2 && json["accepted"] as? Int == 1 && json["rejected"] as? Int == 1)
        #expect(json["batch"] as? Int == s.batch && json["published"] as? Bool == false)
        #expect(try w.string("SELECT status FROM samtaler.dim_batch WHERE batch_key = $1", [String(s.batch)]) == "over_taerskel")
        // At exactly the threshold it publishes.
        let t = try w.load([w.file("g.jsonl", [Line.samtale(id: "A1"), Line.samtale(id: "A2", kommune: "999")])], maxRejectRatio: 0.5)
        #expect(t.published && t.new == 1)
    }

    @Test func aFailureMidRunPublishesNothing() throws {
        let w = try TestWarehouse()
        let good = w.file("good.jsonl", (1...500).map { Line.samtale(id: "G\($0)") })
        // A gzip file whose stream breaks off: found only after the first file is streamed.
        let broken = w.dir + "/broken.jsonl.gz"
        let whole = try gzip(Data((1...2000).map { Line.samtale(id: "B\($0)") }.joined(separator: "\n").utf8), in: w.dir)
        _ = FileManager.default.createFile(atPath: broken, contents: whole.prefix(whole.count / 2))
        #expect(throws: WarehouseError.self) { try w.load([good, broken]) }
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 0)
        #expect(try w.string("SELECT string_agg(status, ',') FROM samtaler.dim_batch") == "fejlet")
        // The same run without the broken file succeeds afterwards.
        #expect(try w.load([good]).new == 500)
    }

    @Test func gzipBOMAndCRLFFilesLoadLikePlainOnes() throws {
        let w = try TestWarehouse()
        let text = "\u{FEFF}" + [Line.samtale(id: "Z1"), "", Line.samtale(id: "Z2")].joined(separator: "\r\n") + "\r\n"
        let path = w.dir + "/feed.jsonl.gz"
        _ = FileManager.default.createFile(atPath: path, contents: try gzip(Data(text.utf8), in: w.dir))
        let s = try w.load([path])
        #expect(s.read == 2 && s.accepted == 2)
    }

    @Test func aMissingFileStopsBeforeAnythingIsDone() throws {
        let w = try TestWarehouse()
        #expect {
            try w.load([w.file("ok.jsonl", [Line.samtale(id: "A")]), w.dir + "/missing.jsonl"])
        } throws: { e in (e as? WarehouseError)?.exitCode == 66 }
        #expect(try w.int("SELECT count(*) FROM samtaler.dim_batch") == 0)
    }

    @Test func anUnwritableRejectsPathFailsBeforePublishing() throws {
        let w = try TestWarehouse()
        #expect {
            try w.load([w.file("f.jsonl", [Line.samtale(id: "A")])]) { $0.rejectsPath = "/nonexistent-dir/r.jsonl" }
        } throws: { e in (e as? WarehouseError)?.exitCode == 73 }
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 0)
    }

    @Test func aSecondLoadWaitsOrStopsClearly() throws {
        let w = try TestWarehouse()
        let f = w.file("f.jsonl", [Line.samtale(id: "L1")])
        let holder = try PGConnection(w.conninfo)
        try holder.execute("SELECT pg_advisory_lock($1)", [String(Migrator.writerLockKey)])
        #expect {
            try w.load([f]) { $0.waitForLock = false }
        } throws: { e in
            guard let e = e as? WarehouseError else { return false }
            return e.exitCode == 75 && e.description.contains("another load")
        }
        #expect {
            try w.load([f]) { $0.lockTimeoutSeconds = 1 }
        } throws: { e in (e as? WarehouseError)?.exitCode == 75 }
        // Waiting: the holder lets go after a moment and the load goes through.
        let pid = holder.backendPID, conninfo = w.conninfo
        let release = Thread {
            Thread.sleep(forTimeInterval: 1.0)
            // The holder's session ends (as a finished load's would): its lock goes with it.
            _ = try? PGConnection(conninfo).execute("SELECT pg_terminate_backend($1)", [String(pid)])
        }
        release.start()
        let started = Date()
        let s = try w.load([f])
        #expect(s.new == 1)
        #expect(Date().timeIntervalSince(started) >= 0.9)
    }

    @Test func aDifferentKeyIsRefused() throws {
        let w = try TestWarehouse()
        try w.load([w.file("f.jsonl", [Line.samtale(id: "A")])])
        var o = LoadOptions(files: [w.file("g.jsonl", [Line.samtale(id: "B")])])
        o.rejectsPath = w.dir + "/r.jsonl"
        let other = try PseudonymKey(hex: String(repeating: "77", count: 32))
        #expect {
            try Loader(conn: try PGConnection(w.conninfo), key: other).run(o)
        } throws: { e in (e as? WarehouseError)?.exitCode == 78 }
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") == 1)
    }

    @Test func aMissingOrNewerSchemaIsAConfigurationError() throws {
        let empty = try TestWarehouse(migrate: false)
        #expect {
            try empty.load([empty.file("f.jsonl", [Line.samtale(id: "A")])])
        } throws: { e in
            guard let e = e as? WarehouseError else { return false }
            return e.exitCode == 78 && e.description.contains("samtaler migrate")
        }
        let w = try TestWarehouse()
        try w.conn.execute("INSERT INTO samtaler.schema_migration (version, navn, sha256) VALUES (999, 'future', '')")
        #expect {
            try w.load([w.file("f.jsonl", [Line.samtale(id: "A")])])
        } throws: { e in (e as? WarehouseError)?.description.contains("newer") ?? false }
    }

    @Test func migrateIsSafeToRunAgain() throws {
        let w = try TestWarehouse()
        let keys = try w.string("SELECT string_agg(samtaletype || samtaletype_key, ',' ORDER BY samtaletype) FROM samtaler.dim_samtaletype")
        let again = try Migrator(conn: w.conn, sqlDirectory: TestWarehouse.root + "/sql").run()
        #expect(again.applied.isEmpty && again.alreadyApplied == Migrator.schemaVersion)
        #expect(try w.string("SELECT string_agg(samtaletype || samtaletype_key, ',' ORDER BY samtaletype) FROM samtaler.dim_samtaletype") == keys)
        #expect(try w.int("SELECT count(*) FROM samtaler.dim_indberetter WHERE indberettertype = 'jobcenter'") == 98)
        #expect(try w.int("SELECT max(version) FROM samtaler.schema_migration") == Migrator.schemaVersion)
    }

    @Test func minPlanAndJobsoegningskravAreLoadedAsCounts() throws {
        let w = try TestWarehouse()
        let mp = #"{"registrering":"minplan","id":"MP1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"24"},"cpr":"1203854321","jobmaal":["Lager","Chauffør"],"plan":"Søge job","begrundelse":"Erfaring"}"#
        let jk = #"{"registrering":"jobsoegningskrav","id":"JK1","registreret":"2025-03-05T09:00:00Z","indberetter":{"type":"akasse","kode":"24"},"cpr":"1203854321","fagomraader":["Lager"],"geografi":"Aarhus","antalAnsoegninger":5,"omfang":"fuldtid","formaal":"Ordinær beskæftigelse","stillingskilder":"Jobnet"}"#
        let s = try w.load([w.file("f.jsonl", [mp, jk])])
        #expect(s.byRegistrering["minplan"]?["new"] == 1 && s.byRegistrering["jobsoegningskrav"]?["new"] == 1)
        #expect(try w.string("SELECT antal_jobmaal::text FROM samtaler.fact_minplan") == "2")
        #expect(try w.string("SELECT antal_fagomraader || ' ' || antal_ansoegninger || ' ' || med_omfang || ' ' || med_formaal || ' ' || med_stillingskilder FROM samtaler.fact_jobsoegningskrav") == "1 5 true true true")
    }
}

/// gzip-compresses data with the system's gzip (as a case system would deliver it).
func gzip(_ data: Data, in dir: String) throws -> Data {
    let path = dir + "/tmp-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: path, contents: data)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-f", path]
    try p.run()
    p.waitUntilExit()
    defer { try? FileManager.default.removeItem(atPath: path + ".gz") }
    return try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
}
