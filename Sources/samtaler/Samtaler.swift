import ArgumentParser
import Foundation
import SamtalerWarehouse

@main
struct Samtaler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samtaler",
        abstract: "The statistical data warehouse for conversations held by jobcentre and a-kasser.",
        discussion: """
            A nightly job loads the registration feed (see docs/feed.md) into a
            pseudonymized PostgreSQL star schema; analysts report on it; the ministry gets
            a periodic extract.

            Typical use:
              samtaler keygen /etc/samtaler/pseudonym.key   once: the pseudonym key
              samtaler migrate                              create or update the schema
              SAMTALER_PSEUDONYM_KEY_FILE=/etc/samtaler/pseudonym.key \\
                samtaler load feed-2025-03-04.jsonl.gz --rejects rejects.jsonl
              samtaler report volumes --period 2025Q1       an analyst's report
              samtaler extract --period 2025Q1 --out DIR    the ministry's extract
              samtaler serve                                the reports in a browser

            The database comes from the libpq environment (PGHOST, PGPORT, PGDATABASE,
            PGUSER, PGPASSWORD, ...) or --database with a conninfo string or a
            postgresql:// URL.

            Exit codes: 0 done; 64 usage; 65 data over the reject threshold; 66 input
            missing or unreadable; 73 output not writable; 75 database unavailable or busy
            (retry later); 70 internal error; 78 configuration (schema, key, reference
            data, a login refused or without the rights its command needs).
            """,
        version: SamtalerVersion.current,
        subcommands: [MigrateCommand.self, LoadCommand.self, ReportCommand.self, ExtractCommand.self, ServeCommand.self, KeygenCommand.self, GenerateCommand.self]
    )
}

/// `--database`, shared by every command that talks to the warehouse.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A libpq conninfo string or postgresql:// URL (default: the PG* environment variables).",
        valueName: "conninfo"))
    var database: String?
}

/// Runs a command body, turning operator-facing errors into a message and the documented exit code.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as WarehouseError {
        FileHandle.standardError.write(Data("samtaler: error: \(e.description)\n".utf8))
        throw ExitCode(e.exitCode)
    }
}

/// Writes a line to standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
