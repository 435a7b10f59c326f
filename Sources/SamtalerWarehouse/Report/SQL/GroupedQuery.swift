/// A column a report groups by. The facts are grouped on small integer keys (or short codes),
/// and only the few hundred groups are then joined to their dimensions for labels: sorting a
/// million rows on integers instead of Danish text made the volumes query 3.7x faster
/// (docs/performance.md). Every string here is fixed SQL, never user input.
struct Grouping {
    /// The expression the facts are grouped on, over `f` (the fact) and, when
    /// `usesIndberetter`, `i` (its indberetter).
    var key: String
    var usesIndberetter = false
    /// Whether the key is text (else an integer): the type of its column when groups counted in
    /// the client come back to SQL (DistinctRollup).
    var keyIsText = false
    /// A LEFT JOIN (without the words) that labels the group; KEY stands for the key column.
    var join: String?
    /// The label shown and the expression sorted by; KEY stands for the key column.
    var label: String
    var sort: String

    func on(_ column: String) -> (join: String?, label: String, sort: String) {
        (join.map { "LEFT JOIN " + $0.replacingOccurrences(of: "KEY", with: column) },
         label.replacingOccurrences(of: "KEY", with: column), sort.replacingOccurrences(of: "KEY", with: column))
    }
}

/// One grouped query over the facts: an inner aggregate on the groups' keys, an outer query
/// that labels the groups. The outer columns are g0…gN (the labels), then `carry`; inner
/// columns are k0…kN (the keys), then the aggregates, all visible to the outer query as x.*.
struct GroupedQuery {
    var groups: [Grouping]
    /// The fact table, with alias f: for conversations `ReportFilter.samtale` (the facts, or the
    /// state as of a batch), so a query and its filter read the same conversations.
    var fact: String
    /// Joins of the inner query besides the indberetter (added when a group needs it).
    var innerJoins: [String] = []
    /// The WHERE condition: the current conversations of the days given as $1 and $2, unless
    /// the query says otherwise.
    var filter = ReportFilter.parameterized
    /// Inner select items after the keys, given the keys' expressions.
    var aggregates: ([String]) -> [String]
    /// The GROUP BY clause's content, given the keys' expressions.
    var groupBy: ([String]) -> String
    /// Outer joins after the groups' own.
    var outerJoins: [String] = []
    /// Outer select items after the labels.
    var carry: [String]
    /// The ORDER BY items, given each group's sort expression and label alias.
    var orderBy: ([(sort: String, label: String)]) -> [String]

    /// The joins of the inner query: `innerJoins`, and the indberetter when a group needs it.
    var joins: [String] {
        innerJoins + (groups.contains(where: \.usesIndberetter)
            ? ["JOIN samtaler.dim_indberetter i ON i.indberetter_key = f.indberetter_key"] : [])
    }

    var sql: String {
        let keys = groups.map(\.key)
        let inner = groups.enumerated().map { "\($0.element.key) AS k\($0.offset)" } + aggregates(keys)
        return outerSQL(from: """
                SELECT \(inner.joined(separator: ", "))
                FROM \(fact)
                \(joins.joined(separator: "\n    "))
                WHERE \(filter)
                GROUP BY \(groupBy(keys))
            """)
    }

    /// The outer query over `source`, a query whose columns are k0…kN and the aggregates.
    func outerSQL(from source: String) -> String {
        let labelled = groups.enumerated().map { $0.element.on("x.k\($0.offset)") }
        return """
            SELECT \((labelled.enumerated().map { "\($0.element.label) AS g\($0.offset)" } + carry).joined(separator: ", "))
            FROM (\(source)) x
            \((labelled.compactMap(\.join) + outerJoins).joined(separator: "\n"))
            ORDER BY \(orderBy(labelled.enumerated().map { ($0.element.sort, "g\($0.offset)") }).joined(separator: ", "))
            """
    }

    /// The order of groups counted under ROLLUP of all of them (niveau: their GROUPING() bits),
    /// each in full: per column its ROLLUP bit (the subtotal after its groups), its sort, then its
    /// key where a dimension lacks the row (volumes, timeliness; what ClientCounting expects).
    static func rollupOrder(_ cols: [(sort: String, label: String)]) -> [String] {
        cols.enumerated().flatMap { i, c in ["(x.niveau >> \(cols.count - 1 - i)) & 1", c.sort, "x.k\(i)"] }
    }

    /// An array literal for a parameter: {a,b,NULL}; text elements quoted, as the array input
    /// syntax requires.
    static func arrayLiteral(_ values: [String?], quoted: Bool) -> String {
        "{" + values.map { v in
            guard let v else { return "NULL" }
            guard quoted else { return v }
            var out = "\""
            for ch in v {
                if ch == "\"" || ch == "\\" { out.append("\\") }
                out.append(ch)
            }
            return out + "\""
        }.joined(separator: ",") + "}"
    }
}
