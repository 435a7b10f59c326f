import PostgresClient

/// One row of a count under ROLLUP: its groups' labels (nil where rolled up, or a NULL label),
/// conversations, distinct persons and GROUPING()'s bits.
struct RollupRow {
    var labels: [String?]
    var conversations: Int
    var persons: Int
    var niveau: Int
}

/// The period's rows read once on one connection (a binary COPY of the groups' keys and the
/// pseudonym) and counted in the client by DistinctRollup: 2-3x faster than PostgreSQL 15's
/// count(DISTINCT) per grouping set. The rows are held while they are counted (24 bytes each):
/// the choice (`Reports.volumesCounting`) takes this only up to `CountingOptions.clientRowLimit`
/// rows and at most `DistinctRollup.maxColumns` groups.
struct ClientCounting: Counting {
    let conn: PGConnection
    let filter: ReportFilter
    /// The planner's estimate of the rows, to reserve room for them.
    let expectedRows: Int

    func rollup(_ query: GroupedQuery) throws -> [RollupRow] {
        var rollup = try query.readRollup(conn, filter, expected: expectedRows)
        return try query.rows(of: &rollup, conn)
    }

    /// forms has no client counting (it counts no distinct persons): SQL counts it.
    func forms(_ query: GroupedQuery) throws -> PGResult {
        try SQLCounting(conn: conn, filter: filter).forms(query)
    }
}

extension GroupedQuery {
    // The groups' conversations, distinct persons and GROUPING() bits under ROLLUP of all
    // groups are counted by DistinctRollup, in the order of this query's ORDER BY, which must
    // be, per column, its ROLLUP bit, its sort expression, then its key (the volumes report's):
    // each column's few distinct keys are labelled and ranked by that sort in SQL, with the same
    // expressions and the database's collation, and the rows are put in order here by those
    // ranks. (Sending the thousands of groups back through an outer query cost 0.2 s of a 1 s
    // report.)

    /// The rows of the groups' key columns and the pseudonym that `filter` selects, read with
    /// COPY (binary) into a DistinctRollup.
    func readRollup(_ conn: PGConnection, _ filter: ReportFilter, expected: Int) throws -> DistinctRollup {
        let sql = "SELECT \((groups.map(\.key) + ["f.person_pseudonym"]).joined(separator: ", ")) "
            + "FROM \(fact) \(joins.joined(separator: " ")) WHERE \(filter.sql)"
        var rollup = DistinctRollup(textColumns: groups.map(\.keyIsText), expectedRows: expected + expected / 8)
        var failure: WarehouseError?
        try conn.copyOut("COPY (\(sql)) TO STDOUT (FORMAT binary)") { message in
            if failure == nil { do throws(WarehouseError) { try rollup.add(binaryMessage: message) } catch { failure = error } }
        }
        if let failure { throw failure }
        return rollup
    }

    /// The counted groups of `rollup`, labelled and in this query's order.
    func rows(of rollup: inout DistinctRollup, _ conn: PGConnection) throws -> [RollupRow] {
        let counted = rollup.groups()
        return try rows(of: counted, columns: rollup.columns, conn)
    }

    /// Groups counted in the client (`counted`, their keys as codes of `columns`), labelled and
    /// in this query's order.
    func rows(of counted: [DistinctRollup.Group], columns: [DistinctRollup.Column], _ conn: PGConnection) throws -> [RollupRow] {
        // Per column, per code: the label and the rank of (sort, key) among the column's keys.
        var labels: [[String?]] = []
        var ranks: [[Int]] = []
        for (c, group) in groups.enumerated() {
            let values = columns[c].values
            let on = group.on("x.k")
            let res = try conn.execute("""
                SELECT x.n, \(on.label), rank() OVER (ORDER BY \(on.sort), x.k)
                FROM unnest($1::\(group.keyIsText ? "text" : "bigint")[]) WITH ORDINALITY AS x(k, n)
                \(on.join ?? "")
                """, [Self.arrayLiteral(values, quoted: group.keyIsText)])
            var label = [String?](repeating: nil, count: values.count)
            var rank = [Int](repeating: 0, count: values.count)
            for i in 0..<res.rowCount {
                guard let n = res.int(i, 0), n >= 1, n <= values.count, let r = res.int(i, 2) else {
                    throw WarehouseError.internal("report: a key's label came back without its place")
                }
                label[n - 1] = res.value(i, 1)
                rank[n - 1] = r
            }
            labels.append(label)
            ranks.append(rank)
        }
        // Per column: rolled up after every key (its ROLLUP bit), then by the key's rank; the
        // groups' places side by side in one array (an array per group cost as much as the sort).
        let n = groups.count
        var order = [Int](repeating: Int.max, count: counted.count * n)
        for (k, g) in counted.enumerated() {
            for (c, code) in g.keys.enumerated() where c < n { if let code { order[k * n + c] = ranks[c][Int(code)] } }
        }
        let sorted = order.withUnsafeBufferPointer { order in
            counted.indices.sorted { a, b in
                for c in 0..<n where order[a * n + c] != order[b * n + c] { return order[a * n + c] < order[b * n + c] }
                return false
            }
        }
        return sorted.map { k in
            let g = counted[k]
            return RollupRow(labels: g.keys.enumerated().map { c, code in code.flatMap { labels[c][Int($0)] } },
                             conversations: g.conversations, persons: g.persons, niveau: g.niveau)
        }
    }

}
