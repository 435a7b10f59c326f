import Foundation
import PostgresClient

/// How a report's groups are counted, apart from what the report is. The report gives a
/// `GroupedQuery` (its groups, labels, order) and a `ReportFilter` (which conversations); a
/// strategy counts them: all in SQL (`SQLCounting`, the reference), in the client from one read
/// (`ClientCounting`), in two halves on two connections (`HalvesCounting`), or in pieces of whole
/// periods (`PiecesCounting`). Every strategy gives the same rows (tested); which one counts is
/// chosen in one place (`Reports.volumesCounting`, `Reports.formsCounting`) with the knobs of
/// `CountingOptions`. A strategy is made for one filter.
protocol Counting {
    /// The connection the report runs on (its snapshot); labels and SQL counts are read here.
    var conn: PGConnection { get }

    /// volumes: the conversations, distinct persons and GROUPING() bits of every group under
    /// ROLLUP of all the query's groups, in the query's order.
    func rollup(_ query: GroupedQuery) throws -> [RollupRow]

    /// forms: the query's rows (labels, then its carry), conversations per group, STAR group
    /// and form under ROLLUP (STAR group, form).
    func forms(_ query: GroupedQuery) throws -> PGResult
}

/// The knobs of counting, in one place. The defaults are measured (docs/performance.md).
public struct CountingOptions {
    /// Every figure from SQL alone, none counted in the client (the tests compare both ways).
    public var sqlOnly = false
    /// The most rows (the planner's estimate) that volumes counts in the client at once; above
    /// it, in pieces, else in SQL (bounded memory: 24 bytes a row, ~100 MB at 4 million).
    public var clientRowLimit = 4_000_000
    /// Periods of at least this many rows (estimated) are read in two halves when a second
    /// connection can be opened.
    public var splitRows = 200_000
    /// Over `clientRowLimit`, volumes counts in pieces of whole periods of about this many rows.
    public var chunkRows = 500_000
    /// Opens a second connection to the same database, for reading a large period in two halves
    /// or two pieces at once; nil: one connection only.
    public var helper: (() throws -> PGConnection)?
    /// Volumes may count from the kept copy sorted by person (`KeptCounting`) when it is current
    /// and the period large enough; false: from the facts always (the tests compare both).
    public var keptCopy = true

    public init(sqlOnly: Bool = false, clientRowLimit: Int = 4_000_000, helper: (() throws -> PGConnection)? = nil,
                splitRows: Int = 200_000, chunkRows: Int = 500_000, keptCopy: Bool = true) {
        self.sqlOnly = sqlOnly
        self.clientRowLimit = clientRowLimit
        self.helper = helper
        self.splitRows = splitRows
        self.chunkRows = chunkRows
        self.keptCopy = keptCopy
    }
}

/// The planner's view of a filter's rows: the top node of `EXPLAIN (FORMAT JSON)`.
struct PlanEstimate: Equatable {
    /// The top node's type ("Seq Scan", "Index Scan", "Bitmap Heap Scan", ...).
    var nodeType: String
    /// Whether that node is one worker's part of a parallel plan.
    var parallel = false
    /// The estimated rows; nil when the plan gives none.
    var rows: Int?

    /// Whether PostgreSQL reads the rows by scanning the whole table (on one process).
    var scansTheTable: Bool { nodeType == "Seq Scan" && !parallel }

    /// The top node of a plan in EXPLAIN's JSON format; nil when the text is not one.
    init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let plans = object as? [Any], let first = plans.first as? [String: Any],
              let plan = first["Plan"] as? [String: Any], let type = plan["Node Type"] as? String else { return nil }
        nodeType = type
        parallel = plan["Parallel Aware"] as? Bool ?? false
        // EXPLAIN writes the estimate as a whole number ("%.0f").
        let estimate = plan["Plan Rows"]
        rows = estimate as? Int ?? (estimate as? NSNumber)?.intValue ?? (estimate as? Double).map { Int($0) }
    }

    init(nodeType: String, parallel: Bool = false, rows: Int?) {
        self.nodeType = nodeType
        self.parallel = parallel
        self.rows = rows
    }
}

// The choice among the strategies: the one place that decides how a report is counted.
extension Reports {
    /// How volumes counts `filter`'s conversations. In the client (2-3x faster than PostgreSQL
    /// 15's count(DISTINCT) per grouping set) when the query has at most four groups
    /// (`DistinctRollup.maxColumns`) and the planner expects rows: from the kept copy sorted by
    /// person when it can (`keptCounting`); else up to `clientRowLimit` in one read, in two halves
    /// at once from `splitRows` on when a second connection opens; over the limit in pieces of
    /// whole periods when they can be made. Otherwise, and with `sqlOnly`, SQL.
    func volumesCounting(_ query: GroupedQuery, _ filter: ReportFilter, per: Granularity) throws -> any Counting {
        let sql = SQLCounting(conn: conn, filter: filter)
        guard !options.sqlOnly, query.groups.count <= DistinctRollup.maxColumns else { return sql }
        if let kept = try keptCounting(query, filter) { return kept }
        let plan = try plan(filter)
        guard let rows = plan.rows else { return sql }
        if rows > options.clientRowLimit {
            // Too many rows to hold at once: piece by piece, each piece whole periods.
            guard let pieces = try pieces(filter, per: per, rows: rows) else { return sql }
            return PiecesCounting(conn: conn, second: try secondConnection(), filter: filter, pieces: pieces, expectedRows: rows / pieces.count)
        }
        if let split = try halves(filter, plan), let other = try secondConnection() {
            return HalvesCounting(conn: conn, other: other, halves: split, expectedRows: rows / 2)
        }
        return ClientCounting(conn: conn, filter: filter, expectedRows: rows)
    }

    /// How forms counts `filter`'s conversations: from the kept copy when it can give the query's
    /// groups and the samtaleform (at most `DistinctRollup.maxColumns` together); in two halves
    /// at once when the period is large (`splitRows`) and a second connection opens (counts add
    /// up); otherwise, and with `sqlOnly`, in one SQL query.
    func formsCounting(_ query: GroupedQuery, _ filter: ReportFilter) throws -> any Counting {
        guard !options.sqlOnly else { return SQLCounting(conn: conn, filter: filter) }
        if let kept = try keptCounting(query.withForm, filter) { return kept }
        guard options.helper != nil, let split = try halves(filter, plan(filter)),
              let other = try secondConnection() else { return SQLCounting(conn: conn, filter: filter) }
        return HalvesCounting(conn: conn, other: other, halves: split, expectedRows: 0)
    }

    /// The planner's estimate for `filter`'s rows (as of a batch: the estimate of the facts and
    /// the kept versions together, whose top node is no one table's scan).
    func plan(_ filter: ReportFilter) throws -> PlanEstimate {
        let json = try conn.scalar("EXPLAIN (FORMAT JSON) SELECT 1 FROM \(filter.samtale) WHERE \(filter.sql)") ?? ""
        return PlanEstimate(json: json) ?? PlanEstimate(nodeType: "", rows: nil)
    }
}

extension GroupedQuery {
    /// forms' rows from the conversations per finest group (the groups' keys as SQL text, then the
    /// form's key; each group once): each form put in its STAR group and rolled up in SQL over
    /// those few hundred groups, labelled and ordered by the query's outer query: the rows SQL
    /// alone gives (a form the dimension lacks is in no row, as in SQL's inner join).
    func formsRolledUp(_ counts: [[String?]: Int], _ conn: PGConnection) throws -> PGResult {
        let n = groups.count
        var params: [String?] = []
        var columns: [String] = []
        for c in 0..<(n + 1) {
            let text = c < n && groups[c].keyIsText
            params.append(GroupedQuery.arrayLiteral(counts.keys.map { $0[c] }, quoted: text))
            columns.append("$\(c + 1)::\(text ? "text" : "bigint")[]")
        }
        params.append(GroupedQuery.arrayLiteral(counts.values.map { String($0) }, quoted: false))
        columns.append("$\(n + 2)::bigint[]")
        let k = (0..<n).map { "u.k\($0)" }
        let rolled = """
            SELECT \((k + ["fs.star_gruppe_orden AS star", "u.form", "sum(u.n)::bigint AS samtaler",
                          "GROUPING(fs.star_gruppe_orden, u.form) AS niveau"]).joined(separator: ", "))
            FROM unnest(\(columns.joined(separator: ", "))) AS u(\(((0..<n).map { "k\($0)" } + ["form", "n"]).joined(separator: ", ")))
            JOIN samtaler.dim_samtaleform fs ON fs.samtaleform_key = u.form
            GROUP BY \((k.isEmpty ? "" : k.joined(separator: ", ") + ", ") + "ROLLUP (fs.star_gruppe_orden, u.form)")
            """
        return try conn.execute(outerSQL(from: rolled), params)
    }
}
