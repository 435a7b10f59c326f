import ArgumentParser
import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerWarehouse

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Aggregate reports for analysts: volumes, forms, participants, coverage.",
        discussion: """
            Reports (NAME):
              volumes       conversations and distinct persons by period and any --by breakdowns,
                            with subtotals and a grand total
              forms         how conversations were held: each samtaleform and STAR's grouping
                            (fysisk fremmøde / telefonisk / video / digitalt / andet), with shares
              participants  participants by role (deltagerrolle) and form (deltagelsesform)
              coverage      indberettere that delivered in the previous period but not in this one,
                            and inferred a-kasser waiting for a name: the operator's morning check

            Periods are Danish calendar days (Europe/Copenhagen): --period 2025-03 (month),
            2025Q1 (quarter) or 2025 (year), or --from 2025-01-01 --to 2025-06-30. Without a
            period every conversation counts (coverage: the month of the newest registration).

            Breakdowns for --by (comma-separated): samtaletype, samtaleform, indberettertype,
            indberetter, region, kontaktgruppe, aldersgruppe, koen.

            Only current registrations count: a corrected conversation counts once, as its latest
            version; a withdrawn one not at all. Distinct persons count once per row, so they do
            not add up across rows. The same numbers are in the views of schema `rapport`
            (docs/reports.md).

            Examples:
              samtaler report volumes --period 2025 --per quarter --by samtaletype
              samtaler report forms --period 2025 --format html --out forms-2025.html
              samtaler report volumes --period 2025Q1 --by region --format csv --excel --out q1.csv
            """)

    @OptionGroup var db: DatabaseOptions

    @Argument(help: ArgumentHelp("volumes, forms, participants or coverage.", valueName: "name"))
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

    @Option(help: ArgumentHelp("table, csv, json or html.", valueName: "format"))
    var format: String = "table"

    @Flag(help: "CSV for Danish Excel: semicolons, decimal commas, byte-order mark.")
    var excel = false

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func request() throws -> (Reports.Request, ReportFormat) {
        guard let reportName = Reports.Name(rawValue: name) else {
            throw ValidationError("unknown report '\(name)': choose \(Reports.Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var req = Reports.Request(name: reportName)
        if let period {
            guard from == nil && to == nil else { throw ValidationError("give either --period or --from/--to, not both") }
            do { req.period = try Period.parse(period) } catch { throw ValidationError(error.description) }
        } else if from != nil || to != nil {
            guard let f = from.flatMap({ CivilDate(iso: $0) }), let t = to.flatMap({ CivilDate(iso: $0) }) else {
                throw ValidationError("--from and --to go together, each a date YYYY-MM-DD")
            }
            do { req.period = try Period.range(from: f, to: t) } catch { throw ValidationError(error.description) }
        }
        guard let g = Reports.Granularity(word: per) else { throw ValidationError("--per is month, quarter or year") }
        req.per = g
        for word in (by ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            guard let b = Reports.Breakdown(word: word) else {
                throw ValidationError("unknown breakdown '\(word)': choose \(Reports.Breakdown.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !req.by.contains(b) else { throw ValidationError("--by names \(word) twice") }
            req.by.append(b)
        }
        guard let f = ReportFormat(rawValue: format) else { throw ValidationError("--format is table, csv, json or html") }
        if excel && f != .csv { throw ValidationError("--excel goes with --format csv") }
        return (req, f)
    }

    func validate() throws { _ = try request() }

    func run() throws {
        let (req, fmt) = try request()
        try runReportingErrors {
            let conn = try PGConnection.open(db.database)
            let table = try Reports(conn: conn).run(req)
            let text = fmt.render(table, excel: excel)
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
