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
        let filter = Self.current(p)
        if plan.line.hasPrefix("Seq Scan") {
            let blocks = try conn.scalar("SELECT pg_relation_size('samtaler.fact_samtale') / current_setting('block_size')::bigint") ?? ""
            guard let n = Int(blocks), n >= 2 else { return nil }
            return ("\(filter) AND f.ctid < '(\(n / 2),0)'", "\(filter) AND f.ctid >= '(\(n / 2),0)'")
        }
        let range = try conn.execute("SELECT min(f.afholdt_dato_key), max(f.afholdt_dato_key) FROM samtaler.fact_samtale f WHERE \(filter)")
        guard let first = range.int(0, 0).flatMap(CivilDate.init(key:)), let last = range.int(0, 1).flatMap(CivilDate.init(key:)),
              first < last else { return nil }
        let mid = CivilDate(daysSinceEpoch: (first.daysSinceEpoch + last.daysSinceEpoch) / 2)
        let next = CivilDate(daysSinceEpoch: mid.daysSinceEpoch + 1)
        let b = Self.bounds(p)
        return (Self.current(from: b[0]!, to: String(mid.key)), Self.current(from: String(next.key), to: b[1]!))
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
    let reading = Concurrently(UncheckedBox(other)) { try work($0, split.second) }
    let first: T
    do {
        first = try work(conn, split.first)
    } catch {
        _ = try? reading.result()
        throw error
    }
    let second = try reading.result()
    _ = try? other.execute("COMMIT")
    return (first, second)
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
