import Foundation
import PostgresClient
import SamtalerFeed
import Testing
@testable import SamtalerWarehouse

/// The visitation history, the marks dimension, and the Min Plan / job search reports (issue 6).
@Suite(.serialized) struct VisitationTests {
    /// A jobcenter conversation for person `cpr` in kontaktgruppe 2 with a visitationsgruppe.
    static func visit(_ id: String, _ registreret: String, _ gruppe: String?, cpr: String = "0101901234",
                      handling: String? = nil) -> String {
        Line.samtale(id: id, registreret: registreret, handling: handling, cpr: cpr, afholdt: String(registreret.prefix(10)),
                     extra: gruppe.map { #","visitationsgruppe":"\#($0)""# } ?? "")
    }

    /// The history as "fra..til GRUPPE<-FORRIGE" per person, persons told apart by their first period.
    static func history(_ w: TestWarehouse) throws -> [String] {
        let res = try w.conn.execute("""
            SELECT v.gyldig_fra::text, coalesce(v.gyldig_til::text, ''), g.visitationsgruppe, coalesce(fg.visitationsgruppe, ''),
                   dense_rank() OVER (ORDER BY (SELECT min(x.gyldig_fra) FROM samtaler.fact_visitation x WHERE x.person_pseudonym = v.person_pseudonym), v.person_pseudonym)
            FROM samtaler.fact_visitation v
            JOIN samtaler.dim_visitationsgruppe g ON g.visitationsgruppe_key = v.visitationsgruppe_key
            LEFT JOIN samtaler.dim_visitationsgruppe fg ON fg.visitationsgruppe_key = v.forrige_visitationsgruppe_key
            ORDER BY 5, 1
            """)
        return (0..<res.rowCount).map { i in
            "p\(res.value(i, 4)!) \(res.value(i, 0)!)..\(res.value(i, 1)!) \(res.value(i, 2)!)<-\(res.value(i, 3)!)"
        }
    }

    @Test func correctionsAndWithdrawalsCorrectTheHistory() throws {
        let w = try TestWarehouse()
        try w.load([w.file("a.jsonl", [
            Self.visit("V1", "2025-03-04T10:00:00+01:00", "JOBPARAT"),
            Self.visit("V2", "2025-05-01T09:00:00+02:00", "AKTIVITETSPARAT"),
            Self.visit("V3", "2025-06-02T09:00:00+02:00", "JOBPARAT"),
            Self.visit("N1", "2025-04-01T09:00:00+02:00", nil),                 // no visitation: no effect
        ])])
        #expect(try Self.history(w) == [
            "p1 2025-03-04..2025-04-30 JOBPARAT<-",
            "p1 2025-05-01..2025-06-01 AKTIVITETSPARAT<-JOBPARAT",
            "p1 2025-06-02.. JOBPARAT<-AKTIVITETSPARAT",
        ])

        // A correction of V2, registered on 10 May: the group is corrected from 1 May, the day V2
        // was first registered (not from the day of the correction).
        try w.load([w.file("b.jsonl", [Self.visit("V2", "2025-05-10T09:00:00+02:00", "UDDANNELSESPARAT", handling: "ret")])])
        #expect(try Self.history(w) == [
            "p1 2025-03-04..2025-04-30 JOBPARAT<-",
            "p1 2025-05-01..2025-06-01 UDDANNELSESPARAT<-JOBPARAT",
            "p1 2025-06-02.. JOBPARAT<-UDDANNELSESPARAT",
        ])

        // V3 withdrawn: the person stays in UDDANNELSESPARAT.
        try w.load([w.file("c.jsonl", [Line.annuller(id: "V3", registreret: "2025-06-20T10:00:00+02:00")])])
        #expect(try Self.history(w) == [
            "p1 2025-03-04..2025-04-30 JOBPARAT<-",
            "p1 2025-05-01.. UDDANNELSESPARAT<-JOBPARAT",
        ])

        // V2 corrected back to JOBPARAT: one period, the same group all along.
        try w.load([w.file("d.jsonl", [Self.visit("V2", "2025-06-21T09:00:00+02:00", "JOBPARAT", handling: "ret")])])
        #expect(try Self.history(w) == ["p1 2025-03-04.. JOBPARAT<-"])

        // V1's personnummer corrected to another person: V1 leaves the first person's history and
        // starts the other's; the first person's history now starts with V2.
        try w.load([w.file("e.jsonl", [Self.visit("V1", "2025-07-01T09:00:00+02:00", "KATEGORI_1", cpr: "0202801234", handling: "ret")])])
        #expect(try Self.history(w) == [
            "p1 2025-03-04.. KATEGORI_1<-",
            "p2 2025-05-01.. JOBPARAT<-",
        ])

        // The correction removes the visitationsgruppe of V2: the first person has no history left.
        try w.load([w.file("f.jsonl", [Self.visit("V2", "2025-07-02T09:00:00+02:00", nil, handling: "ret")])])
        #expect(try Self.history(w) == ["p1 2025-03-04.. KATEGORI_1<-"])

        // The reports read the same history.
        var req = Reports.Request(name: .visitation)
        req.date = CivilDate(iso: "2025-05-15")
        let t = try Reports(conn: w.conn).run(req)
        #expect(t.rows.filter { $0.level == 0 }.map { [$0.cells[2], $0.cells[3]] } == [[.text("Kategori 1"), .count(1)]])
        var before = req
        before.date = CivilDate(iso: "2025-03-03")
        #expect(try Reports(conn: w.conn).run(before).rows.isEmpty)
    }

    @Test func theOriginalArrivingAfterItsCorrectionMovesTheStartBack() throws {
        let w = try TestWarehouse()
        // The correction arrives first; the group starts on the correction's day for now.
        try w.load([w.file("a.jsonl", [Self.visit("V1", "2025-03-10T10:00:00+01:00", "AKTIVITETSPARAT", handling: "ret")])])
        #expect(try Self.history(w) == ["p1 2025-03-10.. AKTIVITETSPARAT<-"])
        // The original (older, so not the current version) arrives: the registration was first
        // registered on 4 March, and the corrected group applies from then.
        let s = try w.load([w.file("b.jsonl", [Self.visit("V1", "2025-03-04T10:00:00+01:00", "JOBPARAT")])])
        #expect(s.new == 0 && s.changed == 0)
        #expect(try Self.history(w) == ["p1 2025-03-04.. AKTIVITETSPARAT<-"])
        #expect(try w.string("SELECT visitationsgruppe_key::text FROM samtaler.fact_samtale")
                == w.string("SELECT visitationsgruppe_key::text FROM samtaler.dim_visitationsgruppe WHERE visitationsgruppe = 'AKTIVITETSPARAT'"))
    }

    @Test func onOneDayTheRegistrationRegisteredLastCounts() throws {
        let w = try TestWarehouse()
        try w.load([w.file("a.jsonl", [
            Self.visit("V2", "2025-03-04T15:00:00+01:00", "AKTIVITETSPARAT"),
            Self.visit("V1", "2025-03-04T09:00:00+01:00", "JOBPARAT"),
            // 23:30 UTC on 4 March is 5 March in Copenhagen: a day of its own.
            Self.visit("V3", "2025-03-04T23:30:00Z", "KATEGORI_2"),
        ])])
        #expect(try Self.history(w) == [
            "p1 2025-03-04..2025-03-04 AKTIVITETSPARAT<-",
            "p1 2025-03-05.. KATEGORI_2<-AKTIVITETSPARAT",
        ])
    }

    /// A warehouse loaded before migration 0004 (schema 3) gets its first registration instants
    /// and its visitation history when it is migrated: the conversations are not loaded again.
    @Test func upgradingAWarehouseOfSchema3BuildsTheHistory() throws {
        let w = try TestWarehouse(migrate: false)
        // Schema 3: the first three migrations only, from a copy of sql/ without the later ones.
        let old = w.dir + "/sql3"
        let fm = FileManager.default
        try fm.createDirectory(atPath: old + "/migrations", withIntermediateDirectories: true)
        try fm.copyItem(atPath: TestWarehouse.root + "/sql/reference", toPath: old + "/reference")
        for name in try fm.contentsOfDirectory(atPath: TestWarehouse.root + "/sql/migrations") where name < "0004" {
            try fm.copyItem(atPath: TestWarehouse.root + "/sql/migrations/" + name, toPath: old + "/migrations/" + name)
        }
        _ = try Migrator(conn: w.conn, sqlDirectory: old).run()
        #expect(try w.int("SELECT max(version) FROM samtaler.schema_migration") == 3)
        // Two conversations of one person with groups, as a schema-3 load left them.
        for (n, (registreret, gruppe)) in [("2025-03-04 10:00+01", "JOBPARAT"), ("2025-05-01 09:00+02", "AKTIVITETSPARAT")].enumerated() {
            try w.conn.execute("""
                INSERT INTO samtaler.fact_samtale (registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym,
                    afholdt_dato_key, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key,
                    koen_key, batch_key)
                SELECT gen_random_uuid(), i.indberetter_key, $1::timestamptz, false, '00000000-0000-0000-0000-0000000000aa'::uuid,
                       \(20250304 + n), 1, 1, k.kontaktgruppe_key, v.visitationsgruppe_key, 1, 1, 1
                FROM samtaler.dim_indberetter i, samtaler.dim_kontaktgruppe k, samtaler.dim_visitationsgruppe v
                WHERE i.indberettertype = 'jobcenter' AND i.indberetterkode = '101' AND k.kontaktgruppe = 2 AND v.visitationsgruppe = $2
                """, [registreret, gruppe])
        }
        _ = try Migrator(conn: w.conn, sqlDirectory: TestWarehouse.root + "/sql").run()
        #expect(try w.int("SELECT max(version) FROM samtaler.schema_migration") == Migrator.schemaVersion)
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale WHERE foerste_registreret = registreret") == 2)
        #expect(try Self.history(w) == [
            "p1 2025-03-04..2025-04-30 JOBPARAT<-",
            "p1 2025-05-01.. AKTIVITETSPARAT<-JOBPARAT",
        ])
    }

    /// A generated feed loaded in four runs (versions spread across runs and out of order) gives
    /// the same history as the same lines in one run, and the history is well formed.
    @Test func incrementalHistoryEqualsOneRunAndIsWellFormed() throws {
        let source = try TestWarehouse(migrate: false)
        let feed = source.dir + "/gen.jsonl"
        _ = try SyntheticFeed.write(to: feed, options: SyntheticFeedOptions(rows: 12_000, seed: 5),
                                    reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        // Bytes, not text: the generated feed has deliberately invalid UTF-8 lines.
        let lines = try Data(contentsOf: URL(fileURLWithPath: feed)).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let oneRun = try TestWarehouse()
        try oneRun.load([feed])
        let runs = try TestWarehouse()
        let part = (lines.count + 3) / 4
        for k in 0..<4 {
            let path = runs.dir + "/part\(k).jsonl"
            let chunk = lines[(k * part)..<min(lines.count, (k + 1) * part)]
            try Data(chunk.joined(separator: [UInt8(ascii: "\n")])).write(to: URL(fileURLWithPath: path))
            try runs.load([path])
        }
        let state = "SELECT coalesce(string_agg(concat_ws(' ', person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key, forrige_visitationsgruppe_key), E'\\n' ORDER BY person_pseudonym, gyldig_fra), '') FROM samtaler.fact_visitation"
        let expected = try oneRun.string(state) ?? ""
        #expect(try runs.string(state) == expected)
        #expect(try oneRun.int("SELECT count(*) FROM samtaler.fact_visitation") > 200)
        #expect(try oneRun.int("SELECT count(*) FROM samtaler.fact_visitation WHERE forrige_visitationsgruppe_key IS NOT NULL") > 5)
        // Well formed: periods of a person follow each other without gaps or overlaps, the group
        // changes at every boundary, and only the last period is open.
        #expect(try oneRun.int("""
            SELECT count(*) FROM (
              SELECT gyldig_til, visitationsgruppe_key, forrige_visitationsgruppe_key,
                     lead(gyldig_fra) OVER w AS next_fra, lag(visitationsgruppe_key) OVER w AS prev_group
              FROM samtaler.fact_visitation WINDOW w AS (PARTITION BY person_pseudonym ORDER BY gyldig_fra)) x
            WHERE (next_fra IS NULL) <> (gyldig_til IS NULL) OR gyldig_til <> next_fra - 1
               OR forrige_visitationsgruppe_key IS DISTINCT FROM prev_group OR visitationsgruppe_key = prev_group
            """) == 0)
        // Every current conversation with a visitationsgruppe has its group in effect on the day it
        // was first registered, unless a later registration of the same person that day overrode it.
        #expect(try oneRun.int("""
            SELECT count(*) FROM samtaler.fact_samtale f
            WHERE NOT f.annulleret AND f.visitationsgruppe_key IS NOT NULL AND f.person_pseudonym IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM samtaler.fact_visitation v
                              WHERE v.person_pseudonym = f.person_pseudonym
                                AND v.gyldig_fra <= (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date
                                AND (v.gyldig_til IS NULL OR v.gyldig_til >= (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date)
                                AND v.visitationsgruppe_key = f.visitationsgruppe_key)
              AND NOT EXISTS (SELECT 1 FROM samtaler.fact_samtale o
                              WHERE o.person_pseudonym = f.person_pseudonym AND NOT o.annulleret AND o.visitationsgruppe_key IS NOT NULL
                                AND (o.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date = (f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date
                                AND (o.foerste_registreret, o.registrering_noegle) > (f.foerste_registreret, f.registrering_noegle))
            """) == 0)

        // The transitions report counts what the history holds.
        var req = Reports.Request(name: .transitions)
        req.per = .year
        let t = try Reports(conn: oneRun.conn).run(req)
        let moves = t.rows.filter { $0.level == 0 && $0.cells[1] == .text("Skift mellem grupper") }.compactMap { $0.cells[4].int }.reduce(0, +)
        #expect(moves == (try oneRun.int("SELECT count(*) FROM samtaler.fact_visitation WHERE forrige_visitationsgruppe_key IS NOT NULL")))
        // And the visitation report on a day counts the persons whose period covers it.
        var onDay = Reports.Request(name: .visitation)
        onDay.date = CivilDate(iso: "2025-06-30")
        let v = try Reports(conn: oneRun.conn).run(onDay)
        #expect(v.rows.last?.cells[3] == .count(try oneRun.int(
            "SELECT count(*) FROM samtaler.fact_visitation WHERE gyldig_fra <= '2025-06-30' AND coalesce(gyldig_til, '2099-12-31') >= '2025-06-30'")))
    }
}

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
