import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

/// The first load's direct path (Load/FirstLoad.swift) must build exactly the warehouse that the
/// ordinary path (everything through staging and the merge) builds from the same files.
@Suite(.serialized) struct FirstLoadTests {
    /// Versions within one run in every order the merge distinguishes, on top of a generated feed.
    static func versionLines() -> [String] {
        [
            // A correction after the original: the correction wins.
            Line.samtale(id: "V1", registreret: "2025-03-04T10:00:00+01:00"),
            Line.samtale(id: "V1", registreret: "2025-03-05T10:00:00+01:00", handling: "ret", form: "TELEFONISK"),
            // The correction first, the older original after it: the correction stays, the first
            // registration moves back to the original's instant.
            Line.samtale(id: "V2", registreret: "2025-03-06T10:00:00+01:00", handling: "ret", form: "TELEFONISK"),
            Line.samtale(id: "V2", registreret: "2025-03-02T10:00:00+01:00", afholdt: "2025-03-02"),
            // Equal instants: the line loaded first stays.
            Line.samtale(id: "V3", registreret: "2025-03-04T10:00:00+01:00", form: "TELEFONISK"),
            Line.samtale(id: "V3", registreret: "2025-03-04T10:00:00+01:00", handling: "ret"),
            // Withdrawn after being held, and a withdrawal of a registration never seen.
            Line.samtale(id: "V4", registreret: "2025-03-04T10:00:00+01:00"),
            Line.annuller(id: "V4", registreret: "2025-03-07T10:00:00+01:00"),
            Line.annuller(id: "V5", registreret: "2025-03-07T10:00:00+01:00"),
            // Withdrawn, then registered again later: alive again.
            Line.annuller(id: "V6", registreret: "2025-03-03T10:00:00+01:00"),
            Line.samtale(id: "V6", registreret: "2025-03-08T10:00:00+01:00"),
            // An a-kasse the dimension does not know yet, in two versions.
            Line.akasse(id: "K9", kode: "98", registreret: "2025-03-05T09:00:00+01:00"),
            Line.akasse(id: "K9", kode: "98", registreret: "2025-03-09T09:00:00+01:00", afholdt: "2025-03-06T08:30:00+01:00"),
        ]
    }

    static func feed(in w: TestWarehouse) throws -> [String] {
        let generated = w.dir + "/gen.jsonl"
        _ = try SyntheticFeed.write(to: generated, options: SyntheticFeedOptions(rows: 15_000, seed: 77),
                                    reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        return [generated, w.file("versions.jsonl", versionLines())]
    }

    static let visitation = """
        SELECT coalesce(string_agg(concat_ws(' ', person_pseudonym, gyldig_fra, gyldig_til, visitationsgruppe_key,
                                             forrige_visitationsgruppe_key), E'\\n' ORDER BY person_pseudonym, gyldig_fra), '')
        FROM samtaler.fact_visitation
        """

    /// The same files both ways, with the full Bloom filter (few false positives), a small one
    /// (about a third of first-seen keys take the staged path) and a tiny one (nearly all); and
    /// with the window of waiting rows that later versions are folded into at its size (nil),
    /// small (some versions folded, the rest merged into written rows; the ring of 64 slots goes
    /// round many times) and none (all merged).
    @Test(arguments: [(27, nil), (16, nil), (8, nil), (27, 64), (27, 0)] as [(Int, Int?)])
    func theDirectPathBuildsWhatTheStagedPathBuilds(filterBits: Int, window: Int?) throws {
        let staged = try TestWarehouse()
        let files = try Self.feed(in: staged)
        let viaStage = try staged.load(files) { $0.directFirstLoad = false }
        let direct = try TestWarehouse()
        let viaDirect = try direct.load(files) {
            $0.firstLoadFilterLog2Bits = filterBits
            $0.firstLoadWindow = window
        }

        #expect(viaStage.directLines == 0)
        #expect(viaDirect.directLines > 0)
        if filterBits == 27 { #expect(viaDirect.directLines > 12_000) }
        if filterBits == 8 { #expect(viaDirect.directLines < 1_000) }
        #expect(try WarehouseState.published(direct.conn) == WarehouseState.published(staged.conn))
        #expect(try direct.string(Self.visitation) == staged.string(Self.visitation))
        #expect(try direct.int("SELECT count(*) FROM samtaler.fact_visitation") > 100)
        for field in [\LoadSummary.read, \.accepted, \.rejected, \.new, \.changed, \.withdrawn, \.unchanged] {
            #expect(viaDirect[keyPath: field] == viaStage[keyPath: field])
        }
        #expect(viaDirect.byRegistrering == viaStage.byRegistrering)
        #expect(viaDirect.changed == 0 && viaDirect.withdrawn > 0)

        // The sequence moved past the keys the direct path used: a second load adds new keys.
        let more = try direct.load([direct.file("more.jsonl", [Line.samtale(id: "N1"), Line.samtale(id: "V1", registreret: "2025-03-10T10:00:00+01:00", handling: "ret")])])
        #expect(more.directLines == 0)
        #expect(more.new == 1 && more.changed == 1)
        #expect(try direct.int("SELECT count(*) FROM samtaler.fact_samtale WHERE samtale_key > (SELECT max(samtale_key) FROM samtaler.fact_samtale WHERE batch_key = $1)",
                               [String(viaDirect.batch)]) == 1)
    }

    /// Each shape of `samtaler generate --profile` loads into the same warehouse directly and
    /// through staging. The a-kasse dimension lacks four of the feed's a-kasser (as when the
    /// reference data does not know a-kasse yet): the direct path infers them as the merge does,
    /// so every conversation of a shape without second versions goes straight in.
    @Test(arguments: [(SyntheticFeedProfile.bench, nil), (.allNew, nil), (.corrections, nil), (.corrections, 64)] as [(SyntheticFeedProfile, Int?)])
    func everyShapeLoadsTheSameDirectlyAndThroughStaging(profile: SyntheticFeedProfile, window: Int?) throws {
        let staged = try TestWarehouse(), direct = try TestWarehouse()
        var options = SyntheticFeedOptions(rows: 15_000, seed: 78)
        options.profile = profile
        let feed = staged.dir + "/\(profile.rawValue).jsonl"
        _ = try SyntheticFeed.write(to: feed, options: options, reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        for w in [staged, direct] {
            try w.conn.execute("DELETE FROM samtaler.dim_indberetter WHERE indberettertype = 'akasse' AND indberetterkode IN ('10', '11', '24', '28')")
        }
        let viaStage = try staged.load([feed]) { $0.directFirstLoad = false }
        let viaDirect = try direct.load([feed]) { $0.firstLoadWindow = window }

        #expect(try WarehouseState.published(direct.conn) == WarehouseState.published(staged.conn))
        #expect(try direct.string(Self.visitation) == staged.string(Self.visitation))
        for field in [\LoadSummary.read, \.accepted, \.rejected, \.new, \.changed, \.withdrawn, \.unchanged] {
            #expect(viaDirect[keyPath: field] == viaStage[keyPath: field])
        }
        #expect(viaDirect.byRegistrering == viaStage.byRegistrering)
        #expect(viaStage.firstLoad == nil)
        let paths = try #require(viaDirect.firstLoad)
        #expect(paths.inferredAkasser >= 4)
        #expect(try direct.int("SELECT count(*) FROM samtaler.dim_indberetter WHERE udledt") == paths.inferredAkasser)
        #expect(paths.written + paths.folded == viaDirect.directLines)
        #expect(paths.written + paths.folded + paths.staged == viaDirect.accepted)
        switch profile {
        case .allNew:
            #expect(paths.staged == 0 && paths.folded == 0 && paths.written == viaDirect.accepted)
            #expect(try direct.int("SELECT count(*) FROM samtaler.fact_visitation WHERE forrige_visitationsgruppe_key IS NOT NULL") > 200)
        case .bench:
            #expect(paths.stagedLaterVersions < viaDirect.accepted / 100)
        case .corrections:
            // Later versions out of the window's reach are merged: with the window at its size few
            // (in 15,000 lines none is that far), with a small one most.
            if window == nil {
                #expect(paths.folded > 3_000 && paths.stagedLaterVersions < paths.folded / 10)
            } else {
                #expect(paths.stagedLaterVersions > 2_000)
            }
        }
    }

    /// A feed where two of every three lines are rejected: every chunk of lines has fewer than half
    /// its lines entering the window, so those rows get copies of their own bytes instead of
    /// sharing their chunk's (FirstLoad.endChunk), and the warehouse is still the one the staged
    /// path builds; with a small window, rows are copied that a later version replaced too.
    @Test(arguments: [nil, 64] as [Int?])
    func aFeedMostlyOfRejectedLinesLoadsTheSameDirectly(window: Int?) throws {
        let staged = try TestWarehouse(), direct = try TestWarehouse()
        var options = SyntheticFeedOptions(rows: 6_000, seed: 79, invalidShare: 0)
        options.profile = .corrections
        let generated = staged.dir + "/gen.jsonl"
        _ = try SyntheticFeed.write(to: generated, options: options, reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        let valid = try String(contentsOfFile: generated, encoding: .utf8).split(separator: "\n").map(String.init)
        let feed = staged.file("mostly-rejected.jsonl", valid.flatMap { [$0, "{}", #"{"registrering": "samtale"}"#] })
        let viaStage = try staged.load([feed]) { $0.directFirstLoad = false }
        let viaDirect = try direct.load([feed]) { $0.firstLoadWindow = window }

        #expect(viaDirect.accepted == valid.count && viaDirect.rejected == 2 * valid.count)
        #expect(viaDirect.directLines > valid.count / 2)
        #expect(try WarehouseState.published(direct.conn) == WarehouseState.published(staged.conn))
        #expect(try direct.string(Self.visitation) == staged.string(Self.visitation))
        for field in [\LoadSummary.read, \.accepted, \.rejected, \.new, \.changed, \.withdrawn, \.unchanged] {
            #expect(viaDirect[keyPath: field] == viaStage[keyPath: field])
        }
        #expect(viaDirect.byRegistrering == viaStage.byRegistrering)
    }

    /// The hand-made versions alone, on the direct path: each registration ends as the versioning
    /// rules say (docs/feed.md), worked out by hand.
    /// With the window, the later versions are folded into the waiting rows; without it, the merge
    /// updates the written rows; with a window of one row (a ring of one slot, written as the
    /// next row comes) some of each. The published result is the same every way.
    @Test(arguments: [nil, 1, 0] as [Int?])
    func versionsWithinAFirstLoadFollowTheRules(window: Int?) throws {
        let w = try TestWarehouse()
        let s = try w.load([w.file("versions.jsonl", Self.versionLines())]) { $0.firstLoadWindow = window }
        // The lines of V1 … V6 and K9 (folded), or the first line of each (written, the rest
        // merged); the unknown a-kasse becomes its inferred member during the stream.
        if window != 1 {
            #expect(s.directLines == (window != 0 ? 13 : 7))
            #expect(s.firstLoad?.stagedLaterVersions == (window != 0 ? 0 : 6))
        }
        #expect(s.firstLoad?.inferredAkasser == 1)
        #expect(s.new == 5 && s.changed == 0 && s.withdrawn == 2 && s.unchanged == 6)
        let day = "to_char(%@ AT TIME ZONE 'Europe/Copenhagen', 'MM-DD')"
        let rows = try w.string("""
            SELECT string_agg(x, ', ' ORDER BY x) FROM (
              SELECT \(day.replacingOccurrences(of: "%@", with: "f.registreret")) || ' ' || coalesce(sf.samtaleform, 'annulleret') || ' '
                     || coalesce(\(day.replacingOccurrences(of: "%@", with: "f.foerste_registreret")), '-') AS x
              FROM samtaler.fact_samtale f LEFT JOIN samtaler.dim_samtaleform sf ON sf.samtaleform_key = f.samtaleform_key) t
            """)
        #expect(rows == [
            "03-04 TELEFONISK 03-04",   // V3: equal instants, the line loaded first stays
            "03-05 TELEFONISK 03-04",   // V1: the correction wins, first registered with the original
            "03-06 TELEFONISK 03-02",   // V2: the correction stays, the late original moves the first instant back
            "03-07 annulleret -",       // V5: a withdrawal never preceded by the registration
            "03-07 annulleret 03-04",   // V4: withdrawn after being registered
            "03-08 VIDEO 03-08",        // V6: withdrawn, then registered again
            "03-09 PERSONLIGT 03-05",   // K9: unknown a-kasse, the later version wins
        ].joined(separator: ", "))
        #expect(try w.string("SELECT navn FROM samtaler.dim_indberetter WHERE indberetterkode = '98'") == "Ukendt a-kasse 98")
    }

    /// A first load that is over the reject threshold, or fails, leaves the warehouse empty, and
    /// the next run is a first load again.
    @Test func aFirstLoadThatDoesNotPublishLeavesNothing() throws {
        let w = try TestWarehouse()
        let files = try Self.feed(in: w)
        // The indexes and key constraints of the four fact tables a first load COPYs into and of
        // the visitation history, which it drops and builds again
        // (sql/definitions/41_samtaler.first_load_drop_indexes.sql).
        let tables = "ARRAY['fact_samtale', 'fact_samtale_deltager', 'fact_minplan', 'fact_jobsoegningskrav', 'fact_visitation']"
        let indexes = """
            SELECT string_agg(indexdef, '; ' ORDER BY indexdef) FROM pg_indexes
            WHERE schemaname = 'samtaler' AND tablename = ANY (\(tables))
            """
        let constraints = """
            SELECT string_agg(conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid), '; '
                              ORDER BY conrelid::regclass::text, conname)
            FROM pg_constraint WHERE conrelid IN (SELECT ('samtaler.' || t)::regclass FROM unnest(\(tables)) t)
            """
        let migrated = try #require(try w.string(indexes)), migratedConstraints = try #require(try w.string(constraints))
        #expect(migrated.contains("registrering_noegle") && migrated.contains("afholdt_dato_key") && migrated.contains("person_pseudonym"))
        #expect(migrated.contains("fact_samtale_deltager_pkey") && migrated.contains("fact_minplan_registrering_noegle_key")
                && migrated.contains("fact_jobsoegningskrav_pkey") && migrated.contains("fact_visitation_fra"))
        let refused = try w.load(files + [w.file("bad.jsonl", Array(repeating: "{", count: 5_000))], maxRejectRatio: 0.1)
        #expect(!refused.published)
        for table in try WarehouseState.factTables(w.conn) {
            #expect(try w.int("SELECT count(*) FROM samtaler.\(table)") == 0)
        }
        #expect(try w.string(indexes) == migrated, "a refused first load leaves the indexes as they were")
        #expect(try w.string(constraints) == migratedConstraints)
        let again = try w.load(files)
        #expect(again.published && again.directLines > 12_000)
        #expect(try w.string(indexes) == migrated, "a first load builds every index it dropped")
        #expect(try w.string(constraints) == migratedConstraints, "and every key constraint")
    }
}
