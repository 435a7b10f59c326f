/// PostgreSQL's binary COPY format (the COPY page of the PostgreSQL manual, "Binary Format"):
/// a header, then per row its field count (int16) and per field its length (int32, -1 for NULL)
/// and its bytes, all integers big-endian; a field count of -1 ends the data.
public enum PGCopyBinary {
    /// The format's signature; flags and the header extension's length follow it.
    public static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    /// The signature, no flags, no header extension: how a COPY in this format starts.
    public static let header: [UInt8] = signature + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// A field count of -1: how a COPY in this format ends.
    public static let trailer: [UInt8] = [0xFF, 0xFF]
    /// timestamptz counts microseconds from 2000-01-01T00:00:00Z; this is that instant in
    /// microseconds since 1970-01-01T00:00:00Z.
    public static let postgresEpoch: Int64 = 946_684_800_000_000

    /// The big-endian integer that fills `bytes` (which must be as long as `T`).
    @inlinable
    public static func bigEndian<T: FixedWidthInteger>(_ bytes: Slice<UnsafeRawBufferPointer>, as: T.Type) -> T {
        T(bigEndian: UnsafeRawBufferPointer(rebasing: bytes).loadUnaligned(as: T.self))
    }
}

/// Writes rows of PostgreSQL's binary COPY format into `out`. A COPY in this format starts with
/// `PGCopyBinary.header` and ends with `PGCopyBinary.trailer` (`PGConnection.copyInBinary`,
/// `PGCopyWriter.finishBinary`).
///
/// The loader's hot path: every method is inlinable, so a caller's generic encoder is
/// specialized and inlined across the module boundary as it was within one module.
public struct PGBinaryRowWriter: PGRowWriter, Sendable {
    /// The rows written so far (and whatever the buffer held before).
    public var out: [UInt8]
    /// Where the current row's field count goes (-1: no row begun), and the count so far.
    @usableFromInline var countAt = -1
    @usableFromInline var fields = 0

    /// Appends to `out` (take it back from `out` when done).
    @inlinable public init(out: [UInt8]) { self.out = out }

    @inlinable mutating func big<T: FixedWidthInteger>(_ v: T) {
        // As typed bytes: `[UInt8].append` copies those with one memcpy, raw bytes one by one.
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// A row begins with its field count, filled in by `end`.
    @inlinable mutating func beginRow() {
        guard countAt < 0 else { return }
        countAt = out.count
        out.append(0); out.append(0)
    }

    @inlinable mutating func field(length: Int32) {
        beginRow()
        fields += 1
        big(length)
    }

    @inlinable public mutating func null() { field(length: -1) }

    /// A value outside its column's range is a bug that must stop the program, not wrap around.
    @inlinable mutating func integer<T: FixedWidthInteger>(_ v: Int?, as: T.Type) {
        guard let v else { null(); return }
        guard let x = T(exactly: v) else { preconditionFailure("\(v) does not fit a \(T.bitWidth)-bit column") }
        field(length: Int32(T.bitWidth / 8))
        big(x)
    }

    @inlinable public mutating func int16(_ v: Int?) { integer(v, as: Int16.self) }
    @inlinable public mutating func int32(_ v: Int?) { integer(v, as: Int32.self) }
    @inlinable public mutating func int64(_ v: Int?) { integer(v, as: Int64.self) }

    @inlinable public mutating func bool(_ v: Bool?) {
        guard let v else { null(); return }
        field(length: 1)
        out.append(v ? 1 : 0)
    }

    /// Text as its UTF-8 bytes (the binary format needs no escapes).
    @inlinable public mutating func text(_ v: String?) {
        guard let v else { null(); return }
        field(length: Int32(v.utf8.count))
        out.append(contentsOf: v.utf8)
    }

    /// timestamptz: microseconds since 2000-01-01T00:00:00Z, as int64.
    @inlinable public mutating func timestamp(unixMicroseconds t: Int64) {
        field(length: 8)
        big(t - PGCopyBinary.postgresEpoch)
    }

    /// A bytea column.
    @inlinable public mutating func bytes(_ b: [UInt8]) {
        field(length: Int32(b.count))
        out.append(contentsOf: b)
    }

    @inlinable public mutating func uuid(_ b: [UInt8]) {
        field(length: 16)
        out.append(contentsOf: b.prefix(16))
    }

    /// A uuid column from its 16 bytes as two big-endian integers (`high` first).
    @inlinable public mutating func uuid(high: UInt64, low: UInt64) {
        field(length: 16)
        big(high)
        big(low)
    }

    /// Fields written so far in the current row.
    @inlinable public var fieldCount: Int { fields }

    /// Appends the fields of `row`, the bytes of a row another writer began (its first two bytes,
    /// the field count, are skipped), `count` fields in all.
    @inlinable public mutating func append(fieldsOf row: ArraySlice<UInt8>, count: Int) {
        beginRow()
        fields += count
        out.append(contentsOf: row.dropFirst(2))
    }

    /// Ends the row: writes its field count where it began.
    @inlinable public mutating func end() {
        let n = UInt16(fields).bigEndian
        withUnsafeBytes(of: n) { out[countAt] = $0[0]; out[countAt + 1] = $0[1] }
        countAt = -1
        fields = 0
    }
}

/// Reads PostgreSQL's binary COPY format from the messages of `PGConnection.copyOut`: the header
/// comes with the first row (or, for no rows, with the trailer), then one row per message, the
/// trailer last. Keeps only whether the header has been read.
public struct PGBinaryRowReader: Sendable {
    @usableFromInline var started = false

    public init() {}

    /// The row that `message` holds, or nil when it holds none (the trailer, or the header with
    /// the trailer). Throws (SQLSTATE 22P04, bad_copy_file_format) for what is not the format.
    @inlinable @inline(__always)
    public mutating func row(_ message: UnsafeRawBufferPointer) throws(PGError) -> PGBinaryRow? {
        var at = 0
        if _slowPath(!started) {
            at = try header(message)
            if at == message.count { return nil }
        }
        var cursor = PGBinaryRow(message, at: at, count: 0)
        let count = PGCopyBinary.bigEndian(try cursor.take(2), as: Int16.self)
        if count == -1 { return nil }   // the end
        guard count >= 0 else { throw PGBinaryRow.formatError("a row with a negative field count") }
        return PGBinaryRow(message, at: cursor.at, count: Int(count))
    }

    /// Checks the header at the start of `message` and returns where the data begin (once per
    /// COPY, so not inlined into the caller's loop).
    @usableFromInline mutating func header(_ message: UnsafeRawBufferPointer) throws(PGError) -> Int {
        guard message.count >= 19, message[0..<11].elementsEqual(PGCopyBinary.signature) else {
            throw PGBinaryRow.formatError("not COPY's binary format")
        }
        var cursor = PGBinaryRow(message, at: 15, count: 0)   // after the signature and the flags
        _ = try cursor.take(Int(try cursor.int32()))           // the header extension, if any
        started = true
        return cursor.at
    }
}

/// One row of a binary COPY: its field count, then its fields one at a time with `field()`.
/// Valid only while the message it was read from is.
public struct PGBinaryRow {
    @usableFromInline let message: UnsafeRawBufferPointer
    @usableFromInline var at: Int
    /// The row's number of fields.
    public let count: Int

    @inlinable init(_ message: UnsafeRawBufferPointer, at: Int, count: Int) {
        self.message = message
        self.at = at
        self.count = count
    }

    /// The next field's bytes, or nil for NULL. Throws when the message ends first.
    @inlinable @inline(__always) public mutating func field() throws(PGError) -> Slice<UnsafeRawBufferPointer>? {
        let length = try int32()
        return length < 0 ? nil : try take(Int(length))
    }

    @inlinable @inline(__always) mutating func int32() throws(PGError) -> Int32 {
        PGCopyBinary.bigEndian(try take(4), as: Int32.self)
    }

    @inlinable @inline(__always) mutating func take(_ n: Int) throws(PGError) -> Slice<UnsafeRawBufferPointer> {
        guard n >= 0, at + n <= message.count else { throw Self.formatError("a COPY message cut short") }
        defer { at += n }
        return message[at..<(at + n)]
    }

    @usableFromInline @inline(never) static func formatError(_ message: String) -> PGError {
        PGError(stage: .copy, sqlState: "22P04", message: message)
    }
}

extension PGConnection {
    /// Starts `COPY table (columns) FROM STDIN` in the binary format, its header written.
    public func copyInBinary(_ table: String, _ columns: String) throws(PGError) -> PGCopyWriter {
        let copy = try copyIn("COPY \(table) (\(columns)) FROM STDIN (FORMAT binary)")
        try copy.write(PGCopyBinary.header)
        return copy
    }
}

extension PGCopyWriter {
    /// Ends a COPY started by `copyInBinary`: its trailer, then the end of the data.
    public func finishBinary() throws(PGError) {
        try write(PGCopyBinary.trailer)
        try finish()
    }
}
