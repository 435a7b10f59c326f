import Foundation
import PostgresClient
import SamtalerFeed

/// A large period read in two halves at once, on two connections that see the same snapshot:
/// the server's part of reading a period (most of a report's time) then runs on two cores.
/// volumes counts the halves' rows together (`DistinctRollup.absorb`), forms adds up their counts.
extension Reports {
    /// The planner's first plan line for the period's current conversations, and its row estimate.
    func plan(_ p: Period?) throws -> (line: String, rows: Int?) {
        let line = try conn.scalar("EXPLAIN SELECT 1 FROM samtaler.fact_samtale f WHERE \(Self.current(p))") ?? ""
        return (line, GroupedQuery.estimatedRows(line))
    }

    /// The period's current conversations as two filters of about equal size. When PostgreSQL
    /// reads the period by scanning the whole table (`plan`; a long period), the halves are the
    /// table's first and second half of blocks, so each connection scans one; when it reads an
    /// index range (a shorter period), they are the days up to and after the day halfway between
    /// the period's first and last conversation (the facts lie in date order, so each half is a
    /// range of adjacent blocks). nil without a helper connection, below `splitRows`, or when
    /// there is nothing to split.
    func halves(_ p: Period?, _ plan: (line: String, rows: Int?)) throws -> (first: String, second: String)? {
        guard helper != nil, let rows = plan.rows, rows >= splitRows else { return nil }
        if plan.line.hasPrefix("Seq Scan") {
            let filter = Self.current(p)
            let blocks = try conn.scalar("SELECT pg_relation_size('samtaler.fact_samtale') / current_setting('block_size')::bigint") ?? ""
            guard let n = Int(blocks), n >= 2 else { return nil }
            return ("\(filter) AND f.ctid < '(\(n / 2),0)'", "\(filter) AND f.ctid >= '(\(n / 2),0)'")
        }
        guard let (first, last) = try days(p) else { return nil }
        let mid = CivilDate(daysSinceEpoch: (first.daysSinceEpoch + last.daysSinceEpoch) / 2)
        let parts = Self.current(p, cutAt: [mid.adding(days: 1)])
        return (parts[0], parts[1])
    }

    /// The first and last day of the period's current conversations; nil when they are fewer than two days.
    private func days(_ p: Period?) throws -> (first: CivilDate, last: CivilDate)? {
        let range = try conn.execute("SELECT min(f.afholdt_dato_key), max(f.afholdt_dato_key) FROM samtaler.fact_samtale f WHERE \(Self.current(p))")
        guard let first = range.int(0, 0).flatMap(CivilDate.init(key:)), let last = range.int(0, 1).flatMap(CivilDate.init(key:)),
              first < last else { return nil }
        return (first, last)
    }

    /// The period's current conversations as filters of consecutive days, a new one starting at
    /// each of `cuts` (rising, inside the period); the first and last reach the period's bounds.
    static func current(_ p: Period?, cutAt cuts: [CivilDate]) -> [String] {
        let b = bounds(p)
        return (0...cuts.count).map { i in
            current(from: i == 0 ? b[0]! : String(cuts[i - 1].key),
                    to: i == cuts.count ? b[1]! : String(cuts[i].adding(days: -1).key))
        }
    }

    /// A period too large to count at once (`clientRowLimit`), in pieces of whole report periods
    /// (months, quarters or years: `per`) of about `chunkRows` conversations each, in date order,
    /// as filters. The pieces cut the days from the period's first to its last conversation into
    /// equal parts at the nearest period starts, so a piece holds about its share of the rows
    /// when they are spread evenly over time; nil when that gives fewer than two pieces or a
    /// piece whose share is over `clientRowLimit` (SQL then counts it all).
    func pieces(_ p: Period?, per: Granularity, rows: Int) throws -> [String]? {
        let wanted = (rows + chunkRows - 1) / max(chunkRows, 1)
        guard wanted >= 2 else { return nil }
        guard let (first, last) = try days(p) else { return nil }
        // The starts of the report's periods after the one of the first conversation, up to the last.
        let months = per == .month ? 1 : per == .quarter ? 3 : 12
        var starts: [CivilDate] = []
        var y = first.year, m = (first.month - 1) / months * months + 1
        while true {
            m += months
            if m > 12 { m -= 12; y += 1 }
            guard let start = CivilDate(year: y, month: m, day: 1), start <= last else { break }
            starts.append(start)
        }
        let from = first.daysSinceEpoch, span = last.daysSinceEpoch - from + 1
        var cuts: [CivilDate] = []
        for i in 1..<wanted {
            let target = from + span * i / wanted
            // The targets rise, so do their nearest starts: a repeated one is left out.
            if let start = starts.min(by: { abs($0.daysSinceEpoch - target) < abs($1.daysSinceEpoch - target) }),
               cuts.last != start {
                cuts.append(start)
            }
        }
        guard !cuts.isEmpty else { return nil }
        let edges = [first] + cuts + [last.adding(days: 1)]
        for (a, b) in zip(edges, edges.dropFirst()) where (b.daysSinceEpoch - a.daysSinceEpoch) * rows / span > clientRowLimit {
            return nil
        }
        return Self.current(p, cutAt: cuts)
    }

    /// A second connection that reads this report's snapshot, for the second half of a period;
    /// nil without a helper or when it cannot connect (one connection then reads it all).
    func secondConnection() throws -> PGConnection? {
        guard let helper, let other = try? helper() else { return nil }
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
func bothHalves<T>(_ conn: PGConnection, _ other: PGConnection, _ split: (first: String, second: String),
                   _ work: @escaping (PGConnection, String) throws -> T) throws -> (first: T, second: T) {
    let both = try atOnce(conn, other, split, work)
    _ = try? other.execute("COMMIT")
    return both
}

/// Runs `work` for both filters at once: the first on `conn` here, the second on `other` on a
/// thread of its own. On an error the other's work is waited for before it is thrown.
func atOnce<T>(_ conn: PGConnection, _ other: PGConnection, _ split: (first: String, second: String),
               _ work: @escaping (PGConnection, String) throws -> T) throws -> (first: T, second: T) {
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

/// Runs one piece of work on its own thread (with its own connection) while the caller does
/// another; `result()` waits for it.
final class Concurrently<T>: @unchecked Sendable {
    private let done = NSCondition()
    private var outcome: Result<UncheckedBox<T>, Error>?

    init(_ conn: UncheckedBox<PGConnection>, _ work: @escaping (PGConnection) throws -> T) {
        let box = UncheckedBox(work)
        let thread = Thread { [self] in
            let result = Result { UncheckedBox(try box.value(conn.value)) }
            done.lock()
            outcome = result
            done.signal()
            done.unlock()
        }
        thread.start()
    }

    /// Waits for the work; its value or its error.
    func result() throws -> T {
        done.lock()
        while outcome == nil { done.wait() }
        let result = outcome!
        done.unlock()
        return try result.get().value
    }
}
