/// The fields of one COPY row, in the column types of the table (the text format ignores the
/// types): what `PGTextRowWriter` and `PGBinaryRowWriter` both write, so one encoder serves both.
public protocol PGRowWriter {
    /// SQL NULL.
    mutating func null()
    /// A smallint column (nil: NULL).
    mutating func int16(_ v: Int?)
    /// An integer column (nil: NULL).
    mutating func int32(_ v: Int?)
    /// A bigint column (nil: NULL).
    mutating func int64(_ v: Int?)
    /// A boolean column (nil: NULL).
    mutating func bool(_ v: Bool?)
    /// A text column (nil: NULL).
    mutating func text(_ v: String?)
    /// A timestamptz column: microseconds since 1970-01-01T00:00:00Z.
    mutating func timestamp(unixMicroseconds: Int64)
    /// A uuid column from its 16 bytes.
    mutating func uuid(_ b: [UInt8])
    /// Ends the row; the next field starts a new one.
    mutating func end()
}
