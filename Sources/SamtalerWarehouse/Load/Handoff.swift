import Foundation

/// Hands accepted lines from the thread that reads and validates the feed to a second thread
/// that pseudonymizes, encodes and sends them with COPY, so the two halves of the work run on
/// two cores instead of one after the other (docs/performance.md, "Two threads").
///
/// The queue is bounded (`capacity` batches of `batchSize` lines), so memory stays flat however
/// long the feed. The second thread is the only user of the database connection while it runs;
/// the reading thread touches only files. An error on either side stops both: the reader's
/// next `put` throws the worker's error, and `finish` or `cancel` waits for the worker to end.
final class Handoff<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [[Item]] = []
    private var closed = false
    private var cancelled = false
    private var failure: (any Error)?
    private var done = false

    private var pending: [Item] = []
    private let batchSize: Int
    private let capacity: Int

    /// Starts the worker thread; it calls `consume` for each item, in the order they were put.
    init(batchSize: Int = 512, capacity: Int = 64, consume: @escaping (Item) throws -> Void) {
        self.batchSize = batchSize
        self.capacity = capacity
        pending.reserveCapacity(batchSize)
        let box = UncheckedBox(consume)
        let thread = Thread { [self] in self.work(box.value) }
        thread.name = "samtaler-copy"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues one item (reading thread). Throws the worker's error once it has failed.
    func put(_ item: Item) throws {
        pending.append(item)
        if pending.count >= batchSize { try send() }
    }

    /// Sends what is pending, waits until the worker has consumed everything, and rethrows its error.
    func finish() throws {
        try send()
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        let error = failure
        condition.unlock()
        if let error { throw error }
    }

    /// Stops the worker without consuming the rest and waits for it (after a reading error).
    func cancel() {
        condition.lock()
        cancelled = true
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func send() throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    private func work(_ consume: (Item) throws -> Void) {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if cancelled || queue.isEmpty {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                for item in batch { try consume(item) }
            } catch {
                condition.lock()
                failure = error
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }
}

/// Carries a value that is used by one thread at a time into a `@Sendable` closure.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
