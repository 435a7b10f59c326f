/// The surrogate keys of a dimension's codes, for the lookups of every line on the sending thread
/// (Dimensions, DimensionKeys.swift): open addressing over a table at most half full, hashed with
/// FNV-1a over the code's UTF-8 bytes. `Dictionary<String, Int>` hashes with a seeded SipHash;
/// its hashing was 4 % of a first load's samples for the six or so lookups of a line
/// (docs/performance.md, "The first load: every index after the COPYs, a blocked filter on huge
/// pages, absent keys passed").
struct CodeMap: Sendable {
    private var codes: [String?]
    private var values: [Int]
    private var mask: Int
    private(set) var count = 0

    init() {
        codes = [nil, nil]
        values = [0, 0]
        mask = 1
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private static func hash(_ code: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in code.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ h >> 29)
    }

    subscript(code: String) -> Int? {
        get {
            var i = Self.hash(code) & mask
            while let c = codes[i] {
                if c == code { return values[i] }
                i = (i &+ 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { preconditionFailure("a CodeMap only grows") }
            if 2 * (count + 1) > codes.count { grow() }
            var i = Self.hash(code) & mask
            while let c = codes[i] {
                if c == code { values[i] = newValue; return }
                i = (i &+ 1) & mask
            }
            codes[i] = code
            values[i] = newValue
            count += 1
        }
    }

    private mutating func grow() {
        let old = zip(codes, values).compactMap { c, v in c.map { ($0, v) } }
        codes = Array(repeating: nil, count: codes.count * 2)
        values = Array(repeating: 0, count: codes.count)
        mask = codes.count - 1
        count = 0
        for (c, v) in old { self[c] = v }
    }
}
