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
        let filter = KeyFilter(log2Bits: 20)
        let given = Self.keys((1 << 20) / 12, seed: 1)
        // The keys are distinct, so every "perhaps" while adding them is a false positive.
        let perhaps = given.map { filter.insert($0) }
        #expect(given.allSatisfy { filter.insert($0) })
        // 7 probes at 12 bits a key: about 0.4 % once full (the last keys added: 32 of 10,000 here),
        // less before (a blocked filter; a classic one has about 0.3 %).
        let late = perhaps.suffix(10_000).filter { $0 }.count
        #expect(Double(late) / 10_000 < 0.005, "\(late) of the last 10,000")
        #expect(perhaps.filter { $0 }.count < given.count / 300)
    }

    /// Past the 64 MiB the load's memory allows, the probes follow the bits a key: at 5.4 bits a key
    /// (64 MiB for a hundred million keys) 4 probes give about 8 % false positives once full (6.9 %
    /// here), 7 would give about 11 % (10.5 %).
    @Test func atFewBitsAKeyTheProbesFollowThem() {
        let keys = Self.keys(Int(Double(1 << 20) / 5.37), seed: 2)
        let probes = KeyFilter.probes(log2Bits: 20, lines: Double(keys.count))
        #expect(probes == 4)
        func lateFalsePositives(_ probes: Int) -> Double {
            let filter = KeyFilter(log2Bits: 20, probes: probes)
            let perhaps = keys.map { filter.insert($0) }
            return Double(perhaps.suffix(10_000).filter { $0 }.count) / 10_000
        }
        let adapted = lateFalsePositives(probes), seven = lateFalsePositives(7)
        #expect(adapted < 0.1 && adapted < seven, "4 probes: \(adapted), 7 probes: \(seven)")
    }

    /// The size follows the files: 16 MiB up to about ten million lines, 64 MiB at the most (the
    /// load's memory), a gzip file counted as six times its size; 7 probes while a line has 12
    /// bits, fewer past that. Sparse files: no disk is used.
    @Test(arguments: [
        ([("feed.jsonl", 100_000_000)], 27, 7),                      // 333,333 lines
        ([("feed.jsonl", 3_850_000_000)], 28, 7),                    // the 10M bench feed
        ([("a.jsonl", 2_000_000_000), ("b.jsonl", 2_000_000_000)], 28, 7),
        ([("feed.jsonl.gz", 6_900_000_000)], 29, 3),                 // the 100M bench feed, gzip -1 (counted as 138M lines)
        ([("feed.jsonl", 400_000_000_000)], 29, 1),                  // no more than 64 MiB
        ([("missing.jsonl", -1)], 27, 7),
    ])
    func theSizeFollowsTheFiles(files: [(String, Int)], log2Bits: Int, probes: Int) throws {
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
        let lines = KeyFilter.lines(forFiles: paths)
        #expect(KeyFilter.log2Bits(forLines: lines) == log2Bits)
        #expect(KeyFilter.probes(log2Bits: log2Bits, lines: lines) == probes)
    }

    /// The first load's window beside the filter: 65,536 waiting rows beside 16 and 32 MiB,
    /// 32,768 beside the largest filter (64 MiB), so that the load stays under 150 MB.
    @Test(arguments: [(27, 65_536), (28, 65_536), (29, 32_768)])
    func theWindowMakesRoomForTheLargestFilter(log2Bits: Int, window: Int) {
        let filter = KeyFilter(log2Bits: log2Bits)
        #expect(filter.bytes == 1 << (log2Bits - 3))
        #expect(FirstLoad.window(beside: filter) == window)
    }
}
