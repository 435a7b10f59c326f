import PostgresClient

/// Every figure in one SQL query (count(DISTINCT) under ROLLUP for volumes): the reference the
/// other strategies agree with, and what counts when they cannot.
struct SQLCounting: Counting {
    let conn: PGConnection
    let filter: ReportFilter

    func rollup(_ query: GroupedQuery) throws -> [RollupRow] {
        let n = query.groups.count
        let res = try conn.execute(query.sql, filter.parameters)
        return (0..<res.rowCount).map { i in
            RollupRow(labels: (0..<n).map { res.value(i, $0) }, conversations: res.int(i, n) ?? 0,
                      persons: res.int(i, n + 1) ?? 0, niveau: res.int(i, n + 2) ?? 0)
        }
    }

    func forms(_ query: GroupedQuery) throws -> PGResult {
        try conn.execute(query.sql, filter.parameters)
    }
}
