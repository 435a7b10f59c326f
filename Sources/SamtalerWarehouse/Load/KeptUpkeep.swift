import Foundation
import PostgresClient

/// Keeps the copy sorted by person (samtaler.kept_samtale, migration 0013; read by KeptCounting)
/// up with the facts after a load has published its batch (docs/performance.md, "Every period:
/// the kept copy").
///
/// When the copy held the facts as the load began (stamped, and its stamp row locked by the load's
/// transaction, so nothing else changed the facts meanwhile), the load reads in its transaction
/// what its batch changes (`Delta`: rows out and rows in per year and block,
/// samtaler.kept_samtale_delta) and after COMMIT patches just those blocks: each is read, merged
/// with its sorted rows out and in, and written back with the stamp in one transaction. A row to
/// take out that is not in its block means the copy was not the facts: the whole copy is then
/// written again from the facts (samtaler.keep_samtale), as after a first load or when the copy was
/// not up to date as the load began. Until the copy is stamped with the batch, reports read the
/// facts: a failure here is a warning, never a failed load.
struct KeptUpkeep {
    let conn: PGConnection
    /// A second session, so the copy is read on one while it is written on the other, and the whole
    /// copy is written in two halves at once.
    let reconnect: (() throws -> PGConnection)?
    let log: (String) -> Void

    /// What a batch changes in the copy: per year and block (`year * 512 + block`), the rows to take
    /// out and the rows to put in, each sorted bytewise (as a block's rows are).
    struct Delta {
        var out: [Int: [[UInt8]]] = [:]
        var into: [Int: [[UInt8]]] = [:]
        /// The blocks it touches.
        var keys: Set<Int> { Set(out.keys).union(into.keys) }
        var years: [Int] { Set(keys.map { $0 / 512 }).sorted() }
    }

    /// How the copy was kept after a batch.
    struct Outcome {
        /// Seconds it took; nil when it was not written (reports read the facts until the next load).
        var seconds: Double?
        /// The years whose blocks were patched; nil when the whole copy was written.
        var years: [Int]?
    }

    /// A row to take out is not in its block: the copy was not the facts.
    struct Mismatch: Error, CustomStringConvertible {
        let year: Int, block: Int
        var description: String { "a conversation of \(year) in block \(block) was not in the copy" }
    }

    /// In the load's transaction, after merge_stage: the rows batch `batch` takes out of the copy
    /// and puts in (samtaler.kept_samtale_delta).
    static func delta(_ conn: PGConnection, batch: Int) throws -> Delta {
        var delta = Delta()
        var reader = PGBinaryRowReader()
        var failure: Error?
        try conn.copyOut("COPY (SELECT blok, rad, tilfoejet FROM samtaler.kept_samtale_delta(\(batch))) TO STDOUT (FORMAT binary)") { message in
            guard failure == nil else { return }
            do {
                guard var row = try reader.row(message) else { return }
                guard row.count == 3, let b = try row.field(), b.count == 2, let r = try row.field(), r.count == KeptField.rowBytes,
                      let added = try row.field(), added.count == 1 else {
                    throw WarehouseError.internal("kept copy: a changed row that is not (blok, rad, tilfoejet)")
                }
                let block = Int(PGCopyBinary.bigEndian(b, as: Int16.self))
                let key = Self.year(r) * 512 + block
                if added.first == 1 { delta.into[key, default: []].append(Array(r)) } else { delta.out[key, default: []].append(Array(r)) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        let bytewise: ([UInt8], [UInt8]) -> Bool = { $0.lexicographicallyPrecedes($1) }
        for k in delta.out.keys { delta.out[k]!.sort(by: bytewise) }
        for k in delta.into.keys { delta.into[k]!.sort(by: bytewise) }
        return delta
    }

    /// The year of a kept row (its day, bytes 16-19, is yyyymmdd).
    static func year(_ row: Slice<UnsafeRawBufferPointer>) -> Int {
        Int(PGCopyBinary.bigEndian(row[(row.startIndex + 16)..<(row.startIndex + 20)], as: Int32.self)) / 10_000
    }

    /// After the batch's COMMIT: the copy patched with `delta` (nil: written whole), then stamped
    /// with `batch` unless a statement changed the facts after the batch's COMMIT (`changes`, the
    /// count kept_samtale_batch.aendringer had at COMMIT).
    func keep(batch: Int, delta: Delta?, changes: String?, progress: Bool) -> Outcome {
        let started = Date()
        let line = progress ? ProgressLine() : nil
        defer { line?.finish() }
        guard let changes else { return Outcome() }
        var outcome = Outcome()
        do {
            let other = try? reconnect?()
            defer { other?.close() }
            var stamped = false
            var patched = false
            if let delta, let other {
                line?.note("  keeping the conversations sorted by person for the reports (\(delta.keys.count) blocks of "
                           + (delta.years.isEmpty ? "no year" : delta.years.map(String.init).joined(separator: ", ")) + ") ...")
                do {
                    stamped = try patch(delta, writer: other, batch: batch, changes: changes)
                    patched = true
                    outcome.years = delta.years
                } catch let m as Mismatch {
                    log("samtaler: warning: the kept copy sorted by person was not what the facts hold (\(m)); it is written again whole")
                }
            }
            if !patched {
                line?.note("  keeping the conversations sorted by person for the reports (every year) ...")
                if let other {
                    let half = Concurrently(UncheckedBox(other)) { c in try c.execute("SELECT samtaler.keep_samtale(1, 2)") }
                    do { try conn.execute("SELECT samtaler.keep_samtale(0, 2)") } catch { _ = try? half.result(); throw error }
                    _ = try half.result()
                } else {
                    try conn.execute("SELECT samtaler.keep_samtale(0, 1)")
                }
                stamped = try conn.execute("UPDATE samtaler.kept_samtale_batch SET batch_key = $1 WHERE aendringer = $2",
                                           [String(batch), changes]).affectedRows == 1
            }
            guard stamped else {
                log("samtaler: warning: the facts changed while the kept copy was written; reports read the facts until the next load")
                return Outcome()
            }
            outcome.seconds = Date().timeIntervalSince(started)
            return outcome
        } catch {
            log("samtaler: warning: batch \(batch) is published, but the kept copy sorted by person could not be written (\(error)); "
                 + "reports read the facts until the next load writes it")
            return Outcome()
        }
    }

    /// Patches the blocks `delta` touches: read on `conn`, written on `writer` in one transaction
    /// with the stamp. Returns whether it was stamped (false: the facts changed since the batch's
    /// COMMIT, and nothing was written). Throws `Mismatch` (nothing written) when a row to take out
    /// is not in its block.
    private func patch(_ delta: Delta, writer: PGConnection, batch: Int, changes: String) throws -> Bool {
        try writer.execute("BEGIN")
        do {
            // Stored as the copy stores its blocks (EXTERNAL: not compressed); a temporary table's
            // default would compress them with pglz, and the INSERT below keeps a datum as it is.
            try writer.execute("CREATE TEMP TABLE samtaler_kept_ny (aar smallint, blok smallint, raekker integer, data bytea) ON COMMIT DROP")
            try writer.execute("ALTER TABLE samtaler_kept_ny ALTER COLUMN data SET STORAGE EXTERNAL")
            let copy = try writer.copyInBinary("samtaler_kept_ny", "aar, blok, raekker, data")
            var pending = delta.keys
            var rows = PGBinaryRowWriter(out: [])
            func put(_ key: Int, _ block: UnsafeRawBufferPointer) throws {
                guard let data = Self.patched(block, out: delta.out[key] ?? [], into: delta.into[key] ?? []) else {
                    throw Mismatch(year: key / 512, block: key % 512)
                }
                rows.out.removeAll(keepingCapacity: true)
                rows.int16(key / 512)
                rows.int16(key % 512)
                rows.int32(data.count / KeptField.rowBytes)
                rows.bytes(data)
                rows.end()
                try copy.write(rows.out)
            }
            if !pending.isEmpty {
                var reader = PGBinaryRowReader()
                var failure: Error?
                let years = delta.years.map(String.init).joined(separator: ",")
                try conn.copyOut("COPY (SELECT aar, blok, data FROM samtaler.kept_samtale WHERE aar IN (\(years))) TO STDOUT (FORMAT binary)") { message in
                    guard failure == nil else { return }
                    do {
                        guard var row = try reader.row(message) else { return }
                        guard row.count == 3, let y = try row.field(), y.count == 2, let b = try row.field(), b.count == 2, let data = try row.field() else {
                            throw WarehouseError.internal("kept copy: a row that is not (aar, blok, data)")
                        }
                        let key = Int(PGCopyBinary.bigEndian(y, as: Int16.self)) * 512 + Int(PGCopyBinary.bigEndian(b, as: Int16.self))
                        guard pending.remove(key) != nil else { return }
                        try put(key, UnsafeRawBufferPointer(rebasing: data))
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
                // Blocks the copy does not hold yet (a new year, a new first byte).
                for key in pending.sorted() { try put(key, UnsafeRawBufferPointer(start: nil, count: 0)) }
            }
            try copy.finishBinary()
            try writer.execute("DELETE FROM samtaler.kept_samtale k USING samtaler_kept_ny n WHERE k.aar = n.aar AND k.blok = n.blok")
            try writer.execute("INSERT INTO samtaler.kept_samtale (aar, blok, raekker, data) SELECT aar, blok, raekker, data FROM samtaler_kept_ny WHERE raekker > 0")
            let stamped = try writer.execute("UPDATE samtaler.kept_samtale_batch SET batch_key = $1 WHERE aendringer = $2",
                                             [String(batch), changes]).affectedRows == 1
            try writer.execute(stamped ? "COMMIT" : "ROLLBACK")
            return stamped
        } catch {
            _ = try? writer.execute("ROLLBACK")
            throw error
        }
    }

    /// `block`'s rows (sorted bytewise, `KeptField.rowBytes` each) without the rows `out` and with
    /// the rows `into` (both sorted), sorted; nil when a row of `out` is not in the block.
    static func patched(_ block: UnsafeRawBufferPointer, out: [[UInt8]], into: [[UInt8]]) -> [UInt8]? {
        let w = KeptField.rowBytes
        let n = block.count / w
        guard n * w == block.count else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(block.count + into.count * w)
        // memcmp's order is bytea's (and a block's) order.
        func compare(_ i: Int, _ row: [UInt8]) -> Int32 {
            row.withUnsafeBytes { memcmp(block.baseAddress! + i * w, $0.baseAddress!, w) }
        }
        var i = 0, o = 0, a = 0
        while i < n || a < into.count {
            if o < out.count {
                let c = i < n ? compare(i, out[o]) : 1
                if c == 0 { i += 1; o += 1; continue }   // taken out
                if c > 0 { return nil }                   // not there: every later row is greater
            }
            if a < into.count && (i >= n || compare(i, into[a]) >= 0) {
                result.append(contentsOf: into[a])
                a += 1
            } else {
                result.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[(i * w)..<((i + 1) * w)]))
                i += 1
            }
        }
        return o == out.count ? result : nil
    }
}
