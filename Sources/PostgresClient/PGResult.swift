import CLibPQ

/// The rows of one statement's result. Owns the PGresult and frees it exactly once.
public final class PGResult {
    private let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }
    deinit { PQclear(raw) }

    public var rowCount: Int { Int(PQntuples(raw)) }
    public var columnCount: Int { Int(PQnfields(raw)) }

    /// Rows affected by INSERT/UPDATE/DELETE/COPY, or 0.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }

    public func columnName(_ column: Int) -> String { String(cString: PQfname(raw, Int32(column))) }

    /// The text value of a cell, or nil for SQL NULL.
    public func value(_ row: Int, _ column: Int) -> String? {
        if PQgetisnull(raw, Int32(row), Int32(column)) == 1 { return nil }
        return String(cString: PQgetvalue(raw, Int32(row), Int32(column)))
    }

    /// The value of a cell as an integer (nil for NULL or non-numeric text).
    public func int(_ row: Int, _ column: Int) -> Int? { value(row, column).flatMap { Int($0) } }

    /// All rows as arrays of optional strings.
    public var rows: [[String?]] {
        (0..<rowCount).map { r in (0..<columnCount).map { c in value(r, c) } }
    }

    public var columnNames: [String] { (0..<columnCount).map(columnName) }
}
