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
    static let probes = 7

    /// The size for a first load of these files: about 12 bits for each line they may hold, so
    /// false positives stay under about 0.3 % however large the backfill. A feed line is 300 bytes or
    /// more (the bench feed's average is 385), a gzip file holds about six times its size. At
    /// least 2^27 bits (16 MiB: the size for every feed up to about ten million lines), at most
    /// 2^31 (256 MiB, a hundred million lines or more). Memory of the load grows by the filter:
    /// 2^31 bits is the whole of what a national backfill adds (docs/performance.md).
    static func log2Bits(forFiles paths: [String]) -> Int {
        var lines = 0.0
        for path in paths {
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.doubleValue ?? 0
            lines += (path.hasSuffix(".gz") ? 6 * bytes : bytes) / 300
        }
        var n = 27
        while n < 31 && Double(1 << n) < 12 * lines { n += 1 }
        return n
    }

    /// A filter of 2^`log2Bits` bits (2^27 bits = 16 MiB keeps false positives under 0.3 % up
    /// to ten million keys; more keys only send more lines through staging).
    init(log2Bits: Int = 27) {
        let bits = 1 << max(log2Bits, 6)
        words = [UInt64](repeating: 0, count: bits / 64)
        mask = UInt64(bits - 1)
    }

    /// Adds `key`; true when it was perhaps there already.
    mutating func insert(_ key: RegistreringKey) -> Bool {
        let h1 = key.a, h2 = key.b | 1
        var present = true
        words.withUnsafeMutableBufferPointer { w in
            var h = h1
            for _ in 0..<Self.probes {
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
