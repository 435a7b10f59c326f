import PostgresClient
import SamtalerFeed
import SamtalerPseudonym

/// Writes a registration, pseudonymized (Pseudonymization) and with its codes turned into
/// dimension keys (Dimensions, DimensionKeys.swift), as rows of COPY: for `samtaler_stage` (the
/// columns of `samtaler.create_stage()`, sql/definitions/10_samtaler.create_stage.sql), or, on the
/// first load's direct path, finished rows of `fact_samtale` and `fact_samtale_deltager`. Every
/// column is written from a named value; a column a kind of registration does not have is NULL.
struct StageRowEncoder {
    let dimensions: Dimensions
    let pseudonymization: Pseudonymization

    init(dimensions: Dimensions, pseudonymizer: Pseudonymizer) {
        self.dimensions = dimensions
        pseudonymization = Pseudonymization(pseudonymizer: pseudonymizer, reference: dimensions.reference)
    }

    static let columns = """
        seq, kind, noegle, indberetter_key, akasse_kode, registreret, annulleret, person_pseudonym, dato_key, afholdt_tid,
        samtaletype_key, samtaleform_key, kontaktgruppe_key, visitationsgruppe_key, aldersgruppe_key, koen_key,
        aftale_forpligtende, aftale_saerlig_indsats, aftale_med_tekst, akasse_deltog, tidlig_opfoelgning, cv_fyldestgoerende,
        cv_godkendelse, raadighedsvurdering, videregivet_til_akasse, deltager_roller, deltager_former,
        antal_jobmaal, antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal, med_stillingskilder
        """

    /// Appends the staging row for `p` (with its line end) to `out`.
    func encode(_ p: Prepared, seq: Int64, into out: inout [UInt8]) {
        let r = p.registrering
        var w = PGTextRowWriter(out: out)
        out = []
        var samtale: Samtale?, minplan: MinPlan?, krav: Jobsoegningskrav?
        switch r.body {
        case .samtale(let s)?: samtale = s
        case .minplan(let m)?: minplan = m
        case .jobsoegningskrav(let j)?: krav = j
        case nil: break
        }
        let keys = samtale.map { dimensions.keys($0) }
        w.int(Int(seq))
        w.int(r.registrering == .samtale ? 1 : r.registrering == .minplan ? 2 : 3)
        w.uuid(p.noegle)
        let indberetter = dimensions.key(r.indberetter)
        w.int(indberetter)
        w.text(indberetter == nil ? r.indberetter.kode : nil)                   // akasse_kode
        w.timestamp(r.registreret)
        w.bool(r.annulleret)
        registrationColumns(samtale, keys, person: p.person, day: p.day, &w)
        w.intArray(keys?.deltagerroller)
        w.intArray(keys?.deltagelsesformer)
        w.int(minplan?.antalJobmaal)
        w.int(krav?.antalFagomraader)
        w.int(krav?.antalAnsoegninger)
        w.bool(krav?.medOmfang)
        w.bool(krav?.medFormaal)
        w.bool(krav?.medStillingskilder)
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
    /// The columns of `samtaler.fact_minplan` and `samtaler.fact_jobsoegningskrav` as `encodeFact` writes them.
    static let minplanColumns = """
        minplan_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, registreret_dato_key,
        aldersgruppe_key, koen_key, antal_jobmaal, batch_key
        """
    static let jobsoegningskravColumns = """
        jobsoegningskrav_key, registrering_noegle, indberetter_key, registreret, annulleret, person_pseudonym, registreret_dato_key,
        aldersgruppe_key, koen_key, antal_fagomraader, antal_ansoegninger, med_omfang, med_formaal, med_stillingskilder, batch_key
        """

    /// A registration seen for the first time (the first load's direct path), as far as it is
    /// known from its own line: its fact row from `registreret` on, without what `encodeFact` adds,
    /// in COPY's binary format (starting with the row's field count, still empty), and a
    /// conversation's participants' dimension keys. Made on a worker thread (Preparation) into
    /// the bytes of its chunk, which every direct line of the chunk shares: the sending thread
    /// copies bytes that lie together, and no line costs an allocation of its own.
    struct DirectFact: Sendable {
        let kind: Registreringstype
        /// The row is `count` bytes at `start` in its chunk's bytes, `fields` fields; then come 4
        /// bytes for each of the `participants`: deltagerrolle_key and deltagelsesform_key, each
        /// 2 bytes, little-endian.
        fileprivate let start: Int
        fileprivate let count: Int32
        fileprivate let fields: UInt16
        let participants: UInt16
    }

    /// Appends the direct fact of `p` to `rows` (a chunk's bytes) and says where it lies.
    func directFact(_ p: Prepared, into rows: inout [UInt8]) -> DirectFact {
        let r = p.registrering
        let start = rows.count
        var w = PGBinaryRowWriter(out: rows)
        rows = []
        w.timestamp(r.registreret)
        w.bool(r.annulleret)
        var participants: Dimensions.SamtaleKeys?
        if r.registrering != .samtale {
            // fact_minplan and fact_jobsoegningskrav: the person on the day it was registered
            // (Pseudonymization.subject), and the counts.
            var minplan: MinPlan?, krav: Jobsoegningskrav?
            if case .minplan(let m)? = r.body { minplan = m }
            if case .jobsoegningskrav(let j)? = r.body { krav = j }
            let personKeys = p.person.map { dimensions.keys($0) }
            w.uuid(p.person?.pseudonym)
            w.int32(p.day?.key)                                                      // registreret_dato_key
            w.int16(personKeys?.aldersgruppe)
            w.int16(personKeys?.koen)
            if r.registrering == .minplan {
                w.int16(minplan?.antalJobmaal)
            } else {
                w.int16(krav?.antalFagomraader)
                w.int16(krav?.antalAnsoegninger)
                w.bool(krav?.medOmfang)
                w.bool(krav?.medFormaal)
                w.bool(krav?.medStillingskilder)
            }
        } else if case .samtale(let s)? = r.body {
            let keys = dimensions.keys(s)
            registrationColumns(s, keys, person: p.person, day: s.afholdtDato, &w)
            if !r.annulleret && !s.deltagere.isEmpty { participants = keys }
        } else {
            registrationColumns(nil, nil, person: nil, day: nil, &w)
        }
        let count = w.out.count - start
        var n = 0
        if let keys = participants {
            for (rolle, form) in zip(keys.deltagerroller, keys.deltagelsesformer) {
                withUnsafeBytes(of: (UInt16(rolle).littleEndian, UInt16(form).littleEndian)) { w.out.append(contentsOf: $0) }
                n += 1
            }
        }
        let fields = w.fieldCount
        rows = w.out
        return DirectFact(kind: r.registrering, start: start, count: Int32(count), fields: UInt16(fields), participants: UInt16(n))
    }

    /// The bytes of `f` (its row and its participants) out of its chunk's bytes `rows` into an array
    /// of their own, and `f` as it lies there.
    static func detach(_ f: DirectFact, from rows: [UInt8]) -> (fact: DirectFact, rows: [UInt8]) {
        let end = f.start + Int(f.count) + 4 * Int(f.participants)
        return (DirectFact(kind: f.kind, start: 0, count: f.count, fields: f.fields, participants: f.participants),
                Array(rows[f.start..<end]))
    }

    /// Appends the finished fact row of `f` (in its chunk's bytes `rows`) under surrogate key
    /// `key`, with its natural key `noegle` and indberetter's key `indberetter`: what the merge
    /// would insert for the registration, in the columns `factColumns`, `minplanColumns` or
    /// `jobsoegningskravColumns`. `foersteRegistreret` (a conversation's only) is the earliest
    /// `registreret` of its versions that were not withdrawals (nil: none). In COPY's binary format
    /// (the COPY starts with `PGCopyBinary.header`): the server stores the values as they come
    /// instead of parsing text, about 30 % less of its time per row (docs/performance.md).
    func encodeFact(_ f: DirectFact, rows: [UInt8], key: Int64, noegle: RegistreringKey, indberetter: Int,
                    foersteRegistreret: Timestamp?, batch: Int, into out: inout [UInt8]) {
        var w = PGBinaryRowWriter(out: out)
        out = []
        w.int64(Int(key))
        w.uuid(high: noegle.a, low: noegle.b)       // registrering_noegle: the key's 16 bytes
        w.int32(indberetter)
        w.append(fieldsOf: rows[f.start..<f.start + Int(f.count)], count: Int(f.fields))
        if f.kind == .samtale {
            if let t = foersteRegistreret { w.timestamp(t) } else { w.null() }   // foerste_registreret
            w.int16(Int(f.participants))
        }
        w.int32(batch)
        w.end()
        out = w.out
    }

    /// Appends the participant rows of `f` (in its chunk's bytes `rows`) under conversation key
    /// `key` (numbered from 1, as the merge does), in COPY's binary format like the facts (the
    /// COPY starts with `PGCopyBinary.header`).
    func encodeParticipants(_ f: DirectFact, rows: [UInt8], key: Int64, batch: Int, into out: inout [UInt8]) {
        var w = PGBinaryRowWriter(out: out)
        out = []
        var at = f.start + Int(f.count)
        for i in 0..<Int(f.participants) {
            w.int64(Int(key))
            w.int16(i + 1)
            w.int16(Int(rows[at]) | Int(rows[at + 1]) << 8)
            w.int16(Int(rows[at + 2]) | Int(rows[at + 3]) << 8)
            w.int32(batch)
            w.end()
            at += 4
        }
        out = w.out
    }

    /// The columns the staging table and the fact share, person_pseudonym … videregivet_til_akasse:
    /// the person (pseudonymized on the day the registration concerns, `day`) and the
    /// conversation's own (NULL for Min Plan, job search requirements and withdrawals).
    private func registrationColumns<W: PGRowWriter>(_ s: Samtale?, _ keys: Dimensions.SamtaleKeys?,
                                                     person: Pseudonymization.Person?, day: CivilDate?, _ w: inout W) {
        let personKeys = person.map { dimensions.keys($0) }
        w.uuid(person?.pseudonym)
        w.int32(day?.key)                                                       // dato_key
        w.timestamp(s?.afholdtTid)
        w.int16(keys?.samtaletype)
        w.int16(keys?.samtaleform)
        w.int16(keys?.kontaktgruppe)
        w.int16(keys?.visitationsgruppe)
        w.int16(personKeys?.aldersgruppe)
        w.int16(personKeys?.koen)
        w.bool(s?.aftale?.forpligtende)
        w.bool(s?.aftale?.saerligIndsats)
        w.bool(s?.aftale?.medTekst)
        w.bool(s?.akasseDeltog)
        w.bool(s?.tidligOpfoelgning)
        w.bool(s?.cvFyldestgoerende)
        w.text(s?.cvGodkendelse)
        w.text(s?.raadighedsvurdering)
        w.bool(s?.videregivetTilAkasse)
    }
}

extension PGRowWriter {
    /// A timestamptz column.
    @inline(__always) mutating func timestamp(_ t: Timestamp) { timestamp(unixMicroseconds: t.microseconds) }
    /// A timestamptz column (nil: NULL).
    @inline(__always) mutating func timestamp(_ t: Timestamp?) { if let t { timestamp(t) } else { null() } }
    /// A uuid column (nil: NULL).
    @inline(__always) mutating func uuid(_ b: [UInt8]?) { if let b { uuid(b) } else { null() } }
}

extension PGTextRowWriter {
    /// A smallint[] column (nil: NULL).
    @inline(__always) mutating func intArray(_ v: [Int]?) { if let v { intArray(v) } else { null() } }
}
