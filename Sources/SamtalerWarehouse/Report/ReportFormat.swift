import Foundation

/// How a report is written out.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, csv, json, html

    /// Renders a report. `excel` makes CSV for Danish Excel (semicolon, decimal comma, byte-order mark).
    public func render(_ t: ReportTable, excel: Bool = false) -> String {
        switch self {
        case .table: return TextTable.render(t)
        case .csv: return CSVText.render(t, excel: excel)
        case .json: return JSONReport.render(t)
        case .html: return HTMLReport.render(t)
        }
    }
}

/// Danish number formatting: 1.234.567 and 12,3 %.
enum Danish {
    static func count(_ n: Int) -> String {
        LoadSummary.thousands(n, separator: UInt8(ascii: "."))
    }

    static func share(_ v: Double?) -> String {
        guard let v else { return "–" }
        return String(format: "%.1f", v * 100).replacingOccurrences(of: ".", with: ",") + " %"
    }

    static func decimal(_ v: Double?) -> String {
        guard let v else { return "–" }
        return String(format: "%.2f", v).replacingOccurrences(of: ".", with: ",")
    }

    static func text(_ c: ReportTable.Cell) -> String {
        switch c {
        case .text(let s): return s
        case .count(let n): return count(n)
        case .share(let v): return share(v)
        case .decimal(let v): return decimal(v)
        case .empty: return "–"
        }
    }
}

/// An aligned table for the terminal: Danish labels, thousands separators, subtotals set apart.
enum TextTable {
    static func render(_ t: ReportTable) -> String {
        let header = t.columns.map(\.label)
        let body = t.rows.map(t.humanCells)
        let lengths = body.map { $0.map(\.count) }
        var widths = header.map(\.count)
        for r in lengths { for (i, n) in r.enumerated() { widths[i] = max(widths[i], n) } }
        let leftAligned = t.columns.map { $0.kind == .text }
        // Built as bytes (a 117,000-row report spent a quarter of its time here building padding
        // strings and joining them); widths count characters, as the terminal shows them.
        func line(_ cells: [String], _ lengths: [Int]? = nil) -> String {
            var s: [UInt8] = []
            s.reserveCapacity(widths.reduce(2 * cells.count, +) * 2)
            for (i, c) in cells.enumerated() {
                if i > 0 { s.append(0x20); s.append(0x20) }
                let pad = widths[i] - (lengths?[i] ?? c.count)
                if !leftAligned[i] { s.append(contentsOf: repeatElement(0x20, count: pad)) }
                s.append(contentsOf: c.utf8)
                if leftAligned[i] { s.append(contentsOf: repeatElement(0x20, count: pad)) }
            }
            while s.last == 0x20 { s.removeLast() }
            return String(decoding: s, as: UTF8.self)
        }
        var out = [t.title, t.subtitle, ""]
        out.append(line(header))
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        for (k, (row, cells)) in zip(t.rows, body).enumerated() {
            if row.level == 2 { out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")) }
            out.append(line(cells, lengths[k]))
        }
        if t.rows.isEmpty { out.append("(ingen rækker)") }
        if !t.notes.isEmpty { out.append("") ; out += t.notes }
        return out.joined(separator: "\n") + "\n"
    }
}

/// RFC 4180 CSV: one header line of column keys, plain numbers, shares as fractions.
/// With `excel`: semicolons, decimal commas and a byte-order mark, as Danish Excel expects.
enum CSVText {
    static func render(_ t: ReportTable, excel: Bool) -> String {
        let sep = excel ? ";" : ","
        let sepByte = excel ? UInt8(ascii: ";") : UInt8(ascii: ",")
        func field(_ s: String) -> String {
            // Quoted when it holds the separator, a quote or a line break (bytes: Foundation's
            // contains() took a third of a 117,000-row report).
            if s.utf8.contains(where: { $0 == sepByte || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        }
        func value(_ c: ReportTable.Cell) -> String {
            switch c {
            case .text(let s): return field(s)
            case .count(let n): return String(n)
            case .empty: return ""
            case .share(let v), .decimal(let v):
                guard let v else { return "" }
                let s = String(format: "%.6f", v)
                return excel ? s.replacingOccurrences(of: ".", with: ",") : s
            }
        }
        // The level column, as in JSON: a spreadsheet's sum over detail rows only counts nothing twice.
        var lines = [(t.machineColumns.map { field($0.column.key) } + ["niveau"]).joined(separator: sep)]
        for r in t.rows {
            lines.append((t.machineCells(r).map(value) + [ReportTable.levelNames[r.level]]).joined(separator: sep))
        }
        return (excel ? "\u{FEFF}" : "") + lines.map { $0 + "\r\n" }.joined()
    }
}

/// JSON: the report's name, title, columns and rows as objects keyed by column.
enum JSONReport {
    static func render(_ t: ReportTable) -> String {
        func value(_ c: ReportTable.Cell) -> String {
            switch c {
            case .text(let s): return JSONText.string(s)
            case .count(let n): return String(n)
            case .empty: return "null"
            case .share(let v), .decimal(let v): return v.map { String(format: "%.6f", $0) } ?? "null"
            }
        }
        let columns = t.machineColumns.map(\.column)
        let rows = t.rows.map { r in
            "{" + zip(columns, t.machineCells(r)).map { "\(JSONText.string($0.key)):\(value($1))" }.joined(separator: ",")
                + ",\"niveau\":\(JSONText.string(ReportTable.levelNames[r.level]))}"
        }
        let columnList = columns.map { "{\"key\":\(JSONText.string($0.key)),\"label\":\(JSONText.string($0.label)),\"type\":\(JSONText.string($0.kind.rawValue))}" }
        return "{\"report\":\(JSONText.string(t.name)),\"title\":\(JSONText.string(t.title)),\"subtitle\":\(JSONText.string(t.subtitle)),"
            + "\"columns\":[\(columnList.joined(separator: ","))],\n\"rows\":[\n" + rows.joined(separator: ",\n")
            + "\n],\"notes\":[\(t.notes.map(JSONText.string).joined(separator: ","))]}\n"
    }
}
