import PostgresClient
import SamtalerFeed

/// The direct path of a first load (a warehouse without conversations): each registration the run
/// has certainly not met before goes straight into its fact table: a conversation into
/// `fact_samtale` while the feed is read, so the server's inserts overlap the reading and
/// validating instead of following them (docs/performance.md, "The first load"); a Min Plan draft
/// or job search requirement into `fact_minplan` or `fact_jobsoegningskrav` right after (libpq
/// runs one COPY at a time on a connection). An a-kasse the dimension does not know yet becomes
/// its inferred member the moment it is met.
///
/// A registration the Bloom filter has perhaps seen (a later version, or a false positive) takes
/// the ordinary path, through staging and the merge. The merge then compares those versions with the
/// facts the direct path wrote, exactly as it compares a night's versions with earlier nights':
/// a newer version replaces the fact, an equal or older one leaves it (the line loaded first
/// wins a tie, and the direct row was loaded first). The result is the warehouse the ordinary
/// path builds; tests load the same feeds both ways and compare.
///
/// A direct row waits in a window of the last `window` first-seen registrations before it is
/// written. A later version arriving while it waits is folded into it by the same rules the merge
/// applies (the later `registreret` wins, the line loaded first wins a tie, the first
/// registration is the earliest `registreret` of the versions that were not withdrawals), so
/// the usual correction a few days after the original costs the server nothing instead of an
/// update of a written row (docs/performance.md, "The first load after its stream").
final class FirstLoad {
    private let conn: PGConnection
    private let encoder: StageRowEncoder
    private let batch: Int
    private let seen: KeyFilter
    private var facts: PGCopyWriter
    /// Participants of the direct rows, the direct rows of Min Plan and job search, and the lines
    /// for staging: sent after the facts' COPY.
    let participants = SpoolFile()
    let staged = SpoolFile()
    /// The fact tables written directly, by `Table.index(kind)`: conversations, Min Plan, job search.
    private var tables: [Table]
    /// Rows written straight into the facts.
    var direct: Int { tables.reduce(0) { $0 + Int($1.nextKey - $1.firstKey) } }
    /// Later versions folded into a waiting direct row.
    private var folded = 0
    /// Lines that did not go through staging: the direct rows and the versions folded into them.
    var directLines: Int { direct + folded }
    /// Where the lines went, for the summary: counted here, `written` and `folded` filled in by `paths`.
    private var staged_ = LoadSummary.FirstLoadPaths()
    var paths: LoadSummary.FirstLoadPaths {
        var p = staged_
        p.written = direct
        p.folded = folded
        return p
    }

    /// A fact table the direct path writes, with the surrogate keys it has handed out from the
    /// table's own sequence (the writer lock keeps every other writer away until `finish` moves
    /// the sequence on). A conversation's row goes into the COPY that runs during the stream, a
    /// Min Plan draft's or job search requirement's into `rows`, COPYed after it.
    private struct Table {
        let name: String
        let keyColumn: String
        let columns: String
        let firstKey: Int64
        var nextKey: Int64
        let rows: SpoolFile?

        var sequence: String { "pg_get_serial_sequence('\(name)', '\(keyColumn)')" }

        init(_ conn: PGConnection, _ name: String, _ keyColumn: String, _ columns: String, spooled: Bool) throws {
            self.name = name
            self.keyColumn = keyColumn
            self.columns = columns
            rows = spooled ? SpoolFile() : nil
            firstKey = Int64(try conn.scalar("SELECT nextval(pg_get_serial_sequence('\(name)', '\(keyColumn)'))") ?? "") ?? 1
            nextKey = firstKey
        }

        static func index(_ kind: Registreringstype) -> Int {
            switch kind {
            case .samtale: return 0
            case .minplan: return 1
            case .jobsoegningskrav: return 2
            }
        }
    }
    /// The keys of a-kasser this run added to the dimension (infer_akasse), by kode.
    private var inferred: [String: Int] = [:]

    /// A first-seen registration waiting to be written, with the versions folded into it: kept
    /// as the bytes of its row, not as the `Registrering` (holding thousands of those costs the
    /// reading and the sending thread more time than encoding them again).
    private struct Waiting {
        let key: RegistreringKey
        /// The indberetter's key (part of the natural key: the same for every version).
        let indberetter: Int
        /// The position of the next older waiting row whose key is in the same bucket (or -1).
        let next: Int
        /// The current version's `registreret`: the latest, the first loaded on a tie.
        var registreret: Timestamp
        /// The earliest `registreret` of the versions that were not withdrawals.
        var foersteRegistreret: Timestamp?
        /// The current version's row without its surrogate key, and its participants, in `rows`:
        /// its chunk's bytes, shared by the rows that entered from that chunk, or a copy of its own
        /// (`endChunk`; a later version folded in is always copied).
        var fact: StageRowEncoder.DirectFact
        var rows: [UInt8]
    }
    private let window: Int
    /// The window: a ring of `mask + 1` slots (the window rounded up to a power of two; one slot
    /// for a window of 0). A row's position counts the rows that entered before it; it lies in
    /// slot `position & mask`. Rows `written..<entered` wait; when the window is full the oldest
    /// is written (its value moved out, its slot free) before a new row enters, so nothing is
    /// ever shifted.
    private let slots: UnsafeMutablePointer<Waiting>
    private let mask: Int
    private var entered = 0
    private var written = 0
    /// The window's index, a hash table chained through `Waiting.next`: for each bucket the
    /// position of its newest row, -1 for none. A chain runs from newer to older rows, so it ends
    /// at the first row already written; nothing is ever deleted. The keys are HMACs: their
    /// first eight bytes are as good a hash as any.
    private var buckets: [Int]

    /// Inside the load's transaction and under the writer lock: true when no registration of any
    /// kind (not even a withdrawn one) is in the warehouse. Min Plan drafts and job search
    /// requirements count too: the direct path writes them without looking for an earlier row, so a
    /// warehouse that holds only those (MarksAndAkasseReportTests) is not new.
    static func applies(_ conn: PGConnection) throws -> Bool {
        try conn.scalar("""
            SELECT NOT EXISTS (SELECT 1 FROM samtaler.fact_samtale)
               AND NOT EXISTS (SELECT 1 FROM samtaler.fact_minplan)
               AND NOT EXISTS (SELECT 1 FROM samtaler.fact_jobsoegningskrav)
            """) == "t"
    }

    /// The window beside a Bloom filter of this size: 65,536 rows, 32,768 beside the largest
    /// filter (64 MiB, from about 45 million lines on), so that the load stays under 150 MB. A
    /// waiting row costs about 400 bytes (its row's bytes, its slot, its share of the index):
    /// 26 MB for 65,536; the 1M corrections-heavy first load peaks at 86 MB with it.
    /// A correction usually comes days after the original; at national volume (some 14,000
    /// conversations a day) 65,536 rows are four to five days (docs/performance.md, "The first
    /// load after its stream").
    static func window(beside filter: KeyFilter) -> Int { filter.bytes >= 64 << 20 ? 32_768 : 65_536 }

    /// Starts the COPY into the conversations' facts. `window`: nil for `window(beside: filter)`.
    init(conn: PGConnection, encoder: StageRowEncoder, batch: Int, filter: KeyFilter, window: Int?) throws {
        self.conn = conn
        self.encoder = encoder
        self.batch = batch
        self.window = max(window ?? Self.window(beside: filter), 0)
        var size = 1
        while size < self.window { size <<= 1 }
        mask = size - 1
        buckets = [Int](repeating: -1, count: 2 * size)
        seen = filter
        tables = [
            try Table(conn, "samtaler.fact_samtale", "samtale_key", StageRowEncoder.factColumns, spooled: false),
            try Table(conn, "samtaler.fact_minplan", "minplan_key", StageRowEncoder.minplanColumns, spooled: true),
            try Table(conn, "samtaler.fact_jobsoegningskrav", "jobsoegningskrav_key", StageRowEncoder.jobsoegningskravColumns, spooled: true),
        ]
        // The indexes of the four fact tables written here are built after their COPYs, not row by
        // row during them (sql/definitions/41_samtaler.first_load_drop_indexes.sql).
        // The tables stay locked for this transaction; they have no rows for anyone to read yet.
        _ = try conn.scalar("SELECT samtaler.first_load_drop_indexes()")
        facts = try conn.copyInBinary("samtaler.fact_samtale", StageRowEncoder.factColumns)
        // Allocated last, after everything that can throw, so that no throw leaves it unfreed
        // (deinit frees it).
        slots = .allocate(capacity: size)
    }

    /// Takes one accepted line: into the window of direct rows, into a waiting row as a later
    /// version, or aside for staging. `rows`: its chunk's bytes (PreparedChunk); `whole`: the line
    /// prepared as a whole, for staging.
    func add(_ d: DirectLine, rows: [UInt8], seq: Int64, whole: () throws -> Prepared) throws {
        if let indberetter = try indberetterKey(d.indberetter) {
            let key = d.key
            if !seen.insert(key) {
                // A full window writes its oldest row first (with no window, the row itself, below).
                if window > 0 && entered - written == window { try writeOldest() }
                let b = bucket(key)
                (slots + (entered & mask)).initialize(to: Waiting(key: key, indberetter: indberetter, next: buckets[b],
                                                                registreret: d.registreret,
                                                                foersteRegistreret: d.annulleret ? nil : d.registreret,
                                                                fact: d.fact, rows: rows))
                buckets[b] = entered
                entered += 1
                if window == 0 { try writeOldest() }
                return
            }
            if let w = waitingRow(key) {
                // The merge's rules, for two versions in one run (sql/definitions/30_samtaler.merge_stage.sql).
                if !d.annulleret { w.pointee.foersteRegistreret = min(w.pointee.foersteRegistreret ?? d.registreret, d.registreret) }
                if d.registreret > w.pointee.registreret {
                    w.pointee.registreret = d.registreret
                    (w.pointee.fact, w.pointee.rows) = StageRowEncoder.detach(d.fact, from: rows)
                }
                folded += 1
                return
            }
            staged_.stagedLaterVersions += 1
        } else {
            staged_.stagedOther += 1
        }
        let p = try whole()
        try staged.withBuffer { encoder.encode(p, seq: seq, into: &$0) }
        staged.rows += 1
    }

    /// Where the rows that entered from the chunk being added begin (`endChunk`).
    private var chunkEntered = 0

    /// After the last line of a chunk of `lines` lines. The rows that entered
    /// from it share its bytes, which stay in memory while any of them waits. If fewer than half its
    /// lines entered (the rest rejected, or versions folded into older rows), each of those gets a
    /// copy of its own bytes, so that a feed of few first-seen lines a chunk cannot hold a chunk's
    /// bytes for every row of the window: a row that shares its chunk holds at most two lines'
    /// worth of the chunk's buffer. (Copying every row cost the bench shape's load 0.1-0.4 s more,
    /// alternating; sharing the chunks of the bench's feeds is level with before.)
    func endChunk(lines: Int) {
        let from = max(chunkEntered, written)
        if entered - from < (lines + 1) / 2 {
            for p in from..<entered {
                let w = slots + (p & mask)
                (w.pointee.fact, w.pointee.rows) = StageRowEncoder.detach(w.pointee.fact, from: w.pointee.rows)
            }
        }
        chunkEntered = entered
    }

    /// The indberetter's key. An a-kasse the dimension lacks becomes its inferred member now, as the
    /// merge would make it (sql/definitions/25_samtaler.infer_akasse.sql), in the load's transaction:
    /// libpq runs one COPY at a time on a connection, so the facts' COPY ends, the member is added
    /// and the COPY starts again (once per new a-kasse). A staged line of it keeps no key and the
    /// merge finds the member.
    private func indberetterKey(_ i: Indberetter) throws -> Int? {
        if let key = encoder.dimensions.key(i) { return key }
        guard i.type == .akasse else { return nil }
        if let key = inferred[i.kode] { return key }
        try facts.finishBinary()
        guard let key = Int(try conn.scalar("SELECT samtaler.infer_akasse($1, $2)", [i.kode, String(batch)]) ?? "") else {
            throw WarehouseError.internal("samtaler.infer_akasse gave no key for a-kasse \(i.kode)")
        }
        facts = try conn.copyInBinary("samtaler.fact_samtale", StageRowEncoder.factColumns)
        inferred[i.kode] = key
        staged_.inferredAkasser += 1
        return key
    }

    @inline(__always) private func bucket(_ key: RegistreringKey) -> Int { Int(truncatingIfNeeded: key.a) & (buckets.count - 1) }

    /// The waiting row with this key (not written yet), if any.
    private func waitingRow(_ key: RegistreringKey) -> UnsafeMutablePointer<Waiting>? {
        var p = buckets[bucket(key)]
        while p >= written {
            let w = slots + (p & mask)
            if w.pointee.key == key { return w }
            p = w.pointee.next
        }
        return nil
    }

    /// Writes the oldest waiting row under its table's next key: a conversation into the facts' COPY
    /// with its participants, a Min Plan draft or job search requirement aside.
    private func writeOldest() throws {
        let w = (slots + (written & mask)).move()
        written += 1
        let t = Table.index(w.fact.kind)
        let key = tables[t].nextKey
        if let rows = tables[t].rows {
            try rows.withBuffer {
                encoder.encodeFact(w.fact, rows: w.rows, key: key, noegle: w.key, indberetter: w.indberetter,
                                   foersteRegistreret: nil, batch: batch, into: &$0)
            }
        } else {
            try facts.withBuffer {
                encoder.encodeFact(w.fact, rows: w.rows, key: key, noegle: w.key, indberetter: w.indberetter,
                                   foersteRegistreret: w.foersteRegistreret, batch: batch, into: &$0)
            }
            if w.fact.participants > 0 {
                try participants.withBuffer { encoder.encodeParticipants(w.fact, rows: w.rows, key: key, batch: batch, into: &$0) }
            }
        }
        tables[t].nextKey += 1
    }

    deinit {
        for p in written..<entered { (slots + (p & mask)).deinitialize(count: 1) }
        slots.deallocate()
    }

    /// After the stream: ends the facts' COPY, copies in the participants and the Min Plan and job
    /// search rows, builds the four tables' indexes, moves the key sequences past the keys used
    /// (so the merge's own inserts get new ones), and copies in the staged lines.
    func finish() throws {
        while written < entered { try writeOldest() }
        try facts.finishBinary()
        let p = try conn.copyInBinary("samtaler.fact_samtale_deltager", StageRowEncoder.participantColumns)
        try participants.replay(into: p)
        try p.finishBinary()
        for t in tables {
            guard let rows = t.rows, t.nextKey > t.firstKey else { continue }
            let copy = try conn.copyInBinary(t.name, t.columns)
            try rows.replay(into: copy)
            try copy.finishBinary()
        }
        _ = try conn.scalar("""
            SELECT samtaler.first_load_build_indexes(ARRAY['samtaler.fact_samtale', 'samtaler.fact_samtale_deltager',
                                                           'samtaler.fact_minplan', 'samtaler.fact_jobsoegningskrav']::regclass[])
            """)
        for t in tables where t.nextKey > t.firstKey {
            _ = try conn.execute("SELECT setval(\(t.sequence), $1)", [String(t.nextKey - 1)])
        }
        let s = try conn.copyIn("COPY pg_temp.samtaler_stage (\(StageRowEncoder.columns)) FROM STDIN")
        try staged.replay(into: s)
        try s.finish()
    }

    /// After the merge: the new and withdrawn Min Plan drafts and job search requirements, as
    /// `finish_first_load` counts the conversations (into an empty warehouse nothing is "changed";
    /// the merge's own counts compare staged versions with rows of this same run).
    func counts() throws -> [String: [String: Int]] {
        let r = try conn.execute("""
            SELECT 'minplan', count(*) FILTER (WHERE NOT annulleret), count(*) FILTER (WHERE annulleret) FROM samtaler.fact_minplan
            UNION ALL
            SELECT 'jobsoegningskrav', count(*) FILTER (WHERE NOT annulleret), count(*) FILTER (WHERE annulleret) FROM samtaler.fact_jobsoegningskrav
            """)
        var out: [String: [String: Int]] = [:]
        for i in 0..<r.rowCount { out[r.value(i, 0) ?? "?"] = ["new": r.int(i, 1) ?? 0, "changed": 0, "withdrawn": r.int(i, 2) ?? 0] }
        return out
    }
}
