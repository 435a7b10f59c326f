import ArgumentParser
import Foundation
import PostgresClient
import SamtalerWarehouse
import SamtalerWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The reports in a browser: a read-only web view for analysts.",
        discussion: """
            Serves the reports of `samtaler report` as web pages, in Danish: / lists them,
            /rapport/NAME?period=2025&per=quarter&by=samtaletype,region shows one with a
            form (the options of `samtaler report`, the same names and values), its
            chart and table; adding &format=csv, excel, json or html downloads exactly
            the bytes `samtaler report` writes for the same options. /healthz answers 200
            when the database answers, else 503. Pages need no script.

            Read-only: run it as a login in samtaler_rapport (the database comes from the
            PG* variables or --database, as for the other commands); every session is also
            read-only and has a statement_timeout. At most --connections queries run at
            once; a request waits up to --wait-timeout for one, then gets 503.

            Answers are kept (--cache of them, 64 MB at most) until a load adds a batch;
            identical requests at the same time run the report once. --suppress N hides
            counts from 1 to N-1 as the ministry extract does (marks P and S), for readers
            without rights to small numbers.

            There is no login. On 127.0.0.1 (the default) only this machine reaches it;
            anywhere else, put a reverse proxy with authentication in front
            (docs/web.md has an nginx example). Stop it with Ctrl-C (SIGINT) or SIGTERM.

            Example:
              samtaler serve --port 8080      then open http://127.0.0.1:8080/
            """)

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("The address to listen on (127.0.0.1: this machine only).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port (0: any free port; the address is printed).", valueName: "port"))
    var port = 8080

    @Option(help: ArgumentHelp("The most database connections, and so queries, at once.", valueName: "n"))
    var connections = 4

    @Option(name: .customLong("wait-timeout"), help: ArgumentHelp("Seconds a request waits for a connection before 503.", valueName: "seconds"))
    var waitTimeout = 10.0

    @Option(name: .customLong("statement-timeout"), help: ArgumentHelp("Seconds a query may run before it is cancelled (503).", valueName: "seconds"))
    var statementTimeout = 30.0

    @Option(help: ArgumentHelp("Hide counts from 1 to n-1 in pages and downloads, as the ministry extract does (for readers without rights to small numbers).", valueName: "n"))
    var suppress: Int?

    @Option(help: ArgumentHelp("The most report answers kept until the next load (0: no cache).", valueName: "n"))
    var cache = 64

    func validate() throws {
        if let suppress, suppress < 2 { throw ValidationError("--suppress is 2 or more (counts below it are hidden)") }
        guard (0...10_000).contains(cache) else { throw ValidationError("--cache is 0 to 10000") }
        guard (0...65535).contains(port) else { throw ValidationError("--port is 0 to 65535") }
        guard (1...100).contains(connections) else { throw ValidationError("--connections is 1 to 100") }
        guard waitTimeout > 0, statementTimeout > 0 else { throw ValidationError("--wait-timeout and --statement-timeout are seconds, more than 0") }
    }

    func run() async throws {
        // The warehouse must be there before the first page: a wrong database or schema is said now, with its exit code.
        try runReportingErrors {
            let conn = try PGConnection.open(db.database)
            try Migrator.checkSchema(conn)
            if let warning = try? Self.roleWarning(conn) { note(warning) }
        }
        if !WebServer.isLocal(host) {
            note("""
                samtaler serve: warning: listening on \(host), not only this machine. The web view has no login: \
                anyone who reaches this address reads the reports. Put a reverse proxy with authentication in front \
                (docs/web.md, nginx with auth_basic) and let it alone reach this port.
                """)
        }
        var settings = WebServer.Settings()
        settings.host = host
        settings.port = port
        settings.conninfo = db.database
        settings.connections = connections
        settings.waitTimeout = .milliseconds(Int(waitTimeout * 1000))
        settings.statementTimeout = .milliseconds(Int(statementTimeout * 1000))
        settings.suppress = suppress
        settings.cacheEntries = cache
        try await WebServer(settings).run { address in
            FileHandle.standardOutput.write(Data("samtaler serve: listening on \(address) (Ctrl-C stops it)\n".utf8))
        }
    }

    /// A warning when the login is not what the web view is meant for: in samtaler_rapport, no superuser.
    static func roleWarning(_ conn: PGConnection) throws -> String? {
        let r = try conn.execute("SELECT rolsuper, pg_has_role(current_user, 'samtaler_rapport', 'MEMBER') FROM pg_roles WHERE rolname = current_user")
        guard r.rowCount == 1 else { return nil }
        if r.value(0, 0) == "t" {
            return "samtaler serve: warning: the login is a superuser; the sessions are read-only, but run the web view as a login in samtaler_rapport (docs/web.md)"
        }
        if r.value(0, 1) != "t" {
            return "samtaler serve: warning: the login is not in samtaler_rapport, so reports that count persons will fail (GRANT samtaler_rapport TO <login>)"
        }
        return nil
    }
}
