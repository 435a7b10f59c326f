import CLibPQ

/// Streams rows into `COPY ... FROM STDIN` in ~64 KiB chunks.
///
/// Always ends with `finish()` (CopyDone) or `fail(_:)` (CopyFail); a writer dropped without
/// either fails the COPY so the server never waits for more data.
public final class PGCopyWriter {
    private let conn: OpaquePointer
    private let owner: PGConnection
    private var buffer: [UInt8] = []
    private var ended = false
    public static let chunkSize = 64 * 1024
    /// Bytes sent so far (for progress and benchmarks).
    public private(set) var bytesSent = 0

    init(conn: OpaquePointer, owner: PGConnection) {
        self.conn = conn
        self.owner = owner
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    deinit {
        if !ended { try? fail("copy writer dropped") }
    }

    /// Appends raw COPY bytes, text format (rows with their `\n`) or binary.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(PGError) {
        buffer.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))  // typed: one memcpy
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws(PGError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Lets the caller build a row in place in the pending buffer.
    public func withBuffer(_ body: (inout [UInt8]) -> Void) throws(PGError) {
        body(&buffer)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    private func flush() throws(PGError) {
        guard !buffer.isEmpty else { return }
        let rc = buffer.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                PQputCopyData(conn, $0, Int32(p.count))
            }
        }
        if rc != 1 {
            ended = true
            throw owner.connectionError(stage: .copy)
        }
        bytesSent += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends the rest and CopyDone; returns when the server has accepted (or refused) every row.
    public func finish() throws(PGError) {
        try flush()
        ended = true
        if PQputCopyEnd(conn, nil) != 1 { throw owner.connectionError(stage: .copy) }
        try owner.drainResults(stage: .copy)
    }

    /// Sends CopyFail so the server discards the COPY; the error it answers with is swallowed.
    public func fail(_ message: String) throws(PGError) {
        guard !ended else { return }
        ended = true
        buffer.removeAll()
        if PQputCopyEnd(conn, message) != 1 { throw owner.connectionError(stage: .copy) }
        try? owner.drainResults(stage: .copy)
    }
}
