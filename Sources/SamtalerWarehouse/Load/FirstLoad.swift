import PostgresClient
import SamtalerFeed

/// The direct path of a first load (a warehouse without conversations): each conversation
/// registration the run has certainly not met before goes straight into `fact_samtale` while
/// the feed is read, so the server's inserts overlap the reading and validating instead of
/// following them (docs/performance.md, "The first load").
///
/// Everything else takes the ordinary path, through staging and the merge: a registration the
/// Bloom filter has perhaps seen (a later version, or a false positive), an a-kasse the dimension
/// does not know yet, Min Plan and job search. The merge then compares those versions with the
/// facts the direct path wrote, exactly as it compares a night's versions with earlier nights':
/// a newer version replaces the fact, an equal or older one leaves it (the line loaded first
/// wins a tie, and the direct row was loaded first). The result is the warehouse the ordinary
/// path builds; tests load the same feeds both ways and compare.
final class FirstLoad {
    private let conn: PGConnection
    private let encoder: StageRowEncoder
    private let batch: Int
    private var seen: KeyFilter
    private let facts: PGCopyWriter
    /// Participants of the direct rows, and the lines for staging: sent after the facts' COPY.
    let participants = SpoolFile()
    let staged = SpoolFile()
    private let firstKey: Int64
    private var nextKey: Int64
    /// Conversation rows written straight into the facts.
    var direct: Int { Int(nextKey - firstKey) }

    static let sequence = "pg_get_serial_sequence('samtaler.fact_samtale', 'samtale_key')"

    /// Inside the load's transaction and under the writer lock: true when no conversation (not
    /// even a withdrawn one) is in the warehouse.
    static func applies(_ conn: PGConnection) throws -> Bool {
        try conn.scalar("SELECT NOT EXISTS (SELECT 1 FROM samtaler.fact_samtale)") == "t"
    }

    /// Starts the COPY into the facts. The surrogate keys are handed out here, from the fact's own
    /// sequence (the writer lock keeps every other writer away until `finish` moves it on).
    init(conn: PGConnection, encoder: StageRowEncoder, batch: Int, filterLog2Bits: Int) throws {
        self.conn = conn
        self.encoder = encoder
        self.batch = batch
        seen = KeyFilter(log2Bits: filterLog2Bits)
        firstKey = Int64(try conn.scalar("SELECT nextval(\(Self.sequence))") ?? "") ?? 1
        nextKey = firstKey
        // The facts' secondary indexes are built after the COPY, not row by row during it
        // (migration 0008): a COPY into the table with its primary key only takes half the time.
        // The table stays locked for this transaction; it has no rows for anyone to read yet.
        _ = try conn.scalar("SELECT samtaler.first_load_drop_indexes()")
        facts = try conn.copyInBinary("samtaler.fact_samtale", StageRowEncoder.factColumns)
    }

    /// Takes one accepted line: into the facts, or aside for staging.
    func add(_ r: Registration, noegle: [UInt8], seq: Int64) throws {
        if r.registrering == .samtale, let indberetter = encoder.dimensions.indberetter[r.indberetter],
           !seen.insert(noegle) {
            let key = nextKey
            try facts.withBuffer { encoder.encodeFact(r, key: key, noegle: noegle, indberetter: indberetter, batch: batch, into: &$0) }
            if case .samtale(let s)? = r.body, !r.isWithdrawal, !s.deltagere.isEmpty {
                try participants.withBuffer { encoder.encodeParticipants(s, key: key, batch: batch, into: &$0) }
            }
            nextKey += 1
        } else {
            try staged.withBuffer { encoder.encode(r, noegle: noegle, seq: seq, into: &$0) }
            staged.rows += 1
        }
    }

    /// After the stream: ends the facts' COPY, builds their indexes, moves the key sequence past
    /// the keys used (so the merge's own inserts get new ones), and copies in the participants and
    /// the staged lines.
    func finish() throws {
        try facts.finishBinary()
        _ = try conn.scalar("SELECT samtaler.first_load_build_indexes()")
        if nextKey > firstKey {
            _ = try conn.execute("SELECT setval(\(Self.sequence), $1)", [String(nextKey - 1)])
        }
        let p = try conn.copyInBinary("samtaler.fact_samtale_deltager", StageRowEncoder.participantColumns)
        try participants.replay(into: p)
        try p.finishBinary()
        let s = try conn.copyIn("COPY pg_temp.samtaler_stage (\(StageRowEncoder.columns)) FROM STDIN")
        try staged.replay(into: s)
        try s.finish()
    }
}
