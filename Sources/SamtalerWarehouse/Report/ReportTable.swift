/// The result of a report, independent of how it is rendered (table, CSV, JSON, HTML).
public struct ReportTable: Sendable {
    public enum Kind: String, Sendable { case text, count, share, decimal }

    public struct Column: Sendable {
        /// Machine name (CSV header, JSON key).
        public var key: String
        /// Danish label for people.
        public var label: String
        public var kind: Kind
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case count(Int)
        /// A share from 0 to 1; nil when the base is zero.
        case share(Double?)
        /// An average or other measure with decimals; nil when there is nothing to average.
        case decimal(Double?)
        /// No number: one hidden by disclosure control, or a measure of nothing (the median of
        /// no conversations). "–" for people, empty in CSV, null in JSON.
        case empty

        public var int: Int? { if case .count(let n) = self { return n }; return nil }
        public var string: String? { if case .text(let s) = self { return s }; return nil }
    }

    public struct Row: Sendable {
        public var cells: [Cell]
        /// 0 for a detail row, 1 for a subtotal, 2 for the grand total.
        public var level: Int
    }

    /// A chart for the HTML format.
    public struct Chart: Sendable {
        /// stackedShares: 100 % columns, one per category, the series stacked (values 0–1).
        /// bars: horizontal bars of the first series; `shares` bars (values 0–1) read as percentages.
        public enum Style: Sendable { case stackedShares, bars, shares }
        public var title: String
        public var style: Style
        /// The x-axis categories (e.g. periods).
        public var categories: [String]
        /// Named series with one value per category.
        public var series: [(name: String, values: [Double])]
        /// The axes' titles: what the categories are (e.g. "Kvartal") and what the values are
        /// (default "Andel" for shares, "Antal" for counts).
        public var categoryTitle = "Periode"
        public var valueTitle: String?

        var valueAxisTitle: String { valueTitle ?? (style == .bars ? "Antal" : "Andel") }

        /// 100 % columns for `categories` (e.g. periods), one stacked series per name in `order`,
        /// from shares[category][name] (0 where absent).
        static func stacked(_ title: String, categories: [String], order: [String], shares: [String: [String: Double]]) -> Chart {
            Chart(title: title, style: .stackedShares, categories: categories,
                  series: order.map { name in (name, categories.map { shares[$0]?[name] ?? 0 }) })
        }
    }

    public var name: String
    public var title: String
    /// One line on what the report counts and for which period.
    public var subtitle: String
    public var columns: [Column]
    public var rows: [Row]
    public var notes: [String] = []
    public var charts: [Chart] = []
    /// For the columns that hold codes (samtaletype, samtaleform, roles, groups): column key to
    /// code to Danish label. People see the label (table, HTML); CSV and JSON carry the code and,
    /// beside it, the label as `<key>_betegnelse`. A value without a label (a total) stays as it is.
    public var codeLabels: [String: [String: String]] = [:]

    /// What a person reads in each cell of `row`: labels for codes, Danish numbers, and a total's
    /// "I alt" once (the columns after it that it also fills are left blank).
    func humanCells(_ row: Row) -> [String] {
        var text = HumanText()
        appendHumanCells(row, labels: columns.map { codeLabels[$0.key] }, to: &text)
        return (0..<text.count).map(text.cell)
    }

    /// The same, appended to `out` as bytes; `labels` per column its `codeLabels` (looked up once
    /// for every row of a long report).
    func appendHumanCells(_ row: Row, labels: [[String: String]?], to out: inout HumanText) {
        var previousTotal = false
        for (c, cell) in row.cells.enumerated() where c < labels.count {
            let total = cell == .text("I alt")
            if total && previousTotal {
                out.append("")
            } else if case .text(let s) = cell, let label = labels[c]?[s] {
                out.append(label)
            } else if case .count(let n) = cell {
                out.appendCount(n)
            } else {
                out.append(Danish.text(cell))
            }
            previousTotal = total
        }
    }

    /// A label for a code in any coded column (for chart categories and series, which mix them).
    func human(_ name: String) -> String {
        for labels in codeLabels.values { if let l = labels[name] { return l } }
        return name
    }

    /// The columns CSV and JSON write: each coded column followed by its label column.
    var machineColumns: [(column: Column, labelled: Bool)] {
        columns.flatMap { c -> [(column: Column, labelled: Bool)] in
            guard codeLabels[c.key] != nil else { return [(c, false)] }
            return [(c, false), (Column(key: c.key + "_betegnelse", label: c.label + " (betegnelse)", kind: .text), true)]
        }
    }

    /// The cells of `row` in `machineColumns` order (a label column repeats the code where it has no label).
    func machineCells(_ row: Row) -> [Cell] {
        zip(columns, row.cells).flatMap { c, cell -> [Cell] in
            guard let labels = codeLabels[c.key] else { return [cell] }
            if case .text(let s) = cell { return [cell, .text(labels[s] ?? s)] }
            return [cell, cell]
        }
    }

    /// The level of a row as JSON and CSV name it.
    static let levelNames = ["detalje", "subtotal", "total"]

    /// The value of column `key` in `row`.
    public func cell(_ row: Row, _ key: String) -> Cell? {
        guard let i = columns.firstIndex(where: { $0.key == key }) else { return nil }
        return row.cells[i]
    }
}

/// Cells as a person reads them, one after the other in one buffer of UTF-8 bytes, each with its
/// width in the terminal: a 117,000-row report made and freed a String per cell (TextTable spent
/// two fifths of its time on them).
struct HumanText {
    private(set) var bytes: [UInt8] = []
    /// Where each cell ends in `bytes`, and its width (`TextTable.width`).
    private(set) var ends: [Int] = []
    private(set) var widths: [Int] = []

    var count: Int { ends.count }

    mutating func reserve(cells: Int) {
        ends.reserveCapacity(cells)
        widths.reserveCapacity(cells)
        bytes.reserveCapacity(cells * 16)
    }

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        close(width: TextTable.width(s))
    }

    /// A count in Danish (1.234.567), written straight as bytes (`Danish.count` makes a String of it).
    mutating func appendCount(_ n: Int) {
        let start = bytes.count
        Danish.appendCount(n, to: &bytes)
        close(width: bytes.count - start)
    }

    private mutating func close(width: Int) {
        ends.append(bytes.count)
        widths.append(width)
    }

    /// Cell `k`'s bytes.
    func bytes(_ k: Int) -> ArraySlice<UInt8> { bytes[(k == 0 ? 0 : ends[k - 1])..<ends[k]] }

    func cell(_ k: Int) -> String { String(decoding: bytes(k), as: UTF8.self) }
}
