import PostgresClient
import SamtalerFeed

/// The reports on what the regulation asks for beyond conversation counts: the marks and
/// statuses of conversations, the visitation history, Min Plan drafts and job search
/// requirements. Same rules as the other reports: fixed SQL, user input only as parameters.
extension Reports {
    // MARK: marks

    func marks(_ r: Request) throws -> ReportTable {
        let marks = r.marks.isEmpty ? Mark.allCases : r.marks
        let dims = [r.per.grouping] + r.by.map(\.grouping)
        let res = try conn.execute(GroupedQuery(
            groups: dims, fact: r.filter.samtale,
            aggregates: { _ in ["f.status_key", "count(*) AS n"] },
            groupBy: { $0.joined(separator: ", ") + ", f.status_key" },
            carry: ["x.status_key", "x.n"],
            orderBy: { cols in cols.flatMap { [$0.sort, $0.label] } }).sql, r.filter.parameters)

        // The readable value and order of every mark in every status combination.
        let labelColumns = marks.flatMap { [$0.rawValue, $0.rawValue + "_orden"] }
        let dim = try conn.execute("SELECT status_key, \(labelColumns.joined(separator: ", ")) FROM samtaler.dim_samtalestatus")
        var values: [Int: [(label: String, order: Int)]] = [:]
        var firstValue = Array(repeating: "", count: marks.count)   // each mark's value of order 1, for the charts
        for i in 0..<dim.rowCount {
            let v = marks.indices.map { m in (label: dim.value(i, 1 + 2 * m) ?? "", order: dim.int(i, 2 + 2 * m) ?? 9) }
            values[dim.int(i, 0) ?? -1] = v
            for (m, x) in v.enumerated() where x.order == 1 { firstValue[m] = x.label }
        }

        // Counts per group (period and breakdowns), mark and value, groups in the query's order.
        let n = dims.count
        var groups: [[String]] = []
        var total: [[String]: Int] = [:]
        var counts: [[String]: [[Int: (label: String, count: Int)]]] = [:]
        for i in 0..<res.rowCount {
            let key = (0..<n).map { res.value(i, $0) ?? "" }
            if total[key] == nil { groups.append(key); counts[key] = Array(repeating: [:], count: marks.count) }
            let c = res.int(i, n + 1) ?? 0
            total[key, default: 0] += c
            for (m, v) in (values[res.int(i, n) ?? -1] ?? []).enumerated() {
                counts[key]![m][v.order, default: (v.label, 0)].count += c
            }
        }
        var rows: [ReportTable.Row] = []
        var chart: [Int: (label: String, shares: [Double])] = [:]   // mark → its first value and that value's share per period (without --by)
        for key in groups {
            let all = total[key] ?? 0
            for (m, mark) in marks.enumerated() {
                let byValue = counts[key]![m]
                let base = mark.ofAll ? all : all - (byValue[9]?.count ?? 0)
                for order in byValue.keys.sorted() {
                    let v = byValue[order]!
                    let share: Double? = (order == 9 && !mark.ofAll) || base == 0 ? nil : Double(v.count) / Double(base)
                    rows.append(ReportTable.Row(cells: key.map { .text($0) } + [
                        .text(mark.label), .text(v.label), .count(v.count), .share(share), .count(base),
                    ], level: 0))
                }
                if r.by.isEmpty {
                    chart[m, default: (firstValue[m], [])].shares.append(base > 0 ? Double(byValue[1]?.count ?? 0) / Double(base) : 0)
                }
            }
        }
        var columns = [r.periodColumn] + r.byColumns
        columns += [ReportTable.Column(key: "markering", label: "Markering", kind: .text),
                    ReportTable.Column(key: "vaerdi", label: "Værdi", kind: .text),
                    ReportTable.Column(key: "samtaler", label: "Samtaler", kind: .count),
                    ReportTable.Column(key: "andel", label: "Andel", kind: .share),
                    ReportTable.Column(key: "grundlag", label: "Grundlag", kind: .count)]
        var table = ReportTable(
            name: "marks", title: "Markeringer og status",
            subtitle: "Samtalernes markeringer og status (bekendtgørelsens § 27 stk. 3–5 og § 87), \(Self.describe(r.period)), pr. \(r.per.label.lowercased())",
            columns: columns, rows: rows)
        table.notes = [
            "Andel: tidlig opfølgning og videregivet til a-kassen er andele af alle samtaler; de øvrige er andele af de samtaler, hvor markeringen gælder (Grundlag). \"Ikke relevant\", \"Ikke oplyst\" og \"Ingen aftale\" har ingen andel.",
            "A-kassens deltagelse gælder jobsamtaler efter § 31, stk. 2; cv-godkendelse a-kassernes cv-samtaler; rådighedsvurdering rådighedssamtaler; cv fyldestgørende kontaktgruppe 1.",
        ]
        for (m, mark) in marks.enumerated() where r.by.isEmpty && !groups.isEmpty {
            guard let c = chart[m] else { continue }
            table.charts.append(ReportTable.Chart(
                title: "\(mark.label): andel \(c.label.lowercased())", style: .shares,
                categories: groups.map { $0[0] }, series: [(c.label, c.shares)], categoryTitle: r.per.label))
        }
        return table
    }

    // MARK: visitation

    /// The first and last day to count visitation on: the request's, or the history's whole span.
    func visitationSpan(_ r: Request) throws -> (from: String, to: String)? {
        if let d = r.date { return (d.description, d.description) }
        if let p = r.period { return (p.from.description, p.to.description) }
        let res = try conn.execute("SELECT min(gyldig_fra)::text, max(gyldig_fra)::text FROM \(r.facts.visitation)")
        guard let from = res.value(0, 0), let to = res.value(0, 1) else { return nil }
        return (from, to)
    }

    func visitation(_ r: Request) throws -> ReportTable {
        // The visitation fact as f: the breakdowns' groupings (indberetter, region) apply to it.
        let dims = r.by.map(\.grouping)
        var rows: [ReportTable.Row] = []
        var stacks: [String: [String: Double]] = [:]
        var dates: [String] = []
        var groupOrder: [String] = []
        if let span = try visitationSpan(r) {
            let n = dims.count
            let query = GroupedQuery(
                groups: dims,
                fact: """
                    (SELECT \(r.per.column) AS periode, max(d.dato) AS dato FROM samtaler.dim_dato d
                     WHERE d.dato BETWEEN $1::date AND $2::date GROUP BY 1) dage
                    JOIN \(r.facts.visitation) f ON f.gyldig_fra <= dage.dato AND (f.gyldig_til IS NULL OR f.gyldig_til >= dage.dato)
                    """,
                filter: "true",
                aggregates: { keys in ["dage.periode", "dage.dato", "f.visitationsgruppe_key AS gruppe", "count(*) AS n",
                                       "GROUPING(\((keys + ["f.visitationsgruppe_key"]).joined(separator: ", "))) AS niveau"] },
                groupBy: { "dage.periode, dage.dato, ROLLUP (\(($0 + ["f.visitationsgruppe_key"]).joined(separator: ", ")))" },
                outerJoins: ["LEFT JOIN samtaler.dim_visitationsgruppe vg ON vg.visitationsgruppe_key = x.gruppe"],
                carry: ["x.periode", "x.dato::text", "vg.betegnelse", "x.n", "x.niveau"],
                orderBy: { cols in ["x.dato"] + cols.enumerated().flatMap { i, c in ["(x.niveau >> \(n - i)) & 1", c.sort] }
                                   + ["x.niveau & 1", "x.gruppe"] })
            let res = try conn.execute(query.sql, [span.from, span.to])
            let allRolled = (1 << (n + 1)) - 1
            var totals: [String: Int] = [:]
            for i in 0..<res.rowCount where res.int(i, n + 4) == allRolled {
                totals[res.value(i, n + 1) ?? ""] = res.int(i, n + 3) ?? 0
            }
            for i in 0..<res.rowCount {
                let grouping = res.int(i, n + 4) ?? 0
                let date = res.value(i, n + 1) ?? ""
                var cells: [ReportTable.Cell] = [.text(res.value(i, n) ?? ""), .text(date)]
                for j in 0...n {
                    let rolledUp = grouping & (1 << (n - j)) != 0
                    cells.append(.text(rolledUp ? "I alt" : (res.value(i, j < n ? j : n + 2) ?? "")))
                }
                let count = res.int(i, n + 3) ?? 0
                let base = totals[date] ?? 0
                cells += [.count(count), .share(base > 0 ? Double(count) / Double(base) : nil)]
                rows.append(ReportTable.Row(cells: cells, level: grouping == allRolled ? 2 : (grouping == 0 ? 0 : 1)))
                if n == 0 && grouping == 0, let g = res.value(i, 2) {
                    if !dates.contains(date) { dates.append(date) }
                    if !groupOrder.contains(g) { groupOrder.append(g) }
                    stacks[date, default: [:]][g] = base > 0 ? Double(count) / Double(base) : 0
                }
            }
        }
        var columns = [r.periodColumn,
                       ReportTable.Column(key: "dato", label: "Opgjort den", kind: .text)]
        columns += r.byColumns
        columns += [ReportTable.Column(key: "visitationsgruppe", label: "Visitationsgruppe", kind: .text),
                    ReportTable.Column(key: "personer", label: "Personer", kind: .count),
                    ReportTable.Column(key: "andel", label: "Andel", kind: .share)]
        let when = r.date.map { "den \($0)" } ?? "sidste dag i hver \(r.per.label.lowercased()), \(Self.describe(r.period))"
        var table = ReportTable(
            name: "visitation", title: "Personer pr. visitationsgruppe",
            subtitle: "Personer efter den visitationsgruppe, der gjaldt for dem \(when)",
            columns: columns, rows: rows)
        table.notes = [
            "En visitationsgruppe gælder fra den dag (dansk tid), registreringen første gang blev registreret (§ 27, stk. 2), til dagen før en senere registrering satte personen i en anden gruppe.",
            "Rettelser og annulleringer af samtalen retter historikken. Personer uden registreret visitation tælles ikke.",
        ] + (r.by.isEmpty ? [] : ["Jobcenter/region er det jobcenter, hvis registrering satte personen i gruppen."])
        if !dates.isEmpty {
            var chart = ReportTable.Chart.stacked("Fordeling på visitationsgrupper", categories: dates, order: groupOrder, shares: stacks)
            chart.categoryTitle = "Dato"
            chart.valueTitle = "Andel af personerne"
            table.charts.append(chart)
        }
        return table
    }

    // MARK: transitions

    func transitions(_ r: Request) throws -> ReportTable {
        let res = try conn.execute("""
            SELECT \(r.per.column), v.forrige_visitationsgruppe_key IS NULL AS foerste,
                   coalesce(fg.betegnelse, 'Ingen (første visitation)'), vg.betegnelse,
                   count(*), count(DISTINCT v.person_pseudonym), GROUPING(fg.betegnelse, vg.betegnelse)
            FROM \(r.facts.visitation) v
            JOIN samtaler.dim_dato d ON d.dato = v.gyldig_fra
            JOIN samtaler.dim_visitationsgruppe vg ON vg.visitationsgruppe_key = v.visitationsgruppe_key
            LEFT JOIN samtaler.dim_visitationsgruppe fg ON fg.visitationsgruppe_key = v.forrige_visitationsgruppe_key
            WHERE d.dato_key BETWEEN $1 AND $2
            GROUP BY GROUPING SETS ((1, 2, fg.betegnelse, vg.betegnelse), (1, 2))
            ORDER BY 1, 2, GROUPING(fg.betegnelse, vg.betegnelse), min(coalesce(fg.visitationsgruppe_key, 0)), min(vg.visitationsgruppe_key)
            """, r.filter.parameters)
        var rows: [ReportTable.Row] = []
        var moves: [(String, Double)] = []
        for i in 0..<res.rowCount {
            let period = res.value(i, 0) ?? ""
            let first = res.value(i, 1) == "t"
            let subtotal = (res.int(i, 6) ?? 0) != 0
            let kind = first ? "Første visitation" : "Skift mellem grupper"
            rows.append(ReportTable.Row(cells: [
                .text(period), .text(kind),
                .text(subtotal ? "I alt" : res.value(i, 2) ?? ""), .text(subtotal ? "I alt" : res.value(i, 3) ?? ""),
                .count(res.int(i, 4) ?? 0), .count(res.int(i, 5) ?? 0),
            ], level: subtotal ? 1 : 0))
            if subtotal && !first { moves.append((period, Double(res.int(i, 4) ?? 0))) }
        }
        var table = ReportTable(
            name: "transitions", title: "Skift mellem visitationsgrupper",
            subtitle: "Personer, der kom i en visitationsgruppe, efter hvilken gruppe de kom fra, \(Self.describe(r.period)), pr. \(r.per.label.lowercased())",
            columns: [
                r.periodColumn,
                ReportTable.Column(key: "art", label: "Art", kind: .text),
                ReportTable.Column(key: "fra", label: "Fra", kind: .text),
                ReportTable.Column(key: "til", label: "Til", kind: .text),
                ReportTable.Column(key: "skift", label: "Skift", kind: .count),
                ReportTable.Column(key: "personer", label: "Personer", kind: .count),
            ], rows: rows)
        table.notes = [
            "Et skift tælles den dag, den nye gruppe gælder fra. En person kan skifte flere gange i samme periode: Personer tæller hver person én gang pr. række.",
            "Første visitation: personens første registrerede visitationsgruppe i lageret.",
        ]
        if !moves.isEmpty {
            table.charts.append(ReportTable.Chart(title: "Skift mellem grupper", style: .bars,
                                                  categories: moves.map(\.0), series: [("Skift", moves.map(\.1))],
                                                  categoryTitle: "Fra gruppe → til gruppe"))
        }
        return table
    }

    // MARK: Min Plan and job search requirements

    func minplan(_ r: Request) throws -> ReportTable {
        var table = try perAkasse(r, fact: r.facts.minplan, measures: [
            ("avg(f.antal_jobmaal)::float8", ReportTable.Column(key: "gns_jobmaal", label: "Gns. jobmål", kind: .decimal)),
        ])
        table.name = "minplan"
        table.title = "Udkast til »Min Plan«"
        table.subtitle = "A-kassernes udkast til »Min Plan« (§ 87, stk. 2) efter registreringsdato, \(Self.describe(r.period)), pr. \(r.per.label.lowercased()) og a-kasse"
        table.notes = ["Planernes og begrundelsernes tekst gemmes ikke; jobmål tælles.", "Personer tælles én gang pr. række."]
        return table
    }

    func jobsoegningskrav(_ r: Request) throws -> ReportTable {
        var table = try perAkasse(r, fact: r.facts.jobsoegningskrav, measures: [
            ("avg(f.antal_ansoegninger)::float8", ReportTable.Column(key: "gns_ansoegninger", label: "Gns. ansøgninger", kind: .decimal)),
            ("avg(f.antal_fagomraader)::float8", ReportTable.Column(key: "gns_fagomraader", label: "Gns. fagområder", kind: .decimal)),
            ("avg(f.med_omfang::int)::float8", ReportTable.Column(key: "andel_med_omfang", label: "Med omfang", kind: .share)),
            ("avg(f.med_formaal::int)::float8", ReportTable.Column(key: "andel_med_formaal", label: "Med formål", kind: .share)),
            ("avg(f.med_stillingskilder::int)::float8", ReportTable.Column(key: "andel_med_stillingskilder", label: "Med stillingskilder", kind: .share)),
        ])
        table.name = "jobsoegningskrav"
        table.title = "Krav til jobsøgning"
        table.subtitle = "A-kassernes krav til jobsøgning (§ 87, stk. 3) efter registreringsdato, \(Self.describe(r.period)), pr. \(r.per.label.lowercased()) og a-kasse"
        table.notes = ["Fagområder, geografi, omfang, formål og stillingskilder gemmes ikke som tekst: de tælles, eller det markeres, om de er angivet.",
                       "Personer tælles én gang pr. række."]
        return table
    }

    /// Registrations of an a-kasse fact per period and a-kasse, with subtotals per period and a
    /// grand total: count, distinct persons and the given measures (fixed SQL).
    func perAkasse(_ r: Request, fact: String, measures: [(sql: String, column: ReportTable.Column)]) throws -> ReportTable {
        let akasse = "i.indberetterkode || ' ' || i.navn"
        let res = try conn.execute("""
            SELECT \(r.per.column), \(akasse), count(*), count(DISTINCT f.person_pseudonym)\(measures.map { ", " + $0.sql }.joined()),
                   GROUPING(\(r.per.column), \(akasse))
            FROM \(fact) f
            JOIN samtaler.dim_dato d ON d.dato_key = f.registreret_dato_key
            JOIN samtaler.dim_indberetter i ON i.indberetter_key = f.indberetter_key
            WHERE NOT f.annulleret AND f.registreret_dato_key BETWEEN $1 AND $2
            GROUP BY ROLLUP (\(r.per.column), \(akasse))
            ORDER BY GROUPING(\(r.per.column)), 1, GROUPING(\(akasse)), min(lpad(i.indberetterkode, 4, '0'))
            """, r.filter.parameters)
        var rows: [ReportTable.Row] = []
        let m = measures.count
        for i in 0..<res.rowCount {
            let grouping = res.int(i, 4 + m) ?? 0
            var cells: [ReportTable.Cell] = [.text(grouping & 2 != 0 ? "I alt" : res.value(i, 0) ?? ""),
                                             .text(grouping & 1 != 0 ? "I alt" : res.value(i, 1) ?? ""),
                                             .count(res.int(i, 2) ?? 0), .count(res.int(i, 3) ?? 0)]
            for (j, measure) in measures.enumerated() {
                let v = res.value(i, 4 + j).flatMap { Double($0) }
                cells.append(measure.column.kind == .share ? .share(v) : .decimal(v))
            }
            rows.append(ReportTable.Row(cells: cells, level: grouping == 3 ? 2 : (grouping == 0 ? 0 : 1)))
        }
        return ReportTable(name: "", title: "", subtitle: "", columns: [
            r.periodColumn,
            ReportTable.Column(key: "akasse", label: "A-kasse", kind: .text),
            ReportTable.Column(key: "registreringer", label: "Registreringer", kind: .count),
            ReportTable.Column(key: "personer", label: "Personer", kind: .count),
        ] + measures.map(\.column), rows: rows)
    }
}
