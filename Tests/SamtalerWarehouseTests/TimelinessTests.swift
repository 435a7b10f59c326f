import Foundation
import PostgresClient
import SamtalerFeed
import Testing
@testable import SamtalerWarehouse

// The timeliness report and rapport.registreringstid (docs/history.md, "Timeliness"), by hand.

/// A conversation of jobcenter `kommune`, held on `afholdt`, registered at `registreret`.
private func held(_ id: String, _ afholdt: String, _ registreret: String, kommune: String = "101", handling: String? = nil,
                  form: String = "VIDEO") -> String {
    Line.samtale(id: id, registreret: registreret, handling: handling, kommune: kommune, afholdt: afholdt, form: form)
}

/// Three deliveries. Days from afholdt to the first registreret (Danish calendar days):
///   batch 1  March, 101: T1 0, T2 2, T3 7, T4 21;  March, 751: U1 1;
///            April, 101: T5 1 (registered 23:30 UTC on 1 April: 2 April in Copenhagen)
///   batch 2  T6 (March, 101) 40 days; T2 corrected later (its first registration stays: 2 days);
///            U1 withdrawn; T7 (April, 101) 1 day (22:30 UTC on 2 April: 3 April in Copenhagen)
///   batch 3  T8 (March, 101) 43 days; an older version of T5 arriving late, registered on
///            1 April: T5 was first registered 0 days after (a new version, April's count stays)
private let deliveries = [
    [held("T1", "2025-03-03", "2025-03-03T15:00:00+01:00"), held("T2", "2025-03-04", "2025-03-06T09:00:00+01:00"),
     held("T3", "2025-03-05", "2025-03-12T09:00:00+01:00"), held("T4", "2025-03-10", "2025-03-31T09:00:00+02:00"),
     held("U1", "2025-03-20", "2025-03-21T09:00:00+01:00", kommune: "751"), held("T5", "2025-04-01", "2025-04-01T23:30:00Z")],
    [held("T6", "2025-03-11", "2025-04-20T10:00:00+02:00"), held("T2", "2025-03-04", "2025-04-21T10:00:00+02:00", handling: "ret", form: "TELEFONISK"),
     Line.annuller(id: "U1", registreret: "2025-04-22T10:00:00+02:00", kommune: "751"), held("T7", "2025-04-02", "2025-04-02T22:30:00Z")],
    [held("T8", "2025-03-28", "2025-05-10T10:00:00+02:00"), held("T5", "2025-04-01", "2025-04-01T12:00:00+02:00")],
]

/// A row as "labels | samtaler median p90 within7 within30 | the triangle", numbers as people read them.
private func lines(_ t: ReportTable) -> [String] {
    t.rows.map { row in
        let cells = t.humanCells(row)
        let labels = t.columns.indices.filter { t.columns[$0].kind == .text }.map { cells[$0] }
        let numbers = t.columns.indices.filter { t.columns[$0].kind != .text && !t.columns[$0].key.hasPrefix("efter_koersel_") }.map { cells[$0] }
        let triangle = t.columns.indices.filter { t.columns[$0].key.hasPrefix("efter_koersel_") }.map { cells[$0] }
        return [labels.joined(separator: " "), numbers.joined(separator: " "), triangle.joined(separator: " ")].joined(separator: " | ")
    }
}

@Suite(.serialized) struct TimelinessTests {
    @Test func theDistributionAndTheTriangleByHand() throws {
        let w = try TestWarehouse()
        var afterTwo: [String] = []
        for (i, lines) in deliveries.enumerated() {
            let s = try w.load([w.file("\(i + 1).jsonl", lines)])
            #expect(s.rejected == 0 && s.batch == i + 1)
            if i == 1 { afterTwo = try rendered(w, [request(.timeliness, "2025", by: [.indberetter])]) }
        }
        func report(_ by: [Reports.Breakdown] = [], configure: (inout Reports.Request) -> Void = { _ in }) throws -> ReportTable {
            try Reports(conn: PGConnection(w.conninfo)).run(request(.timeliness, "2025", by: by, configure: configure))
        }

        // Now: March 101 [0, 2, 7, 21, 40, 43]: median the 3rd of 6 (7), 90 % the 6th (43), 3 of 6
        // within 7 days, 4 of 6 within 30. April [0, 1]. All [0, 0, 1, 2, 7, 21, 40, 43]: the 4th
        // (2) and the 8th (43). Aarhus's one conversation was withdrawn in batch 2: 1, then 0.
        let t = try report([.indberetter])
        #expect(t.columns.map(\.key).suffix(3) == ["efter_koersel_1", "efter_koersel_2", "efter_koersel_3"])
        #expect(lines(t) == [
            "2025-03 101 København | 6 7 43 50,0 % 66,7 % | 4 5 6",
            "2025-03 751 Aarhus | 0 – – – – | 1 0 0",
            "2025-03 I alt | 6 7 43 50,0 % 66,7 % | 5 5 6",
            "2025-04 101 København | 2 0 1 100,0 % 100,0 % | 1 2 2",
            "2025-04 I alt | 2 0 1 100,0 % 100,0 % | 1 2 2",
            "I alt  | 8 2 43 62,5 % 75,0 % | 6 7 8",
        ])
        #expect(t.rows.map(\.level) == [0, 0, 1, 0, 1, 2])
        #expect(lines(try report()) == [
            "2025-03 | 6 7 43 50,0 % 66,7 % | 5 5 6",
            "2025-04 | 2 0 1 100,0 % 100,0 % | 1 2 2",
            "I alt | 8 2 43 62,5 % 75,0 % | 6 7 8",
        ])

        // As of batch 2: March 101 [0, 2, 7, 21, 40] (median the 3rd of 5, 90 % the 5th), April
        // [1, 1] (T5 registered on 2 April in Copenhagen, 1 April in UTC); the triangle ends at 2.
        let two = try report([.indberetter]) { $0.asOfBatch = 2 }
        #expect(lines(two) == [
            "2025-03 101 København | 5 7 40 60,0 % 80,0 % | 4 5",
            "2025-03 751 Aarhus | 0 – – – – | 1 0",
            "2025-03 I alt | 5 7 40 60,0 % 80,0 % | 5 5",
            "2025-04 101 København | 2 1 1 100,0 % 100,0 % | 1 2",
            "2025-04 I alt | 2 1 1 100,0 % 100,0 % | 1 2",
            "I alt  | 7 2 40 71,4 % 85,7 % | 6 7",
        ])
        #expect(try rendered(w, [request(.timeliness, "2025", by: [.indberetter])], asOf: 2) == afterTwo)

        // The last column of the triangle is the count now; the view has the distribution per
        // month and indberetter with conversations now, as the report counts it.
        for row in t.rows { #expect(t.cell(row, "samtaler") == row.cells.last) }
        let view = try w.conn.execute("""
            SELECT periode_maaned || ' ' || indberetterkode || ' ' || region, samtaler, min_dage, median_dage, p90_dage, maks_dage,
                   andel_inden_7_dage, andel_inden_30_dage
            FROM rapport.registreringstid ORDER BY 1
            """)
        #expect((0..<view.rowCount).map { i in (0..<8).map { view.value(i, $0) ?? "NULL" }.joined(separator: " ") } == [
            "2025-03 101 Region Hovedstaden 6 0 7 43 43 0.5 0.6666666666666666",
            "2025-04 101 Region Hovedstaden 2 0 0 1 1 1 1",
        ])
        for i in 0..<view.rowCount {
            let month = String(view.value(i, 0)!.prefix(7))
            let row = t.rows.first { $0.level == 0 && $0.cells[0] == .text(month) && $0.cells[1] == .text("101 København") }
            #expect(row.map { Array($0.cells[2...4]) } == [.count(view.int(i, 1)!), .count(view.int(i, 3)!), .count(view.int(i, 4)!)])
            #expect(row?.cells[5] == .share(Double(view.value(i, 6)!)) && row?.cells[6] == .share(Double(view.value(i, 7)!)))
        }

        // A period without conversations says so.
        let none = try Reports(conn: PGConnection(w.conninfo)).run(request(.timeliness, "1990"))
        #expect(none.rows.count == 1 && none.notes.first?.hasPrefix("Ingen data") == true)
        #expect(lines(none) == ["I alt | 0 – – – – | "])
    }
}
