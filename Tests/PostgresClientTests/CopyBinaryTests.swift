import PostgresClient
import Testing

/// PGBinaryRowWriter and PGBinaryRowReader against PostgreSQL's binary COPY format (the COPY page
/// of the manual, "Binary Format"), with the bytes worked out by hand.
struct CopyBinaryTests {
    /// "PGCOPY\n\377\r\n\0", flags 0, no header extension; the trailer is a field count of -1.
    @Test func headerAndTrailer() {
        #expect(PGCopyBinary.header == [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00,
                                        0, 0, 0, 0, 0, 0, 0, 0])
        #expect(PGCopyBinary.trailer == [0xFF, 0xFF])
        #expect(PGCopyBinary.postgresEpoch == 946_684_800 * 1_000_000)
    }

    /// One row of every kind of field, by hand: the field count, then per field its length
    /// (-1 for NULL) and its bytes, big-endian.
    @Test func aRowByHand() {
        var w = PGBinaryRowWriter(out: [])
        w.int16(7)
        w.int32(nil)
        w.int64(-2)
        w.bool(true)
        w.text("hé")
        w.timestamp(unixMicroseconds: PGCopyBinary.postgresEpoch + 1_000_000)   // 2000-01-01 00:00:01Z
        w.uuid(Array(0...15))
        w.bool(false)
        w.end()
        let expected: [UInt8] = [0x00, 0x08]                               // 8 fields
            + [0, 0, 0, 2] + [0x00, 0x07]                                  // int2 7
            + [0xFF, 0xFF, 0xFF, 0xFF]                                     // NULL
            + [0, 0, 0, 8] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]  // int8 -2
            + [0, 0, 0, 1] + [0x01]                                        // true
            + [0, 0, 0, 3] + [0x68, 0xC3, 0xA9]                            // "hé" in UTF-8
            + [0, 0, 0, 8] + [0, 0, 0, 0, 0, 0x0F, 0x42, 0x40]             // 1,000,000 µs after 2000
            + [0, 0, 0, 16] + Array(0...15)                                // uuid
            + [0, 0, 0, 1] + [0x00]                                        // false
        #expect(w.out == expected)
    }

    /// Rows follow each other, each with its own count; a row of NULLs only; text is not escaped.
    @Test func rowsAfterRows() {
        var w = PGBinaryRowWriter(out: [0xAA])
        w.null(); w.end()
        w.text("a\tb\\"); w.int32(-1); w.end()
        #expect(w.out == [0xAA, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF,
                          0, 2, 0, 0, 0, 4, 0x61, 0x09, 0x62, 0x5C, 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    /// A row begun by one writer is finished by another: its fields follow the new row's own. The
    /// row lies amid other bytes (as a first load's direct rows lie in their chunk's bytes).
    @Test func appendsFieldsOfAnotherRow() {
        var a = PGBinaryRowWriter(out: [9, 9])
        a.int16(1); a.null()
        #expect(a.fieldCount == 2)
        let end = a.out.count
        a.out.append(7)
        var b = PGBinaryRowWriter(out: [])
        b.int32(5)
        b.append(fieldsOf: a.out[2..<end], count: a.fieldCount)
        b.bool(true)
        #expect(b.fieldCount == 4)
        b.end()
        #expect(b.out == [0, 4, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 2, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 1])
        #expect(b.fieldCount == 0)
    }

    /// A uuid from two integers is their 16 bytes, the first one's first, as from the bytes.
    @Test func writesAUUIDFromTwoIntegers() {
        let bytes: [UInt8] = (1...16).map { UInt8($0) }
        var a = PGBinaryRowWriter(out: [])
        a.uuid(bytes)
        var b = PGBinaryRowWriter(out: [])
        b.uuid(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        #expect(b.out == a.out)
        #expect(b.out == [0, 0, 0, 0, 0, 16] + bytes)   // the field count (still 0), the length, the bytes
    }

    /// A value outside its column's range stops the program instead of wrapping around.
    @Test func anIntegerOutOfRangeStops() async {
        await #expect(processExitsWith: .failure) {
            var w = PGBinaryRowWriter(out: [])
            w.int16(32_768)
        }
    }

    // MARK: reading

    /// The fields of a row as optional byte arrays.
    static func fields(_ row: PGBinaryRow) throws -> [[UInt8]?] {
        var row = row
        return try (0..<row.count).map { _ in try row.field().map { Array($0) } }
    }

    static func read(_ reader: inout PGBinaryRowReader, _ message: [UInt8]) throws -> [[UInt8]?]? {
        try message.withUnsafeBytes { m in try reader.row(m).map(fields) }
    }

    static let row1: [UInt8] = [0, 3, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]
    static let row2: [UInt8] = [0, 3, 0, 0, 0, 1, 0x7A, 0, 0, 0, 3, 0x61, 0x62, 0x63, 0, 0, 0, 1, 0x00]

    /// The header with the first row, one row per message, the trailer alone: as the server sends it.
    @Test func readsAStream() throws {
        var reader = PGBinaryRowReader()
        #expect(try Self.read(&reader, PGCopyBinary.header + Self.row1) == [[1, 2], nil, []])
        #expect(try Self.read(&reader, Self.row2) == [[0x7A], [0x61, 0x62, 0x63], [0]])
        #expect(try Self.read(&reader, PGCopyBinary.trailer) == nil)
    }

    /// No rows: the header and the trailer in one message; a header alone; a header extension is skipped.
    @Test func readsHeadersWithoutRows() throws {
        var a = PGBinaryRowReader()
        #expect(try Self.read(&a, PGCopyBinary.header + PGCopyBinary.trailer) == nil)
        var b = PGBinaryRowReader()
        #expect(try Self.read(&b, PGCopyBinary.header) == nil)
        #expect(try Self.read(&b, Self.row2) == [[0x7A], [0x61, 0x62, 0x63], [0]])
        var c = PGBinaryRowReader()
        let extended = PGCopyBinary.signature + [0, 0, 0, 0] + [0, 0, 0, 3] + [9, 9, 9]
        #expect(try Self.read(&c, extended + Self.row1) == [[1, 2], nil, []])
    }

    /// The big-endian integers of the format, signed and unsigned.
    @Test func decodesBigEndian() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02]
        bytes.withUnsafeBytes { b in
            #expect(PGCopyBinary.bigEndian(b[0..<2], as: Int16.self) == -2)
            #expect(PGCopyBinary.bigEndian(b[0..<2], as: UInt16.self) == 0xFFFE)
            #expect(PGCopyBinary.bigEndian(b[2..<6], as: Int32.self) == 256)
            #expect(PGCopyBinary.bigEndian(b[4..<12], as: Int64.self) == 1 << 56 | 2)
        }
    }

    /// Text format, a signature whose line ends were translated (CR LF for LF), a signature with
    /// its last byte wrong, or a header cut short are refused with bad_copy_file_format.
    @Test func refusesWhatIsNotTheFormat() {
        let crlf = Array("PGCOPY\r\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0, 0, 0, 0, 0]
        let lastByte = Array(PGCopyBinary.signature.prefix(10)) + [0x01] + [0, 0, 0, 0, 0, 0, 0, 0]
        for message in [Array("1\tx\n".utf8) + [UInt8](repeating: 0, count: 20), crlf, lastByte, Array(PGCopyBinary.header.prefix(18))] {
            var reader = PGBinaryRowReader()
            let error = #expect(throws: PGError.self) { try Self.read(&reader, message) }
            #expect(error?.sqlState == "22P04")
        }
    }

    /// A message cut anywhere (within the header's extension, the field count, a length or a
    /// value) is an error, not a shorter row.
    @Test func refusesAMessageCutShort() throws {
        let extended = PGCopyBinary.signature + [0, 0, 0, 0] + [0, 0, 0, 3] + [9, 9, 9]
        for cut in 19..<(extended.count + Self.row2.count) where cut != extended.count {
            var reader = PGBinaryRowReader()
            let error = #expect(throws: PGError.self, "cut at \(cut)") { try Self.read(&reader, Array((extended + Self.row2).prefix(cut))) }
            #expect(error?.sqlState == "22P04" && error?.message == "a COPY message cut short")
        }
        for cut in 1..<Self.row1.count {
            var reader = PGBinaryRowReader()
            _ = try Self.read(&reader, PGCopyBinary.header)
            #expect(throws: PGError.self, "cut at \(cut)") { try Self.read(&reader, Array(Self.row1.prefix(cut))) }
        }
    }

    /// A row that claims more fields than it holds: the missing field is an error.
    @Test func refusesAMissingField() throws {
        var reader = PGBinaryRowReader()
        _ = try Self.read(&reader, PGCopyBinary.header)
        var message = Self.row1
        message[1] = 4
        #expect(throws: PGError.self) { try Self.read(&reader, message) }
    }
}
