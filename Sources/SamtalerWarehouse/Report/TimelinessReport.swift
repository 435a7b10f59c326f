import PostgresClient
import SamtalerFeed

/// How soon conversations are registered, and how complete recent periods are: per period of
/// `afholdt` (and --by), the distribution of the days from the day a conversation was held to the
/// day it was first registered, and a run-off triangle: the count as the warehouse stood right
/// after each of the latest batches that changed it. docs/history.md, "Timeliness"; the view
/// rapport.registreringstid has the distribution per month and indberetter.
extension Reports {
    /// The days from afholdt to the first registreret, in Danish calendar days (f: the
    /// conversation; d: dim_dato of its afholdt). The same expression as rapport.registreringstid.
    static let registrationDays = "((f.foerste_registreret AT TIME ZONE 'Europe/Copenhagen')::date - d.dato)"

    /// The run-off triangle shows at most this many batches: the latest that changed its rows.
    static let triangleBatches = 12

    /// Every version of every conversation (current, and kept in the history) as events: +1 for
    /// the batch that made it current, -1 for the batch that replaced it; withdrawn versions count
    /// nowhere. A row's count as of batch k is the sum of its events up to k (as samtale_som_af(k)
    /// counts it). Columns for the groupings: afholdt_dato_key, indberetter_key, samtaletype_key.
    static let versionEvents = """
        (SELECT afholdt_dato_key, indberetter_key, samtaletype_key, batch_key AS koersel, 1 AS delta
           FROM samtaler.fact_samtale WHERE NOT annulleret
         UNION ALL
         SELECT afholdt_dato_key, indberetter_key, samtaletype_key, batch_key, 1 FROM samtaler.hist_samtale WHERE NOT annulleret
         UNION ALL
         SELECT afholdt_dato_key, indberetter_key, samtaletype_key, til_batch_key, -1 FROM samtaler.hist_samtale WHERE NOT annulleret) f
        """

    func timeliness(_ r: Request) throws -> ReportTable {
        let dims = [r.per.grouping] + r.by.map(\.grouping)
        let n = dims.count
        let days = Self.registrationDays
        let grouping = { (keys: [String]) in "GROUPING(\(keys.joined(separator: ", "))) AS niveau" }
        let distribution = try conn.execute(GroupedQuery(
            groups: dims, fact: r.filter.samtale, innerJoins: ["JOIN samtaler.dim_dato d ON d.dato_key = f.afholdt_dato_key"],
            aggregates: { keys in ["count(*) AS samtaler",
                                   "percentile_disc(0.5) WITHIN GROUP (ORDER BY \(days)) AS median",
                                   "percentile_disc(0.9) WITHIN GROUP (ORDER BY \(days)) AS p90",
                                   "count(*) FILTER (WHERE \(days) <= 7) AS inden_7",
                                   "count(*) FILTER (WHERE \(days) <= 30) AS inden_30", grouping(keys)] },
            groupBy: { "ROLLUP (\($0.joined(separator: ", ")))" },
            carry: ["x.samtaler", "x.median", "x.p90", "x.inden_7", "x.inden_30", "x.niveau"],
            orderBy: GroupedQuery.rollupOrder).sql, r.filter.parameters)

        // The triangle: each group's events per batch, up to the state shown (now, or as of).
        let batches = try PublishedBatches.read(conn)
        let upTo = r.asOfBatch ?? batches.latest
        let events = try conn.execute(GroupedQuery(
            groups: dims, fact: Self.versionEvents, filter: "f.afholdt_dato_key BETWEEN $1 AND $2 AND f.koersel <= \(upTo)",
            aggregates: { keys in ["f.koersel", "sum(f.delta)::bigint AS delta", grouping(keys)] },
            groupBy: { "f.koersel, ROLLUP (\($0.joined(separator: ", ")))" },
            carry: ["x.koersel", "x.delta", "x.niveau"],
            orderBy: { GroupedQuery.rollupOrder($0) + ["x.koersel"] }).sql, r.filter.parameters)

        // A row's cells before its numbers: the labels, "I alt" where rolled up.
        func labels(_ res: PGResult, _ i: Int, niveau: Int) -> [String] {
            (0..<n).map { j in niveau & (1 << (n - 1 - j)) != 0 ? "I alt" : (res.value(i, j) ?? "") }
        }
        struct Group: Hashable { var labels: [String]; var niveau: Int }
        // Rows in the report's order: every group that ever had a conversation in the period
        // (the events), with the distribution of those it has now.
        var groups: [Group] = []
        var deltas: [Group: [Int: Int]] = [:]
        var changedBy = Set<Int>()
        for i in 0..<events.rowCount {
            let niveau = events.int(i, n + 2) ?? 0
            let g = Group(labels: labels(events, i, niveau: niveau), niveau: niveau)
            if deltas[g] == nil { groups.append(g) }
            let k = events.int(i, n) ?? 0, d = events.int(i, n + 1) ?? 0
            deltas[g, default: [:]][k, default: 0] += d
            if d != 0 { changedBy.insert(k) }
        }
        var now: [Group: [ReportTable.Cell]] = [:]
        var sevenDays: [(String, Double)] = []
        for i in 0..<distribution.rowCount {
            let niveau = distribution.int(i, n + 5) ?? 0
            let g = Group(labels: labels(distribution, i, niveau: niveau), niveau: niveau)
            let count = distribution.int(i, n) ?? 0
            func share(_ c: Int) -> ReportTable.Cell { .share(count > 0 ? Double(distribution.int(i, c) ?? 0) / Double(count) : nil) }
            func daysCell(_ c: Int) -> ReportTable.Cell { distribution.int(i, c).map { .count($0) } ?? .empty }
            now[g] = [.count(count), daysCell(n + 1), daysCell(n + 2), share(n + 3), share(n + 4)]
            if deltas[g] == nil { groups.append(g) }   // only the empty grand total of a period without data
            if n == 1 && niveau == 0 && count > 0 { sevenDays.append((g.labels[0], Double(distribution.int(i, n + 3) ?? 0) / Double(count))) }
        }
        // The columns of the triangle: the latest batches that changed a row, from the batch the
        // history begins with (earlier states cannot be counted again).
        let shown = Array(changedBy.filter { $0 >= batches.historyStart }.sorted().suffix(Self.triangleBatches))

        var rows: [ReportTable.Row] = []
        for g in groups {
            var cells = g.labels.map { ReportTable.Cell.text($0) }
            cells += now[g] ?? [.count(0), .empty, .empty, .share(nil), .share(nil)]
            let byBatch = deltas[g] ?? [:]
            cells += shown.map { k in .count(byBatch.reduce(0) { $0 + ($1.key <= k ? $1.value : 0) }) }
            rows.append(ReportTable.Row(cells: cells, level: g.niveau == (1 << n) - 1 ? 2 : (g.niveau == 0 ? 0 : 1)))
        }
        var columns = [r.periodColumn] + r.byColumns
        columns += [ReportTable.Column(key: "samtaler", label: "Samtaler", kind: .count),
                    ReportTable.Column(key: "median_dage", label: "Median, dage", kind: .count),
                    ReportTable.Column(key: "p90_dage", label: "90 % inden for, dage", kind: .count),
                    ReportTable.Column(key: "andel_inden_7_dage", label: "Inden for 7 dage", kind: .share),
                    ReportTable.Column(key: "andel_inden_30_dage", label: "Inden for 30 dage", kind: .share)]
        columns += shown.map { ReportTable.Column(key: "efter_koersel_\($0)", label: "Efter kørsel \($0)", kind: .count) }
        var table = ReportTable(
            name: "timeliness", title: "Registreringstid og foreløbige tal",
            subtitle: "Dage fra afholdt til første registrering, og samtalerne efter hver af de seneste kørsler, \(Self.describe(r.period)), pr. \(r.per.label.lowercased())"
                + (r.by.isEmpty ? "" : " og " + r.by.map { $0.label.lowercased() }.joined(separator: ", ")),
            columns: columns, rows: rows)
        table.notes = [
            "Dage: fra dagen samtalen blev holdt til dagen den første gang blev registreret (foerste_registreret; en rettelse flytter den ikke), begge i dansk tid. Aktuelle, ikke annullerede samtaler.",
            "Median og 90 %: det mindste antal dage, inden for hvilket mindst halvdelen og mindst 90 % af samtalerne var registreret.",
            "Efter kørsel k: samtalerne i rækken, som lageret talte dem lige efter kørsel k (rettelser og annulleringer som de stod da); de seneste \(Self.triangleBatches) kørsler, der ændrede tallene. Vokser en række stadig, er den foreløbig.",
        ]
        if batches.historyStart > 0 {
            table.notes.append("Lagerets historik begynder efter kørsel \(batches.historyStart): tidligere kørsler kan ikke vises.")
        }
        if !sevenDays.isEmpty {
            table.charts.append(ReportTable.Chart(
                title: "Andel registreret inden for 7 dage", style: .shares, categories: sevenDays.map(\.0),
                series: [("Inden for 7 dage", sevenDays.map(\.1))], categoryTitle: r.per.label))
        }
        return table
    }
}
