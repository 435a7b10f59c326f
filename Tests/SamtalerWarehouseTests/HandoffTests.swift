import Foundation
import Testing
@testable import SamtalerWarehouse

/// The two-thread load's queue: order, completeness, and errors on either side.
struct HandoffTests {
    final class Seen: @unchecked Sendable {
        var items: [Int] = []   // written by the worker only, read after finish/cancel
    }

    @Test func everyItemArrivesInOrderWhateverTheBatchAndQueueSize() throws {
        for (batch, capacity) in [(1, 1), (7, 2), (512, 8)] {
            let seen = Seen()
            let h = Handoff<Int>(batchSize: batch, capacity: capacity) { seen.items.append($0) }
            for i in 0..<20_000 { try h.put(i) }
            try h.finish()
            #expect(seen.items == Array(0..<20_000), "batch \(batch), capacity \(capacity)")
        }
    }

    struct Refused: Error, Equatable { let at: Int }

    /// A worker that fails stops the reader: a later put, or finish, throws the worker's error,
    /// and nothing after the failing item is consumed.
    @Test func theWorkersErrorStopsTheReader() throws {
        let seen = Seen()
        let h = Handoff<Int>(batchSize: 16, capacity: 2) { i in
            if i == 700 { throw Refused(at: i) }
            seen.items.append(i)
        }
        var thrown: (any Error)?
        do {
            for i in 0..<100_000 { try h.put(i) }
            try h.finish()
        } catch {
            thrown = error
            h.cancel()
        }
        #expect(thrown as? Refused == Refused(at: 700))
        #expect(seen.items == Array(0..<700))
    }

    /// A reader that fails cancels: the worker ends without consuming what is still queued,
    /// and cancel returns only when it has ended.
    @Test func cancelWaitsForTheWorkerAndSkipsTheRest() throws {
        let seen = Seen()
        let h = Handoff<Int>(batchSize: 1, capacity: 4) { i in
            Thread.sleep(forTimeInterval: 0.05)
            seen.items.append(i)
        }
        for i in 0..<4 { try h.put(i) }
        h.cancel()
        let after = seen.items
        Thread.sleep(forTimeInterval: 0.1)
        #expect(seen.items == after && after.count < 4 && after == Array(0..<after.count))
    }
}
