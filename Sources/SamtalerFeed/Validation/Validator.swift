/// Checks one feed line against the contract (`shared/spec/feed.md`, version 2) and the reference data.
///
/// Every rule that fails is reported, field by field, so a case system can fix a line in one go;
/// a rule that depends on another field's value is checked only when that value is valid, so a
/// line gets no reason that follows only from another one. Every reason cites where its rule
/// comes from (`Citation`). A line is judged on its own: the validator keeps no state between
/// lines; what it knows of the run is the instant the load started.
public struct Validator: Sendable {
    public let reference: ReferenceData
    /// The instant the load started: a line registered more than `futureTolerance` seconds after
    /// it is rejected (rule `future`).
    public let loadStarted: Timestamp
    /// How far `registreret` may lie after the start of the load (clocks of case systems drift).
    public static let futureTolerance: Int64 = 5 * 60
    /// The latest `registreret` accepted, and the message for a later one (made once, not per line).
    let latestRegistreret: Timestamp
    let futureMessage: String
    /// The earliest and latest year a date may have (the contract's years; the date dimension's range).
    public static let years = 1900...2099
    public static let maxLineBytes = 1 << 20
    public static let maxDepth = 32

    public init(reference: ReferenceData, loadStarted: Timestamp) {
        self.reference = reference
        self.loadStarted = loadStarted
        latestRegistreret = loadStarted.adding(seconds: Validator.futureTolerance)
        futureMessage = "lies more than 5 minutes after this load started (\(loadStarted.rfc3339)): a registration from the future"
    }

    /// The outcome for one line: the registration, or the reasons it was rejected. `id` is the line's
    /// id when it could be read, valid or not (for the rejects file).
    public enum Outcome: Sendable {
        case accepted(Registrering)
        case rejected(id: String?, reasons: [Reason])
    }

    /// Validates the bytes of one non-blank line (without its line end).
    public func validate(line: UnsafeRawBufferPointer, truncated: Bool = false) -> Outcome {
        if truncated {
            return .rejected(id: nil, reasons: [Reason(field: "line", rule: "too_long",
                message: "the line is longer than \(Validator.maxLineBytes) bytes", source: .filesAndLines)])
        }
        do {
            return try JSONParser.withObject(line, maxDepth: Validator.maxDepth) { validate($0) }
        } catch {
            let rule: String
            switch error.kind {
            case .invalidUTF8: rule = "utf8"
            case .syntax: rule = "json"
            case .duplicateKey: rule = "duplicate_key"
            case .tooDeep: rule = "too_deep"
            case .notAnObject: rule = "not_object"
            }
            return .rejected(id: nil, reasons: [Reason(field: "line", rule: rule, message: error.message, source: .filesAndLines)])
        }
    }

    /// Validates a parsed line (its top level is an object).
    private func validate(_ document: JSONDocument) -> Outcome {
        var c = Checker(document: document, object: 0, prefix: "")
        // Envelope.
        let registrering: Registreringstype? = c.code("registrering", required: true,
            allowed: { Registreringstype(rawValue: $0) }, listName: "samtale, minplan or jobsoegningskrav", source: .envelope)
        let idNode = c.stringNode("id", required: true, source: .envelope)
        let idValid = idNode.map { c.document.withValueBytes($0, Validator.isValidID) } ?? false
        if idNode != nil, !idValid {
            c.fail("id", "format", "must be 1-64 characters of A-Z a-z 0-9 . _ : -", source: .envelope)
        }
        let id = idNode.map { c.document.string($0) }
        let handlingMark = c.mark
        let handling: Handling = c.code("handling", required: false,
            allowed: { Handling(rawValue: $0) }, listName: "opret, ret or annuller", source: .envelope) ?? .opret
        let handlingValid = c.clean(since: handlingMark)
        let registreret = c.timestamp("registreret", required: true, source: .envelope)
        if let registreret, latestRegistreret < registreret {
            c.fail("registreret", "future", futureMessage, source: .envelope)
        }
        let (kind, indberetter) = self.indberetter(&c, registrering: registrering)
        let readableID = idValid ? id : nil

        // Which rules the rest of the line has depends on the registrering, the handling and the
        // indberetter's kind: without them it is not judged further.
        guard let registrering, handlingValid, let kind else {
            return .rejected(id: readableID, reasons: c.reasons)
        }
        if registrering != .samtale && kind != .akasse {
            c.fail("indberetter.type", "not_allowed", "a \(registrering.rawValue) registration must come from an a-kasse",
                   source: registrering == .minplan ? Citation.BEK355.stk2nr2 : Citation.BEK355.stk3nr2)
        }
        var body: Registrering.Body?
        switch (handling, registrering) {
        case (.annuller, _):
            if let indberetter, let registreret { checkIndberetterValid(&c, indberetter, registrering: registrering, on: registreret.copenhagenDate) }
        case (_, .samtale):
            body = samtale(&c, kind: kind, indberetter: indberetter, registreret: registreret).map { .samtale($0) }
        case (_, .minplan):
            if let indberetter, let registreret { checkIndberetterValid(&c, indberetter, registrering: registrering, on: registreret.copenhagenDate) }
            body = minplan(&c).map { .minplan($0) }
        case (_, .jobsoegningskrav):
            if let indberetter, let registreret { checkIndberetterValid(&c, indberetter, registrering: registrering, on: registreret.copenhagenDate) }
            body = jobsoegningskrav(&c).map { .jobsoegningskrav($0) }
        }
        guard c.reasons.isEmpty, let id, let registreret, let indberetter else {
            return .rejected(id: readableID, reasons: c.reasons)
        }
        return .accepted(Registrering(registrering: registrering, id: id, handling: handling,
                                      registreret: registreret, indberetter: indberetter, body: body))
    }

    public static func isValidID(_ id: String) -> Bool {
        withUTF8Bytes(id) { isValidID($0) }
    }

    static func isValidID(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (1...64).contains(u.count) else { return false }
        for b in u {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: ":"), UInt8(ascii: "-"): continue
            default: return false
            }
        }
        return true
    }

    static func isAKassekode(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...4).contains(u.count), u[0] >= UInt8(ascii: "1"), u[0] <= UInt8(ascii: "9") else { return false }
        return u.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    // MARK: envelope

    /// Where the a-kassekode is the regulation's: § 87 stk. 1 nr. 3, stk. 2 nr. 2, stk. 3 nr. 2.
    static func akassekodeSource(_ registrering: Registreringstype?) -> Citation {
        switch registrering {
        case .samtale: return Citation.BEK355.stk1nr3
        case .minplan: return Citation.BEK355.stk2nr2
        case .jobsoegningskrav: return Citation.BEK355.stk3nr2
        case nil: return .envelope
        }
    }

    /// The indberetter's kind (when `type` is valid) and the indberetter (when `kode` is valid too).
    private func indberetter(_ c: inout Checker, registrering: Registreringstype?) -> (Indberettertype?, Indberetter?) {
        guard let o = c.object("indberetter", required: true, source: .envelope) else { return (nil, nil) }
        var sub = c.nested(o, "indberetter")
        let type: Indberettertype? = sub.code("type", required: true, allowed: { Indberettertype(rawValue: $0) },
                                              listName: "jobcenter or akasse", source: .envelope)
        let kodeSource = type == .akasse ? Validator.akassekodeSource(registrering) : .envelope
        let kode = sub.codeString("kode", required: true, source: kodeSource)
        var result: Indberetter?
        if let type, let kode {
            switch type {
            case .jobcenter:
                if reference.kommuner[kode] == nil {
                    sub.fail("kode", "code", "is not one of the 98 kommunekoder (kommuner.csv)", source: .envelope)
                } else { result = Indberetter(type: type, kode: kode) }
            case .akasse:
                if !Validator.isAKassekode(kode) {
                    sub.fail("kode", "format", "an a-kassekode is 1-4 digits without a leading zero", source: kodeSource)
                } else { result = Indberetter(type: type, kode: kode) }
            }
        }
        c.absorb(sub)
        return (type, result)
    }

    /// A code with validity dates must be valid on the date the registration concerns.
    private func checkIndberetterValid(_ c: inout Checker, _ i: Indberetter, registrering: Registreringstype, on date: CivilDate) {
        switch i.type {
        case .jobcenter:
            if let k = reference.kommuner[i.kode], !k.validity.contains(date) {
                c.fail("indberetter.kode", "validity", "the kommunekode is not valid on \(date)", source: .envelope)
            }
        case .akasse:
            if let a = reference.akasser[i.kode], !a.validity.contains(date) {
                c.fail("indberetter.kode", "validity", "the a-kassekode is not valid on \(date)",
                       source: Validator.akassekodeSource(registrering))
            }
        }
    }

    // MARK: samtale

    /// Where the rules of a conversation's fields come from, for one kind of indberetter: the item
    /// of § 27 (jobcenter) or § 87 stk. 1 (a-kasse) that asks for the field, the list as a whole
    /// for a field the kind's paragraph does not have, the contract's section where the contract
    /// makes the rule.
    struct SamtaleSources {
        let person, afholdt, samtaletype, samtaleform, deltagere: Citation
        let akasseDeltagelse, visitationsgruppe, tidligOpfoelgning, cvFyldestgoerende: Citation
        let cvGodkendelse, raadighedsvurdering: Citation

        static let jobcenter = SamtaleSources(
            person: Citation.BEK442.nr1, afholdt: Citation.BEK442.nr2, samtaletype: Citation.BEK442.nr3,
            samtaleform: Citation.BEK442.nr4, deltagere: Citation.BEK442.nr10, akasseDeltagelse: Citation.BEK442.nr7,
            visitationsgruppe: Citation.BEK442.nr9, tidligOpfoelgning: Citation.BEK442.stk3,
            cvFyldestgoerende: Citation.BEK442.stk4, cvGodkendelse: Citation.BEK442.list, raadighedsvurdering: Citation.BEK442.list)
        static let akasse = SamtaleSources(
            person: Citation.BEK355.stk1nr1, afholdt: Citation.BEK355.stk1nr2, samtaletype: Citation.BEK355.stk1nr4,
            samtaleform: Citation.BEK355.stk1nr5, deltagere: Citation.BEK355.stk1nr9, akasseDeltagelse: Citation.BEK355.stk1,
            visitationsgruppe: Citation.BEK355.stk1, tidligOpfoelgning: .samtale, cvFyldestgoerende: .samtale,
            cvGodkendelse: Citation.BEK355.stk1nr6, raadighedsvurdering: Citation.BEK355.stk1nr8)

        /// The aftale's item: § 27 nr. 5 (jobsamtaler, § 31 stk. 2, integrationssamtaler), nr. 6
        /// (fleksjobopfølgning), nr. 8 (every other type); § 87 stk. 1 nr. 7 (cv-samtale), nr. 8
        /// (rådighedssamtale); the contract for other a-kasse types and an unknown type.
        static func aftale(_ type: ReferenceData.Samtaletype?, jobcenter: Bool) -> Citation {
            guard let type else { return .samtale }
            if jobcenter {
                if type.kode == "FLEKSJOBOPFOELGNING" { return Citation.BEK442.nr6 }
                return type.kraeverAftale ? Citation.BEK442.nr5 : Citation.BEK442.nr8
            }
            switch type.kode {
            case "CV_SAMTALE": return Citation.BEK355.stk1nr7
            case "RAADIGHEDSSAMTALE": return Citation.BEK355.stk1nr8
            default: return .samtale
            }
        }
    }

    private func samtale(_ c: inout Checker, kind: Indberettertype, indberetter: Indberetter?, registreret: Timestamp?) -> Samtale? {
        let jc = kind == .jobcenter
        let law = jc ? SamtaleSources.jobcenter : SamtaleSources.akasse
        let person = c.person("cpr", source: law.person)

        // afholdt: a date or a timestamp from a jobcenter, a timestamp from an a-kasse.
        var afholdtDato: CivilDate?
        var afholdtTid: Timestamp?
        if let node = c.stringNode("afholdt", required: true, source: law.afholdt) {
            let document = c.document
            if document.withValueBytes(node, { $0.count }) == 10 {
                if !jc {
                    c.fail("afholdt", "format", "an a-kasse registers date and time: a timestamp with offset is required",
                           source: law.afholdt)
                } else if let d = document.withValueBytes(node, { CivilDate(iso: $0) }) {
                    if Validator.years.contains(d.year) { afholdtDato = d } else { c.yearRange("afholdt", source: law.afholdt) }
                } else {
                    c.fail("afholdt", "date", "is not a real calendar date YYYY-MM-DD", source: law.afholdt)
                }
            } else if let t = document.withValueBytes(node, { c.parseTimestamp($0, field: "afholdt", source: law.afholdt) }) {
                afholdtTid = t
                afholdtDato = t.copenhagenDate
            }
            // Compared only with a valid registreret (else the rule has nothing to compare with).
            if let registreret {
                if let t = afholdtTid, registreret < t {
                    c.fail("afholdt", "after_registreret", "the conversation cannot be held after it was registered", source: .samtale)
                } else if afholdtTid == nil, let d = afholdtDato, registreret.copenhagenDate < d {
                    c.fail("afholdt", "after_registreret", "the conversation cannot be held after the day it was registered (Copenhagen time)",
                           source: .samtale)
                }
            }
        }
        // Codes must be valid on the day the conversation was held; without a valid afholdt that
        // day is unknown, and validity is not judged.
        let date = afholdtDato
        if let indberetter, let date { checkIndberetterValid(&c, indberetter, registrering: .samtale, on: date) }

        var type: ReferenceData.Samtaletype?
        if let code = c.codeString("samtaletype", required: true, source: law.samtaletype) {
            if let t = reference.samtaletyper[code] {
                if !(jc ? t.fraJobcenter : t.fraAkasse) {
                    c.fail("samtaletype", "not_allowed", "this samtaletype is not registered by a \(jc ? "jobcenter" : "a-kasse")",
                           source: law.samtaletype)
                } else if let date, !t.validity.contains(date) {
                    c.fail("samtaletype", "validity", "this samtaletype is not valid on \(date)", source: law.samtaletype)
                } else { type = t }
            } else {
                c.fail("samtaletype", "code", "is not a samtaletype of the code list (samtaletyper.csv)", source: law.samtaletype)
            }
        }
        // From here `type == nil` means the samtaletype is missing or invalid: the rules that
        // depend on it (aftale required or binding, akasseDeltagelse, cvGodkendelse,
        // raadighedsvurdering required or not allowed) are not judged; a value that no
        // samtaletype would accept still is.

        let form = c.codeString("samtaleform", required: true, source: law.samtaleform)
        if let form, reference.samtaleformer[form] == nil {
            c.fail("samtaleform", "code", "is not a samtaleform of the code list (samtaleformer.csv)", source: law.samtaleform)
        }

        // kontaktgruppe: required from a jobcenter, optional from an a-kasse. `kontaktgruppeKnown`:
        // valid, or validly absent; when it is not, the rules that depend on it (visitationsgruppe
        // and cvFyldestgoerende allowed) are not judged.
        let kontaktgruppeMark = c.mark
        var kontaktgruppe: ReferenceData.Kontaktgruppe?
        if let n = c.integer("kontaktgruppe", required: jc, source: .samtale) {
            if let k = reference.kontaktgrupper[n], date.map(k.validity.contains) ?? true { kontaktgruppe = k } else {
                c.fail("kontaktgruppe", "code", "must be a kontaktgruppe 1-8 or 10-29 (kontaktgrupper.csv)", source: .samtale)
            }
        }
        let kontaktgruppeKnown = c.clean(since: kontaktgruppeMark)

        // aftale (§ 27 nr. 5, 6 and 8; § 87 stk. 1 nr. 7 and 8).
        var aftale: Samtale.Aftale?
        let aftaleRequired = type?.kraeverAftale ?? false
        let aftaleSource = SamtaleSources.aftale(type, jobcenter: jc)
        if let o = c.object("aftale", required: aftaleRequired, source: aftaleSource) {
            var sub = c.nested(o, "aftale")
            let forpligtende = sub.bool("forpligtende", required: true, source: aftaleSource)
            let saerlig = sub.bool("saerligIndsats", required: false, source: aftaleSource)
            let tekst = sub.hasText("tekst", source: aftaleSource)
            if let type, !type.kraeverAftale, forpligtende == true {
                sub.fail("forpligtende", "not_allowed", "binding agreements must not appear on this samtaletype", source: aftaleSource)
            }
            c.absorb(sub)
            if let forpligtende { aftale = Samtale.Aftale(forpligtende: forpligtende, saerligIndsats: saerlig, medTekst: tekst) }
        }

        // akasseDeltagelse: from a jobcenter on a jobsamtale efter § 31, stk. 2 only.
        var akasseDeltog: Bool?
        if !jc {
            c.forbid("akasseDeltagelse", "an a-kasse does not register it (§ 87 has no such item)", source: law.akasseDeltagelse)
        } else if let type, !type.kraeverAkassedeltagelse {
            c.forbid("akasseDeltagelse", "only a jobsamtale efter § 31, stk. 2 records the a-kasse's participation", source: law.akasseDeltagelse)
        } else if let v = c.codeString("akasseDeltagelse", required: type != nil, source: law.akasseDeltagelse) {
            switch v {
            case "DELTOG": akasseDeltog = true
            case "DELTOG_IKKE": akasseDeltog = false
            default: c.fail("akasseDeltagelse", "code", "must be DELTOG or DELTOG_IKKE", source: law.akasseDeltagelse)
            }
        }

        // visitationsgruppe: from a jobcenter, for the kontaktgrupper of § 27 nr. 9.
        var visitationsgruppe: String?
        if !jc {
            c.forbid("visitationsgruppe", "is registered only by a jobcenter (§ 87 has no visitation)", source: law.visitationsgruppe)
        } else if kontaktgruppeKnown && !(kontaktgruppe?.visitationTilladt ?? false) {
            c.forbid("visitationsgruppe", "is registered only for kontaktgruppe 2, 3, 12, 17 and 26-29", source: law.visitationsgruppe)
        } else if let v = c.codeString("visitationsgruppe", required: false, source: law.visitationsgruppe) {
            if reference.visitationsgrupper[v] == nil {
                c.fail("visitationsgruppe", "code", "is not a visitationsgruppe of the code list (visitationsgrupper.csv)",
                       source: law.visitationsgruppe)
            } else { visitationsgruppe = v }
        }
        let tidlig = c.bool("tidligOpfoelgning", required: false, source: law.tidligOpfoelgning)
        var cvFyldest: Bool?
        if kontaktgruppeKnown && !(kontaktgruppe?.cvRegel ?? false) {
            c.forbid("cvFyldestgoerende", "is registered only for kontaktgruppe 1", source: law.cvFyldestgoerende)
        } else {
            cvFyldest = c.bool("cvFyldestgoerende", required: false, source: law.cvFyldestgoerende)
        }
        let cvGodkendelse = akasseOutcome(&c, "cvGodkendelse", name: "cvGodkendelse", type: type, jc: jc,
            codes: Validator.cvGodkendelser, source: law.cvGodkendelse)
        let raadighed = akasseOutcome(&c, "raadighedsvurdering", name: "raadighedsvurdering", type: type, jc: jc,
            codes: Validator.raadighedsvurderinger, source: law.raadighedsvurdering)

        let deltagere = self.deltagere(&c, jc: jc, source: law.deltagere)

        guard c.reasons.isEmpty, let person, let afholdtDato, let type, let form else { return nil }
        let videregivet = jc && (kontaktgruppe?.videregivesTilAkasse ?? false) && type.videregivesKG1
        return Samtale(person: person, afholdtDato: afholdtDato, afholdtTid: afholdtTid, samtaletype: type.kode,
                       samtaleform: form, kontaktgruppe: kontaktgruppe?.nummer, aftale: aftale, akasseDeltog: akasseDeltog,
                       visitationsgruppe: visitationsgruppe, tidligOpfoelgning: tidlig, cvFyldestgoerende: cvFyldest,
                       cvGodkendelse: cvGodkendelse, raadighedsvurdering: raadighed, deltagere: deltagere,
                       videregivetTilAkasse: videregivet)
    }

    static let cvGodkendelser: Set<String> = ["KLAR_TIL_KVALITETSSIKRING", "GODKENDT", "IKKE_GODKENDT"]
    static let raadighedsvurderinger: Set<String> = ["STAAR_TIL_RAADIGHED", "TVIVL_OM_RAADIGHED", "STAAR_IKKE_TIL_RAADIGHED"]

    /// `cvGodkendelse` / `raadighedsvurdering`: required from an a-kasse on the type that names it,
    /// not allowed otherwise (never from a jobcenter: § 27 has neither). With the type unknown only
    /// the value is judged.
    private func akasseOutcome(_ c: inout Checker, _ field: StaticString, name: String, type: ReferenceData.Samtaletype?,
                               jc: Bool, codes: Set<String>, source: Citation) -> String? {
        if jc {
            c.forbid(field, "is registered by an a-kasse, not by a jobcenter (§ 27 has no such item)", source: source)
            return nil
        }
        if let type, type.akasseKraever != name {
            c.forbid(field, "is registered only on the samtaletype that calls for it", source: source)
            return nil
        }
        guard let v = c.codeString(field, required: type != nil, source: source) else { return nil }
        if !codes.contains(v) {
            c.fail(field, "code", "must be one of " + codes.sorted().joined(separator: ", "), source: source)
            return nil
        }
        return v
    }

    private func deltagere(_ c: inout Checker, jc: Bool, source: Citation) -> [Samtale.Deltager] {
        guard let items = c.array("deltagere", required: false, source: source) else { return [] }
        let document = c.document
        if document.count(items) > 20 {
            c.fail("deltagere", "range", "at most 20 participants", source: source)
        }
        var out: [Samtale.Deltager] = []
        for (i, item) in document.children(items).enumerated() {
            let path = "deltagere[\(i)]"
            guard document.kind(item) == .object else {
                c.fail(path, "type", "must be an object, not \(document.kind(item).typeName)", source: source)
                continue
            }
            var sub = c.nested(item, path)
            sub.nonEmptyString("navn", required: true, source: source)
            let rolle = sub.codeString("rolle", required: true, source: source)
            if let rolle {
                if let r = reference.deltagerroller[rolle] {
                    if !(jc ? r.fraJobcenter : r.fraAkasse) {
                        sub.fail("rolle", "not_allowed", "this role is not registered by \(jc ? "a jobcenter" : "an a-kasse")", source: source)
                    }
                } else {
                    sub.fail("rolle", "code", "is not a deltagerrolle of the code list (deltagerroller.csv)", source: source)
                }
            }
            let form = sub.codeString("deltagelsesform", required: true, source: source)
            if let form, reference.deltagelsesformer[form] == nil {
                sub.fail("deltagelsesform", "code", "is not a deltagelsesform of the code list (deltagelsesformer.csv)", source: source)
            }
            let ok = sub.reasons.isEmpty
            c.absorb(sub)
            if ok, let rolle, let form { out.append(Samtale.Deltager(rolle: rolle, deltagelsesform: form)) }
        }
        return out
    }

    // MARK: minplan and jobsoegningskrav

    private func minplan(_ c: inout Checker) -> MinPlan? {
        let person = c.person("cpr", source: Citation.BEK355.stk2nr1)
        let jobmaal = c.stringArray("jobmaal", count: 1...20, source: Citation.BEK355.stk2nr3)
        c.nonEmptyString("plan", required: true, source: Citation.BEK355.stk2nr4)
        c.nonEmptyString("begrundelse", required: true, source: Citation.BEK355.stk2nr4)
        guard c.reasons.isEmpty, let person, let jobmaal else { return nil }
        return MinPlan(person: person, antalJobmaal: jobmaal)
    }

    private func jobsoegningskrav(_ c: inout Checker) -> Jobsoegningskrav? {
        let person = c.person("cpr", source: Citation.BEK355.stk3nr1)
        let fag = c.stringArray("fagomraader", count: 1...50, source: Citation.BEK355.stk3nr3)
        c.nonEmptyString("geografi", required: true, source: Citation.BEK355.stk3nr4)
        var antal: Int?
        if let n = c.integer("antalAnsoegninger", required: true, source: Citation.BEK355.stk3nr5) {
            if (0...100).contains(n) { antal = n } else {
                c.fail("antalAnsoegninger", "range", "must be 0-100", source: Citation.BEK355.stk3nr5)
            }
        }
        // Required since contract v2: the regulation asks for them (stk. 3 nr. 5-7).
        let omfang = c.nonEmptyString("omfang", required: true, source: Citation.BEK355.stk3nr5)
        let formaal = c.nonEmptyString("formaal", required: true, source: Citation.BEK355.stk3nr6)
        let kilder = c.nonEmptyString("stillingskilder", required: true, source: Citation.BEK355.stk3nr7)
        guard c.reasons.isEmpty, let person, let fag, let antal else { return nil }
        return Jobsoegningskrav(person: person, antalFagomraader: fag, antalAnsoegninger: antal,
                                medOmfang: omfang, medFormaal: formaal, medStillingskilder: kilder)
    }
}

/// Reads typed fields of one JSON object (a node of the line's `JSONDocument`) and collects
/// reasons with their JSON paths. Keys are compared by their bytes, values become `String`s only
/// where the validator keeps or parses them. Every reason needs its `Citation`: no parameter
/// has a default.
struct Checker {
    let document: JSONDocument
    let object: Int
    let prefix: String
    var reasons: [Reason] = []

    /// The object's keys as bits (JSONDocument.keySignature): a key whose bit is not set is
    /// absent without a search. Most optional keys are absent from most lines, and a search for
    /// an absent key reads every member.
    private let keys: UInt64

    init(document: JSONDocument, object: Int, prefix: String) {
        self.document = document
        self.object = object
        self.prefix = prefix
        keys = document.keySignature(object)
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    func nested(_ o: Int, _ path: String) -> Checker { Checker(document: document, object: o, prefix: self.path(path)) }

    mutating func absorb(_ other: Checker) { reasons += other.reasons }

    /// How many reasons there are now; with `clean(since:)`, whether a field added one.
    var mark: Int { reasons.count }
    func clean(since mark: Int) -> Bool { reasons.count == mark }

    mutating func fail(_ key: String, _ rule: String, _ message: String, source: Citation) {
        reasons.append(Reason(field: path(key), rule: rule, message: message, source: source))
    }

    mutating func fail(_ key: StaticString, _ rule: String, _ message: String, source: Citation) {
        fail(key.description, rule, message, source: source)
    }

    mutating func yearRange(_ key: StaticString, source: Citation) {
        fail(key, "range", "the year must lie in \(Validator.years.lowerBound)-\(Validator.years.upperBound)", source: source)
    }

    /// The value's node, treating `null` as absent; reports a missing required key.
    mutating func value(_ key: StaticString, required: Bool, source: Citation) -> Int? {
        guard let v = member(key), document.kind(v) != .null else {
            if required { fail(key, "required", "is required", source: source) }
            return nil
        }
        return v
    }

    /// Where to search next: the validator asks for keys roughly in the order feeds write them,
    /// so the search starts just after the last one found and mostly ends at the first member.
    private var cursor = 0

    /// The member's node (null included), or nil when the key is absent.
    mutating func member(_ key: StaticString) -> Int? {
        guard keys & JSONDocument.keySignature(key) != 0, let i = document.member(object, key, from: cursor) else { return nil }
        cursor = document.end(i)
        return i
    }

    mutating func typeError(_ key: StaticString, _ expected: String, _ v: Int, source: Citation) {
        let typeName = document.kind(v).typeName
        let hint = (expected == "an integer" && typeName == "number") ? " written without fraction or exponent" : ""
        fail(key, "type", "must be \(expected)\(hint), not \(typeName)", source: source)
    }

    /// A key that must not be present (null counts as absent); its value is not judged.
    mutating func forbid(_ key: StaticString, _ message: String, source: Citation) {
        if let v = member(key), document.kind(v) != .null { fail(key, "not_allowed", message, source: source) }
    }

    /// The node of a string value.
    mutating func stringNode(_ key: StaticString, required: Bool, source: Citation) -> Int? {
        guard let v = value(key, required: required, source: source) else { return nil }
        guard document.kind(v) == .string else { typeError(key, "a string", v, source: source); return nil }
        return v
    }

    /// A code value: a string of ASCII only. Swift compares strings by canonical equivalence, so
    /// without this a KELVIN SIGN (U+212A) would pass for the K of KATEGORI_1 in a lookup.
    mutating func codeString(_ key: StaticString, required: Bool, source: Citation) -> String? {
        guard let v = stringNode(key, required: required, source: source) else { return nil }
        guard document.withValueBytes(v, { $0.allSatisfy { $0 < 0x80 } }) else {
            fail(key, "code", "a code is written in ASCII letters, digits and _", source: source)
            return nil
        }
        return document.string(v)
    }

    /// A string that must hold more than white space; true when it does (free text: it is
    /// checked, never kept).
    @discardableResult
    mutating func nonEmptyString(_ key: StaticString, required: Bool, source: Citation) -> Bool {
        guard let v = stringNode(key, required: required, source: source) else { return false }
        if document.isBlank(v) { fail(key, "empty", "must not be empty", source: source); return false }
        return true
    }

    /// Whether an optional string is present and not "" (free text: only that is kept).
    mutating func hasText(_ key: StaticString, source: Citation) -> Bool {
        guard let v = stringNode(key, required: false, source: source) else { return false }
        return document.withValueBytes(v) { $0.count } > 0
    }

    mutating func bool(_ key: StaticString, required: Bool, source: Citation) -> Bool? {
        guard let v = value(key, required: required, source: source) else { return nil }
        guard document.kind(v) == .bool else { typeError(key, "true or false", v, source: source); return nil }
        return document.bool(v)
    }

    mutating func integer(_ key: StaticString, required: Bool, source: Citation) -> Int? {
        guard let v = value(key, required: required, source: source) else { return nil }
        switch document.kind(v) {
        case .integer: return Int(document.integer(v))
        case .number where !document.withValueBytes(v, { $0.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } }):
            fail(key, "range", "the integer is out of range", source: source)
            return nil
        default:
            typeError(key, "an integer", v, source: source)
            return nil
        }
    }

    /// The node of an object value.
    mutating func object(_ key: StaticString, required: Bool, source: Citation) -> Int? {
        guard let v = value(key, required: required, source: source) else { return nil }
        guard document.kind(v) == .object else { typeError(key, "an object", v, source: source); return nil }
        return v
    }

    /// The node of an array value.
    mutating func array(_ key: StaticString, required: Bool, source: Citation) -> Int? {
        guard let v = value(key, required: required, source: source) else { return nil }
        guard document.kind(v) == .array else { typeError(key, "an array", v, source: source); return nil }
        return v
    }

    /// A required array of non-empty strings with a count in `count`; returns the count. The
    /// entries are judged also when there are too many or too few of them: each is a rule of its own.
    mutating func stringArray(_ key: StaticString, count: ClosedRange<Int>, source: Citation) -> Int? {
        guard let items = array(key, required: true, source: source) else { return nil }
        let n = document.count(items)
        var ok = count.contains(n)
        if !ok {
            fail(key, "range", "must hold \(count.lowerBound)-\(count.upperBound) entries", source: source)
        }
        for (i, item) in document.children(items).enumerated() {
            guard document.kind(item) == .string else {
                fail("\(key)[\(i)]", "type", "must be a string, not \(document.kind(item).typeName)", source: source)
                ok = false
                continue
            }
            if document.isBlank(item) {
                fail("\(key)[\(i)]", "empty", "must not be empty", source: source)
                ok = false
            }
        }
        return ok ? n : nil
    }

    mutating func code<T>(_ key: StaticString, required: Bool, allowed: (String) -> T?, listName: String, source: Citation) -> T? {
        guard let s = codeString(key, required: required, source: source) else { return nil }
        guard let v = allowed(s) else { fail(key, "code", "must be \(listName)", source: source); return nil }
        return v
    }

    /// A timestamp of the contract's form with real calendar and clock values (no leap second)
    /// and a year in 1900-2099: the year written and the year of its calendar day in Copenhagen
    /// (the day the warehouse keeps) both.
    mutating func parseTimestamp(_ text: UnsafeBufferPointer<UInt8>, field key: StaticString, source: Citation) -> Timestamp? {
        switch Timestamp.parse(bytes: text) {
        case .success(let t):
            // A parsed timestamp starts with four digits.
            let written = digits(text, 0, 4) ?? 0
            if !Validator.years.contains(written) || !Validator.years.contains(t.copenhagenDate.year) {
                yearRange(key, source: source)
                return nil
            }
            return t
        case .failure(.format):
            fail(key, "format", "must be a timestamp YYYY-MM-DDTHH:MM:SS[.ffffff] with Z or an offset +HH:MM", source: source)
        case .failure(.value):
            fail(key, "date", "is not a real calendar date and time (seconds 00-59)", source: source)
        }
        return nil
    }

    mutating func timestamp(_ key: StaticString, required: Bool, source: Citation) -> Timestamp? {
        guard let v = stringNode(key, required: required, source: source) else { return nil }
        return document.withValueBytes(v) { parseTimestamp($0, field: key, source: source) }
    }

    mutating func person(_ key: StaticString, source: Citation) -> Personnummer.Parsed? {
        guard let v = stringNode(key, required: true, source: source) else { return nil }
        switch document.withValueBytes(v, { Personnummer.parse(bytes: $0) }) {
        case .success(let p): return p
        case .failure(.format):
            fail(key, "format", "a personnummer is DDMMYYSSSS or DDMMYY-SSSS of digits", source: source)
        case .failure(.date):
            fail(key, "date", "day and month do not form a real date in the century that digit 7 gives", source: source)
        }
        return nil
    }
}
