import Foundation

/// An instant from the feed: RFC 3339 with an offset, `YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM|-HH:MM)`.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The instant of a `Date`, to the microsecond (rounded down).
    public init(_ date: Date) {
        microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// The instant `seconds` later (earlier when negative).
    public func adding(seconds: Int64) -> Timestamp { Timestamp(microseconds: microseconds + seconds * 1_000_000) }

    public enum Problem: Error, Sendable, Equatable {
        /// Not of the form the contract allows.
        case format
        /// The form is right but a field is out of range (month 13, 30 February, hour 24, ...).
        case value
    }

    /// Parses the contract's timestamp form: uppercase `T` and `Z`, 1-6 fraction digits when present,
    /// an offset always, and real calendar and clock values (second 60 is not accepted).
    public static func parse(_ text: some StringProtocol) -> Result<Timestamp, Problem> {
        withUTF8Bytes(text) { parse(bytes: $0) }
    }

    /// `parse` of UTF-8 bytes.
    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Result<Timestamp, Problem> {
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == UInt8(ascii: "T"),
              b[13] == 0x3A, b[16] == 0x3A,
              let y = digits(b, 0, 4), let mo = digits(b, 5, 2), let d = digits(b, 8, 2),
              let h = digits(b, 11, 2), let mi = digits(b, 14, 2), let s = digits(b, 17, 2) else {
            return .failure(.format)
        }
        var i = 19
        var micros = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var n = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                guard n < 6 else { return .failure(.format) }
                micros = micros * 10 + Int(b[i] - 48)
                n += 1
                i += 1
            }
            guard n >= 1 else { return .failure(.format) }
            for _ in n..<6 { micros *= 10 }
        }
        guard i < b.count else { return .failure(.format) }
        var offsetMinutes = 0
        if b[i] == UInt8(ascii: "Z") {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            guard b.count - i == 6, b[i + 3] == 0x3A, let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2) else {
                return .failure(.format)
            }
            guard oh <= 23, om <= 59 else { return .failure(.value) }
            offsetMinutes = (oh * 60 + om) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return .failure(.format)
        }
        guard i == b.count else { return .failure(.format) }
        guard let date = CivilDate(year: y, month: mo, day: d), h <= 23, mi <= 59, s <= 59 else {
            return .failure(.value)
        }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offsetMinutes * 60)
        return .success(Timestamp(microseconds: seconds * 1_000_000 + Int64(micros)))
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// Seconds since the epoch, rounded down.
    public var seconds: Int64 { microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000 }

    /// The calendar day in Copenhagen (Europe/Copenhagen), as the contract takes every date.
    public var copenhagenDate: CivilDate {
        let local = seconds + Int64(CopenhagenTime.offsetSeconds(atUTC: seconds))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return CivilDate(daysSinceEpoch: Int(days))
    }

    /// The instant in UTC as PostgreSQL reads it: `YYYY-MM-DD HH:MM:SS.ffffff+00`.
    public var postgresText: String {
        let secs = seconds
        let micros = Int(microseconds - secs * 1_000_000)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let date = CivilDate(daysSinceEpoch: Int(days))
        return "\(date) \(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2)).\(pad(micros, 6))+00"
    }

    /// The instant in UTC in the feed's own form, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (the fraction
    /// only when there is one).
    public var rfc3339: String {
        let secs = seconds
        let micros = Int(microseconds - secs * 1_000_000)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let date = CivilDate(daysSinceEpoch: Int(days))
        return "\(date)T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))" + (micros == 0 ? "" : "." + pad(micros, 6)) + "Z"
    }
}

/// Copenhagen's offset from UTC. The EU rule (summer time from the last Sunday of March to the last
/// Sunday of October, switching at 01:00 UTC) is computed directly for 1996 and later, which is fast
/// and exact; earlier instants ask the system's time zone database.
public enum CopenhagenTime {
    public static func offsetSeconds(atUTC seconds: Int64) -> Int {
        // 1996-2099 (every date the feed may carry): look the instant up among the year's two
        // transitions, computed once; an odd number of transitions before it is summer time.
        if tableRange.contains(seconds) {
            var lo = 0, hi = transitions.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if transitions[mid] <= seconds { lo = mid + 1 } else { hi = mid }
            }
            return lo % 2 == 1 ? 7_200 : 3_600
        }
        return offsetByRule(atUTC: seconds)
    }

    /// The years of `transitions`, and the instants from the first of them to the end of the last.
    static let tableYears = 1996...2099
    static let tableRange = Int64(CivilDate(year: tableYears.lowerBound, month: 1, day: 1)!.daysSinceEpoch) * 86_400
        ..< Int64(CivilDate(year: tableYears.upperBound + 1, month: 1, day: 1)!.daysSinceEpoch) * 86_400

    /// The instants (UTC seconds) when summer time starts and ends, 1996-2099, in order.
    static let transitions: [Int64] = tableYears.flatMap { year in
        [Int64(lastSunday(month: 3, year: year).daysSinceEpoch) * 86_400 + 3_600,
         Int64(lastSunday(month: 10, year: year).daysSinceEpoch) * 86_400 + 3_600]
    }

    /// The EU rule since 1996 (summer time from 01:00 UTC on the last Sunday of March to 01:00
    /// UTC on the last Sunday of October), the system's zone data before.
    static func offsetByRule(atUTC seconds: Int64) -> Int {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let year = CivilDate(daysSinceEpoch: days).year
        guard year >= 1996 && year <= 9999 else { return legacyOffset(seconds) }
        let start = Int64(lastSunday(month: 3, year: year).daysSinceEpoch) * 86_400 + 3_600
        let end = Int64(lastSunday(month: 10, year: year).daysSinceEpoch) * 86_400 + 3_600
        return (seconds >= start && seconds < end) ? 7_200 : 3_600
    }

    static func lastSunday(month: Int, year: Int) -> CivilDate {
        let last = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))!
        return last.adding(days: -(last.isoWeekday % 7))
    }

    static func legacyOffset(_ seconds: Int64) -> Int {
        guard let zone = TimeZone(identifier: "Europe/Copenhagen") else { return 3_600 }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
