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

    /// The same, appended to `out` as bytes (HumanText).
    static func appendCount(_ n: Int, to out: inout [UInt8]) {
        LoadSummary.appendThousands(n, separator: UInt8(ascii: "."), to: &out)
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
    /// From this many rows on, the two halves of the rows are made into text at once, on two
    /// threads (every period of the 10M warehouse has 117,000).
    static let halvesFrom = 20_000

    static func render(_ t: ReportTable, halvesFrom: Int = TextTable.halvesFrom) -> String {
        let header = t.columns.map(\.label)
        let n = header.count
        // Every cell's text and width, row after row in one buffer of bytes (HumanText): a
        // 117,000-row report spent a quarter of its time building padding strings and joining
        // them, a tenth measuring its cells, a third making and freeing an array per row, and
        // then two fifths of the rest making and freeing a String per cell.
        let labels = t.columns.map { t.codeLabels[$0.key] }
        func cells(_ rows: Range<Int>) -> HumanText {
            var body = HumanText()
            body.reserve(cells: rows.count * n)
            for row in t.rows[rows] {
                t.appendHumanCells(row, labels: labels, to: &body)
                // A row short of cells (none is) gets empty ones: the same line, its end trimmed.
                while body.count % n != 0 { body.append("") }
            }
            return body
        }
        let halves = t.rows.count >= max(halvesFrom, 2) ? [0..<t.rows.count / 2, t.rows.count / 2..<t.rows.count] : [0..<t.rows.count]
        let bodies = inHalves(halves, cells)
        var widths = header.map(width)
        for body in bodies {
            for (k, length) in body.widths.enumerated() where length > widths[k % n] { widths[k % n] = length }
        }
        let leftAligned = t.columns.map { $0.kind == .text }
        let rule = Array((widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n").utf8)
        // Written as bytes, each half into its buffer.
        func line(_ cell: (Int) -> ArraySlice<UInt8>, _ length: (Int) -> Int, into out: inout [UInt8]) {
            let start = out.count
            for i in 0..<n {
                if i > 0 { out.append(0x20); out.append(0x20) }
                let pad = widths[i] - length(i)
                if !leftAligned[i] { out.append(contentsOf: repeatElement(0x20, count: pad)) }
                out.append(contentsOf: cell(i))
                if leftAligned[i] { out.append(contentsOf: repeatElement(0x20, count: pad)) }
            }
            while out.count > start && out.last == 0x20 { out.removeLast() }
            out.append(0x0A)
        }
        let lines = inHalves(Array(halves.indices)) { h -> [UInt8] in
            let body = bodies[h]
            var out: [UInt8] = []
            out.reserveCapacity((widths.reduce(2 * n, +) + 1) * (halves[h].count + 2))
            for (k, row) in t.rows[halves[h]].enumerated() {
                if row.level == 2 { out.append(contentsOf: rule) }
                line({ body.bytes(k * n + $0) }, { body.widths[k * n + $0] }, into: &out)
            }
            return out
        }
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(4096) { $0 + $1.count })
        for text in [t.title, t.subtitle, ""] { out.append(contentsOf: text.utf8); out.append(0x0A) }
        line({ ArraySlice(header[$0].utf8) }, { width(header[$0]) }, into: &out)
        out.append(contentsOf: rule)
        for part in lines { out.append(contentsOf: part) }
        if t.rows.isEmpty { out.append(contentsOf: "(ingen rækker)\n".utf8) }
        if !t.notes.isEmpty {
            out.append(0x0A)
            for note in t.notes { out.append(contentsOf: note.utf8); out.append(0x0A) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `work` for each part, the last part's on this thread and the one before on a thread of
    /// its own (one or two parts).
    private static func inHalves<P, T>(_ parts: [P], _ work: @escaping (P) -> T) -> [T] {
        guard parts.count == 2 else { return parts.map(work) }
        let first = Concurrently { work(parts[0]) }
        let second = work(parts[1])
        // `work` cannot throw, so neither can the result.
        return [try! first.result(), second]
    }

    /// The columns a cell takes in the terminal: its Unicode scalars (UTF-8 bytes that do not
    /// continue a character), which for Danish text (precomposed æ, ø, å) are its characters,
    /// counted without Swift's grapheme breaking.
    static func width(_ s: String) -> Int {
        var n = 0
        for b in s.utf8 where b & 0xC0 != 0x80 { n += 1 }
        return n
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
