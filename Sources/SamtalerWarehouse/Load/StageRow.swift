import PostgresClient
import SamtalerFeed
import SamtalerPseudonym

/// Turns a validated registration into rows of COPY text: for `samtaler_stage` (column order as
/// in `samtaler.create_stage()`, sql/migrations/0002_load_merge.sql), or, on the first load's
/// direct path, finished rows of `fact_samtale` and `fact_samtale_deltager`.
///
/// This is where the personnummer ends: it becomes a pseudonym, an age band and a gender,
/// and only those are written.
struct StageRowEncoder {
    let dimensions: Dimensions
    let pseudonymizer: Pseudonymizer
    private let unknownAge: Int
    private let unknownGender: Int

    init(dimensions: Dimensions, pseudonymizer: Pseudonymizer) {
        self.dimensions = dimensions
        self.pseudonymizer = pseudonymizer
        unknownAge = dimensions.aldersgruppe[dimensions.reference.aldersgruppe(forAge: nil)] ?? 0
        unknownGender = dimensions.koen["U"] ?? 0
    }

    static let columns = """
        seq, kind, noegle, indberetter_key, akasse_kode, registreret, annulleret, person_pseudonym, dato_key, afholdt_tid,
        samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
        aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
        cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, deltager_roller, deltager_former,
        antal_jobmaal, antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal, med_stillingskilder
        """

    /// The keyed hash of a registration's natural key (registrering, indberetter type and kode, id).
    func naturalKey(_ r: Registration) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(96)
        text.append(contentsOf: r.registrering.rawValue.utf8)
        text.append(UInt8(ascii: "|"))
        text.append(contentsOf: r.indberetter.type.rawValue.utf8)
        text.append(UInt8(ascii: "|"))
        text.append(contentsOf: r.indberetter.kode.utf8)
        text.append(UInt8(ascii: "|"))
        text.append(contentsOf: r.id.utf8)
        return pseudonymizer.registration(text)
    }

    /// Appends the staging row for `r` (with its line end) to `out`; `noegle` is `naturalKey(r)`.
    func encode(_ r: Registration, noegle: [UInt8], seq: Int64, into out: inout [UInt8]) {
        var w = RowWriter(out: out)
        out = []
        w.int(Int(seq))
        w.int(r.registrering == .samtale ? 1 : r.registrering == .minplan ? 2 : 3)
        w.uuid(noegle)
        if let key = dimensions.indberetter[r.indberetter] {
            w.int(key); w.null()
        } else {
            w.null(); w.text(r.indberetter.kode)
        }
        w.timestamp(r.registreret)
        w.bool(r.isWithdrawal)
        switch r.body {
        case nil:
            conversation(nil, &w)
            for _ in 0..<8 { w.null() }
        case .samtale(let s):
            conversation(s, &w)
            w.intArray(s.deltagere.map { dimensions.deltagerrolle[$0.rolle] ?? 0 })
            w.intArray(s.deltagere.map { dimensions.deltagelsesform[$0.deltagelsesform] ?? 0 })
            for _ in 0..<6 { w.null() }
        case .minplan(let m):
            let date = r.registreret.copenhagenDate
            person(m.person, &w)
            w.int(date.key)
            for _ in 0..<4 { w.null() }     // afholdt_tid, samtaletype, samtaleform, kontaktgruppe
            w.null()                         // visitationsgruppe
            ageAndGender(m.person, on: date, &w)
            for _ in 0..<11 { w.null() }    // aftale ... deltager_former
            w.int(m.antalJobmaal)
            for _ in 0..<5 { w.null() }
        case .jobsoegningskrav(let j):
            let date = r.registreret.copenhagenDate
            person(j.person, &w)
            w.int(date.key)
            for _ in 0..<5 { w.null() }
            ageAndGender(j.person, on: date, &w)
            for _ in 0..<11 { w.null() }
            w.null()
            w.int(j.antalFagomraader)
            w.int(j.antalAnsoegninger)
            w.bool(j.medOmfang)
            w.bool(j.medFormaal)
            w.bool(j.medStillingskilder)
        }
        w.end()
        out = w.out
    }

    /// The columns of a row of `samtaler.fact_samtale` as `encodeFact` writes them.
    static let factColumns = """
        samtale_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, afholdt_dato_key,
        afholdt_tid, samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
        aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
        cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, foerste_registreret, antal_deltagere, batch_key
        """
    static let participantColumns = "samtale_key, deltager_nr, deltagerrolle_key, deltagelsesform_key, batch_key"

    /// A conversation registration seen for the first time (the first load's direct path), as far
    /// as it is known before the other versions in the run are: its fact row from
    /// `registrering_noegle` to `videregivet_til_akasse` in COPY's binary format (starting with
    /// the row's field count, still empty), and its participants' dimension keys.
    struct DirectFact {
        fileprivate let row: [UInt8]
        fileprivate let fields: Int
        /// deltagerrolle_key and deltagelsesform_key of each participant, in turn.
        let participants: [Int]
    }

    func directFact(_ r: Registration, noegle: [UInt8], indberetter: Int) -> DirectFact {
        var row: [UInt8] = []
        row.reserveCapacity(256)   // a row is 150-200 bytes: one allocation, no growing
        var w = BinaryRowWriter(out: row)
        row = []
        w.uuid(noegle)
        w.int32(indberetter)
        w.timestamp(r.registreret)
        w.bool(r.isWithdrawal)
        var participants: [Int] = []
        if case .samtale(let s)? = r.body {
            conversation(s, &w)
            if !r.isWithdrawal && !s.deltagere.isEmpty {
                participants.reserveCapacity(2 * s.deltagere.count)
                for d in s.deltagere {
                    participants.append(dimensions.deltagerrolle[d.rolle] ?? 0)
                    participants.append(dimensions.deltagelsesform[d.deltagelsesform] ?? 0)
                }
            }
        } else {
            conversation(nil, &w)
        }
        return DirectFact(row: w.out, fields: w.fieldCount, participants: participants)
    }

    /// Appends the finished fact row of `f` under surrogate key `key`: what the merge would insert
    /// for the registration. `firstRegistered` is the earliest `registreret` of its versions that
    /// were not withdrawals (nil: none). In COPY's binary format (the COPY starts with
    /// `BinaryRowWriter.header`): the server stores the values as they come instead of parsing
    /// text, about 30 % less of its time per row (docs/performance.md).
    func encodeFact(_ f: DirectFact, key: Int64, firstRegistered: Timestamp?, batch: Int, into out: inout [UInt8]) {
        var w = BinaryRowWriter(out: out)
        out = []
        w.int64(Int(key))
        w.append(fieldsOf: f.row, count: f.fields)
        if let t = firstRegistered { w.timestamp(t) } else { w.null() }   // foerste_registreret
        w.int16(f.participants.count / 2)
        w.int32(batch)
        w.end()
        out = w.out
    }

    /// Appends the participant rows of `f` under conversation key `key` (numbered from 1, as the
    /// merge does), in COPY's binary format like the facts (the COPY starts with
    /// `BinaryRowWriter.header`).
    func encodeParticipants(_ f: DirectFact, key: Int64, batch: Int, into out: inout [UInt8]) {
        var w = BinaryRowWriter(out: out)
        out = []
        for i in 0..<f.participants.count / 2 {
            w.int64(Int(key))
            w.int16(i + 1)
            w.int16(f.participants[2 * i])
            w.int16(f.participants[2 * i + 1])
            w.int32(batch)
            w.end()
        }
        out = w.out
    }

    /// A conversation's own columns, person_pseudonym … videregivet_til_akasse (18), in the order
    /// the staging table and the fact share; all NULL for a withdrawal, which has no body.
    private func conversation<W: CopyRowWriter>(_ s: Samtale?, _ w: inout W) {
        guard let s else {
            for _ in 0..<18 { w.null() }
            return
        }
        person(s.person, &w)
        w.int32(s.afholdtDato.key)
        if let t = s.afholdtTid { w.timestamp(t) } else { w.null() }
        w.int16(dimensions.samtaletype[s.samtaletype])
        w.int16(dimensions.samtaleform[s.samtaleform])
        w.int16(s.kontaktgruppe.flatMap { dimensions.kontaktgruppe[$0] })
        w.int16(s.visitationsgruppe.flatMap { dimensions.visitationsgruppe[$0] })
        ageAndGender(s.person, on: s.afholdtDato, &w)
        w.bool(s.aftale?.forpligtende)
        w.bool(s.aftale?.saerligIndsats)
        w.bool(s.aftale?.medTekst)
        w.bool(s.akasseDeltog)
        w.bool(s.tidligOpfoelgning)
        w.bool(s.cvFyldestgoerende)
        w.text(s.cvGodkendelse)
        w.text(s.raadighedsvurdering)
        w.bool(s.videregivetTilAkasse)
    }

    private func person<W: CopyRowWriter>(_ p: Personnummer.Parsed, _ w: inout W) {
        switch p {
        case .unknown: w.null()
        case .person(let cpr): w.uuid(pseudonymizer.person(digits: cpr.digits))
        }
    }

    private func ageAndGender<W: CopyRowWriter>(_ p: Personnummer.Parsed, on date: CivilDate, _ w: inout W) {
        switch p {
        case .unknown:
            w.int16(unknownAge)
            w.int16(unknownGender)
        case .person(let cpr):
            let band = dimensions.reference.aldersgruppe(forAge: cpr.birthDate.age(on: date))
            w.int16(dimensions.aldersgruppe[band] ?? unknownAge)
            w.int16(dimensions.koen[cpr.gender.rawValue] ?? unknownGender)
        }
    }
}

/// The fields of one COPY row, in the column types of the table (the text format ignores them).
protocol CopyRowWriter {
    mutating func null()
    /// smallint, integer and bigint columns.
    mutating func int16(_ v: Int?)
    mutating func int32(_ v: Int?)
    mutating func int64(_ v: Int?)
    mutating func bool(_ v: Bool?)
    mutating func text(_ v: String?)
    /// timestamptz.
    mutating func timestamp(_ t: Timestamp)
    /// The 16 bytes of a uuid.
    mutating func uuid(_ b: [UInt8])
    /// Ends the row; the next field starts a new one.
    mutating func end()
}

/// Writes rows of PostgreSQL's binary COPY format (big-endian; each field its length, -1 for
/// NULL). A COPY in this format starts with `header` and ends with `trailer`.
struct BinaryRowWriter: CopyRowWriter {
    var out: [UInt8]
    /// Where the current row's field count goes, and the count so far.
    private var countAt = -1
    private var fields = 0

    /// The format's signature; flags and the header extension's length follow it.
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    /// The signature, no flags, no header extension.
    static let header: [UInt8] = signature + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// A field count of -1 ends the data.
    static let trailer: [UInt8] = [0xFF, 0xFF]
    /// timestamptz counts microseconds from 2000-01-01T00:00:00Z.
    static let postgresEpoch: Int64 = 946_684_800_000_000

    init(out: [UInt8]) { self.out = out }

    private mutating func big<T: FixedWidthInteger>(_ v: T) {
        // As typed bytes: `[UInt8].append` copies those with one memcpy, raw bytes one by one.
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// A row begins with its field count, filled in by `end`.
    private mutating func beginRow() {
        guard countAt < 0 else { return }
        countAt = out.count
        out.append(0); out.append(0)
    }

    private mutating func field(length: Int32) {
        beginRow()
        fields += 1
        big(length)
    }

    mutating func null() { field(length: -1) }

    /// The validator and the dimensions keep every value in its column's range; a value outside
    /// it is a bug that must stop the load, not wrap around.
    private mutating func integer<T: FixedWidthInteger>(_ v: Int?, as: T.Type) {
        guard let v else { null(); return }
        guard let x = T(exactly: v) else { preconditionFailure("\(v) does not fit a \(T.bitWidth)-bit column") }
        field(length: Int32(T.bitWidth / 8))
        big(x)
    }

    mutating func int16(_ v: Int?) { integer(v, as: Int16.self) }
    mutating func int32(_ v: Int?) { integer(v, as: Int32.self) }
    mutating func int64(_ v: Int?) { integer(v, as: Int64.self) }

    mutating func bool(_ v: Bool?) {
        guard let v else { null(); return }
        field(length: 1)
        out.append(v ? 1 : 0)
    }

    mutating func text(_ v: String?) {
        guard let v else { null(); return }
        field(length: Int32(v.utf8.count))
        out.append(contentsOf: v.utf8)
    }

    mutating func timestamp(_ t: Timestamp) {
        field(length: 8)
        big(t.microseconds - Self.postgresEpoch)
    }

    mutating func uuid(_ b: [UInt8]) {
        field(length: 16)
        out.append(contentsOf: b.prefix(16))
    }

    /// Fields written so far in the current row.
    var fieldCount: Int { fields }

    /// Appends the fields of `row`, the bytes of a row another writer began (its first two bytes,
    /// the field count, are skipped), `count` fields in all.
    mutating func append(fieldsOf row: [UInt8], count: Int) {
        beginRow()
        fields += count
        out.append(contentsOf: row[2...])
    }

    mutating func end() {
        let n = UInt16(fields).bigEndian
        withUnsafeBytes(of: n) { out[countAt] = $0[0]; out[countAt + 1] = $0[1] }
        countAt = -1
        fields = 0
    }
}

extension PGConnection {
    /// Starts `COPY table (columns) FROM STDIN` in the binary format, its header written.
    func copyInBinary(_ table: String, _ columns: String) throws -> PGCopyWriter {
        let copy = try copyIn("COPY \(table) (\(columns)) FROM STDIN (FORMAT binary)")
        try copy.write(BinaryRowWriter.header)
        return copy
    }
}

extension PGCopyWriter {
    /// Ends a COPY started by `copyInBinary`: its trailer, then the end of the data.
    func finishBinary() throws {
        try write(BinaryRowWriter.trailer)
        try finish()
    }
}

/// Writes fields of PostgreSQL's COPY text format: tab between fields, `\N` for NULL.
struct RowWriter: CopyRowWriter {
    var out: [UInt8]
    private var first = true

    init(out: [UInt8]) { self.out = out }

    private mutating func sep() {
        if first { first = false } else { out.append(9) }
    }

    mutating func null() { sep(); out.append(92); out.append(78) }

    mutating func int(_ v: Int?) {
        guard let v else { null(); return }
        sep()
        appendDecimal(v)
    }

    mutating func int16(_ v: Int?) { int(v) }
    mutating func int32(_ v: Int?) { int(v) }
    mutating func int64(_ v: Int?) { int(v) }

    private mutating func appendDecimal(_ v: Int) {
        if v < 0 { out.append(45) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(48 + m % 10); m /= 10; n += 1 } while m > 0
            while n > 0 { n -= 1; out.append(d[n]) }
        }
    }

    mutating func bool(_ v: Bool?) {
        guard let v else { null(); return }
        sep()
        out.append(v ? 116 : 102)
    }

    /// Text that the program produced (codes, timestamps); escaped all the same.
    mutating func text(_ v: String?) {
        guard let v else { null(); return }
        sep()
        for b in v.utf8 {
            switch b {
            case 92: out.append(92); out.append(92)
            case 9: out.append(92); out.append(116)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            default: out.append(b)
            }
        }
    }

    /// An instant as `YYYY-MM-DD HH:MM:SS.ffffff+00`, written digit by digit.
    mutating func timestamp(_ t: Timestamp) {
        sep()
        let secs = t.seconds
        let micros = Int(t.microseconds - secs * 1_000_000)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let d = CivilDate(daysSinceEpoch: Int(days))
        digits(d.year, 4); out.append(45); digits(d.month, 2); out.append(45); digits(d.day, 2)
        out.append(32)
        digits(rem / 3600, 2); out.append(58); digits(rem / 60 % 60, 2); out.append(58); digits(rem % 60, 2)
        out.append(46); digits(micros, 6)
        out.append(43); out.append(48); out.append(48)
    }

    /// `v` as exactly `width` decimal digits (0 <= v < 10^width).
    private mutating func digits(_ v: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = v
        while divisor > 0 { out.append(UInt8(48 + v / divisor % 10)); v %= divisor; divisor /= 10 }
    }

    mutating func uuid(_ b: [UInt8]) {
        sep()
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { h in
            for (i, x) in b.prefix(16).enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(45) }
                out.append(h[Int(x >> 4)]); out.append(h[Int(x & 15)])
            }
        }
    }

    mutating func intArray(_ v: [Int]) {
        sep()
        out.append(123)
        for (i, x) in v.enumerated() {
            if i > 0 { out.append(44) }
            appendDecimal(x)
        }
        out.append(125)
    }

    /// Ends the row; the next field starts a new one.
    mutating func end() { out.append(10); first = true }
}
