import Foundation
import PostgresClient

/// The failures an operator must tell apart, each with its exit code (sysexits.h).
public enum WarehouseError: Error, CustomStringConvertible {
    /// 64: the command line is wrong.
    case usage(String)
    /// 65: the data are not good enough to publish.
    case data(String)
    /// 66: an input file is missing or unreadable.
    case input(String)
    /// 69/75: the database is unavailable; retry later.
    case unavailable(String)
    /// 70: a bug or an unexpected database error.
    case `internal`(String)
    /// 73: an output file cannot be created or written.
    case output(String)
    /// 78: configuration: schema missing or too new, no key, wrong key, bad reference data.
    case configuration(String)

    public var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .data: return 65
        case .input: return 66
        case .unavailable: return 75
        case .internal: return 70
        case .output: return 73
        case .configuration: return 78
        }
    }

    public var description: String {
        switch self {
        case .usage(let m), .data(let m), .input(let m), .unavailable(let m), .internal(let m), .output(let m), .configuration(let m):
            return m
        }
    }

    /// Classifies a database error: unavailable servers, lost connections and cancelled queries are retryable (75),
    /// authentication problems and a login without the rights it needs are configuration (78),
    /// the rest internal (70).
    public static func from(_ e: PGError, doing what: String) -> WarehouseError {
        if e.isAuthentication { return .configuration("\(what): the database refused the login: \(e.description)") }
        if e.sqlState == "42501" {
            return .configuration("""
                \(what): the login role lacks the rights for this: \(e.description)
                Grant it the group role for the job (docs/operations.md, Roles): samtaler_indlaeser for `samtaler load` \
                (GRANT samtaler_indlaeser TO <login role>), samtaler_rapport for `samtaler report` and `samtaler extract` \
                (GRANT samtaler_rapport TO <login role>); samtaler_analytiker only reads the rapport views in SQL
                """)
        }
        if e.isUnavailable { return .unavailable("\(what): the database is unavailable, retry later: \(e.description)") }
        // 57014: cancelled, by a statement_timeout (the web view sets one) or by an operator.
        if e.sqlState == "57014" { return .unavailable("\(what): the query was cancelled (a time limit), retry later: \(e.description)") }
        if e.sqlState == "3F000" || e.sqlState == "42P01" {
            return .configuration("\(what): the warehouse schema is missing; run `samtaler migrate` first (\(e.description))")
        }
        if e.sqlState == "3D000" { return .configuration("\(what): \(e.description)") }
        return .internal("\(what): database error: \(e.description)")
    }
}

extension WarehouseError {
    /// Turns any error into a WarehouseError: kept as it is, classified when it comes from the
    /// database, internal otherwise. `what` says what was being done, for the message.
    public static func wrap(_ error: any Error, doing what: String) -> WarehouseError {
        switch error {
        case let e as WarehouseError: return e
        case let e as PGError: return .from(e, doing: what)
        default: return .internal("\(what): \(error)")
        }
    }
}

extension PGConnection {
    /// Opens a connection, turning failures into operator-facing errors. A server that cannot be
    /// reached gets a message saying where it was looked for and what to check.
    public static func open(_ conninfo: String?) throws(WarehouseError) -> PGConnection {
        do { return try PGConnection(conninfo) } catch {
            let e = WarehouseError.from(error, doing: "connecting to the database")
            guard case .unavailable(let message) = e else { throw e }
            throw .unavailable(message + "\n" + unreachableHint(conninfo, environment: ProcessInfo.processInfo.environment))
        }
    }

    /// Where the connection was looked for and what to check, for a server that did not answer.
    static func unreachableHint(_ conninfo: String?, environment env: [String: String]) -> String {
        let target: String
        if let conninfo, !conninfo.isEmpty {
            target = "the server that --database names"
        } else {
            let host = env["PGHOST"].map { "PGHOST=\($0)" } ?? "PGHOST unset: the default socket folder (/var/run/postgresql)"
            let port = env["PGPORT"].map { "PGPORT=\($0)" } ?? "PGPORT unset: port 5432"
            target = "\(host), \(port), database \(env["PGDATABASE"].map { "PGDATABASE=\($0)" } ?? "PGDATABASE unset: the login's name")"
        }
        return """
            Looked for \(target). Check that the server runs and that PGHOST and PGPORT (or --database \
            'postgresql://host:port/database') point at it. For the project-local server of a samtaler checkout: \
            `make db-start`, then `eval "$(make -s env)"` in the checkout sets PGHOST, PGPORT and PGDATABASE \
            for the demo warehouse.
            """
    }
}
