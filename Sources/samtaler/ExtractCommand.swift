import ArgumentParser
import Foundation
import PostgresClient
import SamtalerWarehouse

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Write the ministry statistics extract of one period (CSV and manifest).",
        discussion: """
            Counts the conversations held in PERIOD (a month 2025-03, a quarter 2025Q1 or
            a year 2025, in Danish time) that are current, not withdrawn, in the warehouse
            now, and writes two files in DIR:

              samtaler_PERIOD.csv  one row per reporting authority, samtaletype
                and samtaleform, and an I_ALT row per samtaletype, with
                antal_samtaler, antal_personer (distinct persons; the unknown
                person is not counted) and diskretion.
              samtaler_PERIOD.manifest.json  the period and its dates, the row
                count, the SHA-256 of the CSV, the threshold, the number of
                suppressed rows, when it was made, and the load batches whose
                data it holds.

            Small numbers are suppressed: a row with 1 to N-1 distinct persons (N =
            --threshold) gets empty numbers and diskretion P. When that leaves exactly one
            form row of a group hidden under a published I_ALT row, the form row with the
            fewest conversations is hidden too (diskretion S), so the first cannot be
            computed from the total.

            The CSV depends only on the warehouse's data: two extracts of the same state
            are byte for byte the same; only `genereret` in the manifest changes. Both
            files are written under temporary names and renamed, the manifest last: both
            or neither. An earlier extract of the period is replaced. The extract reads
            one consistent snapshot, so it may run while a load is running. More:
            docs/extract.md.

            --as-of-batch N counts the warehouse as it stood right after load batch N
            was published (the warehouse keeps every version it replaced): the CSV is
            byte for byte the one an extract made then wrote, and the manifest's
            batches are those up to N. Every extract made is recorded in the warehouse
            (period, threshold, the batch it reflects, SHA-256, when); --list shows
            them. docs/history.md.

            Exit codes: 0 written; 64 usage (bad period or threshold); 73 DIR missing or
            not writable (nothing written); 75 database unavailable (retry later); 78
            configuration (no schema, or another schema version); 70 internal error.
            """)

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("The period: a month 2025-03, a quarter 2025Q1 or a year 2025 (Danish time).", valueName: "period"))
    var period: String?

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write the two files in (it must exist).", valueName: "dir"))
    var out: String?

    @Option(name: .customLong("as-of-batch"),
            help: ArgumentHelp("Count the warehouse as it stood right after this load batch was published.", valueName: "n"))
    var asOfBatch: Int?

    @Flag(help: "List the extracts made so far (of --period only, when given) instead of making one.")
    var list = false

    @Option(help: ArgumentHelp("Suppress rows with at least 1 and fewer than this many distinct persons.", valueName: "n"))
    var threshold: Int = 5

    func validate() throws {
        guard threshold >= 1 else { throw ValidationError("--threshold must be at least 1, got \(threshold)") }
        if list {
            guard out == nil, asOfBatch == nil else { throw ValidationError("--list takes only --period (and the database)") }
        } else {
            guard period != nil else { throw ValidationError("Missing expected argument '--period <period>'") }
            guard out != nil else { throw ValidationError("Missing expected argument '--out <dir>'") }
        }
        if let n = asOfBatch, n < 1 { throw ValidationError("--as-of-batch must be a batch number (1 or more), got \(n)") }
    }

    func run() throws {
        try runReportingErrors {
            // The period is checked before connecting (a usage error needs no database).
            let period = try MinistryExtract.period(self.period ?? (list ? "2025" : ""))
            let conn = try PGConnection.open(db.database)
            if list {
                print(MinistryExtract.listText(try MinistryExtract.recorded(conn, period: self.period.map { _ in period.text })),
                      terminator: "")
                return
            }
            var extract = MinistryExtract(conn: conn, period: period, outputDirectory: out ?? "", threshold: threshold)
            extract.asOfBatch = asOfBatch
            extract.counting.helper = { try PGConnection.open(db.database) }
            let summary = try extract.run()
            if summary.conversations == 0 { note("samtaler: note: no current conversations in \(period.text); the CSV holds only its header") }
            print(summary.text)
        }
    }
}
