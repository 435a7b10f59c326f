import PostgresClient

/// The load batches whose state the warehouse can show (docs/history.md): the latest published
/// one, and the first from which the kept history is whole. The extract and every report check a
/// batch they are asked to read "as of" here, with the same rules and messages.
struct PublishedBatches: Equatable, Sendable {
    /// The latest published batch (0: none yet).
    var latest: Int
    /// samtaler.historik_start.fra_batch: the state right after batch N is known for N >= this
    /// (0 for a warehouse that kept its history from the start; migration 0012).
    var historyStart: Int

    /// Reads both in the caller's transaction (its snapshot).
    static func read(_ conn: PGConnection) throws -> PublishedBatches {
        let r = try conn.execute("""
            SELECT coalesce(max(batch_key), 0), (SELECT fra_batch FROM samtaler.historik_start)
            FROM samtaler.dim_batch WHERE status = 'publiceret'
            """)
        return PublishedBatches(latest: r.int(0, 0) ?? 0, historyStart: r.int(0, 1) ?? 0)
    }

    /// Reads them and checks that the warehouse as it stood right after batch `n` can be shown:
    /// `n` published, and not before the history began. Otherwise a usage error (exit 64) that
    /// names `option` and says what can be asked for instead.
    @discardableResult
    static func check(_ conn: PGConnection, _ n: Int, option: String = "--as-of-batch") throws -> PublishedBatches {
        let batches = try read(conn)
        let status = try conn.scalar("SELECT status FROM samtaler.dim_batch WHERE batch_key = $1", [String(n)])
        guard status == "publiceret" else {
            throw WarehouseError.usage("""
                \(option) \(n): \(status.map { "batch \(n) published nothing (status \($0))" } ?? "there is no batch \(n)"); \
                the latest published batch is \(batches.latest) (samtaler report batches, or rapport.batch)
                """)
        }
        guard n >= batches.historyStart else {
            throw WarehouseError.usage("""
                \(option) \(n): the history of this warehouse begins after batch \(batches.historyStart) (migration 0012); \
                the state after an earlier batch cannot be reproduced
                """)
        }
        return batches
    }
}
