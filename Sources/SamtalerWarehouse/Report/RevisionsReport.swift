import PostgresClient
import SamtalerFeed

/// Why a delivered extract moved: the ministry extract of one period (same rows, same counting,
/// same suppression: MinistryExtract, Disclosure) as the warehouse stood right after batch A and
/// right after batch B, and for each row the change split into new registrations, corrections
/// and withdrawals, with the batches they came in. docs/history.md, "Revisions".
extension Reports {
    /// What happened between A and B to each registration that counts in a row at A or at B
    /// ($1, $2: the period's first and last date key; $3: A; $4: B). A registration changed when
    /// its version as of B was made current after A (versions as of a batch: samtale_som_af).
    ///   ny (new):          no version of it as of A;
    ///   annulleret (withdrawn): counted in a row at A, withdrawn (a tombstone) as of B;
    ///   rettet (corrected): any other change: known as of A and counted in a row at A or at B
    ///                      (moved between rows, into or out of the period, back from a
    ///                      withdrawal, or changed within its row).
    /// Its effect: -1 on its row as of A (when it counted there), +1 on its row as of B (when it
    /// counts there); per row the effects add up to B - A. Rows as in the extract: (indberetter,
    /// samtaletype, samtaleform) and the I_ALT row of (indberetter, samtaletype).
    static let revisionsSQL = """
        WITH a AS MATERIALIZED (
            SELECT f.samtale_key, f.indberetter_key, f.samtaletype_key, f.samtaleform_key
            FROM samtaler.samtale_som_af($3) f
            WHERE NOT f.annulleret AND f.afholdt_dato_key BETWEEN $1 AND $2),
        b AS MATERIALIZED (
            SELECT f.samtale_key, f.batch_key, f.annulleret, f.afholdt_dato_key, f.indberetter_key, f.samtaletype_key, f.samtaleform_key
            FROM samtaler.samtale_som_af($4) f
            WHERE f.batch_key > $3 AND f.afholdt_dato_key BETWEEN $1 AND $2
            UNION
            SELECT f.samtale_key, f.batch_key, f.annulleret, f.afholdt_dato_key, f.indberetter_key, f.samtaletype_key, f.samtaleform_key
            FROM a JOIN samtaler.samtale_som_af($4) f USING (samtale_key)
            WHERE f.batch_key > $3),
        aendring AS (
            SELECT b.batch_key,
                   CASE WHEN a.samtale_key IS NOT NULL THEN CASE WHEN b.annulleret THEN 'annulleret' ELSE 'rettet' END
                        WHEN EXISTS (SELECT 1 FROM samtaler.samtale_som_af($3) x WHERE x.samtale_key = b.samtale_key) THEN 'rettet'
                        ELSE 'ny' END AS art,
                   a.samtale_key IS NOT NULL AS foer, a.indberetter_key AS foer_i, a.samtaletype_key AS foer_t, a.samtaleform_key AS foer_s,
                   NOT b.annulleret AND b.afholdt_dato_key BETWEEN $1 AND $2 AS efter,
                   b.indberetter_key AS efter_i, b.samtaletype_key AS efter_t, b.samtaleform_key AS efter_s
            FROM b LEFT JOIN a USING (samtale_key)),
        virkning AS (
            SELECT art, batch_key, -1 AS fortegn, foer_i AS indberetter_key, foer_t AS samtaletype_key, foer_s AS samtaleform_key
            FROM aendring WHERE foer
            UNION ALL
            SELECT art, batch_key, 1, efter_i, efter_t, efter_s FROM aendring WHERE efter)
        SELECT i.indberettertype, i.indberetterkode, t.samtaletype, s.samtaleform, GROUPING(s.samtaleform) AS i_alt,
               coalesce(sum(v.fortegn) FILTER (WHERE v.art = 'ny'), 0) AS nye,
               coalesce(sum(v.fortegn) FILTER (WHERE v.art = 'rettet'), 0) AS rettelser,
               coalesce(sum(v.fortegn) FILTER (WHERE v.art = 'annulleret'), 0) AS annulleringer,
               array_to_string(array_agg(DISTINCT v.batch_key ORDER BY v.batch_key), ',') AS koersler
        FROM virkning v
        JOIN samtaler.dim_indberetter i ON i.indberetter_key = v.indberetter_key
        JOIN samtaler.dim_samtaletype t ON t.samtaletype_key = v.samtaletype_key
        JOIN samtaler.dim_samtaleform s ON s.samtaleform_key = v.samtaleform_key
        GROUP BY GROUPING SETS ((i.indberettertype, i.indberetterkode, t.samtaletype, s.samtaleform),
                                (i.indberettertype, i.indberetterkode, t.samtaletype))
        """

    /// One row of the extract: its group and samtaleform (or I_ALT).
    struct ExtractRowKey: Hashable {
        var group: Disclosure.Group
        var form: Disclosure.Form
    }

    /// A row's change between A and B, split by cause (signed: withdrawals are negative).
    struct RowChange {
        var new = 0
        var corrections = 0
        var withdrawals = 0
        var batches: [Int] = []
        var total: Int { new + corrections + withdrawals }
    }

    /// The two batches compared: --from-batch (else the batch the period's last recorded delivery
    /// reflects, up to B) and --to-batch (else the latest published, or --as-of-batch), checked.
    func revisionBatches(_ r: Request, _ period: Period) throws -> (from: Int, to: Int, delivery: Int?) {
        let to = try r.toBatch ?? r.asOfBatch ?? PublishedBatches.read(conn).latest
        if let upTo = r.asOfBatch, to > upTo {
            throw WarehouseError.usage("--to-batch \(to) is after --as-of-batch \(upTo): the report as of batch \(upTo) knows no later batch")
        }
        try PublishedBatches.check(conn, to, option: "--to-batch")
        var delivery: Int?
        let from: Int
        if let a = r.fromBatch {
            from = a
        } else {
            // The last delivery of the period: an extract made (not one made again with
            // --as-of-batch) whose state is no later than B.
            let last = try conn.execute("""
                SELECT som_af_batch, udtraek_key FROM samtaler.udtraek
                WHERE periode = $1 AND NOT genskabt AND som_af_batch <= $2 ORDER BY udtraek_key DESC LIMIT 1
                """, [period.text, String(to)])
            guard last.rowCount == 1, let a = last.int(0, 0) else {
                throw WarehouseError.usage("""
                    revisions: no extract of \(period.text) is recorded up to batch \(to) (samtaler extract --list), \
                    so there is no delivery to compare with: give --from-batch A, the batch to compare batch \(to) with
                    """)
            }
            from = a
            delivery = last.int(0, 1)
        }
        try PublishedBatches.check(conn, from, option: "--from-batch")
        guard from <= to else {
            throw WarehouseError.usage("--from-batch \(from) is after --to-batch \(to): the earlier state comes first")
        }
        return (from, to, delivery)
    }

    func revisions(_ r: Request) throws -> ReportTable {
        guard let period = r.period, period.kind != .range else {
            throw WarehouseError.usage("revisions: --period is the extract's period, a month 2025-03, a quarter 2025Q1 or a year 2025")
        }
        guard r.threshold >= 1 else { throw WarehouseError.usage("--threshold must be at least 1, got \(r.threshold)") }
        let (from, to, delivery) = try revisionBatches(r, period)

        // Both states counted as the extract counts them, and suppressed as it suppresses them.
        let before = try MinistryExtract.count(self, period, asOf: from)
        let after = try MinistryExtract.count(self, period, asOf: to)
        func byKey(_ rows: [Disclosure.InputRow]) -> [ExtractRowKey: Disclosure.InputRow] {
            Dictionary(uniqueKeysWithValues: rows.map { (ExtractRowKey(group: $0.group, form: $0.samtaleform), $0) })
        }
        func shown(_ rows: [Disclosure.InputRow]) -> [ExtractRowKey: Disclosure.OutputRow] {
            Dictionary(uniqueKeysWithValues: Disclosure.apply(rows, threshold: r.threshold).map { (ExtractRowKey(group: $0.group, form: $0.samtaleform), $0) })
        }
        let (trueBefore, trueAfter) = (byKey(before.rows), byKey(after.rows))
        let (shownBefore, shownAfter) = (shown(before.rows), shown(after.rows))

        var changes: [ExtractRowKey: RowChange] = [:]
        let res = try conn.execute(Self.revisionsSQL, [String(period.from.key), String(period.to.key), String(from), String(to)])
        for i in 0..<res.rowCount {
            guard let type = res.value(i, 0), let kode = res.value(i, 1), let samtaletype = res.value(i, 2) else {
                throw WarehouseError.internal("the revisions query returned an incomplete row \(i)")
            }
            let form: Disclosure.Form = res.value(i, 4) == "1" ? .iAlt : .code(res.value(i, 3) ?? "")
            changes[ExtractRowKey(group: Disclosure.Group(type, kode, samtaletype), form: form)] = RowChange(
                new: res.int(i, 5) ?? 0, corrections: res.int(i, 6) ?? 0, withdrawals: res.int(i, 7) ?? 0,
                batches: (res.value(i, 8) ?? "").split(separator: ",").compactMap { Int($0) })
        }

        let names = try conn.execute("SELECT indberettertype, indberetterkode, navn FROM samtaler.dim_indberetter")
        var name: [String: String] = [:]
        for i in 0..<names.rowCount { name[(names.value(i, 0) ?? "") + " " + (names.value(i, 1) ?? "")] = names.value(i, 2) ?? "" }

        let keys = Set(trueBefore.keys).union(trueAfter.keys)
        guard Set(changes.keys).isSubset(of: keys) else {
            throw WarehouseError.internal("revisions: a change fell on a row that neither state of the extract has")
        }
        let ordered = Disclosure.sorted(keys.map { Disclosure.OutputRow(group: $0.group, samtaleform: $0.form, antalSamtaler: nil, antalPersoner: nil, diskretion: nil) })
        var rows: [ReportTable.Row] = []
        var changed = 0
        for o in ordered {
            let key = ExtractRowKey(group: o.group, form: o.samtaleform)
            let change = changes[key] ?? RowChange()
            let a = trueBefore[key], b = trueAfter[key]
            // The split adds up to the difference, or the report is wrong: a check, as the extract's.
            guard (b?.antalSamtaler ?? 0) - (a?.antalSamtaler ?? 0) == change.total else {
                throw WarehouseError.internal("""
                    revisions: the changes of \(o.group.indberettertype) \(o.group.indberetterkode) \(o.group.samtaletype) \(o.samtaleform) \
                    (\(change.new) + \(change.corrections) + \(change.withdrawals)) do not add up to \(a?.antalSamtaler ?? 0) -> \(b?.antalSamtaler ?? 0)
                    """)
            }
            if !change.batches.isEmpty { changed += 1 } else if r.changedOnly { continue }
            // A row absent from one state has no conversations then (nothing to suppress).
            func side(_ s: Disclosure.OutputRow?) -> [ReportTable.Cell] {
                guard let s else { return [.count(0), .count(0), .text("")] }
                return [s.antalSamtaler.map { .count($0) } ?? .empty, s.antalPersoner.map { .count($0) } ?? .empty,
                        .text(s.diskretion?.rawValue ?? "")]
            }
            // A number hidden in either state hides the row's changes too: else B - A gives it away.
            let hidden = shownBefore[key]?.isSuppressed == true || shownAfter[key]?.isSuppressed == true
            func shownCount(_ n: Int) -> ReportTable.Cell { hidden ? .empty : .count(n) }
            let g = o.group
            var cells: [ReportTable.Cell] = [.text(g.indberettertype), .text(g.indberetterkode), .text(name[g.indberettertype + " " + g.indberetterkode] ?? ""),
                                             .text(g.samtaletype), .text(o.samtaleform.description)]
            cells += side(shownBefore[key]) + side(shownAfter[key])
            cells += [shownCount(change.total), shownCount(change.new), shownCount(change.corrections), shownCount(change.withdrawals),
                      shownCount((b?.antalPersoner ?? 0) - (a?.antalPersoner ?? 0)),
                      .text(change.batches.map(String.init).joined(separator: ", "))]
            rows.append(ReportTable.Row(cells: cells, level: o.samtaleform == .iAlt ? 1 : 0))
        }

        let fromWhat = delivery.map { "kørsel \(from) (seneste leverance, udtræk nr. \($0))" } ?? "kørsel \(from)"
        var table = ReportTable(
            name: "revisions", title: "Revisioner af ministeriets udtræk",
            subtitle: "Udtrækket for \(Self.describe(period)) efter A: \(fromWhat), og efter B: kørsel \(to); ændringen i hver række delt i nye registreringer, rettelser og annulleringer",
            columns: [
                ReportTable.Column(key: "indberettertype", label: "Indberettertype", kind: .text),
                ReportTable.Column(key: "indberetterkode", label: "Kode", kind: .text),
                ReportTable.Column(key: "indberetter", label: "Indberetter", kind: .text),
                ReportTable.Column(key: "samtaletype", label: "Samtaletype", kind: .text),
                ReportTable.Column(key: "samtaleform", label: "Samtaleform", kind: .text),
                ReportTable.Column(key: "samtaler_fra", label: "Samtaler A", kind: .count),
                ReportTable.Column(key: "personer_fra", label: "Personer A", kind: .count),
                ReportTable.Column(key: "diskretion_fra", label: "Diskretion A", kind: .text),
                ReportTable.Column(key: "samtaler_til", label: "Samtaler B", kind: .count),
                ReportTable.Column(key: "personer_til", label: "Personer B", kind: .count),
                ReportTable.Column(key: "diskretion_til", label: "Diskretion B", kind: .text),
                ReportTable.Column(key: "aendring", label: "Ændring", kind: .count),
                ReportTable.Column(key: "nye", label: "Nye", kind: .count),
                ReportTable.Column(key: "rettelser", label: "Rettelser", kind: .count),
                ReportTable.Column(key: "annulleringer", label: "Annulleringer", kind: .count),
                ReportTable.Column(key: "aendring_personer", label: "Ændring, personer", kind: .count),
                ReportTable.Column(key: "koersler", label: "Kørsler", kind: .text),
            ], rows: rows)
        table.codeLabels = ["samtaleform": [Disclosure.Form.iAlt.description: "I alt"]]
        table.notes = [
            "Rækkerne er udtrækkets (samtaler extract): én pr. indberetter, samtaletype og samtaleform, og I alt (I_ALT) pr. indberetter og samtaletype; tal som udtrækket efter hver kørsel.",
            "Ændring = nye + rettelser + annulleringer i hver række. Ny: registreringen var ukendt efter kørsel \(from). Annullering: den talte i rækken efter kørsel \(from) og er annulleret efter kørsel \(to) (tæller -1). Rettelse: alt andet, der ændrede en registrering, som var kendt efter kørsel \(from): flyttet mellem rækker (-1 i den gamle, +1 i den nye), ind i eller ud af perioden, en annullering fortrudt, eller rettet inden for rækken (tæller 0).",
            "Personer tælles forskellige pr. række og kan ikke deles op efter årsag: kun ændringen i antal personer vises.",
            "Diskretion som i udtrækket (tærskel \(r.threshold)) for hver kørsel for sig: P primær, S sekundær. Er et tal skjult efter en af kørslerne, skjules rækkens ændringer også (–), så det skjulte ikke kan regnes ud.",
            "Kørsler: de kørsler, der gjorde de ændrede registreringers version efter kørsel \(to) aktuel.",
            "\(Danish.count(changed)) af \(Danish.count(ordered.count)) rækker ændret mellem kørsel \(from) og kørsel \(to)"
                + (r.changedOnly ? "; kun de ændrede vises." : "."),
        ]
        return table
    }
}
