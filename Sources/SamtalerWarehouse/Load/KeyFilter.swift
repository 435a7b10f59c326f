import Foundation

/// A Bloom filter of 16-byte keys: "certainly not seen before" or "perhaps seen".
///
/// The first load uses it to send every line whose registration the run has certainly not met
/// before straight into the facts (docs/performance.md, "The first load"). It never answers
/// "not seen" for a key it was given, so no registration reaches the facts twice; a false
/// "perhaps" only sends a line the ordinary way, through staging. The keys are already keyed
/// hashes (HMAC-SHA256), so their bytes serve as the filter's hash functions.
struct KeyFilter {
    private var words: [UInt64]
    private let mask: UInt64
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

    /// A filter of 2^`log2Bits` bits probed `probes` times a key (2^27 bits = 16 MiB and 7 probes
    /// keep false positives under 0.3 % up to ten million keys; more keys only send more lines
    /// through staging).
    init(log2Bits: Int = 27, probes: Int = 7) {
        let bits = 1 << max(log2Bits, 6)
        words = [UInt64](repeating: 0, count: bits / 64)
        mask = UInt64(bits - 1)
        self.probes = max(1, probes)
    }

    /// The filter's memory.
    var bytes: Int { words.count * 8 }

    /// Adds `key`; true when it was perhaps there already.
    mutating func insert(_ key: RegistreringKey) -> Bool {
        let h1 = key.a, h2 = key.b | 1
        var present = true
        words.withUnsafeMutableBufferPointer { w in
            var h = h1
            for _ in 0..<probes {
                let bit = h & mask
                let word = Int(bit >> 6), flag = UInt64(1) << (bit & 63)
                if w[word] & flag == 0 { present = false; w[word] |= flag }
                h &+= h2
            }
        }
        return present
    }
}

/// The first 16 bytes of a registration's natural key (an HMAC) as two integers: the Bloom
/// filter's hash functions and the first load's window index.
struct RegistreringKey: Equatable {
    let a: UInt64, b: UInt64

    init(_ k: [UInt8]) {
        precondition(k.count >= 16)
        var a: UInt64 = 0, b: UInt64 = 0
        for i in 0..<8 { a = a << 8 | UInt64(k[i]); b = b << 8 | UInt64(k[8 + i]) }
        self.a = a
        self.b = b
    }
}
