import SamtalerFeed

/// Which conversations a report counts, as typed values: the current ones (not withdrawn) held
/// from one day to another, both included, now or as the warehouse stood right after a load batch
/// (`asOf`), and, for one half of a whole-table read, only those stored in one part of the fact
/// table's blocks. The SQL condition is rendered from it in one
/// place (`ReportFilter+SQL.swift`); the counting strategies pass these values, never SQL text.
struct ReportFilter: Equatable, Sendable {
    /// The first and last day held, as date keys (YYYYMMDD).
    var from: Int
    var to: Int
    /// Only the rows stored in these blocks of the fact table; nil: wherever they are.
    var blocks: Blocks?
    /// Counted as the warehouse stood right after this load batch (`--as-of-batch`, checked by
    /// `PublishedBatches.check`); nil: the current facts.
    var asOf: Int?

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

    init(from: Int, to: Int, blocks: Blocks? = nil, asOf: Int? = nil) {
        self.from = from
        self.to = to
        self.blocks = blocks
        self.asOf = asOf
    }

    /// The current conversations held in the period (nil: every period), now or as of batch `asOf`.
    init(_ period: Period?, asOf: Int? = nil) {
        self.init(from: period?.from.key ?? Self.earliest, to: period?.to.key ?? Self.latest, asOf: asOf)
    }

    /// The tables this filter's conversations are read from: the facts, or as of `asOf`.
    var facts: Facts { Facts(asOf: asOf) }

    /// This filter as filters of consecutive days, a new one starting at each of `cuts` (rising,
    /// inside it); the first and last keep its bounds.
    func cut(at cuts: [CivilDate]) -> [ReportFilter] {
        (0...cuts.count).map { i in
            ReportFilter(from: i == 0 ? from : cuts[i - 1].key,
                         to: i == cuts.count ? to : cuts[i].adding(days: -1).key, blocks: blocks, asOf: asOf)
        }
    }

    /// This filter's rows before block `n` of the fact table, and from it on. Only for the current
    /// facts: the state as of a batch is no one table whose blocks could be split.
    func split(atBlock n: Int) -> (first: ReportFilter, second: ReportFilter) {
        precondition(asOf == nil, "a state as of a batch is split by days, not by blocks")
        return (ReportFilter(from: from, to: to, blocks: .before(n)), ReportFilter(from: from, to: to, blocks: .from(n)))
    }
}
