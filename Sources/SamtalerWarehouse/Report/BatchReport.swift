import Foundation

// MARK: batches

extension Reports {
    /// The load batches started in the period (Danish days): what each run read, accepted,
    /// rejected (per rule) and changed, from samtaler.dim_batch (the view rapport.batch); as of
    /// batch N, those up to N.
    func batches(_ r: Request) throws -> ReportTable {
        let days = [r.period?.from.description ?? "1900-01-01", r.period?.to.description ?? "2099-12-31"]
        let res = try conn.execute("""
            SELECT b.batch_key, to_char(b.startet AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM-DD HH24:MI'), b.status,
                   b.laest, b.accepteret, b.afvist, b.nye, b.aendrede, b.annullerede,
                   coalesce((SELECT string_agg(x.key || ' ' || x.value, E'\\n' ORDER BY x.value::bigint DESC, x.key)
                             FROM jsonb_each_text(b.afvist_pr_regel) x), '')
            FROM samtaler.dim_batch b
            WHERE (b.startet AT TIME ZONE 'Europe/Copenhagen')::date BETWEEN $1::date AND $2::date\(r.asOfBatch.map { " AND b.batch_key <= \($0)" } ?? "")
            ORDER BY b.batch_key
            """, days)
        var rows: [ReportTable.Row] = []
        var byRule: [String: Int] = [:]
        for i in 0..<res.rowCount {
            // Each rule as "felt: regel antal", the most frequent first, in Danish numbers.
            let rules = (res.value(i, 9) ?? "").split(separator: "\n").map { line -> String in
                guard let space = line.lastIndex(of: " "), let n = Int(line[line.index(after: space)...]) else { return String(line) }
                let rule = String(line[..<space])
                byRule[rule, default: 0] += n
                return "\(rule) (\(Danish.count(n)))"
            }
            rows.append(ReportTable.Row(cells: [
                .text(res.value(i, 0) ?? ""), .text(res.value(i, 1) ?? ""), .text(Self.batchStatus[res.value(i, 2) ?? ""] ?? res.value(i, 2) ?? ""),
                .count(res.int(i, 3) ?? 0), .count(res.int(i, 4) ?? 0), .count(res.int(i, 5) ?? 0),
                .count(res.int(i, 6) ?? 0), .count(res.int(i, 7) ?? 0), .count(res.int(i, 8) ?? 0),
                .text(rules.joined(separator: "; ")),
            ], level: 0))
        }
        var table = ReportTable(
            name: "batches", title: "Indlæsninger",
            subtitle: "Kørsler af den natlige indlæsning\(r.period.map { ", startet " + Self.describe($0) } ?? ""): læste, accepterede og afviste linjer, og hvad de ændrede",
            columns: [
                ReportTable.Column(key: "batch", label: "Kørsel", kind: .text),
                ReportTable.Column(key: "startet", label: "Startet (dansk tid)", kind: .text),
                ReportTable.Column(key: "status", label: "Status", kind: .text),
                ReportTable.Column(key: "laest", label: "Læst", kind: .count),
                ReportTable.Column(key: "accepteret", label: "Accepteret", kind: .count),
                ReportTable.Column(key: "afvist", label: "Afvist", kind: .count),
                ReportTable.Column(key: "nye", label: "Nye", kind: .count),
                ReportTable.Column(key: "aendrede", label: "Ændrede", kind: .count),
                ReportTable.Column(key: "annullerede", label: "Annullerede", kind: .count),
                ReportTable.Column(key: "afvist_pr_regel", label: "Afvist pr. regel (felt: regel)", kind: .text),
            ], rows: rows)
        table.notes = ["Afviste linjer står i kørslens afvisningsfil, aldrig i databasen; en linje med flere grunde tæller under hver regel.",
                       "Nye, ændrede og annullerede er registreringer; en kørsel, der ikke blev publiceret, ændrede intet."]
        let rules = byRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(15)
        table.charts.append(ReportTable.Chart(
            title: "Afviste linjer pr. regel (de hyppigste 15)", style: .bars, categories: rules.map(\.key),
            series: [("Afviste linjer", rules.map { Double($0.value) })], categoryTitle: "Regel (felt: regel)"))
        return table
    }

    /// The batch statuses of samtaler.dim_batch in words.
    static let batchStatus = ["publiceret": "Publiceret", "over_taerskel": "Over tærsklen: intet publiceret",
                              "fejlet": "Fejlet: intet publiceret"]
}
