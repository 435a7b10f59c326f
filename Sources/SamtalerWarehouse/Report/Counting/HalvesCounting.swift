import Foundation
import PostgresClient
import SamtalerFeed

/// A large period read in two halves at once, on two connections that see the same snapshot:
/// the server's part of reading a period (most of a report's time) then runs on two cores.
/// volumes counts the halves' rows together (`DistinctRollup.absorb`: a person may be in both
/// halves), forms adds up their counts. PostgreSQL 15 runs no aggregate under ROLLUP in
/// parallel; this does the reading in parallel instead.
struct HalvesCounting: Counting {
    let conn: PGConnection
    /// The second connection, in this report's snapshot (`Reports.secondConnection`); its
    /// read-only transaction ends after the halves are read.
    let other: PGConnection
    /// The two halves of the report's filter (`Reports.halves`).
    let halves: (first: ReportFilter, second: ReportFilter)
    /// The planner's estimate of each half's rows, to reserve room for them.
    let expectedRows: Int

    func rollup(_ query: GroupedQuery) throws -> [RollupRow] {
        let both = try bothHalves(conn, other, halves) { try query.readRollup($0, $1, expected: expectedRows) }
        var rollup = both.first
        rollup.absorb(both.second)
        return try query.rows(of: &rollup, conn)
    }

    /// The conversations per finest group (period, breakdowns, form) counted on the
    /// two connections at once, then added up and rolled up in SQL over those few hundred groups,
    /// labelled and ordered by the same outer query: counts add up, so the halves give the same
    /// report (tested).
    func forms(_ query: GroupedQuery) throws -> PGResult {
        let keys = query.groups.map(\.key) + ["f.samtaleform_key"]
        func fine(_ filter: ReportFilter) -> String {
            "SELECT \(keys.joined(separator: ", ")), count(*) FROM \(query.fact) \(query.joins.joined(separator: " ")) "
                + "WHERE \(filter.sql) GROUP BY \(keys.joined(separator: ", "))"
        }
        let (first, second) = try bothHalves(conn, other, halves) { try $0.execute(fine($1)) }
        var counts: [[String?]: Int] = [:]
        for res in [first, second] {
            for i in 0..<res.rowCount {
                counts[(0..<keys.count).map { res.value(i, $0) }, default: 0] += res.int(i, keys.count) ?? 0
            }
        }
        return try query.formsRolledUp(counts, conn)
    }
}

// Making the halves: part of the choice (`Reports.volumesCounting`, `Reports.formsCounting`).
extension Reports {
    /// The filter's conversations as two filters of about equal size. When PostgreSQL reads
    /// them by scanning the whole table (`plan`; a long period), the halves are the table's first
    /// and second half of blocks, so each connection scans one; when it reads an index range (a
    /// shorter period), and always as of a batch (the facts and the kept versions are two
    /// tables), they are the days up to and after the day halfway between the filter's first and
    /// last conversation (the facts lie in date order, so each half is a range of adjacent
    /// blocks). nil without a helper connection, below `splitRows`, or when there is nothing to
    /// split.
    func halves(_ filter: ReportFilter, _ plan: PlanEstimate) throws -> (first: ReportFilter, second: ReportFilter)? {
        guard options.helper != nil, let rows = plan.rows, rows >= options.splitRows else { return nil }
        if plan.scansTheTable && filter.asOf == nil {
            let blocks = try conn.scalar("SELECT pg_relation_size('samtaler.fact_samtale') / current_setting('block_size')::bigint") ?? ""
            guard let n = Int(blocks), n >= 2 else { return nil }
            return filter.split(atBlock: n / 2)
        }
        guard let (first, last) = try days(filter) else { return nil }
        let mid = CivilDate(daysSinceEpoch: (first.daysSinceEpoch + last.daysSinceEpoch) / 2)
        let parts = filter.cut(at: [mid.adding(days: 1)])
        return (parts[0], parts[1])
    }

    /// The first and last day of the filter's conversations; nil when they are fewer than two days.
    func days(_ filter: ReportFilter) throws -> (first: CivilDate, last: CivilDate)? {
        let range = try conn.execute("SELECT min(f.afholdt_dato_key), max(f.afholdt_dato_key) FROM \(filter.samtale) WHERE \(filter.sql)")
        guard let first = range.int(0, 0).flatMap(CivilDate.init(key:)), let last = range.int(0, 1).flatMap(CivilDate.init(key:)),
              first < last else { return nil }
        return (first, last)
    }

    /// A second connection that reads this report's snapshot, for the second half of a period;
    /// nil without a helper or when it cannot connect (one connection then reads it all).
    func secondConnection() throws -> PGConnection? {
        guard let helper = options.helper, let other = try? helper() else { return nil }
        let snapshot = try conn.scalar("SELECT pg_export_snapshot()") ?? ""
        do {
            try other.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try other.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
            return other
        } catch {
            return nil
        }
    }
}

/// Runs `work` over both halves at once: the first on `conn` here, the second on `other` (from
/// `Reports.secondConnection`) on a thread of its own, whose read-only transaction ends after.
func bothHalves<T>(_ conn: PGConnection, _ other: PGConnection, _ split: (first: ReportFilter, second: ReportFilter),
                   _ work: @escaping (PGConnection, ReportFilter) throws -> T) throws -> (first: T, second: T) {
    let both = try atOnce(conn, other, split, work)
    _ = try? other.execute("COMMIT")
    return both
}

/// Runs `work` for both parts (filters, or halves of the kept copy) at once: the first on `conn`
/// here, the second on `other` on a thread of its own. On an error the other's work is waited for
/// before it is thrown.
func atOnce<P, T>(_ conn: PGConnection, _ other: PGConnection, _ split: (first: P, second: P),
                  _ work: @escaping (PGConnection, P) throws -> T) throws -> (first: T, second: T) {
    let reading = Concurrently(UncheckedBox(other)) { try work($0, split.second) }
    let first: T
    do {
        first = try work(conn, split.first)
    } catch {
        _ = try? reading.result()
        throw error
    }
    return (first, try reading.result())
}
