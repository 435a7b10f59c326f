/// Writes rows of PostgreSQL's COPY text format into `out`: a tab between fields, `\N` for NULL,
/// backslash escapes for backslash, tab, newline and carriage return, a newline after each row.
///
/// The loader's hot path: every method is inlinable, so a caller's generic encoder is
/// specialized and inlined across the module boundary as it was within one module.
public struct PGTextRowWriter: PGRowWriter, Sendable {
    /// The rows written so far (and whatever the buffer held before).
    public var out: [UInt8]
    @usableFromInline var first = true

    /// Appends to `out` (take it back from `out` when done).
    @inlinable public init(out: [UInt8]) { self.out = out }

    @inlinable mutating func sep() {
        if first { first = false } else { out.append(9) }
    }

    @inlinable public mutating func null() { sep(); out.append(92); out.append(78) }

    /// An integer column of any width, in decimal (nil: NULL).
    @inlinable public mutating func int(_ v: Int?) {
        guard let v else { null(); return }
        sep()
        appendDecimal(v)
    }

    @inlinable public mutating func int16(_ v: Int?) { int(v) }
    @inlinable public mutating func int32(_ v: Int?) { int(v) }
    @inlinable public mutating func int64(_ v: Int?) { int(v) }

    @inlinable mutating func appendDecimal(_ v: Int) {
        if v < 0 { out.append(45) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(48 + m % 10); m /= 10; n += 1 } while m > 0
            while n > 0 { n -= 1; out.append(d[n]) }
        }
    }

    @inlinable public mutating func bool(_ v: Bool?) {
        guard let v else { null(); return }
        sep()
        out.append(v ? 116 : 102)
    }

    /// Text, escaped as the format requires (backslash, tab, newline, carriage return).
    @inlinable public mutating func text(_ v: String?) {
        guard let v else { null(); return }
        sep()
        for b in v.utf8 {
            switch b {
            case 92: out.append(92); out.append(92)
            case 9: out.append(92); out.append(116)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            default: out.append(b)
            }
        }
    }

    /// An instant as `YYYY-MM-DD HH:MM:SS.ffffff+00`, written digit by digit.
    @inlinable public mutating func timestamp(unixMicroseconds t: Int64) {
        sep()
        let secs = t >= 0 ? t / 1_000_000 : (t - 999_999) / 1_000_000
        let micros = Int(t - secs * 1_000_000)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let d = Self.civil(daysSinceEpoch: Int(days))
        digits(d.year, 4); out.append(45); digits(d.month, 2); out.append(45); digits(d.day, 2)
        out.append(32)
        digits(rem / 3600, 2); out.append(58); digits(rem / 60 % 60, 2); out.append(58); digits(rem % 60, 2)
        out.append(46); digits(micros, 6)
        out.append(43); out.append(48); out.append(48)
    }

    /// The calendar date `days` days after 1970-01-01: Howard Hinnant's civil_from_days, as
    /// SamtalerFeed's `CivilDate(daysSinceEpoch:)` (this module depends on no other).
    @inlinable static func civil(daysSinceEpoch z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `v` as exactly `width` decimal digits (0 <= v < 10^width).
    @inlinable mutating func digits(_ v: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = v
        while divisor > 0 { out.append(UInt8(48 + v / divisor % 10)); v %= divisor; divisor /= 10 }
    }

    /// A uuid in its usual hex form, from its 16 bytes.
    @inlinable public mutating func uuid(_ b: [UInt8]) {
        sep()
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { h in
            for (i, x) in b.prefix(16).enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(45) }
                out.append(h[Int(x >> 4)]); out.append(h[Int(x & 15)])
            }
        }
    }

    /// An integer array column (`{1,2,3}`), never NULL.
    @inlinable public mutating func intArray(_ v: [Int]) {
        sep()
        out.append(123)
        for (i, x) in v.enumerated() {
            if i > 0 { out.append(44) }
            appendDecimal(x)
        }
        out.append(125)
    }

    @inlinable public mutating func end() { out.append(10); first = true }
}
