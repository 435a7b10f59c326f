import Foundation

/// Runs the load on several cores: the thread that reads the feed `put`s chunks of lines, `workers`
/// threads `transform` them (validate, pseudonymize; on a first load encode) side by side, and one
/// more thread `consume`s the results strictly in the order they were put (encodes them or copies
/// the encoded rows and sends them with COPY, writes rejects, counts). Because only the transform runs in parallel and it depends on nothing but its
/// own chunk, the run's result is the same for any number of workers (docs/performance.md, "More
/// cores").
///
/// At most `capacity` chunks are between `put` and the end of their `consume`, so memory stays
/// flat however long the feed. The consuming thread is the only user of the database connection
/// while it runs; the reading thread touches only files. An error of `consume` stops everything:
/// the reader's next `put` (or `finish`) throws it. `cancel` (after a reading error) stops the
/// threads without consuming the rest. Both wait until every thread has ended.
final class Pipeline<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var inputs: [(index: Int, input: Input)] = []
    private var outputs: [Int: Output] = [:]
    private var submitted = 0
    private var consumed = 0
    private var closed = false
    private var cancelled = false
    private var failure: (any Error)?
    private var running: Int

    private let capacity: Int

    /// Starts `workers` transforming threads and the consuming one.
    init(workers: Int, capacity: Int, transform: @escaping @Sendable (Input) -> Output, consume: @escaping (Output) throws -> Void) {
        precondition(workers >= 1 && capacity >= 1)
        self.capacity = capacity
        running = workers + 1
        for n in 0..<workers {
            start("samtaler-prep-\(n + 1)") { [self] in self.work(transform) }
        }
        let box = UncheckedBox(consume)
        start("samtaler-copy") { [self] in self.drain(box.value) }
    }

    /// Starts a thread named `name` (at most 15 bytes: `top -H` and /proc show it).
    private func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            Thread.current.name = name   // set by the thread itself, Foundation names the system thread too
            body()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues one chunk (reading thread); waits while `capacity` chunks are in the pipeline.
    /// Throws the consumer's error once it has failed.
    func put(_ input: Input) throws {
        condition.lock()
        defer { condition.unlock() }
        while submitted - consumed >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        inputs.append((submitted, input))
        submitted += 1
        condition.broadcast()
    }

    /// Waits until every chunk put has been consumed and the threads have ended; rethrows the
    /// consumer's error.
    func finish() throws {
        condition.lock()
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        let error = failure
        condition.unlock()
        if let error { throw error }
    }

    /// Stops the threads without consuming the rest and waits for them (after a reading error).
    func cancel() {
        condition.lock()
        cancelled = true
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    /// Ends a thread (with `condition` locked).
    private func exit() {
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func work(_ transform: (Input) -> Output) {
        while true {
            condition.lock()
            while inputs.isEmpty && !closed && failure == nil { condition.wait() }
            if cancelled || failure != nil || inputs.isEmpty { return exit() }
            let (index, input) = inputs.removeFirst()
            condition.unlock()
            let output = transform(input)
            condition.lock()
            outputs[index] = output
            condition.broadcast()
            condition.unlock()
        }
    }

    private func drain(_ consume: (Output) throws -> Void) {
        while true {
            condition.lock()
            while outputs[consumed] == nil && !cancelled && !(closed && consumed == submitted) { condition.wait() }
            guard !cancelled, let output = outputs.removeValue(forKey: consumed) else { return exit() }
            condition.unlock()
            do {
                try consume(output)
            } catch {
                condition.lock()
                failure = error
                inputs.removeAll()
                return exit()
            }
            condition.lock()
            consumed += 1
            condition.broadcast()
            condition.unlock()
        }
    }
}
