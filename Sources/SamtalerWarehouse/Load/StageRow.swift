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
        var w = PGTextRowWriter(out: out)
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
        var w = PGBinaryRowWriter(out: row)
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
    /// `PGCopyBinary.header`): the server stores the values as they come instead of parsing
    /// text, about 30 % less of its time per row (docs/performance.md).
    func encodeFact(_ f: DirectFact, key: Int64, firstRegistered: Timestamp?, batch: Int, into out: inout [UInt8]) {
        var w = PGBinaryRowWriter(out: out)
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
    /// `PGCopyBinary.header`).
    func encodeParticipants(_ f: DirectFact, key: Int64, batch: Int, into out: inout [UInt8]) {
        var w = PGBinaryRowWriter(out: out)
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
    private func conversation<W: PGRowWriter>(_ s: Samtale?, _ w: inout W) {
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

    private func person<W: PGRowWriter>(_ p: Personnummer.Parsed, _ w: inout W) {
        switch p {
        case .unknown: w.null()
        case .person(let cpr): w.uuid(pseudonymizer.person(digits: cpr.digits))
        }
    }

    private func ageAndGender<W: PGRowWriter>(_ p: Personnummer.Parsed, on date: CivilDate, _ w: inout W) {
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

extension PGRowWriter {
    /// A timestamptz column.
    @inline(__always) mutating func timestamp(_ t: Timestamp) { timestamp(unixMicroseconds: t.microseconds) }
}
