/// The one place a `ReportFilter` becomes SQL: a condition on the fact table `f`. Every value
/// written in is a number made here (dates as keys, block numbers), never user input.
extension ReportFilter {
    /// The condition with the days as parameters: $1 and $2 are `parameters`.
    static let parameterized = condition(from: "$1", to: "$2")

    /// The first and last day as the parameters of `parameterized` (also the date keys of the
    /// other reports' periods: registration days, visitation days).
    var parameters: [String?] { [String(from), String(to)] }

    /// The conversations' table with alias f: samtaler.fact_samtale, or as of the batch.
    var samtale: String { facts.samtale + " f" }

    /// The condition with its values written in, for COPY (which takes no parameters) and for
    /// the halves and pieces of a period.
    var sql: String {
        let days = Self.condition(from: String(from), to: String(to))
        switch blocks {
        case nil: return days
        case .before(let n)?: return "\(days) AND f.ctid < '(\(n),0)'"
        case .from(let n)?: return "\(days) AND f.ctid >= '(\(n),0)'"
        }
    }

    /// Current conversations (not withdrawn) held from one date key to another.
    private static func condition(from: String, to: String) -> String {
        "NOT f.annulleret AND f.afholdt_dato_key BETWEEN \(from) AND \(to)"
    }
}
