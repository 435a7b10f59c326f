import Foundation
import SamtalerFeed

/// A report's options as a person types them: the words of `samtaler report` (`--period`, `--by`,
/// ...) and of the web view's query (`period=`, `by=`, ...), which are the same. `parse()` is the
/// one place they are checked, for the command line and the web alike; what it refuses is a
/// `ReportOptionError` naming the option.
public struct ReportOptions: Sendable, Equatable {
    /// The options by name, as the command line writes them without `--` and the web's query does.
    public enum Parameter: String, CaseIterable, Sendable {
        case name, period, from, to, per, by, date, mark, format, excel
        /// The kept history (docs/history.md): every report as of a batch; revisions' two states,
        /// its threshold and whether only changed rows are shown.
        case asOfBatch = "as-of-batch", fromBatch = "from-batch", toBatch = "to-batch", threshold, changed
    }

    public var name: String
    public var period: String?
    public var from: String?
    public var to: String?
    public var per = "month"
    /// Breakdowns, comma-separated.
    public var by: String?
    public var date: String?
    /// Marks, comma-separated.
    public var mark: String?
    /// table, csv, json or html; `excel` is csv for Danish Excel (the same as csv with `excel`).
    public var format = "table"
    public var excel = false
    /// A load batch's number, as typed.
    public var asOfBatch: String?
    /// revisions: the batches compared and the disclosure threshold, as typed.
    public var fromBatch: String?
    public var toBatch: String?
    public var threshold: String?
    /// revisions: only the rows that changed.
    public var changed = false

    public init(name: String) { self.name = name }

    /// A checked request and how to write it.
    public struct Parsed: Sendable {
        public var request: Reports.Request
        public var format: ReportFormat
        /// CSV for Danish Excel.
        public var excel: Bool

        /// The bytes `samtaler report` writes for `table`, the same wherever it is written.
        public func render(_ table: ReportTable) -> String { format.render(table, excel: excel) }
    }

    /// Whether report `name` takes option `p` at all (`--date` only the visitation report, ...).
    public static func takes(_ name: Reports.Name, _ p: Parameter) -> Bool {
        switch p {
        case .by: return !name.breakdowns.isEmpty
        case .date: return name == .visitation
        case .mark: return name == .marks
        case .per: return name != .coverage && name != .batches && name != .revisions
        case .fromBatch, .toBatch, .threshold, .changed: return name == .revisions
        case .name, .period, .from, .to, .format, .excel, .asOfBatch: return true
        }
    }

    /// Checks every option and turns them into a request, or names the first one that is wrong.
    public func parse() throws(ReportOptionError) -> Parsed {
        guard let reportName = Reports.Name(rawValue: name) else { throw .init(.name, .unknownReport(name)) }
        var req = Reports.Request(name: reportName)
        if let period {
            guard from == nil && to == nil else { throw .init(.period, .periodAndRange) }
            do { req.period = try Period.parse(period) } catch { throw .init(.period, .period(error)) }
        } else if from != nil || to != nil {
            guard let f = from.flatMap({ CivilDate(iso: $0) }), let t = to.flatMap({ CivilDate(iso: $0) }) else {
                throw .init(from.flatMap({ CivilDate(iso: $0) }) == nil ? .from : .to, .rangeHalf)
            }
            do { req.period = try Period.range(from: f, to: t) } catch { throw .init(.to, .period(error)) }
        }
        guard let g = Reports.Granularity(word: per) else { throw .init(.per, .per(per)) }
        req.per = g
        for word in Self.words(by) {
            guard let b = Reports.Breakdown(word: word) else { throw .init(.by, .unknownBreakdown(word)) }
            guard !req.by.contains(b) else { throw .init(.by, .twice(word)) }
            guard reportName.breakdowns.contains(b) else {
                throw .init(.by, .breakdownNotTaken(report: name, b.rawValue, allowed: reportName.breakdowns.map(\.rawValue)))
            }
            req.by.append(b)
        }
        if let date {
            guard Self.takes(reportName, .date) else { throw .init(.date, .onlyWith("visitation")) }
            guard let d = CivilDate(iso: date) else { throw .init(.date, .notADay(date)) }
            guard period == nil && from == nil && to == nil else { throw .init(.date, .dateAndPeriod) }
            req.date = d
        }
        if let mark {
            guard Self.takes(reportName, .mark) else { throw .init(.mark, .onlyWith("marks")) }
            for word in Self.words(mark) {
                guard let m = Reports.Mark(rawValue: word.lowercased()) else { throw .init(.mark, .unknownMark(word)) }
                guard !req.marks.contains(m) else { throw .init(.mark, .twice(word)) }
                req.marks.append(m)
            }
        }
        let excelFormat = format == "excel"
        guard let f = excelFormat ? .csv : ReportFormat(rawValue: format) else { throw .init(.format, .format(format)) }
        if excel && f != .csv { throw .init(.excel, .excelWithoutCSV) }
        try history(&req)
        return Parsed(request: req, format: f, excel: excel || excelFormat)
    }

    /// The options of the kept history (docs/history.md) on `req`: batch numbers are whole numbers
    /// from 1 (whether the warehouse published them is checked when the report runs); revisions
    /// compares two states of the extract of a month, quarter or year.
    func history(_ req: inout Reports.Request) throws(ReportOptionError) {
        func batch(_ p: Parameter, _ text: String?) throws(ReportOptionError) -> Int? {
            guard let text else { return nil }
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else { throw .init(p, .batchNumber(text)) }
            return n
        }
        req.asOfBatch = try batch(.asOfBatch, asOfBatch)
        let revisions = req.name == .revisions
        for (p, given) in [(Parameter.fromBatch, fromBatch != nil), (.toBatch, toBatch != nil), (.threshold, threshold != nil), (.changed, changed)]
        where given && !revisions {
            throw .init(p, .onlyWith("revisions"))
        }
        guard revisions else { return }
        guard let p = req.period, p.kind != .range else { throw .init(.period, .extractPeriod) }
        req.fromBatch = try batch(.fromBatch, fromBatch)
        req.toBatch = try batch(.toBatch, toBatch)
        if let threshold {
            guard let n = Int(threshold.trimmingCharacters(in: .whitespaces)), n >= 1 else { throw .init(.threshold, .threshold(threshold)) }
            req.threshold = n
        }
        if let a = req.fromBatch, let b = req.toBatch ?? req.asOfBatch, a > b {
            throw .init(.fromBatch, .batchOrder(a, later: req.toBatch != nil ? .toBatch : .asOfBatch, b))
        }
        req.changedOnly = changed
    }

    /// The non-empty words of a comma-separated list.
    public static func words(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A report option that cannot be used: which option (`parameter`), and what is wrong with it, in
/// English for the command line (`description`) and in Danish for the web (`danish`).
public struct ReportOptionError: Error, Sendable, CustomStringConvertible {
    /// The option that is wrong.
    public let parameter: ReportOptions.Parameter
    private let problem: Problem

    fileprivate enum Problem: Sendable {
        case unknownReport(String)
        case periodAndRange
        case period(Period.Problem)
        case rangeHalf
        case per(String)
        case unknownBreakdown(String)
        case twice(String)
        case breakdownNotTaken(report: String, String, allowed: [String])
        case onlyWith(String)
        case notADay(String)
        case dateAndPeriod
        case unknownMark(String)
        case format(String)
        case excelWithoutCSV
        case batchNumber(String)
        case extractPeriod
        case threshold(String)
        case batchOrder(Int, later: ReportOptions.Parameter, Int)
    }

    fileprivate init(_ parameter: ReportOptions.Parameter, _ problem: Problem) {
        self.parameter = parameter
        self.problem = problem
    }

    /// No report has this name (the web answers 404, not 400).
    public var isUnknownReport: Bool {
        if case .unknownReport = problem { return true }
        return false
    }

    /// The command line's message (ArgumentParser prefixes "Error: ").
    public var description: String {
        switch problem {
        case .unknownReport(let n):
            return "unknown report '\(n)': choose \(Reports.Name.allCases.map(\.rawValue).joined(separator: ", "))"
        case .periodAndRange: return "give either --period or --from/--to, not both"
        case .period(let p): return p.description
        case .rangeHalf: return "--from and --to go together, each a date YYYY-MM-DD"
        case .per: return "--per is month, quarter or year"
        case .unknownBreakdown(let w):
            return "unknown breakdown '\(w)': choose \(Reports.Breakdown.allCases.map(\.rawValue).joined(separator: ", "))"
        case .twice(let w): return "--\(parameter.rawValue) names \(w) twice"
        case .breakdownNotTaken(let report, let b, let allowed):
            return "the \(report) report cannot be broken down by \(b)"
                + (allowed.isEmpty ? ": it takes no --by" : ": choose \(allowed.joined(separator: ", "))")
        case .onlyWith(let report): return "--\(parameter.rawValue) goes with the \(report) report"
        case .notADay(let d): return "--date is a day YYYY-MM-DD, not '\(d)'"
        case .dateAndPeriod: return "give either --date or a period, not both"
        case .unknownMark(let w): return "unknown mark '\(w)': choose \(Reports.Mark.allCases.map(\.rawValue).joined(separator: ", "))"
        case .format: return "--format is table, csv, json or html (or excel: csv for Danish Excel)"
        case .excelWithoutCSV: return "--excel goes with --format csv"
        case .batchNumber(let t): return "--\(parameter.rawValue) must be a batch number (1 or more), got \(t)"
        case .extractPeriod:
            return "the revisions report needs --period, the extract's period: a month 2025-03, a quarter 2025Q1 or a year 2025"
        case .threshold(let t): return "--threshold must be at least 1, got \(t)"
        case .batchOrder(let a, let later, let b): return "--from-batch \(a) is after --\(later.rawValue) \(b): the earlier state comes first"
        }
    }

    /// The web's message: Danish, naming the parameter as the query writes it. The value typed is
    /// not repeated (the page shows it in the form).
    public var danish: String {
        let p = "«\(parameter.rawValue)»"
        switch problem {
        case .unknownReport: return "Der er ingen rapport med det navn."
        case .periodAndRange: return "Angiv enten period eller from/to, ikke begge."
        case .period(.format): return "\(p) skal være en måned (2025-03), et kvartal (2025Q1) eller et år (2025)."
        case .period(.order): return "Perioden slutter (to) før den begynder (from)."
        case .rangeHalf: return "\(p): from og to hører sammen og er hver en dato ÅÅÅÅ-MM-DD."
        case .per: return "\(p) skal være month, quarter eller year (måned, kvartal eller år)."
        case .unknownBreakdown:
            return "\(p) kender ikke den opdeling. Mulige: \(Reports.Breakdown.allCases.map(\.rawValue).joined(separator: ", "))."
        case .twice: return "\(p) nævner den samme værdi to gange."
        case .breakdownNotTaken(_, _, let allowed):
            return allowed.isEmpty ? "\(p): denne rapport kan ikke opdeles." : "\(p): denne rapport kan kun opdeles efter \(allowed.joined(separator: ", "))."
        case .onlyWith(let report): return "\(p) hører kun til rapporten \(report)."
        case .notADay: return "\(p) skal være en dato ÅÅÅÅ-MM-DD."
        case .dateAndPeriod: return "Angiv enten date eller en periode, ikke begge."
        case .unknownMark: return "\(p) kender ikke den markering. Mulige: \(Reports.Mark.allCases.map(\.rawValue).joined(separator: ", "))."
        case .format: return "\(p) skal være csv, excel, json, html eller table."
        case .excelWithoutCSV: return "\(p) hører kun sammen med format csv."
        case .batchNumber: return "\(p) skal være en kørsels nummer (1 eller derover)."
        case .extractPeriod: return "Rapporten revisions kræver period: udtrækkets måned (2025-03), kvartal (2025Q1) eller år (2025)."
        case .threshold: return "\(p) skal være et helt tal, mindst 1."
        case .batchOrder(_, let later, _): return "\(p) skal være en kørsel før «\(later.rawValue)»: den tidligere tilstand kommer først."
        }
    }
}
