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

    /// Appends the finished fact row of a conversation registration seen for the first time (the
    /// first load's direct path): what the merge would insert for it as the only version.
    func encodeFact(_ r: Registration, key: Int64, noegle: [UInt8], indberetter: Int, batch: Int, into out: inout [UInt8]) {
        var w = RowWriter(out: out)
        out = []
        w.int(Int(key))
        w.uuid(noegle)
        w.int(indberetter)
        w.timestamp(r.registreret)
        w.bool(r.isWithdrawal)
        var participants = 0
        if case .samtale(let s)? = r.body {
            conversation(s, &w)
            participants = s.deltagere.count
        } else {
            conversation(nil, &w)
        }
        if r.isWithdrawal { w.null() } else { w.timestamp(r.registreret) }   // foerste_registreret
        w.int(participants)
        w.int(batch)
        w.end()
        out = w.out
    }

    /// Appends the participant rows of conversation `key` (numbered from 1, as the merge does).
    func encodeParticipants(_ s: Samtale, key: Int64, batch: Int, into out: inout [UInt8]) {
        var w = RowWriter(out: out)
        out = []
        for (i, d) in s.deltagere.enumerated() {
            w.int(Int(key))
            w.int(i + 1)
            w.int(dimensions.deltagerrolle[d.rolle] ?? 0)
            w.int(dimensions.deltagelsesform[d.deltagelsesform] ?? 0)
            w.int(batch)
            w.end()
        }
        out = w.out
    }

    /// A conversation's own columns, person_pseudonym … videregivet_til_akasse (18), in the order
    /// the staging table and the fact share; all NULL for a withdrawal, which has no body.
    private func conversation(_ s: Samtale?, _ w: inout RowWriter) {
        guard let s else {
            for _ in 0..<18 { w.null() }
            return
        }
        person(s.person, &w)
        w.int(s.afholdtDato.key)
        if let t = s.afholdtTid { w.timestamp(t) } else { w.null() }
        w.int(dimensions.samtaletype[s.samtaletype])
        w.int(dimensions.samtaleform[s.samtaleform])
        w.int(s.kontaktgruppe.flatMap { dimensions.kontaktgruppe[$0] })
        w.int(s.visitationsgruppe.flatMap { dimensions.visitationsgruppe[$0] })
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

    private func person(_ p: Personnummer.Parsed, _ w: inout RowWriter) {
        switch p {
        case .unknown: w.null()
        case .person(let cpr): w.uuid(pseudonymizer.person(digits: cpr.digits))
        }
    }

    private func ageAndGender(_ p: Personnummer.Parsed, on date: CivilDate, _ w: inout RowWriter) {
        switch p {
        case .unknown:
            w.int(unknownAge)
            w.int(unknownGender)
        case .person(let cpr):
            let band = dimensions.reference.aldersgruppe(forAge: cpr.birthDate.age(on: date))
            w.int(dimensions.aldersgruppe[band] ?? unknownAge)
            w.int(dimensions.koen[cpr.gender.rawValue] ?? unknownGender)
        }
    }
}

/// Writes fields of PostgreSQL's COPY text format: tab between fields, `\N` for NULL.
struct RowWriter {
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
