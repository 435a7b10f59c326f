import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

/// The load's threads (Load/Pipeline.swift): chunks transformed side by side are consumed in the
/// order they were put, whatever finishes first; an error on either side stops everything.
struct PipelineTests {
    final class Seen: @unchecked Sendable {
        var items: [Int] = []   // written by the consuming thread only, read after finish/cancel
    }

    /// Workers that take a different, random time per item finish out of order; the consumer
    /// still sees every item once, in order.
    @Test(arguments: [(1, 1), (2, 2), (4, 3), (4, 16)])
    func everyItemArrivesInOrderWhateverFinishesFirst(workers: Int, capacity: Int) throws {
        let seen = Seen()
        let p = Pipeline<Int, Int>(workers: workers, capacity: capacity, transform: { i in
            usleep(UInt32.random(in: 0...200))
            return i * 2
        }) { seen.items.append($0) }
        for i in 0..<3_000 { try p.put(i) }
        try p.finish()
        #expect(seen.items == (0..<3_000).map { $0 * 2 })
    }

    struct Refused: Error, Equatable { let at: Int }

    /// A consumer that fails stops the reader: a later put, or finish, throws its error, and
    /// nothing after the failing item is consumed.
    @Test(arguments: [1, 4])
    func theConsumersErrorStopsTheReader(workers: Int) throws {
        let seen = Seen()
        let p = Pipeline<Int, Int>(workers: workers, capacity: 3, transform: { $0 }) { i in
            if i == 700 { throw Refused(at: i) }
            seen.items.append(i)
        }
        var thrown: (any Error)?
        do {
            for i in 0..<100_000 { try p.put(i) }
            try p.finish()
        } catch {
            thrown = error
            p.cancel()
        }
        #expect(thrown as? Refused == Refused(at: 700))
        #expect(seen.items == Array(0..<700))
    }

    /// A reader that fails cancels: the threads end without consuming what is still queued, and
    /// cancel returns only when they have ended.
    @Test func cancelWaitsForTheThreadsAndSkipsTheRest() throws {
        let seen = Seen()
        let p = Pipeline<Int, Int>(workers: 2, capacity: 4, transform: { $0 }) { i in
            Thread.sleep(forTimeInterval: 0.05)
            seen.items.append(i)
        }
        for i in 0..<4 { try p.put(i) }
        p.cancel()
        let after = seen.items
        Thread.sleep(forTimeInterval: 0.1)
        #expect(seen.items == after && after.count < 4 && after == Array(0..<after.count))
    }
}

/// `samtaler load --threads N`: the same warehouse, rejects file and summary for any N, on feeds
/// of different shapes, for a first load (the direct path) and a load into a loaded warehouse
/// (staging and the merge).
@Suite(.serialized) struct ThreadsTests {
    /// Five shapes of the same size: the generator's three profiles (`--profile bench`, `all-new`,
    /// `corrections`, each with 5 % invalid lines); the bench profile's lines backwards (later
    /// versions and withdrawals before their originals) with a third of them invalid; and the bench
    /// profile's in two gzip files.
    static func shapes(in w: TestWarehouse) throws -> [(name: String, first: [String], next: [String])] {
        let reference = try ReferenceData.load(directory: TestWarehouse.root + "/sql/reference")
        func generate(_ name: String, seed: UInt64, invalid: Double, offset: Int = 0,
                      profile: SyntheticFeedProfile = .bench) throws -> String {
            var o = SyntheticFeedOptions(rows: 6_000, seed: seed)
            o.invalidShare = invalid
            o.profile = profile
            o.jobcenterIDOffset = offset
            let path = w.dir + "/" + name
            _ = try SyntheticFeed.write(to: path, options: o, reference: reference)
            return path
        }
        // Lines as bytes: some invalid lines are not UTF-8.
        func lines(_ path: String) throws -> [Data] {
            try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: UInt8(ascii: "\n"))
        }
        func write(_ name: String, _ lines: some Sequence<Data>) throws -> String {
            let path = w.dir + "/" + name
            try Data(lines.map { $0 + [UInt8(ascii: "\n")] }.joined()).write(to: URL(fileURLWithPath: path))
            return path
        }
        func gzip(_ path: String) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/gzip")
            p.arguments = ["-kf", path]
            try p.run()
            p.waitUntilExit()
            return path + ".gz"
        }
        let plain = try generate("plain.jsonl", seed: 5, invalid: 0.05)
        let backwards = try write("backwards.jsonl", lines(generate("b.jsonl", seed: 6, invalid: 0.3)).reversed())
        let all = try lines(generate("g.jsonl", seed: 7, invalid: 0.05))
        let half = all.count / 2
        let gz = [try gzip(write("g1.jsonl", all[..<half])), try gzip(write("g2.jsonl", all[half...]))]
        // The next night: corrections of the same registrations (same seed, later) and new ones.
        let next = try generate("next.jsonl", seed: 8, invalid: 0.05, offset: 100_000)
        let allNew = try generate("all-new.jsonl", seed: 9, invalid: 0.05, profile: .allNew)
        let corrections = try generate("corrections.jsonl", seed: 10, invalid: 0.05, profile: .corrections)
        return [("generated", [plain], [next, plain]), ("all-new", [allNew], [next]), ("corrections", [corrections], [next]),
                ("backwards", [backwards], [next]), ("gzip", gz, [next] + gz)]
    }

    /// Everything a load leaves: the tables but the batch table's times, the rejects file, the summary.
    static func outcome(_ w: TestWarehouse, _ summaries: [LoadSummary]) throws -> [String] {
        // The data tables (not the batch table's times, not the migrator's records of when).
        let tables = try WarehouseState.exact(w.conn).split(separator: "\n")
            .filter { ($0.hasPrefix("dim_") || $0.hasPrefix("fact_") || $0.hasPrefix("hist_")) && !$0.hasPrefix("dim_batch ") }
            .map(String.init)
        // The rejects files, but the instant each load started, which the rule `future`'s message names.
        let rejects = try summaries.map {
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: $0.rejectsFile ?? "")), as: UTF8.self)
                .replacingOccurrences(of: #"this load started \([^)]*\)"#, with: "this load started (…)", options: .regularExpression)
        }
        let counts = summaries.map {
            "\($0.read) \($0.accepted) \($0.rejected) \($0.rejectedByRule.sorted { $0.key < $1.key }) \($0.new) \($0.changed) \($0.withdrawn) \($0.directLines)"
        }
        return tables + (try WarehouseState.batches(w.conn)) + rejects + counts
    }

    @Test func theResultIsTheSameForOneTwoAndFourThreads() throws {
        let files = try TestWarehouse()
        for shape in try Self.shapes(in: files) {
            var outcomes: [Int: [String]] = [:]
            for threads in [1, 2, 4] {
                let w = try TestWarehouse()
                let rejects = { (n: Int) in w.dir + "/rejects-\(n).jsonl" }
                let first = try w.load(shape.first) { $0.threads = threads; $0.rejectsPath = rejects(1) }
                let next = try w.load(shape.next) { $0.threads = threads; $0.rejectsPath = rejects(2) }
                #expect(first.read > 5_000 && first.rejected > 100 && next.changed + next.withdrawn > 0, "\(shape.name)")
                outcomes[threads] = try Self.outcome(w, [first, next])
            }
            for n in [2, 4] {
                // Which parts differ, not the (long) parts themselves.
                let differ = zip(outcomes[1] ?? [], outcomes[n] ?? []).enumerated().filter { $0.element.0 != $0.element.1 }
                    .map { $0.element.0.prefix(60) }
                #expect(outcomes[n]?.count == outcomes[1]?.count && differ.isEmpty, "\(shape.name), \(n) threads: \(differ)")
            }
        }
    }
}
