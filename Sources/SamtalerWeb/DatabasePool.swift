import Foundation
import NIOConcurrencyHelpers
import PostgresClient
import SamtalerWarehouse

/// A bounded pool of database connections for the web view.
///
/// libpq blocks, so each connection lives on a thread of its own and never leaves it: a request
/// borrows a worker, hands it a job, and awaits the answer; Swift's cooperative threads never run
/// libpq. At most `size` queries run at once; a request that finds every worker busy waits in
/// line, and gives up with `PoolError.busy` after `waitTimeout`. Every session is read-only and
/// has a `statement_timeout`, so no query can hold a worker for longer than that.
public final class DatabasePool: Sendable {
    /// Why a request got no answer from the database.
    public enum PoolError: Error, Sendable {
        /// Every connection stayed busy for the whole wait.
        case busy
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Worker, any Error>
    }

    private struct State {
        var idle: [Worker]
        var waiting: [Waiter] = []
        var nextID = 0
    }

    private let state: NIOLockedValueBox<State>
    private let waitTimeout: Duration
    public let size: Int

    /// `size` connections opened (lazily, each on its own thread) with `conninfo` (nil: the PG*
    /// variables), each statement cancelled after `statementTimeout`.
    public init(conninfo: String?, size: Int, waitTimeout: Duration, statementTimeout: Duration) {
        precondition(size >= 1, "a pool needs at least one connection")
        self.size = size
        self.waitTimeout = waitTimeout
        let ms = Int(statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000)
        state = NIOLockedValueBox(State(idle: (0..<size).map { _ in Worker(conninfo: conninfo, statementTimeoutMS: max(1, ms)) }))
    }

    /// Runs `body` with a connection of the pool, on that connection's thread.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        let worker = try await borrow()
        defer { giveBack(worker) }
        return try await worker.run(body)
    }

    private func borrow() async throws -> Worker {
        if let w = state.withLockedValue({ $0.idle.popLast() }) { return w }
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<Worker, any Error>) in
            let handed: Worker? = state.withLockedValue { s in
                // A worker may have come back since the first look.
                if let w = s.idle.popLast() { return w }
                s.nextID += 1
                s.waiting.append(Waiter(id: s.nextID, continuation: c))
                let id = s.nextID
                let timeout = waitTimeout
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.expire(id)
                }
                return nil
            }
            if let handed { c.resume(returning: handed) }
        }
    }

    /// The waiter `id`, if still in line, gives up.
    private func expire(_ id: Int) {
        let waiter: Waiter? = state.withLockedValue { s in
            guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiting.remove(at: i)
        }
        waiter?.continuation.resume(throwing: PoolError.busy)
    }

    /// A worker is free again: the first in line gets it, or it waits for the next request.
    private func giveBack(_ worker: Worker) {
        let next: Waiter? = state.withLockedValue { s in
            if s.waiting.isEmpty { s.idle.append(worker); return nil }
            return s.waiting.removeFirst()
        }
        next?.continuation.resume(returning: worker)
    }
}

/// One connection on a thread of its own. Jobs arrive one at a time (the pool lends a worker to
/// one request) and run on the thread; the connection never leaves it.
private final class Worker: Sendable {
    private typealias Job = @Sendable (inout PGConnection?) -> Void
    private let jobs = NIOLockedValueBox<[Job]>([])
    private let signal = DispatchSemaphore(value: 0)
    private let conninfo: String?
    private let statementTimeoutMS: Int

    init(conninfo: String?, statementTimeoutMS: Int) {
        self.conninfo = conninfo
        self.statementTimeoutMS = statementTimeoutMS
        let jobs = jobs, signal = signal
        let thread = Thread {
            var connection: PGConnection?
            while true {
                signal.wait()
                if let job = jobs.withLockedValue({ $0.isEmpty ? nil : $0.removeFirst() }) { job(&connection) }
            }
        }
        thread.name = "samtaler-db"
        thread.start()
    }

    /// Runs `body` on this worker's thread, connecting first when there is no connection yet (or
    /// the last one broke).
    func run<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let conninfo = conninfo, ms = statementTimeoutMS
            jobs.withLockedValue {
                $0.append { connection in
                    do {
                        let conn = try connection ?? Self.open(conninfo, statementTimeoutMS: ms)
                        connection = conn
                        c.resume(returning: try body(conn))
                    } catch {
                        if Self.broken(error) { connection = nil }
                        c.resume(throwing: error)
                    }
                }
            }
            signal.signal()
        }
    }

    /// A read-only session with a time limit on every statement, whatever the login's defaults.
    private static func open(_ conninfo: String?, statementTimeoutMS: Int) throws -> PGConnection {
        let conn = try PGConnection.open(conninfo)
        do {
            try conn.execute("SET statement_timeout = \(statementTimeoutMS); SET default_transaction_read_only = on")
        } catch { throw WarehouseError.wrap(error, doing: "setting up the connection") }
        return conn
    }

    /// Whether the connection is lost (the server restarted, the network broke): the next job
    /// connects again.
    private static func broken(_ error: any Error) -> Bool {
        if case WarehouseError.unavailable = error { return true }
        return (error as? PGError)?.isUnavailable ?? false
    }
}
