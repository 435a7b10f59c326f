import Foundation
import PostgresClient

/// Holds the indexes of the merge's lookups in the server's shared buffers while the load reads
/// the feed (samtaler.hold_merge_indexes, sql/definitions/31; docs/performance.md, "The increment
/// into 100M"): made as the load begins, it sends the statement on a second session; `wait` is
/// called before the merge.
///
/// Only for a load into facts that already hold rows (a first load has nothing to look up and
/// takes its table alone). It is an aid to speed: a session that cannot be opened, or a statement
/// that fails, is a line in the summary, never a failed load.
final class MergeIndexReader {
    private var session: PGConnection?
    private var failure: String?

    /// Sends the statement on a session of its own; returns at once.
    init(reconnect: (() throws -> PGConnection)?) {
        guard let reconnect else { failure = "no second session"; return }
        do {
            let s = try reconnect()
            try s.send("SELECT held, relations, megabytes, shared_buffers_mb, reason FROM samtaler.hold_merge_indexes()")
            session = s
        } catch {
            failure = "\(error)"
        }
    }

    /// Waits for it and closes its session.
    func wait() -> LoadSummary.MergeIndexes {
        let started = Date()
        defer { session?.close(); session = nil }
        var outcome = LoadSummary.MergeIndexes(held: false, relations: 0, megabytes: 0, sharedBuffersMB: 0, reason: failure)
        guard let session else { return outcome }
        do {
            let r = try session.receive()
            outcome = LoadSummary.MergeIndexes(held: r.value(0, 0) == "t", relations: r.int(0, 1) ?? 0, megabytes: r.int(0, 2) ?? 0,
                                               sharedBuffersMB: r.int(0, 3) ?? 0, reason: r.value(0, 4))
        } catch {
            outcome.reason = "\(error)"
        }
        outcome.waited = Date().timeIntervalSince(started)
        return outcome
    }
}
