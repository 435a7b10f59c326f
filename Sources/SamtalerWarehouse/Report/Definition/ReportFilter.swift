import SamtalerFeed

/// Which conversations a report counts, as typed values: the current ones (not withdrawn) held
/// from one day to another, both included, and, for one half of a whole-table read, only those
/// stored in one part of the fact table's blocks. The SQL condition is rendered from it in one
/// place (`ReportFilter+SQL.swift`); the counting strategies pass these values, never SQL text.
struct ReportFilter: Equatable, Sendable {
    /// The first and last day held, as date keys (YYYYMMDD).
    var from: Int
    var to: Int
    /// Only the rows stored in these blocks of the fact table; nil: wherever they are.
    var blocks: Blocks?

    /// A part of the fact table's blocks.
    enum Blocks: Equatable, Sendable {
        /// The blocks before block n.
        case before(Int)
        /// Block n and those after it.
        case from(Int)
    }

    /// The days of a request without a period: every day the warehouse can hold.
    static let earliest = 19000101
    static let latest = 20991231

    init(from: Int, to: Int, blocks: Blocks? = nil) {
        self.from = from
        self.to = to
        self.blocks = blocks
    }

    /// The current conversations held in the period; nil: every period.
    init(_ period: Period?) {
        self.init(from: period?.from.key ?? Self.earliest, to: period?.to.key ?? Self.latest)
    }

    /// This filter as filters of consecutive days, a new one starting at each of `cuts` (rising,
    /// inside it); the first and last keep its bounds.
    func cut(at cuts: [CivilDate]) -> [ReportFilter] {
        (0...cuts.count).map { i in
            ReportFilter(from: i == 0 ? from : cuts[i - 1].key,
                         to: i == cuts.count ? to : cuts[i].adding(days: -1).key, blocks: blocks)
        }
    }

    /// This filter's rows before block `n` of the fact table, and from it on.
    func split(atBlock n: Int) -> (first: ReportFilter, second: ReportFilter) {
        (ReportFilter(from: from, to: to, blocks: .before(n)), ReportFilter(from: from, to: to, blocks: .from(n)))
    }
}
