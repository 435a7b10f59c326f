import PostgresClient
import Testing

/// PGTextRowWriter against PostgreSQL's COPY text format, byte for byte.
struct CopyTextTests {
    static func row(_ write: (inout PGTextRowWriter) -> Void) -> String {
        var w = PGTextRowWriter(out: [])
        write(&w)
        return String(decoding: w.out, as: UTF8.self)
    }

    /// Backslash, tab, newline and carriage return are escaped; other bytes (UTF-8 too) are not.
    @Test(arguments: [
        ("plain", "plain"),
        ("a\\b", "a\\\\b"),
        ("a\tb", "a\\tb"),
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\rb"),
        ("\\N", "\\\\N"),
        ("\r\n\t\\", "\\r\\n\\t\\\\"),
        ("æøå \"'", "æøå \"'"),
        ("", ""),
    ])
    func escapesText(_ value: String, _ expected: String) {
        #expect(Self.row { $0.text(value) } == expected)
    }

    /// NULL is \N whatever the column's type; fields are separated by a tab; a row ends with a newline
    /// and the next starts without a tab.
    @Test func nullsSeparatorsAndRows() {
        let text = Self.row { w in
            w.null(); w.text(nil); w.int(nil); w.int16(nil); w.bool(nil); w.end()
            w.text("x"); w.null(); w.end()
        }
        #expect(text == "\\N\t\\N\t\\N\t\\N\t\\N\nx\t\\N\n")
    }

    /// Integers in decimal (the extremes too), booleans as t and f, arrays in braces.
    @Test func numbersBooleansArrays() {
        let text = Self.row { w in
            w.int(0); w.int(-1); w.int16(-32768); w.int32(2_147_483_647); w.int64(Int.min); w.int64(Int.max)
            w.bool(true); w.bool(false); w.intArray([]); w.intArray([3, -1, 0]); w.end()
        }
        #expect(text == "0\t-1\t-32768\t2147483647\t-9223372036854775808\t9223372036854775807\tt\tf\t{}\t{3,-1,0}\n")
    }

    /// Instants in UTC with six fraction digits, before 1970 and in a leap year too.
    @Test(arguments: [
        (Int64(0), "1970-01-01 00:00:00.000000+00"),
        (Int64(-1), "1969-12-31 23:59:59.999999+00"),
        (Int64(946_684_800_000_000), "2000-01-01 00:00:00.000000+00"),
        (Int64(1_709_164_799_123_456), "2024-02-28 23:59:59.123456+00"),
        (Int64(1_709_251_200_000_001), "2024-03-01 00:00:00.000001+00"),
        (Int64(-2_208_988_800_000_000), "1900-01-01 00:00:00.000000+00"),
    ])
    func timestamps(_ micros: Int64, _ expected: String) {
        #expect(Self.row { $0.timestamp(unixMicroseconds: micros) } == expected)
    }

    /// A uuid in its usual hex form, with the hyphens after bytes 4, 6, 8 and 10.
    @Test func uuid() {
        let bytes: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]
        #expect(Self.row { $0.uuid(bytes) } == "00112233-4455-6677-8899-aabbccddeeff")
    }

    /// The writer appends to what the buffer held.
    @Test func appendsToTheBuffer() {
        var w = PGTextRowWriter(out: Array("a\n".utf8))
        w.int(1); w.end()
        #expect(w.out == Array("a\n1\n".utf8))
    }
}
