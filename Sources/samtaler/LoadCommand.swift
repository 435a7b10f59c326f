import ArgumentParser
import Foundation
import PostgresClient
import SamtalerPseudonym
import SamtalerWarehouse

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load feed files into the warehouse as one batch.",
        discussion: """
            Reads each FILE (JSON Lines, or gzip-compressed when the name ends in .gz),
            checks every line against the feed contract (docs/feed.md), pseudonymizes the
            person and publishes all accepted lines of all files together in one
            transaction, or none.

            Every rejected line goes whole to the rejects file (JSON Lines: file, line,
            id, reasons with field, rule, message and source: the regulation's paragraph
            or the contract's section the rule comes from, and the raw line), so it can be
            corrected and fed again. The rejects file is created with
            mode 0600: it may hold personnumre and names. Nothing of a rejected line
            reaches the database.

            Versions: of all versions of a registration the one with the latest
            `registreret` is current, across files and runs; loading the same files again
            changes nothing.

            The first load into an empty warehouse (a backfill of history) writes new
            conversations straight into the facts while it reads, and needs temporary
            space in $TMPDIR (default /tmp) of about a tenth of the feed's size for the
            rest; the result is the same as that of any other load.

            The pseudonym key comes from $SAMTALER_PSEUDONYM_KEY_FILE (a path) or
            $SAMTALER_PSEUDONYM_KEY (see `samtaler keygen`).

            A delivery without a single line (empty files, only blank lines) publishes
            nothing and exits 65, naming the files, unless --allow-empty.

            --metrics-file writes the run's figures (lines read, accepted, rejected per
            rule, registrations changed, seconds, batch, exit code, time of the last
            success) for node_exporter's textfile collector (docs/operations.md).

            Exit codes: 0 published; 65 more lines rejected than --max-reject-ratio allows,
            or no line at all (nothing published; rejects and summary still written); 66 a file is missing
            or unreadable; 73 an output file cannot be written; 75 the database is
            unavailable or another load holds it (retry later); 78 configuration (no key,
            wrong key, no schema, a login refused or without the samtaler_indlaeser
            rights).
            """)

    @OptionGroup var db: DatabaseOptions

    @Argument(help: ArgumentHelp("Feed files (.jsonl or .jsonl.gz).", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("Write rejected lines here (default: samtaler-batch-N.rejects.jsonl).", valueName: "file"))
    var rejects: String?

    @Option(name: .customLong("summary-json"), help: ArgumentHelp("Also write the run's summary as JSON here.", valueName: "file"))
    var summaryJSON: String?

    @Option(name: .customLong("max-reject-ratio"), help: ArgumentHelp(
        "Publish nothing (exit 65) when more than this share of lines is rejected.", valueName: "fraction"))
    var maxRejectRatio: Double = 0.1

    @Flag(inversion: .prefixedNo, help: "When another load is running: wait for it (default), or stop at once with exit 75.")
    var wait = true

    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("Stop waiting for another load after this many seconds.", valueName: "seconds"))
    var lockTimeout: Int?

    @Flag(name: .long, help: "Print the summary as JSON on standard output instead of text.")
    var json = false

    @Flag(name: .customLong("allow-empty"), help: ArgumentHelp(
        "Publish an empty batch when the files hold no line at all (default: exit 65, publish nothing)."))
    var allowEmpty = false

    @Option(name: .customLong("metrics-file"), help: ArgumentHelp(
        "Write the run's figures here in the Prometheus text format (node_exporter's textfile collector), also when it fails.",
        valueName: "file"))
    var metricsFile: String?

    @Option(help: ArgumentHelp(
        "Threads that validate and pseudonymize lines side by side (default: the cores available, here \(LoadOptions.defaultThreads)). The result is the same for any number.",
        valueName: "n"))
    var threads: Int = LoadOptions.defaultThreads

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be from 1 to 256") }
        guard (0...1).contains(maxRejectRatio) else {
            throw ValidationError("--max-reject-ratio must be a fraction from 0 to 1 (e.g. 0.1 for 10%)")
        }
    }

    func run() throws {
        try runReportingErrors {
            let summary: LoadSummary
            do {
                summary = try load()
            } catch let e as WarehouseError {
                writeMetrics(nil, exitCode: e.exitCode)
                throw e
            }
            print(json ? summary.json() : summary.text(), terminator: "")
            writeMetrics(summary, exitCode: summary.published ? 0 : 65)
            if !summary.published { throw ExitCode(65) }
        }
    }

    private func load() throws(WarehouseError) -> LoadSummary {
        let key: PseudonymKey
        do { key = try PseudonymKey.fromEnvironment() } catch {
            throw WarehouseError.configuration("\(error)")
        }
        let conn = try PGConnection.open(db.database)
        var options = LoadOptions(files: files)
        options.rejectsPath = rejects
        options.summaryJSONPath = summaryJSON
        options.maxRejectRatio = maxRejectRatio
        options.waitForLock = wait
        options.lockTimeoutSeconds = lockTimeout
        options.allowEmpty = allowEmpty
        options.threads = threads
        options.showProgress = isatty(STDERR_FILENO) == 1
        // To record a failed run when the session was lost; a server that does not answer must
        // not hold up the exit (a connect_timeout in --database or the environment wins).
        let database = db.database
        let reconnect = { () throws -> PGConnection in
            setenv("PGCONNECT_TIMEOUT", "10", 0)
            return try PGConnection(database)
        }
        return try Loader(conn: conn, key: key, reconnect: reconnect, log: { note($0) }).run(options)
    }

    /// The metrics file is the monitoring's, not the run's: failing to write it is a warning only.
    private func writeMetrics(_ summary: LoadSummary?, exitCode: Int32) {
        guard let metricsFile else { return }
        do { try LoadMetrics.write(path: metricsFile, summary: summary, exitCode: exitCode) } catch {
            note("samtaler: warning: \(error.description)")
        }
    }
}
