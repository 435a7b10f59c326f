import PostgresClient
import SamtalerFeed

/// The analysts' reports. Each is one set-based query over the facts and dimensions; user input
/// chooses among fixed SQL fragments (breakdowns, granularity) and reaches SQL only as parameters.
public struct Reports {
    public enum Name: String, CaseIterable, Sendable {
        case volumes, forms, participants, coverage
        case marks, visitation, transitions, minplan, jobsoegningskrav

        /// The breakdowns `--by` may name for this report.
        public var breakdowns: [Breakdown] {
            switch self {
            case .volumes, .forms, .marks: return Breakdown.allCases
            case .visitation: return [.region, .indberetter]
            case .participants, .coverage, .transitions, .minplan, .jobsoegningskrav: return []
            }
        }
    }

    /// The marks and statuses of a conversation (columns of samtaler.dim_samtalestatus).
    public enum Mark: String, CaseIterable, Sendable {
        case tidligOpfoelgning = "tidlig_opfoelgning"
        case cvFyldestgoerende = "cv_fyldestgoerende"
        case videregivetTilAkasse = "videregivet_til_akasse"
        case forpligtendeAftale = "forpligtende_aftale"
        case saerligIndsats = "saerlig_indsats"
        case akasseDeltagelse = "akasse_deltagelse"
        case cvGodkendelse = "cv_godkendelse"
        case raadighedsvurdering

        public var label: String {
            switch self {
            case .tidligOpfoelgning: return "Tidlig opfølgning (fast track)"
            case .cvFyldestgoerende: return "CV fyldestgørende (kontaktgruppe 1)"
            case .videregivetTilAkasse: return "Videregivet til a-kassen (kontaktgruppe 1)"
            case .forpligtendeAftale: return "Forpligtende aftale"
            case .saerligIndsats: return "Særlig indsats"
            case .akasseDeltagelse: return "A-kassens deltagelse (§ 31, stk. 2)"
            case .cvGodkendelse: return "CV-godkendelse (a-kasse)"
            case .raadighedsvurdering: return "Rådighedsvurdering (a-kasse)"
            }
        }

        /// Whether the mark is a statement about every conversation (its share is of all), or only
        /// about the conversations it applies to (its share is of those; "Ikke relevant" has none).
        var ofAll: Bool { self == .tidligOpfoelgning || self == .videregivetTilAkasse }

        /// The mark's digit in samtaler.fact_samtale.status_key (migration 0004): its place value and radix.
        var digit: (unit: Int, radix: Int) {
            switch self {
            case .tidligOpfoelgning: return (1, 3)
            case .cvFyldestgoerende: return (3, 3)
            case .videregivetTilAkasse: return (9, 2)
            case .forpligtendeAftale: return (18, 3)
            case .saerligIndsats: return (54, 3)
            case .akasseDeltagelse: return (162, 3)
            case .cvGodkendelse: return (486, 4)
            case .raadighedsvurdering: return (1944, 4)
            }
        }
    }

    public enum Granularity: String, CaseIterable, Sendable {
        case month, quarter, year

        /// Also accepts the Danish words.
        public init?(word: String) {
            switch word.lowercased() {
            case "month", "maaned", "måned": self = .month
            case "quarter", "kvartal": self = .quarter
            case "year", "aar", "år": self = .year
            default: return nil
            }
        }

        /// The period label column of dim_dato (alias d).
        var column: String {
            switch self {
            case .month: return "d.periode_maaned"
            case .quarter: return "d.periode_kvartal"
            case .year: return "d.periode_aar"
            }
        }

        /// The period as an integer computed from the fact's date key (YYYYMMDD): 202503, 20251
        /// (2025Q1) or 2025, labelled like dim_dato's period columns.
        var grouping: Grouping {
            switch self {
            case .month: return Grouping(key: "f.afholdt_dato_key / 100",
                                         label: "(KEY / 100)::text || '-' || lpad((KEY % 100)::text, 2, '0')", sort: "KEY")
            case .quarter: return Grouping(key: "f.afholdt_dato_key / 10000 * 10 + (f.afholdt_dato_key / 100 % 100 + 2) / 3",
                                           label: "(KEY / 10)::text || 'Q' || (KEY % 10)::text", sort: "KEY")
            case .year: return Grouping(key: "f.afholdt_dato_key / 10000", label: "KEY::text", sort: "KEY")
            }
        }

        var label: String {
            switch self {
            case .month: return "Måned"
            case .quarter: return "Kvartal"
            case .year: return "År"
            }
        }
    }

    /// A breakdown an analyst may ask for with `--by`: a dimension, or one of the marks.
    public enum Breakdown: Hashable, CaseIterable, Sendable {
        case samtaletype, samtaleform, indberettertype, indberetter, region, kontaktgruppe, aldersgruppe, koen
        case visitationsgruppe
        case mark(Mark)

        public static var allCases: [Breakdown] {
            [.samtaletype, .samtaleform, .indberettertype, .indberetter, .region, .kontaktgruppe, .aldersgruppe, .koen,
             .visitationsgruppe] + Mark.allCases.map(Breakdown.mark)
        }

        /// The name on the command line and the column key.
        public var rawValue: String {
            switch self {
            case .samtaletype: return "samtaletype"
            case .samtaleform: return "samtaleform"
            case .indberettertype: return "indberettertype"
            case .indberetter: return "indberetter"
            case .region: return "region"
            case .kontaktgruppe: return "kontaktgruppe"
            case .aldersgruppe: return "aldersgruppe"
            case .koen: return "koen"
            case .visitationsgruppe: return "visitationsgruppe"
            case .mark(let m): return m.rawValue
            }
        }

        /// A name as typed (any case); also accepts "køn".
        public init?(word: String) {
            let w = word.lowercased()
            guard let b = Self.allCases.first(where: { $0.rawValue == (w == "køn" ? "koen" : w) }) else { return nil }
            self = b
        }

        var label: String {
            switch self {
            case .samtaletype: return "Samtaletype"
            case .samtaleform: return "Samtaleform"
            case .indberettertype: return "Indberettertype"
            case .indberetter: return "Indberetter"
            case .region: return "Region"
            case .kontaktgruppe: return "Kontaktgruppe"
            case .aldersgruppe: return "Aldersgruppe"
            case .koen: return "Køn"
            case .visitationsgruppe: return "Visitationsgruppe"
            case .mark(let m): return m.label
            }
        }

        /// How the facts are grouped for this breakdown and how the groups are labelled and
        /// sorted (fixed text: never user input). `f` is the fact, `i` its indberetter.
        var grouping: Grouping {
            switch self {
            case .samtaletype:
                // Sorted by name, as a rank over the dozen names: integers compare without the collation.
                return Grouping(key: "f.samtaletype_key",
                                join: "(SELECT samtaletype_key, samtaletype, rank() OVER (ORDER BY samtaletype) AS orden FROM samtaler.dim_samtaletype) t ON t.samtaletype_key = KEY",
                                label: "t.samtaletype", sort: "t.orden")
            case .samtaleform:
                return Grouping(key: "f.samtaleform_key", join: "samtaler.dim_samtaleform s ON s.samtaleform_key = KEY",
                                label: "s.samtaleform", sort: "s.star_gruppe_orden * 100 + s.samtaleform_key")
            case .indberettertype:
                return Grouping(key: "i.indberettertype", usesIndberetter: true, keyIsText: true, label: "KEY", sort: "KEY")
            case .indberetter:
                return Grouping(key: "f.indberetter_key", join: "samtaler.dim_indberetter i ON i.indberetter_key = KEY",
                                label: "i.indberetterkode || ' ' || i.navn",
                                sort: "(CASE i.indberettertype WHEN 'jobcenter' THEN 0 ELSE 1 END) * 100000 + i.indberetterkode::int")
            case .region:
                return Grouping(key: "i.regionskode", usesIndberetter: true, keyIsText: true,
                                join: "(SELECT DISTINCT ON (regionskode) regionskode, regionsnavn FROM samtaler.dim_indberetter WHERE regionskode IS NOT NULL ORDER BY regionskode) r ON r.regionskode = KEY",
                                label: "coalesce(r.regionsnavn, 'A-kasse (ingen region)')", sort: "coalesce(KEY, '9999')")
            case .kontaktgruppe:
                return Grouping(key: "f.kontaktgruppe_key", join: "samtaler.dim_kontaktgruppe k ON k.kontaktgruppe_key = KEY",
                                label: "coalesce('Kontaktgruppe ' || k.kontaktgruppe, 'Ingen kontaktgruppe')", sort: "coalesce(k.kontaktgruppe, 99)")
            case .aldersgruppe:
                return Grouping(key: "f.aldersgruppe_key", join: "samtaler.dim_aldersgruppe a ON a.aldersgruppe_key = KEY",
                                label: "a.aldersgruppe", sort: "a.orden")
            case .koen:
                return Grouping(key: "f.koen_key", join: "samtaler.dim_koen g ON g.koen_key = KEY", label: "g.betegnelse", sort: "KEY")
            case .visitationsgruppe:
                return Grouping(key: "f.visitationsgruppe_key", join: "samtaler.dim_visitationsgruppe vg ON vg.visitationsgruppe_key = KEY",
                                label: "coalesce(vg.betegnelse, 'Ingen visitationsgruppe')", sort: "coalesce(KEY, 99)")
            case .mark(let m):
                // One digit of the status key, labelled by the status with only that digit set.
                let alias = "st_" + m.rawValue
                return Grouping(key: "f.status_key / \(m.digit.unit) % \(m.digit.radix)",
                                join: "samtaler.dim_samtalestatus \(alias) ON \(alias).status_key = KEY * \(m.digit.unit)",
                                label: "\(alias).\(m.rawValue)", sort: "\(alias).\(m.rawValue)_orden")
            }
        }
    }

    public struct Request: Sendable {
        public var name: Name
        /// nil: every period in the warehouse.
        public var period: Period?
        public var per: Granularity = .month
        public var by: [Breakdown] = []
        /// visitation: the one day to count on (else the last day of each --per in the period).
        public var date: CivilDate?
        /// marks: which marks (empty: all).
        public var marks: [Mark] = []
        public init(name: Name, period: Period? = nil) { self.name = name; self.period = period }

        /// The first column of most reports: the period of each row.
        var periodColumn: ReportTable.Column { ReportTable.Column(key: "periode", label: per.label, kind: .text) }
        /// One column per breakdown, in the order asked for.
        var byColumns: [ReportTable.Column] { by.map { ReportTable.Column(key: $0.rawValue, label: $0.label, kind: .text) } }
    }

    let conn: PGConnection
    /// Every figure from SQL alone, none counted in the client (the tests compare both ways).
    let sqlOnly: Bool
    /// The most rows (the planner's estimate) that volumes counts in the client; above it SQL
    /// counts (bounded memory: 24 bytes a row, ~100 MB at 4 million).
    let clientRowLimit: Int

    /// Opens a second connection to the same database, for reading a large period in two halves
    /// at once (volumes); nil: one connection only.
    let helper: (() throws -> PGConnection)?

    /// Periods of at least this many rows (estimated) are read in two halves when there is a helper.
    let splitRows: Int

    /// Over `clientRowLimit`, volumes counts in pieces of whole periods of about this many rows.
    let chunkRows: Int

    public init(conn: PGConnection, sqlOnly: Bool = false, clientRowLimit: Int = 4_000_000,
                helper: (() throws -> PGConnection)? = nil, splitRows: Int = 200_000, chunkRows: Int = 500_000) {
        self.conn = conn
        self.sqlOnly = sqlOnly
        self.clientRowLimit = clientRowLimit
        self.helper = helper
        self.splitRows = splitRows
        self.chunkRows = chunkRows
    }

    public func run(_ request: Request) throws(WarehouseError) -> ReportTable {
        try Migrator.checkSchema(conn)
        do {
            // One snapshot for the whole report: readers see only committed batches.
            try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            // Distinct counts under ROLLUP sort the period's rows; keep that sort in memory
            // (measured: 2.1 s spilling to disk vs 0.6 s in memory for 900k rows).
            try conn.execute("SET LOCAL work_mem = '256MB'")
            defer { _ = try? conn.execute("COMMIT") }
            switch request.name {
            case .volumes: return try volumes(request)
            case .forms: return try forms(request)
            case .participants: return try participants(request)
            case .coverage: return try coverage(request)
            case .marks: return try marks(request)
            case .visitation: return try visitation(request)
            case .transitions: return try transitions(request)
            case .minplan: return try minplan(request)
            case .jobsoegningskrav: return try jobsoegningskrav(request)
            }
        } catch {
            throw WarehouseError.wrap(error, doing: "running the \(request.name.rawValue) report")
        }
    }

    /// Current conversations held in the period ($1, $2 are date keys).
    static let current = "NOT f.annulleret AND f.afholdt_dato_key BETWEEN $1 AND $2"

    /// The same for one period, with its date keys written in (for COPY, which takes no parameters).
    static func current(_ p: Period?) -> String {
        let b = bounds(p)
        return current(from: b[0]!, to: b[1]!)
    }

    /// The same between two date keys.
    static func current(from: String, to: String) -> String {
        current.replacingOccurrences(of: "$1", with: from).replacingOccurrences(of: "$2", with: to)
    }

    /// The period's bounds as date-key parameters ($1, $2).
    static func bounds(_ p: Period?) -> [String?] {
        [String(p?.from.key ?? 19000101), String(p?.to.key ?? 20991231)]
    }

    static func describe(_ p: Period?) -> String {
        guard let p else { return "alle perioder" }
        return p.kind == .range ? "\(p.from) til \(p.to)" : "\(p.text) (\(p.from) til \(p.to))"
    }

    // MARK: volumes

    func volumes(_ r: Request) throws -> ReportTable {
        let dims = [r.per.grouping] + r.by.map(\.grouping)
        let n = dims.count
        let query = GroupedQuery(
            groups: dims, filter: Self.current,
            aggregates: { keys in ["count(*) AS samtaler", "count(DISTINCT f.person_pseudonym) AS personer",
                                   "GROUPING(\(keys.joined(separator: ", "))) AS niveau"] },
            groupBy: { "ROLLUP (\($0.joined(separator: ", ")))" },
            carry: ["x.samtaler", "x.personer", "x.niveau"],
            // Every sort expression orders its groups fully (a name, or an order number, unique
            // per key); the key breaks ties where a dimension lacks the row. Not the label: that
            // would compare equal texts under the collation at every tie, 0.18 s of 0.25 s for
            // the 24,131 groups of the 1M bench warehouse.
            orderBy: { cols in cols.enumerated().flatMap { i, c in ["(x.niveau >> \(n - 1 - i)) & 1", c.sort, "x.k\(i)"] } })
        // The distinct persons under ROLLUP are counted in the client (DistinctRollup): 2-3x
        // faster than PostgreSQL 15's count(DISTINCT) per grouping set. query.sql is the same
        // report in SQL alone; the tests compare the two.
        var counted: [RollupRow]?
        if !sqlOnly {
            let plan = try plan(r.period)
            if let rows = plan.rows, rows > clientRowLimit {
                // Too many rows to hold at once: piece by piece, each piece whole periods.
                if let pieces = try pieces(r.period, per: r.per, rows: rows) {
                    counted = try query.rollupCountedInPieces(conn, pieces: pieces, expected: rows / pieces.count,
                                                              second: try secondConnection())
                }
            } else {
                counted = try query.rollupCountedInClient(conn, filter: Self.current(r.period), estimate: plan.rows,
                                                          split: try halves(r.period, plan), second: secondConnection, maxRows: clientRowLimit)
            }
        }
        if counted == nil {
            let res = try conn.execute(query.sql, Self.bounds(r.period))
            counted = (0..<res.rowCount).map { i in
                RollupRow(labels: (0..<n).map { res.value(i, $0) }, conversations: res.int(i, n) ?? 0,
                          persons: res.int(i, n + 1) ?? 0, niveau: res.int(i, n + 2) ?? 0)
            }
        }
        var columns = [r.periodColumn] + r.byColumns
        columns += [ReportTable.Column(key: "samtaler", label: "Samtaler", kind: .count),
                    ReportTable.Column(key: "personer", label: "Personer", kind: .count)]
        var rows: [ReportTable.Row] = []
        for row in counted ?? [] {
            let grouping = row.niveau
            var cells: [ReportTable.Cell] = []
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
            series: [("Samtaler", perPeriod.map { Double($0.cells[dims.count].int ?? 0) })]))
        let byType = try conversationsPerType(r, rows: rows)
        table.charts.append(ReportTable.Chart(
            title: "Samtaler pr. samtaletype", style: .bars,
            categories: byType.map(\.type), series: [("Samtaler", byType.map { Double($0.count) })]))
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
                groups: [Breakdown.samtaletype.grouping], filter: Self.current,
                aggregates: { _ in ["count(*) AS n"] }, groupBy: { $0.joined() },
                carry: ["x.n"], orderBy: { ["x.n DESC", $0[0].label] }).sql, Self.bounds(r.period))
            counts = (0..<res.rowCount).map { (type: res.value($0, 0) ?? "", count: res.int($0, 1) ?? 0) }
        }
        return counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.type < $1.type }
    }

    // MARK: forms

    func forms(_ r: Request) throws -> ReportTable {
        let outer = [r.per.grouping] + r.by.map(\.grouping)
        // STAR's group is grouped on its order number (one per group), the form on its key.
        let query = GroupedQuery(
            groups: outer, innerJoins: ["JOIN samtaler.dim_samtaleform fs ON fs.samtaleform_key = f.samtaleform_key"],
            filter: Self.current,
            aggregates: { _ in ["fs.star_gruppe_orden AS star", "f.samtaleform_key AS form", "count(*) AS samtaler",
                                "GROUPING(fs.star_gruppe_orden, f.samtaleform_key) AS niveau"] },
            groupBy: { $0.joined(separator: ", ") + ", ROLLUP (fs.star_gruppe_orden, f.samtaleform_key)" },
            outerJoins: ["LEFT JOIN (SELECT DISTINCT star_gruppe_orden, star_gruppe FROM samtaler.dim_samtaleform) sg ON sg.star_gruppe_orden = x.star",
                         "LEFT JOIN samtaler.dim_samtaleform sf ON sf.samtaleform_key = x.form"],
            carry: ["sg.star_gruppe", "sf.samtaleform", "x.samtaler", "x.niveau"],
            orderBy: { cols in cols.flatMap { [$0.sort, $0.label] } + ["x.niveau >> 1", "x.star", "x.niveau & 1", "x.form"] })
        let res = try formsInHalves(query, r.period) ?? conn.execute(query.sql, Self.bounds(r.period))
        let n = outer.count
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
            table.charts.append(.stacked("Samtaleformer over tid (andel, STAR-gruppering)", categories: periods, order: starOrder, shares: shares))
        }
        return table
    }

    /// forms over a large period: the conversations per finest group (period, breakdowns, STAR
    /// group, form) counted on two connections at once, each over half the period (`halves`),
    /// then added up and rolled up in SQL over those few hundred groups, labelled and ordered by
    /// the same outer query. PostgreSQL 15 runs no aggregate under ROLLUP in parallel; counts
    /// add up, so the halves give the same report (tested). nil: one query does it all.
    func formsInHalves(_ query: GroupedQuery, _ p: Period?) throws -> PGResult? {
        guard !sqlOnly, helper != nil, let split = try halves(p, plan(p)), let other = try secondConnection() else { return nil }
        let keys = query.groups.map(\.key) + ["fs.star_gruppe_orden", "f.samtaleform_key"]
        func fine(_ filter: String) -> String {
            "SELECT \(keys.joined(separator: ", ")), count(*) FROM \(query.fact) \(query.joins.joined(separator: " ")) "
                + "WHERE \(filter) GROUP BY \(keys.joined(separator: ", "))"
        }
        let (first, second) = try bothHalves(conn, other, split) { try $0.execute(fine($1)) }
        var counts: [[String?]: Int] = [:]
        for res in [first, second] {
            for i in 0..<res.rowCount {
                counts[(0..<keys.count).map { res.value(i, $0) }, default: 0] += res.int(i, keys.count) ?? 0
            }
        }
        let n = query.groups.count
        var params: [String?] = []
        var columns: [String] = []
        for c in 0..<keys.count {
            let text = c < n && query.groups[c].keyIsText
            params.append(GroupedQuery.arrayLiteral(counts.keys.map { $0[c] }, quoted: text))
            columns.append("$\(c + 1)::\(text ? "text" : "bigint")[]")
        }
        params.append(GroupedQuery.arrayLiteral(counts.values.map { String($0) }, quoted: false))
        columns.append("$\(keys.count + 1)::bigint[]")
        let k = (0..<n).map { "k\($0)" }
        let rolled = """
            SELECT \((k + ["star", "form", "sum(n)::bigint AS samtaler", "GROUPING(star, form) AS niveau"]).joined(separator: ", "))
            FROM unnest(\(columns.joined(separator: ", "))) AS u(\((k + ["star", "form", "n"]).joined(separator: ", ")))
            GROUP BY \((k.isEmpty ? "" : k.joined(separator: ", ") + ", ") + "ROLLUP (star, form)")
            """
        return try conn.execute(query.outerSQL(from: rolled), params)
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
                FROM samtaler.fact_samtale f WHERE \(Self.current)),
            total AS (
                SELECT periode, count(*) AS alle, count(*) FILTER (WHERE antal_deltagere > 0) AS med FROM samtale GROUP BY periode),
            agg AS (
                SELECT s.periode, dl.deltagerrolle_key AS rolle, dl.deltagelsesform_key AS form, count(*) AS deltagere,
                       count(DISTINCT s.samtale_key) AS samtaler, GROUPING(dl.deltagerrolle_key, dl.deltagelsesform_key) AS niveau
                FROM samtale s JOIN samtaler.fact_samtale_deltager dl ON dl.samtale_key = s.samtale_key
                WHERE s.antal_deltagere > 0
                GROUP BY s.periode, ROLLUP (dl.deltagerrolle_key, dl.deltagelsesform_key))
            SELECT \(label), ro.betegnelse, fo.betegnelse, x.deltagere, x.samtaler, x.niveau, t.alle, t.med
            FROM agg x
            JOIN total t ON t.periode = x.periode
            LEFT JOIN samtaler.dim_deltagerrolle ro ON ro.deltagerrolle_key = x.rolle
            LEFT JOIN samtaler.dim_deltagelsesform fo ON fo.deltagelsesform_key = x.form
            ORDER BY x.periode, x.niveau >> 1, x.rolle, x.niveau & 1, x.form
            """
        let res = try conn.execute(sql, Self.bounds(r.period))
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
        table.notes = summary.map { "\($0.0): \(LoadSummary.thousands($0.2)) af \(LoadSummary.thousands($0.1)) samtaler havde deltagere." }
        table.charts.append(ReportTable.Chart(
            title: "Andel af samtaler med deltagere", style: .shares, categories: summary.map(\.0),
            series: [("Med deltagere", summary.map { $0.1 > 0 ? Double($0.2) / Double($0.1) : 0 })]))
        return table
    }

    // MARK: coverage

    func coverage(_ r: Request) throws -> ReportTable {
        // The period checked: as given, or the month of the newest registration.
        let period: Period
        if let p = r.period { period = p } else {
            let latest = try conn.scalar("SELECT to_char(max(registreret) AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM') FROM samtaler.fact_samtale")
            period = (try? Period.parse(latest ?? "")) ?? (try! Period.parse("2025-01"))
        }
        let previous = Self.previous(period)
        let sql = """
            WITH leverance AS (
                SELECT f.indberetter_key, (f.registreret AT TIME ZONE 'Europe/Copenhagen')::date AS dag, count(*) AS n
                FROM samtaler.fact_samtale f
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
            LEFT JOIN samtaler.fact_samtale f USING (indberetter_key)
            LEFT JOIN samtaler.dim_batch b ON b.batch_key = i.udledt_batch_key
            WHERE i.udledt
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

    /// The period of the same length just before `p`.
    static func previous(_ p: Period) -> Period {
        switch p.kind {
        case .month:
            let m = p.from.month == 1 ? 12 : p.from.month - 1
            let y = p.from.month == 1 ? p.from.year - 1 : p.from.year
            return (try? Period.parse("\(y)-\(m < 10 ? "0" : "")\(m)")) ?? p
        case .quarter:
            let q = (p.from.month - 1) / 3 + 1
            return (try? Period.parse(q == 1 ? "\(p.from.year - 1)Q4" : "\(p.from.year)Q\(q - 1)")) ?? p
        case .year:
            return (try? Period.parse(String(p.from.year - 1))) ?? p
        case .range:
            let days = p.to.daysSinceEpoch - p.from.daysSinceEpoch + 1
            return (try? Period.range(from: p.from.adding(days: -days), to: p.from.adding(days: -1))) ?? p
        }
    }
}
