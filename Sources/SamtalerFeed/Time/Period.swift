/// A reporting period: a month `2025-03`, a quarter `2025Q1`, a year `2025`, or any date range.
/// Every date is a Danish (Europe/Copenhagen) calendar day, as in the feed contract.
public struct Period: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable { case month, quarter, year, range }

    public let kind: Kind
    /// The first day, inclusive.
    public let from: CivilDate
    /// The last day, inclusive.
    public let to: CivilDate
    /// The text the period was given as (`2025-03`, `2025Q1`, `2025`, or `FROM..TO`).
    public let text: String

    public enum Problem: Error, Sendable, CustomStringConvertible {
        case format(String)
        case order(String)
        public var description: String {
            switch self {
            case .format(let t): return "'\(t)' is not a period: use a month 2025-03, a quarter 2025Q1 or a year 2025"
            case .order(let t): return "the period \(t) ends before it starts"
            }
        }
    }

    /// Parses `YYYY-MM`, `YYYYQn` or `YYYY` (years 1900-2099, the date dimension's range).
    public static func parse(_ text: String) throws(Problem) -> Period {
        let b = Array(text.utf8)
        func year() -> Int? {
            guard b.count >= 4 else { return nil }
            var y = 0
            for c in b[0..<4] { guard c >= 48 && c <= 57 else { return nil }; y = y * 10 + Int(c - 48) }
            return (1900...2099).contains(y) ? y : nil
        }
        guard let y = year() else { throw .format(text) }
        if b.count == 4 {
            return Period(kind: .year, from: CivilDate(year: y, month: 1, day: 1)!, to: CivilDate(year: y, month: 12, day: 31)!, text: text)
        }
        if b.count == 6, b[4] == UInt8(ascii: "Q"), (49...52).contains(b[5]) {
            let q = Int(b[5] - 48)
            let m = (q - 1) * 3 + 1
            return Period(kind: .quarter, from: CivilDate(year: y, month: m, day: 1)!,
                          to: CivilDate(year: y, month: m + 2, day: CivilDate.daysIn(month: m + 2, year: y))!, text: text)
        }
        if b.count == 7, b[4] == UInt8(ascii: "-"), b[5] >= 48, b[5] <= 57, b[6] >= 48, b[6] <= 57 {
            let m = Int(b[5] - 48) * 10 + Int(b[6] - 48)
            guard (1...12).contains(m) else { throw .format(text) }
            return Period(kind: .month, from: CivilDate(year: y, month: m, day: 1)!,
                          to: CivilDate(year: y, month: m, day: CivilDate.daysIn(month: m, year: y))!, text: text)
        }
        throw .format(text)
    }

    /// A range of days, both inclusive.
    public static func range(from: CivilDate, to: CivilDate) throws(Problem) -> Period {
        guard from <= to else { throw .order("\(from)..\(to)") }
        return Period(kind: .range, from: from, to: to, text: "\(from)..\(to)")
    }

    public var description: String { text }
}
