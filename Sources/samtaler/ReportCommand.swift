import ArgumentParser
import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerWarehouse

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Aggregate reports for analysts: volumes, forms, participants, marks, visitation, Min Plan, job search, coverage, batches, revisions, timeliness.",
        discussion: """
            Reports (NAME):
              volumes       conversations and distinct persons by period and --by
                            breakdowns, with subtotals and a grand total
              forms         how conversations were held: each samtaleform and STAR's
                            grouping (fysisk fremmøde, telefonisk, video, digitalt,
                            andet), with shares
              participants  participants by role and form of participation
              coverage      indberettere that delivered in the previous period but
                            not in this one, and inferred a-kasser waiting for a
                            name: the operator's morning check
              marks         marks and statuses of conversations: fast track, cv
                            adequacy, passed on to the a-kasse, binding agreement,
                            særlig indsats, a-kasse participation in § 31 stk. 2
                            conversations, cv approval, rådighedsvurdering
              visitation    persons per visitationsgruppe on a day (--date), or on
                            the last day of each month/quarter/year of the period
              transitions   persons moving between visitationsgrupper, and first
                            visitations, per period
              minplan       a-kasse drafts of »Min Plan« (§ 87 stk. 2) per period
                            and a-kasse
              jobsoegningskrav
                            a-kasse requirements for job search (§ 87 stk. 3) per
                            period and a-kasse
              batches       the load batches started in the period: lines read,
                            accepted and rejected (per rule), and what they changed
              revisions     why a delivered ministry extract moved: each row of the
                            extract of --period as of two batches (--from-batch A,
                            default the batch of the period's last recorded
                            delivery; --to-batch B, default the latest), and the
                            change split into new registrations, corrections and
                            withdrawals, with the batches they came in; suppressed
                            as the extract (--threshold, default 5); --changed
                            shows only the rows that changed
              timeliness    days from afholdt to the first registration (median,
                            90 %, share within 7 and 30 days) per period and --by,
                            and a run-off triangle: each row's count right after
                            each of the latest batches that changed it, so you see
                            which months are still preliminary

            Periods are Danish calendar days (Europe/Copenhagen): --period 2025-03
            (month), 2025Q1 (quarter) or 2025 (year), or --from 2025-01-01 --to
            2025-06-30. Without a period every conversation counts (coverage: the month of
            the newest registration).

            Breakdowns for --by, comma-separated. volumes, forms and marks take:
              samtaletype, samtaleform, indberettertype, indberetter, region,
              kontaktgruppe, aldersgruppe, koen, visitationsgruppe, and the marks
              tidlig_opfoelgning, cv_fyldestgoerende, videregivet_til_akasse,
              forpligtende_aftale, saerlig_indsats, akasse_deltagelse,
              cv_godkendelse, raadighedsvurdering
            visitation takes region or indberetter; timeliness samtaletype,
            indberettertype, indberetter or region; the others take none.

            --as-of-batch N (every report): the warehouse as it stood right after load
            batch N was published, from the versions it keeps (docs/history.md): the
            output is byte for byte the report made then. N must be a published batch,
            not from before the history began (else exit 64). Code lists and names are
            today's.

            Only current registrations count: a corrected conversation counts once, as its
            latest version; a withdrawn one not at all. Distinct persons count once per
            row, so they do not add up across rows. The same numbers are in the views of
            schema `rapport` (docs/reports.md). Reports read pseudonyms to count persons:
            run them as a login in samtaler_rapport.

            Examples:
              samtaler report volumes --period 2025 --per quarter --by samtaletype
              samtaler report forms --period 2025 --format html --out forms.html
              samtaler report volumes --period 2025Q1 --by region \\
                --format csv --excel --out q1.csv
              samtaler report marks --period 2025 --per quarter \\
                --mark akasse_deltagelse --by region
              samtaler report marks --period 2025 --by indberetter \\
                --mark cv_godkendelse,raadighedsvurdering
              samtaler report visitation --date 2025-06-30 --by region
              samtaler report transitions --period 2025
              samtaler report minplan --period 2025 --per quarter
              samtaler report batches --period 2025-03
              samtaler report volumes --period 2025Q1 --as-of-batch 17
              samtaler report revisions --period 2025Q1 --changed
              samtaler report revisions --period 2025-03 --from-batch 12 \\
                --to-batch 17 --threshold 3 --format csv
              samtaler report timeliness --period 2025 --by indberetter
            """)

    @OptionGroup var db: DatabaseOptions

    @Argument(help: ArgumentHelp("volumes, forms, participants, coverage, marks, visitation, transitions, minplan, jobsoegningskrav, batches, revisions or timeliness.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("A month 2025-03, a quarter 2025Q1 or a year 2025.", valueName: "period"))
    var period: String?

    @Option(help: ArgumentHelp("First day (with --to).", valueName: "YYYY-MM-DD"))
    var from: String?

    @Option(help: ArgumentHelp("Last day (with --from).", valueName: "YYYY-MM-DD"))
    var to: String?

    @Option(help: ArgumentHelp("Rows per month, quarter or year.", valueName: "month|quarter|year"))
    var per: String = "month"

    @Option(help: ArgumentHelp("Breakdowns, comma-separated (see above).", valueName: "list"))
    var by: String?

    @Option(help: ArgumentHelp("visitation: count on this one day.", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("marks: which marks, comma-separated (see above; default all).", valueName: "list"))
    var mark: String?

    @Option(help: ArgumentHelp("table, csv, json or html; excel is csv for Danish Excel (as --format csv --excel).", valueName: "format"))
    var format: String = "table"

    @Flag(help: "CSV for Danish Excel: semicolons, decimal commas, byte-order mark.")
    var excel = false

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Option(name: .customLong("as-of-batch"),
            help: ArgumentHelp("The warehouse as it stood right after this load batch was published.", valueName: "n"))
    var asOfBatch: String?

    @Option(name: .customLong("from-batch"),
            help: ArgumentHelp("revisions: the earlier state (default: the batch of the period's last recorded delivery).", valueName: "a"))
    var fromBatch: String?

    @Option(name: .customLong("to-batch"),
            help: ArgumentHelp("revisions: the later state (default: the latest published batch).", valueName: "b"))
    var toBatch: String?

    @Option(help: ArgumentHelp("revisions: suppress rows with at least 1 and fewer than this many distinct persons, as the extract (default 5).",
                               valueName: "n"))
    var threshold: String?

    @Flag(help: "revisions: only the rows that a changed registration touched.")
    var changed = false

    /// The options, checked by the code that also checks the web view's (ReportOptions).
    func request() throws -> ReportOptions.Parsed {
        var o = ReportOptions(name: name)
        (o.period, o.from, o.to, o.per, o.by, o.date, o.mark, o.format, o.excel) = (period, from, to, per, by, date, mark, format, excel)
        (o.asOfBatch, o.fromBatch, o.toBatch, o.threshold, o.changed) = (asOfBatch, fromBatch, toBatch, threshold, changed)
        do { return try o.parse() } catch { throw ValidationError(error.description) }
    }

    func validate() throws { _ = try request() }

    func run() throws {
        let parsed = try request()
        try runReportingErrors {
            if let n = parsed.request.asOfBatch { note("samtaler: note: the warehouse as it stood right after batch \(n)") }
            let conn = try PGConnection.open(db.database)
            let table = try Reports(conn: conn, helper: { try PGConnection.open(db.database) }).run(parsed.request)
            let text = parsed.render(table)
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
                    throw WarehouseError.output("cannot write \(out)")
                }
                note("wrote \(out)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
