import SamtalerWarehouse

/// `samtaler serve --suppress N`: a report's small numbers hidden by the ministry extract's rule
/// (`Disclosure`, /work/shared/spec/ministry-extract.md, "Disclosure control"), applied to the
/// cells of a `ReportTable` instead of the extract's rows.
///
/// - Primary (`Disclosure.isPrimarySuppressed`): a count cell from 1 to N-1 is hidden, mark `P`.
/// - Secondary (`Disclosure.apply`): the extract's group is the form rows of one
///   (indberetter, samtaletype) under their `I_ALT` row. In a report each total row (a row with
///   "I alt" in a breakdown) is such a group: its members are the rows that agree with it in every
///   other column and have a value in that breakdown. Per count column, the extract's rule runs
///   on each group: when the total is shown and exactly one member is hidden, the member with the
///   smallest number is hidden too, mark `S`. One pass over the primary marks, as in the extract.
/// - A hidden count is written as the extract writes it: an empty field (CSV), null (JSON), "–"
///   (page); the column `diskretion` says `P` or `S` for the row. The shares and averages of a row
///   with a hidden count are hidden too (they would give it back), and the charts are left out.
enum Suppression {
    static let total = "I alt"

    /// A text cell's value (other cells, never in a text column, as their case).
    static func keyText(_ cell: ReportTable.Cell) -> String { cell.string ?? "\(cell)" }

    /// `table` with its counts from 1 to `threshold` - 1 hidden, and the secondary cells, as above.
    static func apply(_ table: ReportTable, threshold: Int) -> ReportTable {
        let countColumns = table.columns.indices.filter { table.columns[$0].kind == .count }
        let textColumns = table.columns.indices.filter { table.columns[$0].kind == .text }
        var marks = [Disclosure.Mark?](repeating: nil, count: table.rows.count)
        var hidden = Set<[Int]>()   // [row, column]

        func input(_ group: String, _ column: Int, _ row: Int, _ form: Disclosure.Form) -> Disclosure.InputRow? {
            guard let n = table.rows[row].cells[column].int else { return nil }
            return Disclosure.InputRow(group: Disclosure.Group("", group, String(column)), samtaleform: form,
                                       antalSamtaler: n, antalPersoner: n)
        }
        // Primary.
        for (r, row) in table.rows.enumerated() {
            for c in countColumns {
                guard let n = row.cells[c].int else { continue }
                let cell = Disclosure.InputRow(group: Disclosure.Group("", "", ""), samtaleform: .iAlt, antalSamtaler: n, antalPersoner: n)
                if Disclosure.isPrimarySuppressed(cell, threshold: threshold) { hidden.insert([r, c]); marks[r] = .primary }
            }
        }
        // Secondary: one group per (total row, breakdown where it says "I alt") and count column.
        var groups: [Disclosure.InputRow] = []
        let width = String(table.rows.count).count
        func code(_ r: Int) -> Disclosure.Form { .code(String(r).leftPadded(to: width)) }
        for k in textColumns {
            // The rows by their values in every text column but k: a total row and its members share one.
            var siblings: [[String]: [Int]] = [:]
            for r in table.rows.indices {
                siblings[textColumns.map { $0 == k ? "" : keyText(table.rows[r].cells[$0]) }, default: []].append(r)
            }
            for rows in siblings.values {
                let totals = rows.filter { table.rows[$0].cells[k] == .text(total) }
                let members = rows.filter { table.rows[$0].cells[k] != .text(total) }
                guard members.count > 1 else { continue }
                for t in totals {
                    for c in countColumns {
                        let id = "\(t)/\(k)"
                        groups += ([input(id, c, t, .iAlt)] + members.map { input(id, c, $0, code($0)) }).compactMap { $0 }
                    }
                }
            }
        }
        for out in Disclosure.apply(groups, threshold: threshold) where out.diskretion == .secondary {
            guard case .code(let r) = out.samtaleform, let row = Int(r), let column = Int(out.group.samtaletype) else { continue }
            hidden.insert([row, column])
            if marks[row] == nil { marks[row] = .secondary }
        }
        var t = table
        for r in t.rows.indices {
            let rowHidden = marks[r] != nil
            for c in t.columns.indices {
                switch t.rows[r].cells[c] {
                case .count where hidden.contains([r, c]): t.rows[r].cells[c] = .decimal(nil)
                case .share where rowHidden: t.rows[r].cells[c] = .share(nil)
                case .decimal where rowHidden: t.rows[r].cells[c] = .decimal(nil)
                default: break
                }
            }
            t.rows[r].cells.append(.text(marks[r]?.rawValue ?? ""))
        }
        // ReportTable.Column's initializer is the warehouse's own: a copy of a column, renamed.
        if var column = t.columns.first {
            column.key = "diskretion"
            column.label = "Diskretion"
            column.kind = .text
            t.columns.append(column)
        }
        t.charts = []
        t.notes.append(note(threshold))
        return t
    }

    /// The page's and the files' word on it, in Danish.
    static func note(_ threshold: Int) -> String {
        "Små tal er skjult: et antal fra 1 til \(threshold - 1) vises ikke (diskretion P), og hvor det ellers kunne regnes ud "
            + "af en total, skjules også det mindste andet antal under samme total (diskretion S). Andele og gennemsnit i en række "
            + "med et skjult tal vises heller ikke, og diagrammerne er udeladt."
    }
}
