import Foundation
import Testing
@testable import SamtalerWarehouse

/// The first load's Bloom filter (Load/KeyFilter.swift): never "not seen" for a key it was
/// given, few false positives at the size it picks for the files of a run.
@Suite struct KeyFilterTests {
    /// Random keys, as the HMACs of the natural keys are.
    static func keys(_ n: Int, seed: UInt64) -> [RegistreringKey] {
        var g = seed
        func next() -> UInt8 {
            g = g &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: g >> 56)
        }
        return (0..<n).map { _ in RegistreringKey((0..<16).map { _ in next() }) }
    }

    @Test func aKeyGivenIsNeverNotSeenAndAtTwelveBitsAKeyFewOthersArePerhapsSeen() {
        var filter = KeyFilter(log2Bits: 20)
        let given = Self.keys((1 << 20) / 12, seed: 1)
        // The keys are distinct, so every "perhaps" while adding them is a false positive.
        let perhaps = given.map { filter.insert($0) }
        #expect(given.allSatisfy { filter.insert($0) })
        // 7 probes at 12 bits a key: about 0.3 % once full (the last keys added), less before.
        let late = perhaps.suffix(10_000).filter { $0 }.count
        #expect(Double(late) / 10_000 < 0.005, "\(late) of the last 10,000")
        #expect(perhaps.filter { $0 }.count < given.count / 300)
    }

    /// The size follows the files: 16 MiB up to about ten million lines, 256 MiB at the most,
    /// a gzip file counted as six times its size. Sparse files: no disk is used.
    @Test(arguments: [
        ([("feed.jsonl", 100_000_000)], 27),                         // 333,333 lines
        ([("feed.jsonl", 3_850_000_000)], 28),                       // the 10M bench feed
        ([("a.jsonl", 2_000_000_000), ("b.jsonl", 2_000_000_000)], 28),
        ([("feed.jsonl.gz", 6_900_000_000)], 31),                    // the 100M bench feed, gzip -1
        ([("feed.jsonl", 400_000_000_000)], 31),                     // no more than 256 MiB
        ([("missing.jsonl", -1)], 27),
    ])
    func theSizeFollowsTheFiles(files: [(String, Int)], log2Bits: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keyfilter-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var paths: [String] = []
        for (name, size) in files {
            let path = dir + "/" + name
            paths.append(path)
            guard size >= 0 else { continue }
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try h.truncate(atOffset: UInt64(size))
            try h.close()
        }
        #expect(KeyFilter.log2Bits(forFiles: paths) == log2Bits)
    }
}
