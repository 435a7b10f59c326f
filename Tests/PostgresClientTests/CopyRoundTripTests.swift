import PostgresClient
import Testing

/// The writers and the reader against the real server (`make test` starts it and sets the PG*
/// variables): rows written in either format are the values SQL literals give, and what the
/// server sends back in the binary format is, byte for byte, what the writer wrote.
@Suite struct CopyRoundTripTests {
    /// One row of the test table: smallint, integer, bigint, boolean, text, timestamptz (microseconds
    /// since 1970) and uuid; nil is NULL.
    struct Values: Equatable {
        var a: Int?, b: Int?, c: Int?, d: Bool?, e: String?, f: Int64?, g: [UInt8]?

        func write<W: PGRowWriter>(_ w: inout W) {
            w.int16(a); w.int32(b); w.int64(c); w.bool(d); w.text(e)
            if let f { w.timestamp(unixMicroseconds: f) } else { w.null() }
            if let g { w.uuid(g) } else { w.null() }
            w.end()
        }
    }

    static let columns = "a smallint, b integer, c bigint, d boolean, e text, f timestamptz, g uuid"

    /// The extremes of each integer type, text that needs escaping in the text format (and "\N",
    /// which is text there, not NULL), instants before 1970 and before 2000, a row of NULLs.
    static let rows: [Values] = [
        Values(a: -32768, b: 2_147_483_647, c: Int.min, d: true, e: "tab\there\nnewline\\back\rcr æøå", f: -1,
               g: Array(0...15)),
        Values(),
        Values(a: 32767, b: -2_147_483_648, c: Int.max, d: false, e: "", f: 1_741_064_767_123_456,
               g: [UInt8](repeating: 0xFF, count: 16)),
        Values(a: 0, b: -1, c: 1, d: nil, e: "\\N", f: -2_208_988_800_000_000,
               g: [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21]),
    ]

    /// The same rows as SQL literals, in the server's own parsing.
    static let literals = """
        (-32768, 2147483647, -9223372036854775808, true, E'tab\\there\\nnewline\\\\back\\rcr æøå',
         '1969-12-31 23:59:59.999999+00', '00010203-0405-0607-0809-0a0b0c0d0e0f'),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (32767, -2147483648, 9223372036854775807, false, '', '2025-03-04 05:06:07.123456+00',
         'ffffffff-ffff-ffff-ffff-ffffffffffff'),
        (0, -1, 1, NULL, E'\\\\N', '1900-01-01 00:00:00+00', '12345678-9abc-def0-0fed-cba987654321')
        """

    static func connect() throws -> PGConnection {
        let conn = try PGConnection()
        try conn.execute("SET timezone = 'UTC'")
        try conn.execute("CREATE TEMP TABLE expected (\(columns))")
        try conn.execute("INSERT INTO expected VALUES \(literals)")
        return conn
    }

    /// Rows of `table` that differ from `expected`, either way (0: the same rows).
    static func differences(_ conn: PGConnection, _ table: String) throws -> Int? {
        try conn.scalar("""
            SELECT count(*) FROM ((TABLE \(table) EXCEPT ALL TABLE expected) UNION ALL (TABLE expected EXCEPT ALL TABLE \(table))) d
            """).flatMap { Int($0) }
    }

    /// COPY FROM in the binary format: every value arrives as the SQL literal says.
    @Test func binaryRowsInto() throws {
        let conn = try Self.connect()
        try conn.execute("CREATE TEMP TABLE copied (\(Self.columns))")
        let copy = try conn.copyInBinary("copied", "a, b, c, d, e, f, g")
        var w = PGBinaryRowWriter(out: [])
        for r in Self.rows { r.write(&w) }
        try copy.write(w.out)
        try copy.finishBinary()
        #expect(try conn.scalar("SELECT count(*) FROM copied") == "4")
        #expect(try Self.differences(conn, "copied") == 0)
    }

    /// COPY FROM in the text format: the same, escapes and NULLs included.
    @Test func textRowsInto() throws {
        let conn = try Self.connect()
        try conn.execute("CREATE TEMP TABLE copied (\(Self.columns))")
        let copy = try conn.copyIn("COPY copied (a, b, c, d, e, f, g) FROM STDIN")
        var w = PGTextRowWriter(out: [])
        for r in Self.rows { r.write(&w) }
        try copy.write(w.out)
        try copy.finish()
        #expect(try conn.scalar("SELECT count(*) FROM copied") == "4")
        #expect(try Self.differences(conn, "copied") == 0)
    }

    /// COPY TO in the binary format: the header, then each row exactly as PGBinaryRowWriter writes
    /// it, then the trailer; and the reader gives the values back.
    @Test func binaryRowsOut() throws {
        let conn = try Self.connect()
        var messages: [[UInt8]] = []
        var read: [Values] = []
        var reader = PGBinaryRowReader()
        try conn.copyOut("COPY (SELECT a, b, c, d, e, f, g FROM expected ORDER BY a NULLS LAST) TO STDOUT (FORMAT binary)") { m in
            messages.append(Array(m))
            guard var row = try reader.row(m) else { return }
            #expect(row.count == 7)
            func int<T: FixedWidthInteger>(_ f: Slice<UnsafeRawBufferPointer>?, _: T.Type) -> Int? {
                f.map { Int(PGCopyBinary.bigEndian($0, as: T.self)) }
            }
            let a = int(try row.field(), Int16.self), b = int(try row.field(), Int32.self), c = int(try row.field(), Int64.self)
            let d = try row.field().map { $0.first == 1 }
            let e = try row.field().map { String(decoding: $0, as: UTF8.self) }
            let f = try row.field().map { PGCopyBinary.bigEndian($0, as: Int64.self) + PGCopyBinary.postgresEpoch }
            let g = try row.field().map { Array($0) }
            read.append(Values(a: a, b: b, c: c, d: d, e: e, f: f, g: g))
        }
        let ordered = Self.rows.sorted { ($0.a ?? .max) < ($1.a ?? .max) }
        #expect(read == ordered)
        var expected: [[UInt8]] = []
        for r in ordered {
            var w = PGBinaryRowWriter(out: [])
            r.write(&w)
            expected.append(w.out)
        }
        expected[0] = PGCopyBinary.header + expected[0]
        expected.append(PGCopyBinary.trailer)
        #expect(messages == expected)
    }

    /// No rows: the header and the trailer, and no row read.
    @Test func noRowsOut() throws {
        let conn = try PGConnection()
        var reader = PGBinaryRowReader()
        var bytes: [UInt8] = []
        var rows = 0
        try conn.copyOut("COPY (SELECT 1::int4 WHERE false) TO STDOUT (FORMAT binary)") { m in
            bytes += m
            if try reader.row(m) != nil { rows += 1 }
        }
        #expect(rows == 0)
        #expect(bytes == PGCopyBinary.header + PGCopyBinary.trailer)
    }

    /// A binary row with a field the column's type cannot take is refused by the server, and the
    /// connection is usable afterwards.
    @Test func aWrongFieldIsRefused() throws {
        let conn = try Self.connect()
        try conn.execute("CREATE TEMP TABLE copied (a smallint)")
        let copy = try conn.copyInBinary("copied", "a")
        var w = PGBinaryRowWriter(out: [])
        w.int32(1)   // four bytes for a smallint
        w.end()
        try copy.write(w.out)
        let error = #expect(throws: PGError.self) { try copy.finishBinary() }
        #expect(error?.sqlState == "22P03")   // invalid_binary_representation
        #expect(try conn.scalar("SELECT count(*) FROM copied") == "0")
    }
}
