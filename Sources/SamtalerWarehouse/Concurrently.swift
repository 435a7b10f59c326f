import Foundation
import PostgresClient

// Work on a second thread, for the parts of the warehouse that do two things at once: a report's
// two halves on two connections (Report/Counting), the kept copy written on two sessions
// (Load/KeptUpkeep.swift), a long text table made in two halves (Report/ReportFormat.swift), the
// load's pipeline (Load/Pipeline.swift).

/// Runs one piece of work on its own thread (with its own connection, or none) while the caller
/// does another; `result()` waits for it.
final class Concurrently<T>: @unchecked Sendable {
    private let done = NSCondition()
    private var outcome: Result<UncheckedBox<T>, Error>?

    convenience init(_ conn: UncheckedBox<PGConnection>, _ work: @escaping (PGConnection) throws -> T) {
        self.init { try work(conn.value) }
    }

    /// Work that needs no connection (TextTable's halves).
    init(_ work: @escaping () throws -> T) {
        let box = UncheckedBox(work)
        let thread = Thread { [self] in
            let result = Result { UncheckedBox(try box.value()) }
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

/// Carries a value that is used by one thread at a time into a `@Sendable` closure.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
