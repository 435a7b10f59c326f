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

    /// The value of column `key` in `row`.
    public func cell(_ row: Row, _ key: String) -> Cell? {
        guard let i = columns.firstIndex(where: { $0.key == key }) else { return nil }
        return row.cells[i]
    }
}
