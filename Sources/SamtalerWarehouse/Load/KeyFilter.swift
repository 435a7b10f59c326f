import Foundation

/// A Bloom filter of 16-byte keys: "certainly not seen before" or "perhaps seen".
///
/// The first load uses it to send every line whose registration the run has certainly not met
/// before straight into the facts (docs/performance.md, "The first load"). It never answers
/// "not seen" for a key it was given, so no registration reaches the facts twice; a false
/// "perhaps" only sends a line the ordinary way, through staging. The keys are already keyed
/// hashes (HMAC-SHA256), so their bytes serve as the filter's hash functions.
final class KeyFilter {
    /// The bits, aligned to a cache line (so that a block is one).
    private let words: UnsafeMutablePointer<UInt64>
    private let wordCount: Int
    /// The number of blocks of 512 bits, less one.
    private let blockMask: UInt64
    private let probes: Int

    /// The filter for a first load of these files: about 12 bits for each line they may hold, so
    /// false positives stay under about 0.3 % up to some 45 million lines; past that the load's
    /// memory comes first (at most 2^29 bits, 64 MiB: the load stays under 150 MB), the bits a
    /// line fall, the probes follow them (`probes`), and more lines go through staging (about 8 %
    /// of a hundred million). A feed line is 300 bytes or more (the bench feed's average is 385), a
    /// gzip file holds about six times its size. At least 2^27 bits (16 MiB).
    static func forFiles(_ paths: [String]) -> KeyFilter {
        let lines = lines(forFiles: paths)
        let n = log2Bits(forLines: lines)
        return KeyFilter(log2Bits: n, probes: probes(log2Bits: n, lines: lines))
    }

    /// The lines these files may hold.
    static func lines(forFiles paths: [String]) -> Double {
        var lines = 0.0
        for path in paths {
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.doubleValue ?? 0
            lines += (path.hasSuffix(".gz") ? 6 * bytes : bytes) / 300
        }
        return lines
    }

    /// 2^27 to 2^29 bits: 12 a line where that fits.
    static func log2Bits(forLines lines: Double) -> Int {
        var n = 27
        while n < 29 && Double(1 << n) < 12 * lines { n += 1 }
        return n
    }

    /// The number of probes with the fewest false positives at this many bits a line (bits a line
    /// times ln 2), from 1 to 7.
    static func probes(log2Bits: Int, lines: Double) -> Int {
        guard lines > 0 else { return 7 }
        return min(7, max(1, Int((Double(1 << log2Bits) / lines * 0.693).rounded())))
    }

    /// A filter of 2^`log2Bits` bits (at least one block, 2^9) probed `probes` times a key, 1 to 7
    /// (2^27 bits = 16 MiB and 7 probes keep false positives under 0.5 % up to ten million keys;
    /// more keys only send more lines through staging).
    init(log2Bits: Int = 27, probes: Int = 7) {
        let bits = 1 << max(log2Bits, 9)
        wordCount = bits / 64
        // On huge pages where the system gives them (madvise): a probe of 16-64 MiB in 4 KiB pages
        // misses the TLB as well as the cache.
        var raw: UnsafeMutableRawPointer?
        let alignment = bits / 8 >= 2 << 20 ? 2 << 20 : 64
        guard posix_memalign(&raw, alignment, bits / 8) == 0, let raw else { fatalError("no memory for the first load's filter") }
        _ = madvise(raw, bits / 8, MADV_HUGEPAGE)
        words = raw.bindMemory(to: UInt64.self, capacity: wordCount)
        words.initialize(repeating: 0, count: wordCount)
        blockMask = UInt64(bits / 512 - 1)
        self.probes = min(max(1, probes), 7)
    }

    deinit { free(words) }

    /// The filter's memory.
    var bytes: Int { wordCount * 8 }

    /// Adds `key`; true when it was perhaps there already.
    ///
    /// A blocked filter: a key's probes all fall in one block of 512 bits (a cache line), chosen by
    /// the key's first eight bytes; each probe is a bit of the block given by nine bits of the next
    /// eight. The first load asks once for every line, and in a filter of 16-64 MiB each probe of a
    /// classic filter is a read from memory, on 4 KiB pages a miss of the TLB too: the seven probes
    /// of a classic filter took 691 samples of a 1M-line load's 13,085 (`perf record`), one block
    /// on huge pages 206 (401 with the rest of `FirstLoad.add`). The price is a few false
    /// positives more at the same size (at 12 bits a key and 7 probes 0.41 % once full against
    /// 0.33 %; at 5.4 bits and 4 probes 7.8 % against 7.6 %: docs/performance.md, "The first load:
    /// every index after the COPYs, a blocked filter on huge pages, absent keys passed").
    func insert(_ key: RegistreringKey) -> Bool {
        let block = words + (Int(key.a & blockMask) << 3)
        var h = key.b
        var present = true
        for _ in 0..<probes {
            let word = block + Int(h >> 6 & 7), flag = UInt64(1) << (h & 63)
            if word.pointee & flag == 0 { present = false; word.pointee |= flag }
            h >>= 9
        }
        return present
    }
}

/// The first 16 bytes of a registration's natural key (an HMAC) as two integers: the Bloom
/// filter's hash functions, the first load's window index, and the `registrering_noegle` (a uuid)
/// of its direct rows.
struct RegistreringKey: Equatable, Sendable {
    let a: UInt64, b: UInt64

    init(_ k: [UInt8]) {
        precondition(k.count >= 16)
        var a: UInt64 = 0, b: UInt64 = 0
        for i in 0..<8 { a = a << 8 | UInt64(k[i]); b = b << 8 | UInt64(k[8 + i]) }
        self.a = a
        self.b = b
    }
}
