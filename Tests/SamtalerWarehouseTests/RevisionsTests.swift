import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

// The revisions report (docs/history.md, "Revisions"): each row of the ministry extract as of two
// batches, and the change split into new registrations, corrections and withdrawals.

/// The row's cell of column `key` as text: a count's number, "" for a hidden or empty number.
private func text(_ t: ReportTable, _ row: ReportTable.Row, _ key: String) -> String {
    switch t.cell(row, key) {
    case .count(let n)?: return String(n)
    case .text(let s)?: return s
    case .empty?: return "–"
    default: return "?"
    }
}

/// The extract row a revisions row stands for, as the CSV writes its first columns.
private func extractKey(_ t: ReportTable, _ row: ReportTable.Row) -> String {
    ["indberettertype", "indberetterkode", "samtaletype", "samtaleform"].map { text(t, row, $0) }.joined(separator: ",")
}

/// An extract's CSV as key (indberettertype,indberetterkode,samtaletype,samtaleform) to its
/// antal_samtaler, antal_personer and diskretion fields.
private func extractRows(_ csv: String) -> [String: [String]] {
    var out: [String: [String]] = [:]
    for line in csv.split(separator: "\n").dropFirst() {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        out[f[1...4].joined(separator: ",")] = Array(f[5...7])
    }
    return out
}

@Suite(.serialized) struct RevisionsTests {
    /// HistoryTests' two deliveries by hand. March as of batch 1: PERSONLIGT A3 A4, TELEFONISK A5,
    /// VIDEO A1 A2 C1. Batch 2: A1 corrected from VIDEO to PERSONLIGT (a correction: -1 VIDEO, +1
    /// PERSONLIGT; within I_ALT 0), A2 withdrawn (-1 VIDEO), A3 moved to April (a correction: -1
    /// PERSONLIGT, +1 in April), A4's older version arriving late (a correction within its row: 0,
    /// but its batch is listed), A6 new (+1 VIDEO).
    @Test func eachRowsChangeIsSplitIntoNewCorrectionsAndWithdrawals() throws {
        let w = try TestWarehouse()
        try w.load([w.file("1.jsonl", batch1)]) { $0.firstLoadWindow = 0 }
        _ = try w.extractFiles("2025-03", threshold: 1, now: Date())   // the delivery
        try w.load([w.file("2.jsonl", batch2)])
        func report(_ period: String, configure: (inout Reports.Request) -> Void = { _ in }) throws -> ReportTable {
            try Reports(conn: PGConnection(w.conninfo)).run(request(.revisions, period, configure: configure))
        }
        let columns = ["samtaleform", "samtaler_fra", "personer_fra", "samtaler_til", "personer_til",
                       "aendring", "nye", "rettelser", "annulleringer", "aendring_personer", "koersler"]
        func lines(_ t: ReportTable) -> [String] { t.rows.map { row in columns.map { text(t, row, $0) }.joined(separator: " ") } }

        let march = try report("2025-03") { $0.threshold = 1 }
        #expect(march.subtitle.contains("efter A: kørsel 1 (seneste leverance, udtræk nr. 1), og efter B: kørsel 2"), "\(march.subtitle)")
        #expect(lines(march) == [
            "PERSONLIGT 2 2 2 2 0 0 0 0 0 2",
            "TELEFONISK 1 1 1 1 0 0 0 0 0 ",
            "VIDEO 3 3 2 2 -1 1 -1 -1 -1 2",
            "I_ALT 6 6 5 5 -1 1 -1 -1 -1 2",
        ])
        #expect(march.rows.map(\.level) == [0, 0, 0, 1])
        #expect(march.notes.last == "3 af 4 rækker ændret mellem kørsel 1 og kørsel 2.")
        // Only the rows a changed registration touched: TELEFONISK's did not change.
        let changed = try report("2025-03") { $0.threshold = 1; $0.changedOnly = true }
        #expect(lines(changed) == lines(march).filter { !$0.hasPrefix("TELEFONISK") })
        #expect(changed.notes.last == "3 af 4 rækker ændret mellem kørsel 1 og kørsel 2; kun de ændrede vises.")
        // People read the label of I_ALT, as of the codes.
        #expect(TextTable.render(march).contains("I alt") && TextTable.render(march).contains("Personligt fremmøde"))

        // April had no delivery: the earlier state is asked for. A3 moved in: a correction, +1.
        #expect(throws: WarehouseError.self) { try report("2025-04") }
        do { _ = try report("2025-04") } catch {
            #expect((error as? WarehouseError)?.exitCode == 64 && "\(error)".contains("give --from-batch"), "\(error)")
        }
        #expect(try lines(report("2025-04") { $0.fromBatch = 1; $0.threshold = 1 }) == [
            "PERSONLIGT 0 0 1 1 1 0 1 0 1 2",
            "VIDEO 1 1 1 1 0 0 0 0 0 ",
            "I_ALT 1 1 2 2 1 0 1 0 1 2",
        ])

        // Suppressed as the extract (threshold 5): every form row has fewer than 5 persons on
        // one side or both, so its changes are hidden too; I_ALT (6, then 5 persons) is shown.
        let shown = try report("2025-03")
        #expect(lines(shown) == [
            "PERSONLIGT – – – – – – – – – 2",
            "TELEFONISK – – – – – – – – – ",
            "VIDEO – – – – – – – – – 2",
            "I_ALT 6 6 5 5 -1 1 -1 -1 -1 2",
        ])
        #expect(shown.rows.map { text(shown, $0, "diskretion_fra") + text(shown, $0, "diskretion_til") } == ["PP", "PP", "PP", ""])
        #expect(CSVText.render(shown, excel: false).contains("PERSONLIGT,Personligt fremmøde,,,P,,,P,,,,,,2,detalje"))
        #expect(JSONReport.render(shown).contains(#""samtaler_fra":null"#))

        // A == B: nothing changed.
        #expect(try lines(report("2025-03") { $0.fromBatch = 2; $0.threshold = 1 }).allSatisfy { $0.hasSuffix(" 0 0 0 0 0 ") })
    }

    /// The default earlier state is the batch of the period's last delivery no later than B: an
    /// extract made again with --as-of-batch is no delivery. Batches that cannot be shown, or in
    /// the wrong order, are usage errors (exit 64).
    @Test func theDefaultEarlierStateIsTheLastDelivery() throws {
        let w = try TestWarehouse()
        try w.load([w.file("1.jsonl", batch1)])
        _ = try w.extractFiles("2025-03", now: Date())
        try w.load([w.file("2.jsonl", batch2)])
        _ = try w.extractFiles("2025-03", now: Date())
        _ = try w.extractFiles("2025-03", asOf: 1, now: Date())   // made again: not a delivery
        func subtitle(_ configure: (inout Reports.Request) -> Void = { _ in }) throws -> String {
            try Reports(conn: PGConnection(w.conninfo)).run(request(.revisions, "2025-03", configure: configure)).subtitle
        }
        #expect(try subtitle().contains("A: kørsel 2 (seneste leverance, udtræk nr. 2), og efter B: kørsel 2"))
        #expect(try subtitle { $0.toBatch = 1 }.contains("A: kørsel 1 (seneste leverance, udtræk nr. 1), og efter B: kørsel 1"))
        #expect(try subtitle { $0.asOfBatch = 1 }.contains("A: kørsel 1 (seneste leverance, udtræk nr. 1), og efter B: kørsel 1"))
        #expect(try subtitle { $0.fromBatch = 1 }.contains("A: kørsel 1, og efter B: kørsel 2"))
        for (configure, says) in [
            ({ $0.fromBatch = 2; $0.toBatch = 1 }, "--from-batch 2 is after --to-batch 1"),
            ({ $0.fromBatch = 9 }, "--from-batch 9: there is no batch 9"),
            ({ $0.toBatch = 9 }, "--to-batch 9: there is no batch 9"),
            ({ $0.asOfBatch = 1; $0.toBatch = 2 }, "--to-batch 2 is after --as-of-batch 1"),
        ] as [((inout Reports.Request) -> Void, String)] {
            do {
                _ = try subtitle(configure)
                Issue.record("should be refused: \(says)")
            } catch {
                #expect((error as? WarehouseError)?.exitCode == 64 && "\(error)".contains(says), "\(error)")
            }
        }
    }

    /// On a generated feed in two deliveries: each row's numbers as of A and B are the extracts'
    /// made right after A and after B (all rows, with and without suppression), and its new
    /// registrations, corrections and withdrawals add up to the difference between them.
    @Test func theChangesAddUpToTheDifferenceBetweenTwoExtracts() throws {
        let w = try TestWarehouse()
        let (a, b) = try twoDeliveries(w, rows: 8_000, seed: 44, split: 5_000)
        try w.load([a])
        let period = "2025Q1"
        let before = [1: try w.extractFiles(period, threshold: 1, now: Date()).1, 5: try w.extractFiles(period, threshold: 5, now: Date()).1]
        let s = try w.load([b])
        #expect(s.batch == 2)
        let after = [1: try w.extractFiles(period, threshold: 1, now: Date()).1, 5: try w.extractFiles(period, threshold: 5, now: Date()).1]
        #expect(before[1] != after[1], "the second delivery should move \(period)")

        var sums = (new: 0, corrections: 0, withdrawals: 0, moved: 0)
        for threshold in [1, 5] {
            let t = try Reports(conn: PGConnection(w.conninfo)).run(request(.revisions, period) {
                $0.fromBatch = 1
                $0.threshold = threshold
            })
            let (x, y) = (extractRows(before[threshold]!), extractRows(after[threshold]!))
            #expect(Set(t.rows.map { extractKey(t, $0) }) == Set(x.keys).union(y.keys), "every row of either extract, once")
            for row in t.rows {
                let key = extractKey(t, row)
                // Each side is that extract's row: its numbers, or empty and its diskretion mark.
                for (side, rows) in [("fra", x), ("til", y)] {
                    let cells = ["samtaler_", "personer_", "diskretion_"].map { text(t, row, $0 + side) }
                    let csv = (rows[key] ?? ["0", "0", ""]).map { $0.isEmpty ? "–" : $0 }
                    #expect(cells == csv.enumerated().map { $0.offset == 2 && $0.element == "–" ? "" : $0.element }, "\(threshold) \(key) \(side)")
                }
                let hidden = !(x[key]?[2] ?? "").isEmpty || !(y[key]?[2] ?? "").isEmpty
                let change = ["aendring", "nye", "rettelser", "annulleringer", "aendring_personer"].map { t.cell(row, $0) }
                if hidden {
                    #expect(change.allSatisfy { $0 == .empty }, "\(threshold) \(key): a hidden side hides the change")
                    continue
                }
                let n = change.map { $0?.int ?? -999_999 }
                let (was, now) = (Int(x[key]?[0] ?? "0")!, Int(y[key]?[0] ?? "0")!)
                #expect(n[0] == now - was && n[1] + n[2] + n[3] == n[0], "\(threshold) \(key): \(n) for \(was) -> \(now)")
                #expect(n[4] == Int(y[key]?[1] ?? "0")! - Int(x[key]?[1] ?? "0")!)
                #expect(n[1] >= 0 && n[3] <= 0)
                if threshold == 1 && row.level == 0 {
                    sums.new += n[1]; sums.corrections += n[2]; sums.withdrawals += n[3]
                    if n[2] != 0 { sums.moved += 1 }
                }
            }
        }
        // The feed's second delivery brings every kind of change into the period.
        #expect(sums.new > 0 && sums.withdrawals < 0 && sums.moved > 0, "\(sums)")
    }
}
