import CLibPQ

/// One libpq connection. Not thread-safe: use it from one thread at a time.
///
/// The connection string is a libpq conninfo (`host=... dbname=...`) or a `postgresql://` URL;
/// `nil` means the standard environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, ...).
public final class PGConnection {
    private var conn: OpaquePointer?

    public init(_ conninfo: String? = nil, applicationName: String = "samtaler") throws(PGError) {
        let keywords: [String?] = ["dbname", "fallback_application_name", "client_encoding"]
        let values: [String?] = [conninfo ?? "", applicationName, "UTF8"]
        // Both arrays end with a NULL entry, as PQconnectdbParams requires.
        let c = withCStringArray(keywords + [nil]) { k in
            withCStringArray(values + [nil]) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let c else { throw PGError(stage: .connect, message: "out of memory while connecting") }
        if PQstatus(c) != CONNECTION_OK {
            let message = String(cString: PQerrorMessage(c))
            PQfinish(c)
            // libpq reports authentication failures as text only; keep the SQLSTATE class visible.
            let auth = message.contains("password authentication failed") || message.contains("no password supplied")
                || message.contains("authentication failed")
            // A database or role that does not exist is configuration, not an outage.
            let missing = message.contains("does not exist")
            throw PGError(stage: .connect, sqlState: auth ? "28P01" : missing ? "3D000" : "08001", message: message)
        }
        PQsetNoticeProcessor(c, { _, _ in }, nil)  // NOTICEs are not for the operator's terminal
        conn = c
    }

    deinit { close() }

    /// Closes the connection; further calls throw.
    public func close() {
        if let c = conn { PQfinish(c) }
        conn = nil
    }

    /// The server's process id for this session (for messages about locks).
    public var backendPID: Int32 { conn.map { PQbackendPID($0) } ?? 0 }

    /// The server version as an integer, e.g. 150018.
    public var serverVersion: Int32 { conn.map { PQserverVersion($0) } ?? 0 }

    private func live() throws(PGError) -> OpaquePointer {
        guard let c = conn else { throw PGError(stage: .query, sqlState: "08003", message: "connection is closed") }
        return c
    }

    /// Runs one statement (or several, without parameters) and returns its last result.
    @discardableResult
    public func execute(_ sql: String, _ params: [String?] = []) throws(PGError) -> PGResult {
        let c = try live()
        let raw: OpaquePointer?
        if params.isEmpty {
            raw = PQexec(c, sql)
        } else {
            raw = withCStringArray(params) { p in
                PQexecParams(c, sql, Int32(params.count), nil, p, nil, nil, 0)
            }
        }
        return try check(raw, stage: .query)
    }

    /// Sends one statement without waiting for it: the server runs it while this process does
    /// other work; `receive()` waits for its result. Nothing else may be sent on the connection
    /// until then.
    public func send(_ sql: String) throws(PGError) {
        let c = try live()
        guard PQsendQuery(c, sql) == 1 else { throw connectionError(stage: .query) }
    }

    /// Waits for the statement `send` sent (or the end of a COPY) and returns its last result; the
    /// first error among its results is thrown.
    @discardableResult
    public func receive(stage: PGError.Stage = .query) throws(PGError) -> PGResult {
        let c = try live()
        var last: OpaquePointer?
        var failure: PGError?
        while let r = PQgetResult(c) {
            let status = PQresultStatus(r)
            if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && failure == nil {
                failure = errorFrom(r, stage: stage)
            }
            if let l = last { PQclear(l) }
            last = r
        }
        if let failure { if let l = last { PQclear(l) }; throw failure }
        return try check(last, stage: stage)
    }

    /// Runs a query and returns the first column of the first row, or nil.
    public func scalar(_ sql: String, _ params: [String?] = []) throws(PGError) -> String? {
        let r = try execute(sql, params)
        return r.rowCount > 0 ? r.value(0, 0) : nil
    }

    /// Runs a block inside BEGIN/COMMIT; rolls back when the block throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Starts `COPY ... FROM STDIN` and returns a writer that must be finished or failed.
    public func copyIn(_ sql: String) throws(PGError) -> PGCopyWriter {
        let c = try live()
        let raw = PQexec(c, sql)
        defer { PQclear(raw) }
        guard PQresultStatus(raw) == PGRES_COPY_IN else {
            throw errorFrom(raw, stage: .copy)
        }
        return PGCopyWriter(conn: c, owner: self)
    }

    /// Runs `COPY ... TO STDOUT` and hands each CopyData message to `row`: one row (in text format
    /// with its newline; in binary format the header comes with the first row, the end marker alone).
    public func copyOut(_ sql: String, _ row: (UnsafeRawBufferPointer) throws -> Void) throws {
        let c = try live()
        let raw = PQexec(c, sql)
        guard PQresultStatus(raw) == PGRES_COPY_OUT else {
            defer { PQclear(raw) }
            throw errorFrom(raw, stage: .copy)
        }
        PQclear(raw)
        var buffer: UnsafeMutablePointer<CChar>?
        while true {
            let n = PQgetCopyData(c, &buffer, 0)
            if n > 0, let b = buffer {
                defer { PQfreemem(b) }
                try row(UnsafeRawBufferPointer(start: b, count: Int(n)))
            } else if n == -1 {
                break
            } else {
                throw connectionError(stage: .copy)
            }
        }
        try drainResults(stage: .copy)
    }

    func drainResults(stage: PGError.Stage) throws(PGError) {
        _ = try receive(stage: stage)
    }

    func check(_ raw: OpaquePointer?, stage: PGError.Stage) throws(PGError) -> PGResult {
        guard let raw else { throw connectionError(stage: stage) }
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGResult(raw)
        default:
            defer { PQclear(raw) }
            throw errorFrom(raw, stage: stage)
        }
    }

    func connectionError(stage: PGError.Stage) -> PGError {
        let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "connection is closed"
        var e = PGError(stage: stage, sqlState: nil, message: message.isEmpty ? "connection lost" : message)
        e.connectionLost = conn.map { PQstatus($0) != CONNECTION_OK } ?? true
        return e
    }

    func errorFrom(_ raw: OpaquePointer?, stage: PGError.Stage) -> PGError {
        guard let raw else { return connectionError(stage: stage) }
        func field(_ code: Int32) -> String? {
            guard let p = PQresultErrorField(raw, code) else { return nil }
            return String(cString: p)
        }
        let primary = field(samtaler_PG_DIAG_MESSAGE_PRIMARY) ?? String(cString: PQresultErrorMessage(raw))
        var e = PGError(stage: stage, sqlState: field(samtaler_PG_DIAG_SQLSTATE),
                        message: primary.isEmpty ? "unknown database error" : primary,
                        detail: field(samtaler_PG_DIAG_MESSAGE_DETAIL), hint: field(samtaler_PG_DIAG_MESSAGE_HINT),
                        constraint: field(samtaler_PG_DIAG_CONSTRAINT_NAME))
        if let c = conn, PQstatus(c) != CONNECTION_OK { e.connectionLost = true }
        return e
    }

    /// Quotes an identifier for SQL (for names the program itself chooses, never user text).
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Quotes a string literal for SQL (standard_conforming_strings is on in every supported server).
    public static func quoteLiteral(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "''") + "'"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}

/// Calls `body` with a NULL-free array of C strings that live for the duration of the call
/// (nil elements become SQL NULL pointers).
func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { for p in pointers { free(p) } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
