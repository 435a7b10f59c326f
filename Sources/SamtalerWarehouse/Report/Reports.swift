import PostgresClient
import SamtalerFeed

/// The analysts' reports. Each is one set-based query over the facts and dimensions; user input
/// chooses among fixed SQL fragments (breakdowns, granularity) and reaches SQL only as parameters.
///
/// What a report is (its name, breakdowns, marks, granularity, labels and a request's period as
/// a typed `ReportFilter`) lives in Report/Definition; the SQL those become, in Report/SQL; how
/// volumes and forms are counted (SQL, the client, halves, pieces: one `Counting` interface, the
/// choice and its knobs in Counting.swift), in Report/Counting. The reports themselves, here and
/// in RegistrationReports.swift, put them together into tables.
public struct Reports {
    let conn: PGConnection
    /// How the counting strategies are chosen (`Reports.volumesCounting`, `Reports.formsCounting`).
    let options: CountingOptions

    public init(conn: PGConnection, options: CountingOptions) {
        self.conn = conn
        self.options = options
    }

    /// The knobs one by one (`CountingOptions` says what each does).
    public init(conn: PGConnection, sqlOnly: Bool = false, clientRowLimit: Int = 4_000_000,
                helper: (() throws -> PGConnection)? = nil, splitRows: Int = 200_000, chunkRows: Int = 500_000,
                keptCopy: Bool = true) {
        self.init(conn: conn, options: CountingOptions(sqlOnly: sqlOnly, clientRowLimit: clientRowLimit, helper: helper,
                                                       splitRows: splitRows, chunkRows: chunkRows, keptCopy: keptCopy))
    }

    /// Distinct counts under ROLLUP sort the period's rows; keep that sort in memory (measured:
    /// 2.1 s spilling to disk vs 0.6 s in memory for 900k rows). For the transaction it runs in.
    static let sortMemory = "SET LOCAL work_mem = '256MB'"

    public func run(_ request: Request) throws(WarehouseError) -> ReportTable {
        try Migrator.checkSchema(conn)
        do {
            // One snapshot for the whole report: readers see only committed batches.
            try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try conn.execute(Self.sortMemory)
            defer { _ = try? conn.execute("COMMIT") }
            // As of a batch: one that was published, from which the kept history is whole.
            if let n = request.asOfBatch { try PublishedBatches.check(conn, n) }
            var table: ReportTable
            switch request.name {
            case .volumes: table = try volumes(request)
            case .forms: table = try forms(request)
            case .participants: table = try participants(request)
            case .coverage: table = try coverage(request)
            case .marks: table = try marks(request)
            case .visitation: table = try visitation(request)
            case .transitions: table = try transitions(request)
            case .minplan: table = try minplan(request)
            case .jobsoegningskrav: table = try jobsoegningskrav(request)
            case .batches: table = try batches(request)
            case .revisions: table = try revisions(request)
            case .timeliness: table = try timeliness(request)
            }
            // (A report may label values of its own, such as the extract's I_ALT.)
            for (key, labels) in try codeLabels(for: table.columns) { table.codeLabels[key, default: [:]].merge(labels) { own, _ in own } }
            // A period without data says so, rather than showing an empty table or a total of 0.
            // (Coverage lists problems: none is good news, not missing data.)
            if request.name != .coverage, !table.rows.contains(where: { $0.level == 0 }) {
                table.notes.insert("Ingen data: der er intet at tælle for \(Self.describe(request.period)).", at: 0)
            }
            return table
        } catch {
            throw WarehouseError.wrap(error, doing: "running the \(request.name.rawValue) report")
        }
    }

    /// The code lists whose Danish labels (`betegnelse`) people read in place of the codes, by the
    /// report column that holds their codes.
    static let codeLists: [String: String] = [
        "samtaletype": "SELECT samtaletype, betegnelse FROM samtaler.dim_samtaletype",
        "samtaleform": "SELECT samtaleform, betegnelse FROM samtaler.dim_samtaleform",
        "deltagerrolle": "SELECT deltagerrolle, betegnelse FROM samtaler.dim_deltagerrolle",
        "deltagelsesform": "SELECT deltagelsesform, betegnelse FROM samtaler.dim_deltagelsesform",
        "visitationsgruppe": "SELECT visitationsgruppe, betegnelse FROM samtaler.dim_visitationsgruppe",
        "fra": "SELECT visitationsgruppe, betegnelse FROM samtaler.dim_visitationsgruppe",
        "til": "SELECT visitationsgruppe, betegnelse FROM samtaler.dim_visitationsgruppe",
    ]

    /// The labels of the coded columns among `columns`, read from the dimensions.
    func codeLabels(for columns: [ReportTable.Column]) throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for c in columns {
            guard let sql = Self.codeLists[c.key] else { continue }
            let r = try conn.execute(sql)
            out[c.key] = Dictionary((0..<r.rowCount).map { (r.value($0, 0) ?? "", r.value($0, 1) ?? "") }, uniquingKeysWith: { a, _ in a })
        }
        return out
    }

    // MARK: volumes

    func volumes(_ r: Request) throws -> ReportTable {
        let query = volumesQuery(r)
        // How the groups are counted (in SQL, in the client, in halves, in pieces or from the
        // kept copy) is chosen apart from what the report is; every way gives the same rows (tested).
        let counted = try volumesCounting(query, r.filter, per: r.per).rollup(query)
        return try volumesTable(r, query.groups, counted)
    }

    /// The volumes report's groups: the period, then the breakdowns, under ROLLUP.
    func volumesQuery(_ r: Request) -> GroupedQuery {
        Self.volumesQuery(groups: [r.per.grouping] + r.by.map(\.grouping), r.filter)
    }

    /// Conversations and distinct persons of `filter`'s conversations under ROLLUP of `groups`,
    /// the period's first (also the ministry extract's counting: MinistryExtract.count).
    static func volumesQuery(groups: [Grouping], _ filter: ReportFilter) -> GroupedQuery {
        GroupedQuery(
            groups: groups, fact: filter.samtale,
            aggregates: { keys in ["count(*) AS samtaler", "count(DISTINCT f.person_pseudonym) AS personer",
                                   "GROUPING(\(keys.joined(separator: ", "))) AS niveau"] },
            groupBy: { "ROLLUP (\($0.joined(separator: ", ")))" },
            carry: ["x.samtaler", "x.personer", "x.niveau"],
            // Every sort expression orders its groups fully (a name, or an order number, unique
            // per key); the key breaks ties where a dimension lacks the row. Not the label: that
            // would compare equal texts under the collation at every tie, 0.18 s of 0.25 s for
            // the 24,131 groups of the 1M bench warehouse.
            orderBy: GroupedQuery.rollupOrder)
    }

    func volumesTable(_ r: Request, _ dims: [Grouping], _ counted: [RollupRow]) throws -> ReportTable {
        var columns = [r.periodColumn] + r.byColumns
        columns += [ReportTable.Column(key: "samtaler", label: "Samtaler", kind: .count),
                    ReportTable.Column(key: "personer", label: "Personer", kind: .count)]
        var rows: [ReportTable.Row] = []
        rows.reserveCapacity(counted.count)
        for row in counted {
            let grouping = row.niveau
            var cells: [ReportTable.Cell] = []
            cells.reserveCapacity(dims.count + 2)
            for j in 0..<dims.count {
                let rolledUp = grouping & (1 << (dims.count - 1 - j)) != 0
                cells.append(.text(rolledUp ? "I alt" : (row.labels[j] ?? "")))
            }
            cells.append(.count(row.conversations))
            cells.append(.count(row.persons))
            let level = grouping == (1 << dims.count) - 1 ? 2 : (grouping == 0 ? 0 : 1)
            rows.append(ReportTable.Row(cells: cells, level: level))
        }
        var table = ReportTable(
            name: "volumes", title: "Samtaler og personer",
            subtitle: "Afholdte samtaler (ikke annullerede) og antal forskellige personer, \(Self.describe(r.period)), pr. \(r.per.label.lowercased())",
            columns: columns, rows: rows)
        table.notes = ["Personer tælles én gang pr. række: tal for personer kan ikke lægges sammen på tværs af rækker.",
                       "Samtaler med ukendt person (0000000000) tælles som samtaler, ikke som personer."]
        // Charts: conversations per period, and per samtaletype over the whole period.
        let perPeriod = rows.filter { row in
            row.cells[0] != .text("I alt") && (1..<dims.count).allSatisfy { row.cells[$0] == .text("I alt") }
        }
        table.charts.append(ReportTable.Chart(
            title: "Samtaler pr. \(r.per.label.lowercased())", style: .bars,
            categories: perPeriod.compactMap { $0.cells[0].string },
            series: [("Samtaler", perPeriod.map { Double($0.cells[dims.count].int ?? 0) })], categoryTitle: r.per.label))
        let byType = try conversationsPerType(r, rows: rows)
        table.charts.append(ReportTable.Chart(
            title: "Samtaler pr. samtaletype", style: .bars,
            categories: byType.map(\.type), series: [("Samtaler", byType.map { Double($0.count) })], categoryTitle: "Samtaletype"))
        return table
    }

    /// Conversations per samtaletype over the whole period, most first. When samtaletype is the
    /// first breakdown, the report's own (period, samtaletype) subtotals hold them (counts add up
    /// over periods); otherwise one more, small query.
    func conversationsPerType(_ r: Request, rows: [ReportTable.Row]) throws -> [(type: String, count: Int)] {
        var counts: [(type: String, count: Int)]
        if r.by.first == .samtaletype {
            var sums: [String: Int] = [:]
            let subtotal = ReportTable.Cell.text("I alt")
            for row in rows where row.cells[0] != subtotal && row.cells[1] != subtotal
                && row.cells[2...].prefix(r.by.count - 1).allSatisfy({ $0 == subtotal }) {
                sums[row.cells[1].string ?? "", default: 0] += row.cells[1 + r.by.count].int ?? 0
            }
            counts = sums.map { (type: $0.key, count: $0.value) }
        } else {
            let res = try conn.execute(GroupedQuery(
                groups: [Breakdown.samtaletype.grouping], fact: r.filter.samtale,
                aggregates: { _ in ["count(*) AS n"] }, groupBy: { $0.joined() },
                carry: ["x.n"], orderBy: { ["x.n DESC", $0[0].label] }).sql, r.filter.parameters)
            counts = (0..<res.rowCount).map { (type: res.value($0, 0) ?? "", count: res.int($0, 1) ?? 0) }
        }
        return counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.type < $1.type }
    }

    // MARK: forms

    /// The forms report's groups: the period and the breakdowns, then ROLLUP of the STAR group
    /// (grouped on its order number, one per group) and the form (on its key).
    func formsQuery(_ r: Request) -> GroupedQuery {
        GroupedQuery(
            groups: [r.per.grouping] + r.by.map(\.grouping), fact: r.filter.samtale,
            innerJoins: ["JOIN samtaler.dim_samtaleform fs ON fs.samtaleform_key = f.samtaleform_key"],
            aggregates: { _ in ["fs.star_gruppe_orden AS star", "f.samtaleform_key AS form", "count(*) AS samtaler",
                                "GROUPING(fs.star_gruppe_orden, f.samtaleform_key) AS niveau"] },
            groupBy: { $0.joined(separator: ", ") + ", ROLLUP (fs.star_gruppe_orden, f.samtaleform_key)" },
            outerJoins: ["LEFT JOIN (SELECT DISTINCT star_gruppe_orden, star_gruppe FROM samtaler.dim_samtaleform) sg ON sg.star_gruppe_orden = x.star",
                         "LEFT JOIN samtaler.dim_samtaleform sf ON sf.samtaleform_key = x.form"],
            carry: ["sg.star_gruppe", "sf.samtaleform", "x.samtaler", "x.niveau"],
            orderBy: { cols in cols.flatMap { [$0.sort, $0.label] } + ["x.niveau >> 1", "x.star", "x.niveau & 1", "x.form"] })
    }

    func forms(_ r: Request) throws -> ReportTable {
        let query = formsQuery(r)
        let res = try formsCounting(query, r.filter).forms(query)
        let n = query.groups.count
        var columns = [r.periodColumn] + r.byColumns
        columns += [ReportTable.Column(key: "star_gruppe", label: "Form (STAR)", kind: .text),
                    ReportTable.Column(key: "samtaleform", label: "Samtaleform", kind: .text),
                    ReportTable.Column(key: "samtaler", label: "Samtaler", kind: .count),
                    ReportTable.Column(key: "andel", label: "Andel", kind: .share)]
        // Totals per (period, breakdown) group give the shares' base.
        var totals: [[String]: Int] = [:]
        for i in 0..<res.rowCount where res.int(i, n + 3) == 3 {
            totals[(0..<n).map { res.value(i, $0) ?? "" }] = res.int(i, n + 2) ?? 0
        }
        var rows: [ReportTable.Row] = []
        var starOrder: [String] = []
        var shares: [String: [String: Double]] = [:]   // period → star group → share (only without --by)
        for i in 0..<res.rowCount {
            let key = (0..<n).map { res.value(i, $0) ?? "" }
            let niveau = res.int(i, n + 3) ?? 0
            let count = res.int(i, n + 2) ?? 0
            let base = totals[key] ?? 0
            let star = niveau == 3 ? "I alt" : (res.value(i, n) ?? "")
            let form = niveau == 0 ? (res.value(i, n + 1) ?? "") : "I alt"
            var cells: [ReportTable.Cell] = key.map { ReportTable.Cell.text($0) }
            cells += [.text(star), .text(form), .count(count), .share(base > 0 ? Double(count) / Double(base) : nil)]
            rows.append(ReportTable.Row(cells: cells, level: niveau == 0 ? 0 : niveau == 1 ? 1 : 2))
            if niveau == 1 {
                if !starOrder.contains(star) { starOrder.append(star) }
                if r.by.isEmpty { shares[key[0], default: [:]][star] = base > 0 ? Double(count) / Double(base) : 0 }
            }
        }
        var table = ReportTable(
            name: "forms", title: "Samtaleformer",
            subtitle: "Hvordan samtalerne blev holdt, \(Self.describe(r.period)), pr. \(r.per.label.lowercased())"
                + (r.by.isEmpty ? "" : " og " + r.by.map { $0.label.lowercased() }.joined(separator: ", ")),
            columns: columns, rows: rows)
        table.notes = ["STAR-grupperingen: fysisk fremmøde (personligt, møde på arbejdspladsen), telefonisk, video, digitalt, andet (brev, anden form).",
                       "Andel er af alle samtaler i samme \(r.per.label.lowercased())" + (r.by.isEmpty ? "." : " og samme " + r.by.map { $0.label.lowercased() }.joined(separator: "/") + ".")]
        let periods = Array(shares.keys).sorted()
        if !periods.isEmpty {
            var chart = ReportTable.Chart.stacked("Samtaleformer over tid (andel, STAR-gruppering)", categories: periods, order: starOrder, shares: shares)
            chart.categoryTitle = r.per.label
            table.charts.append(chart)
        }
        return table
    }

    // MARK: participants

    func participants(_ r: Request) throws -> ReportTable {
        // Per-period totals once, participants only of conversations that have any (measured at
        // 1M conversations: 21.8 s with a count per output row, see docs/performance.md).
        let per = r.per.grouping
        let label = per.on("x.periode").label
        let sql = """
            WITH samtale AS MATERIALIZED (
                SELECT f.samtale_key, \(per.key) AS periode, f.antal_deltagere
                FROM \(r.filter.samtale) WHERE \(ReportFilter.parameterized)),
            total AS (
                SELECT periode, count(*) AS alle, count(*) FILTER (WHERE antal_deltagere > 0) AS med FROM samtale GROUP BY periode),
            agg AS (
                SELECT s.periode, dl.deltagerrolle_key AS rolle, dl.deltagelsesform_key AS form, count(*) AS deltagere,
                       count(DISTINCT s.samtale_key) AS samtaler, GROUPING(dl.deltagerrolle_key, dl.deltagelsesform_key) AS niveau
                FROM samtale s JOIN \(r.facts.deltager) dl ON dl.samtale_key = s.samtale_key
                WHERE s.antal_deltagere > 0
                GROUP BY s.periode, ROLLUP (dl.deltagerrolle_key, dl.deltagelsesform_key))
            SELECT \(label), ro.betegnelse, fo.betegnelse, x.deltagere, x.samtaler, x.niveau, t.alle, t.med
            FROM agg x
            JOIN total t ON t.periode = x.periode
            LEFT JOIN samtaler.dim_deltagerrolle ro ON ro.deltagerrolle_key = x.rolle
            LEFT JOIN samtaler.dim_deltagelsesform fo ON fo.deltagelsesform_key = x.form
            ORDER BY x.periode, x.niveau >> 1, x.rolle, x.niveau & 1, x.form
            """
        let res = try conn.execute(sql, r.filter.parameters)
        let columns = [
            r.periodColumn,
            ReportTable.Column(key: "deltagerrolle", label: "Deltagerrolle", kind: .text),
            ReportTable.Column(key: "deltagelsesform", label: "Deltagelsesform", kind: .text),
            ReportTable.Column(key: "deltagere", label: "Deltagere", kind: .count),
            ReportTable.Column(key: "samtaler", label: "Samtaler med deltageren", kind: .count),
            ReportTable.Column(key: "andel_af_samtaler", label: "Andel af alle samtaler", kind: .share),
        ]
        var rows: [ReportTable.Row] = []
        var lastPeriod: String?
        var summary: [(String, Int, Int)] = []
        for i in 0..<res.rowCount {
            let niveau = res.int(i, 5) ?? 0
            let period = res.value(i, 0) ?? ""
            let all = res.int(i, 6) ?? 0
            if period != lastPeriod { summary.append((period, all, res.int(i, 7) ?? 0)); lastPeriod = period }
            let samtaler = res.int(i, 4) ?? 0
            rows.append(ReportTable.Row(cells: [
                .text(period), .text(niveau == 3 ? "I alt" : res.value(i, 1) ?? ""), .text(niveau >= 1 ? "I alt" : res.value(i, 2) ?? ""),
                .count(res.int(i, 3) ?? 0), .count(samtaler), .share(all > 0 ? Double(samtaler) / Double(all) : nil),
            ], level: niveau == 0 ? 0 : niveau == 1 ? 1 : 2))
        }
        var table = ReportTable(name: "participants", title: "Deltagere i samtalerne",
                                subtitle: "Andre deltagere end borgeren, efter rolle og deltagelsesform, \(Self.describe(r.period))",
                                columns: columns, rows: rows)
        table.notes = summary.map { "\($0.0): \(Danish.count($0.2)) af \(Danish.count($0.1)) samtaler havde deltagere." }
        table.charts.append(ReportTable.Chart(
            title: "Andel af samtaler med deltagere", style: .shares, categories: summary.map(\.0),
            series: [("Med deltagere", summary.map { $0.1 > 0 ? Double($0.2) / Double($0.1) : 0 })], categoryTitle: r.per.label))
        return table
    }

    // MARK: coverage

    func coverage(_ r: Request) throws -> ReportTable {
        // The period checked: as given, or the month of the newest registration.
        let period: Period
        if let p = r.period { period = p } else {
            let latest = try conn.scalar("SELECT to_char(max(registreret) AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM') FROM \(r.facts.samtale)")
            period = (try? Period.parse(latest ?? "")) ?? (try! Period.parse("2025-01"))
        }
        let previous = Self.previous(period)
        let sql = """
            WITH leverance AS (
                SELECT f.indberetter_key, (f.registreret AT TIME ZONE 'Europe/Copenhagen')::date AS dag, count(*) AS n
                FROM \(r.filter.samtale)
                WHERE (f.registreret AT TIME ZONE 'Europe/Copenhagen')::date BETWEEN $3::date AND $2::date
                GROUP BY 1, 2)
            SELECT i.indberettertype, i.indberetterkode, i.navn,
                   coalesce(sum(l.n) FILTER (WHERE l.dag BETWEEN $3::date AND $4::date), 0) AS forrige,
                   max(l.dag) AS senest
            FROM samtaler.dim_indberetter i JOIN leverance l USING (indberetter_key)
            GROUP BY i.indberetter_key, i.indberettertype, i.indberetterkode, i.navn
            HAVING coalesce(sum(l.n) FILTER (WHERE l.dag BETWEEN $1::date AND $2::date), 0) = 0
            ORDER BY i.indberettertype, lpad(i.indberetterkode, 4, '0')
            """
        let res = try conn.execute(sql, [period.from.description, period.to.description, previous.from.description, previous.to.description])
        var rows: [ReportTable.Row] = []
        for i in 0..<res.rowCount {
            rows.append(ReportTable.Row(cells: [
                .text("Ingen leverancer"), .text(res.value(i, 0) ?? ""), .text(res.value(i, 1) ?? ""), .text(res.value(i, 2) ?? ""),
                .count(res.int(i, 3) ?? 0), .text(res.value(i, 4) ?? ""),
            ], level: 0))
        }
        let inferred = try conn.execute("""
            SELECT i.indberettertype, i.indberetterkode, i.navn, count(f.samtale_key) FILTER (WHERE NOT f.annulleret),
                   coalesce(b.startet::date::text, '')
            FROM samtaler.dim_indberetter i
            LEFT JOIN \(r.filter.samtale) USING (indberetter_key)
            LEFT JOIN samtaler.dim_batch b ON b.batch_key = i.udledt_batch_key
            WHERE i.udledt\(r.asOfBatch.map { " AND i.udledt_batch_key <= \($0)" } ?? "")
            GROUP BY 1, 2, 3, 5 ORDER BY lpad(i.indberetterkode, 4, '0')
            """)
        for i in 0..<inferred.rowCount {
            rows.append(ReportTable.Row(cells: [
                .text("Mangler navn (udledt)"), .text(inferred.value(i, 0) ?? ""), .text(inferred.value(i, 1) ?? ""),
                .text(inferred.value(i, 2) ?? ""), .count(inferred.int(i, 3) ?? 0), .text(inferred.value(i, 4) ?? ""),
            ], level: 0))
        }
        var table = ReportTable(
            name: "coverage", title: "Dækning",
            subtitle: "Indberettere uden leverancer i \(Self.describe(period)), som leverede i \(Self.describe(previous)); udledte a-kasser uden navn",
            columns: [
                ReportTable.Column(key: "problem", label: "Problem", kind: .text),
                ReportTable.Column(key: "indberettertype", label: "Indberettertype", kind: .text),
                ReportTable.Column(key: "indberetterkode", label: "Kode", kind: .text),
                ReportTable.Column(key: "indberetter", label: "Navn", kind: .text),
                ReportTable.Column(key: "antal", label: "Registreringer i forrige periode / samtaler i alt", kind: .count),
                ReportTable.Column(key: "dato", label: "Seneste leverance / udledt den", kind: .text),
            ], rows: rows)
        table.notes = ["En leverance er en registrering med registreret-dato (dansk tid) i perioden; rettelser og annulleringer tæller med.",
                       rows.isEmpty ? "Intet at bemærke." : "\(rows.count) forhold at se på."]
        return table
    }
}
