import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerPseudonym

/// The ministry statistics extract of one period (contract: /work/shared/spec/ministry-extract.md,
/// explained in docs/extract.md).
///
/// Reads the current conversations held in the period from one consistent snapshot, counts them
/// as the volumes report counts (`count`), applies `Disclosure`, and writes
/// `DIR/samtaler_PERIOD.csv` and `DIR/samtaler_PERIOD.manifest.json`: both complete, or neither.
public struct MinistryExtract {
    public let conn: PGConnection
    public let period: Period
    public let outputDirectory: String
    public let threshold: Int
    /// The warehouse as it stood right after this load batch was published (`--as-of-batch`);
    /// nil: as it is now. docs/history.md.
    public var asOfBatch: Int?
    /// How the rows are counted (`CountingOptions`; the command line gives a second connection).
    public var counting = CountingOptions()

    /// Where the writing fails on purpose (tests of "both files or neither").
    enum Step: Sendable { case csvTemporary, manifestTemporary, csvRename, manifestRename, directorySync }
    var failAt: Step?

    public init(conn: PGConnection, period: Period, outputDirectory: String, threshold: Int = Disclosure.defaultThreshold) {
        self.conn = conn
        self.period = period
        self.outputDirectory = outputDirectory
        self.threshold = threshold
    }

    /// Parses the command line's PERIOD: a month `2025-03`, a quarter `2025Q1` or a year `2025`.
    public static func period(_ text: String) throws(WarehouseError) -> Period {
        do { return try Period.parse(text) } catch { throw .usage("--period: \(error.description)") }
    }

    /// The file names of the period: `samtaler_PERIOD.csv` and `samtaler_PERIOD.manifest.json`.
    public static func fileNames(_ period: Period) -> (csv: String, manifest: String) {
        ("samtaler_\(period.text).csv", "samtaler_\(period.text).manifest.json")
    }

    public var csvPath: String { Self.join(outputDirectory, Self.fileNames(period).csv) }
    public var manifestPath: String { Self.join(outputDirectory, Self.fileNames(period).manifest) }

    /// What one run wrote.
    public struct Summary: Sendable, Equatable {
        public var periode: String
        /// Data rows of the CSV (the manifest's `raekker`).
        public var rows: Int
        /// Rows marked `P` or `S` (the manifest's `undertrykte`).
        public var suppressed: Int
        public var threshold: Int
        /// Conversations counted (the sum of the `I_ALT` rows' true antal_samtaler).
        public var conversations: Int
        public var batches: [Int]
        /// The batch whose state the extract shows: `--as-of-batch`, or the latest published one.
        public var asOfBatch: Int
        /// Made with `--as-of-batch`.
        public var reproduced: Bool
        public var sha256: String
        public var csvPath: String
        public var manifestPath: String

        /// One line for the operator.
        public var text: String {
            "extract \(periode)\(reproduced ? " as of batch \(asOfBatch)" : ""): \(rows) rows (\(suppressed) suppressed at threshold \(threshold)) "
                + "from \(conversations) conversations in \(batches.count) batch(es): \(csvPath), \(manifestPath)"
        }
    }

    /// The aggregated rows and the batches behind them, read from one snapshot.
    struct Snapshot {
        var rows: [Disclosure.InputRow]
        var conversations: Int
        var batches: [Int]
        /// The batch whose state was read.
        var asOfBatch: Int
    }

    /// Makes the extract. `now` is the manifest's `genereret` (the only thing that varies between runs).
    public func run(now: Date = Date()) throws(WarehouseError) -> Summary {
        guard period.kind != .range else {
            throw .usage("the extract's period is a month 2025-03, a quarter 2025Q1 or a year 2025, not a range (\(period.text))")
        }
        guard threshold >= 1 else { throw .usage("--threshold must be at least 1, got \(threshold)") }
        try Self.checkDirectory(outputDirectory)
        try Migrator.checkSchema(conn)

        let snapshot: Snapshot
        do {
            snapshot = try conn.transaction { try read() }
        } catch {
            throw WarehouseError.wrap(error, doing: "reading the period \(period.text)")
        }

        let rows = Disclosure.apply(snapshot.rows, threshold: threshold)
        let csv = Disclosure.csv(periode: period.text, rows: rows)
        let sha = sha256Hex(csv)
        let suppressed = rows.count(where: \.isSuppressed)
        let manifest = Self.manifest(period: period, rows: rows.count, sha256: sha, threshold: threshold,
                                     suppressed: suppressed, generated: now, batches: snapshot.batches)
        try writeBoth(csv: csv, manifest: Array(manifest.utf8))
        let summary = Summary(periode: period.text, rows: rows.count, suppressed: suppressed, threshold: threshold,
                              conversations: snapshot.conversations, batches: snapshot.batches,
                              asOfBatch: snapshot.asOfBatch, reproduced: asOfBatch != nil, sha256: sha,
                              csvPath: csvPath, manifestPath: manifestPath)
        // Recorded once both files are in place: the record says an extract was delivered.
        do {
            try conn.execute("SELECT samtaler.registrer_udtraek($1, $2, $3, $4, $5, $6, $7, $8, $9)", [
                period.text, String(threshold), String(snapshot.asOfBatch), asOfBatch != nil ? "true" : "false",
                String(rows.count), String(suppressed), sha, "{" + snapshot.batches.map(String.init).joined(separator: ",") + "}",
                Self.rfc3339UTC(now),
            ])
        } catch {
            throw WarehouseError.wrap(error, doing: "recording the extract of \(period.text) in samtaler.udtraek (both files were written)")
        }
        return summary
    }

    // MARK: - Reading

    /// The extract's rows as groups of the volumes count (`Reports.volumesQuery`): the period
    /// (one group), the indberetter labelled by its type and code, the samtaletype and the
    /// samtaleform by their codes. Its ROLLUP's levels 0 and 1 are the rows per samtaleform and
    /// the `I_ALT` rows; counted the way volumes counts (from the kept copy, in the client, in
    /// halves or pieces, or in SQL: `Reports.volumesCounting`, the same numbers every way).
    static let rowGroups = [
        Grouping(key: "f.indberetter_key", join: "samtaler.dim_indberetter i ON i.indberetter_key = KEY",
                 label: "i.indberettertype || ' ' || i.indberetterkode", sort: "KEY"),
        Grouping(key: "f.samtaletype_key", join: "samtaler.dim_samtaletype t ON t.samtaletype_key = KEY",
                 label: "t.samtaletype", sort: "KEY"),
        Grouping(key: "f.samtaleform_key", join: "samtaler.dim_samtaleform s ON s.samtaleform_key = KEY",
                 label: "s.samtaleform", sort: "KEY"),
    ]

    /// The current facts, or the versions current right after batch $3 (sql/definitions/60_samtaler.samtale_som_af.sql).
    static func source(asOf: Bool) -> String { asOf ? "samtaler.samtale_som_af($3)" : "samtaler.fact_samtale" }

    /// Every current conversation of the period and the batches that brought them (counted per
    /// batch first: a hash of a few batches, not a sort of the period's rows).
    static func reconcileSQL(asOf: Bool) -> String { """
        SELECT coalesce(sum(n), 0), coalesce(string_agg(batch_key::text, ','), '')
        FROM (SELECT f.batch_key, count(*) AS n
              FROM \(source(asOf: asOf)) f
              WHERE NOT f.annulleret AND f.afholdt_dato_key BETWEEN $1 AND $2
              GROUP BY f.batch_key) b
        """ }

    /// Reads inside the caller's transaction, which it makes REPEATABLE READ READ ONLY first:
    /// both queries see the same snapshot, even while a load publishes.
    func read() throws -> Snapshot {
        try conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try conn.execute(Reports.sortMemory)
        let published = try asOfBatch.map { try PublishedBatches.check(conn, $0) } ?? PublishedBatches.read(conn)
        let counted = try Self.count(Reports(conn: conn, options: counting), period, asOf: asOfBatch)
        return Snapshot(rows: counted.rows, conversations: counted.conversations, batches: counted.batches,
                        asOfBatch: asOfBatch ?? published.latest)
    }

    /// The extract's rows of `period` before disclosure control (true counts), counted from the
    /// current facts or as of batch `asOf` (checked by the caller), in the caller's snapshot; the
    /// conversations counted and the batches behind them. Also the revisions report's two sides.
    static func count(_ reports: Reports, _ period: Period, asOf: Int?)
        throws -> (rows: [Disclosure.InputRow], conversations: Int, batches: [Int]) {
        guard let per = Reports.Granularity(rawValue: period.kind.rawValue) else {
            throw WarehouseError.internal("the extract's period \(period.text) is not a month, a quarter or a year")
        }
        let filter = ReportFilter(period, asOf: asOf)
        let query = Reports.volumesQuery(groups: [per.grouping] + rowGroups, filter)
        let counted = try reports.volumesCounting(query, filter, per: per).rollup(query)
        var rows: [Disclosure.InputRow] = []
        var totalConversations = 0
        for row in counted where row.niveau <= 1 {
            // A conversation without indberetter, samtaletype or samtaleform (or one its dimension
            // lacks) is in no row: the reconciliation below stops the extract.
            guard let indberetter = row.labels[1], let samtaletype = row.labels[2] else { continue }
            let parts = indberetter.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw WarehouseError.internal("the extract's indberetter \(indberetter) has no type and code") }
            let form: Disclosure.Form
            if row.niveau == 1 {
                form = .iAlt
            } else if let code = row.labels[3] {
                form = .code(code)
                totalConversations += row.conversations
            } else {
                continue
            }
            rows.append(Disclosure.InputRow(group: Disclosure.Group(parts[0], parts[1], samtaletype), samtaleform: form,
                                            antalSamtaler: row.conversations, antalPersoner: row.persons))
        }
        let conn = reports.conn
        let range = [String(period.from.key), String(period.to.key)] + (asOf.map { [String($0)] } ?? [])
        let check = try conn.execute(reconcileSQL(asOf: asOf != nil), range)
        let facts = check.int(0, 0) ?? -1
        // Every current conversation of the period must be in exactly one row per samtaleform.
        guard facts == totalConversations else {
            throw WarehouseError.internal("""
                the period \(period.text) has \(facts) current conversations, but the extract counts \(totalConversations): \
                some lack a reporting authority, samtaletype or samtaleform
                """)
        }
        let batches = (check.value(0, 1) ?? "").split(separator: ",").compactMap { Int($0) }.sorted()
        return (rows, totalConversations, batches)
    }

    // MARK: - The record of extracts

    /// One extract made (samtaler.udtraek).
    public struct Recorded: Sendable, Equatable {
        public var number: Int
        public var periode: String
        public var threshold: Int
        public var asOfBatch: Int
        public var reproduced: Bool
        public var rows: Int
        public var suppressed: Int
        public var sha256: String
        public var batches: [Int]
        public var generated: String
    }

    /// Every recorded extract, oldest first; only those of `period` when given.
    public static func recorded(_ conn: PGConnection, period: String? = nil) throws(WarehouseError) -> [Recorded] {
        try Migrator.checkSchema(conn)
        do {
            let r = try conn.execute("""
                SELECT udtraek_key, periode, taerskel, som_af_batch, genskabt, raekker, undertrykte, sha256,
                       array_to_string(batches, ','), to_char(genereret AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM samtaler.udtraek WHERE $1::text IS NULL OR periode = $1 ORDER BY udtraek_key
                """, [period])
            return (0..<r.rowCount).map { i in
                Recorded(number: r.int(i, 0) ?? 0, periode: r.value(i, 1) ?? "", threshold: r.int(i, 2) ?? 0,
                         asOfBatch: r.int(i, 3) ?? 0, reproduced: r.value(i, 4) == "t", rows: r.int(i, 5) ?? 0,
                         suppressed: r.int(i, 6) ?? 0, sha256: r.value(i, 7) ?? "",
                         batches: (r.value(i, 8) ?? "").split(separator: ",").compactMap { Int($0) }, generated: r.value(i, 9) ?? "")
            }
        } catch {
            throw WarehouseError.wrap(error, doing: "reading the recorded extracts")
        }
    }

    /// The recorded extracts as a table for the terminal, one line each.
    public static func listText(_ list: [Recorded]) -> String {
        var lines = ["nr\tperiode\ttaerskel\tsom_af_batch\tgenskabt\traekker\tundertrykte\tgenereret\tsha256"]
        for e in list {
            lines.append([String(e.number), e.periode, String(e.threshold), String(e.asOfBatch), e.reproduced ? "ja" : "nej",
                          String(e.rows), String(e.suppressed), e.generated, e.sha256].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - The manifest

    /// The manifest: one JSON object with the contract's keys in the contract's order.
    static func manifest(period: Period, rows: Int, sha256: String, threshold: Int, suppressed: Int,
                         generated: Date, batches: [Int]) -> String {
        """
        {
          "periode": \(JSONText.string(period.text)),
          "fra": "\(period.from)",
          "til": "\(period.to)",
          "raekker": \(rows),
          "sha256": "\(sha256)",
          "taerskel": \(threshold),
          "undertrykte": \(suppressed),
          "genereret": "\(rfc3339UTC(generated))",
          "batches": [\(batches.map(String.init).joined(separator: ", "))]
        }

        """
    }

    /// `2025-04-01T06:00:00Z`: RFC 3339 in UTC, whole seconds.
    static func rfc3339UTC(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec))
    }

    // MARK: - Writing both files or neither

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }


    /// The output folder must exist, be a folder, and be writable.
    static func checkDirectory(_ dir: String) throws(WarehouseError) {
        var st = stat()
        guard !dir.isEmpty, stat(dir, &st) == 0 else {
            throw .output("the output folder \(dir) does not exist: \(dir.isEmpty ? "no path given" : FileWriting.errnoText())")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw .output("the output folder \(dir) is not a folder") }
        guard access(dir, W_OK | X_OK) == 0 else { throw .output("the output folder \(dir) is not writable: \(FileWriting.errnoText())") }
    }

    /// Writes both files under temporary names in the folder, syncs them, removes an older
    /// manifest of the period, renames the CSV and then the manifest (the manifest last: a CSV
    /// without its manifest is incomplete), and syncs the folder. On any failure it removes what
    /// it wrote, so the period has both new files or neither.
    func writeBoth(csv: [UInt8], manifest: [UInt8]) throws(WarehouseError) {
        let names = Self.fileNames(period)
        let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let csvTemp = Self.join(outputDirectory, ".\(names.csv).tmp-\(tag)")
        let manifestTemp = Self.join(outputDirectory, ".\(names.manifest).tmp-\(tag)")
        var temporaries: [String] = []
        var replacing = false
        do throws(WarehouseError) {
            if failAt == .csvTemporary { throw .output("cannot write \(csvTemp): failure injected by a test") }
            temporaries.append(csvTemp)
            try FileWriting.writeSynced(csvTemp, csv, exclusive: true)
            if failAt == .manifestTemporary { throw .output("cannot write \(manifestTemp): failure injected by a test") }
            temporaries.append(manifestTemp)
            try FileWriting.writeSynced(manifestTemp, manifest, exclusive: true)

            // An older manifest of the period goes first, so no moment pairs it with the new CSV.
            // Until here an older pair of files stays as it was.
            if unlink(manifestPath) != 0 && errno != ENOENT {
                throw .output("cannot replace the old manifest \(manifestPath): \(FileWriting.errnoText())")
            }
            replacing = true
            if failAt == .csvRename { throw .output("cannot rename to \(csvPath): failure injected by a test") }
            guard rename(csvTemp, csvPath) == 0 else { throw .output("cannot rename \(csvTemp) to \(csvPath): \(FileWriting.errnoText())") }
            temporaries.removeAll { $0 == csvTemp }
            if failAt == .manifestRename { throw .output("cannot rename to \(manifestPath): failure injected by a test") }
            guard rename(manifestTemp, manifestPath) == 0 else {
                throw .output("cannot rename \(manifestTemp) to \(manifestPath): \(FileWriting.errnoText())")
            }
            temporaries.removeAll { $0 == manifestTemp }
            if failAt == .directorySync { throw .output("cannot sync the folder \(outputDirectory): failure injected by a test") }
            try Self.syncDirectory(outputDirectory)
        } catch {
            for t in temporaries { unlink(t) }
            if replacing {
                unlink(manifestPath)
                unlink(csvPath)
            }
            throw error
        }
    }

    /// Makes the renames durable.
    static func syncDirectory(_ dir: String) throws(WarehouseError) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .output("cannot open the folder \(dir) to sync it: \(FileWriting.errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .output("cannot sync the folder \(dir): \(FileWriting.errnoText())") }
    }
}
