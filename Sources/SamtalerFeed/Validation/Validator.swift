/// Checks one feed line against the contract (`shared/spec/feed.md`) and the reference data.
///
/// Every rule that fails is reported, field by field, so a case system can fix a line in one go.
/// A line is judged on its own: the validator keeps no state between lines.
public struct Validator: Sendable {
    public let reference: ReferenceData
    /// The earliest and latest year a date may have (see docs/feed.md: the date dimension's range).
    public static let years = 1900...2099
    public static let maxLineBytes = 1 << 20
    public static let maxDepth = 32

    public init(reference: ReferenceData) { self.reference = reference }

    /// The outcome for one line: the registration, or the reasons it was rejected. `id` is the line's
    /// id when it could be read, valid or not (for the rejects file).
    public enum Outcome: Sendable {
        case accepted(Registration)
        case rejected(id: String?, reasons: [Reason])
    }

    /// Validates the bytes of one non-blank line (without its line end).
    public func validate(line: UnsafeRawBufferPointer, truncated: Bool = false) -> Outcome {
        if truncated {
            return .rejected(id: nil, reasons: [Reason(field: "line", rule: "too_long",
                message: "the line is longer than \(Validator.maxLineBytes) bytes")])
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
            return .rejected(id: nil, reasons: [Reason(field: "line", rule: rule, message: error.message)])
        }
    }

    /// Validates a parsed line (its top level is an object).
    private func validate(_ document: JSONDocument) -> Outcome {
        var c = Checker(document: document, object: 0, prefix: "")
        // Envelope.
        let registrering: Registreringstype? = c.code("registrering", required: true,
            allowed: { Registreringstype(rawValue: $0) }, listName: "samtale, minplan or jobsoegningskrav")
        let idNode = c.stringNode("id", required: true, regulation: nil)
        let idValid = idNode.map { c.document.withValueBytes($0, Validator.isValidID) } ?? false
        if idNode != nil, !idValid {
            c.fail("id", "format", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
        }
        let id = idNode.map { c.document.string($0) }
        let handling: Handling = c.code("handling", required: false,
            allowed: { Handling(rawValue: $0) }, listName: "opret, ret or annuller") ?? .opret
        let registreret = c.timestamp("registreret", required: true)
        let indberetter = indberetter(&c)
        let readableID = idValid ? id : nil

        guard let registrering, let registreret, let indberetter, let id, c.reasons.isEmpty else {
            return .rejected(id: readableID, reasons: c.reasons)
        }
        let refDate = registreret.copenhagenDate
        if registrering != .samtale && indberetter.type != .akasse {
            c.fail("indberetter.type", "not_allowed", "a \(registrering.rawValue) registration must come from an a-kasse",
                   regulation: registrering == .minplan ? "§ 87 stk. 2 nr. 2" : "§ 87 stk. 3 nr. 2")
        }
        var body: Registration.Body?
        if handling != .annuller {
            switch registrering {
            case .samtale: body = samtale(&c, indberetter: indberetter, registreret: registreret).map { .samtale($0) }
            case .minplan: body = minplan(&c).map { .minplan($0) }
            case .jobsoegningskrav: body = jobsoegningskrav(&c).map { .jobsoegningskrav($0) }
            }
        } else {
            checkIndberetterValid(&c, indberetter, on: refDate)
        }
        guard c.reasons.isEmpty else { return .rejected(id: readableID, reasons: c.reasons) }
        return .accepted(Registration(registrering: registrering, id: id, handling: handling,
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

    private func indberetter(_ c: inout Checker) -> Indberetter? {
        guard let o = c.object("indberetter", required: true) else { return nil }
        var sub = c.nested(o, "indberetter")
        let type: Indberettertype? = sub.code("type", required: true, allowed: { Indberettertype(rawValue: $0) },
                                              listName: "jobcenter or akasse")
        let kode = sub.codeString("kode", required: true)
        var result: Indberetter?
        if let type, let kode {
            switch type {
            case .jobcenter:
                if reference.kommuner[kode] == nil {
                    sub.fail("kode", "code", "is not one of the 98 kommunekoder (kommuner.csv)")
                } else { result = Indberetter(type: type, kode: kode) }
            case .akasse:
                if !Validator.isAKassekode(kode) {
                    sub.fail("kode", "format", "an a-kassekode is 1-4 digits without a leading zero",
                             regulation: "§ 87 stk. 1 nr. 3")
                } else { result = Indberetter(type: type, kode: kode) }
            }
        }
        c.absorb(sub)
        return result
    }

    /// A code with validity dates must be valid on the date the registration concerns.
    private func checkIndberetterValid(_ c: inout Checker, _ i: Indberetter, on date: CivilDate) {
        switch i.type {
        case .jobcenter:
            if let k = reference.kommuner[i.kode], !k.validity.contains(date) {
                c.fail("indberetter.kode", "validity", "the kommunekode is not valid on \(date)")
            }
        case .akasse:
            if let a = reference.akasser[i.kode], !a.validity.contains(date) {
                c.fail("indberetter.kode", "validity", "the a-kassekode is not valid on \(date)")
            }
        }
    }

    // MARK: samtale

    private func samtale(_ c: inout Checker, indberetter: Indberetter, registreret: Timestamp) -> Samtale? {
        let jc = indberetter.type == .jobcenter
        func ref(_ jobcenter: String, _ akasse: String) -> String { jc ? jobcenter : akasse }
        let person = c.person("cpr", regulation: ref("§ 27 nr. 1", "§ 87 stk. 1 nr. 1"))

        // afholdt: a date or a timestamp from a jobcenter, a timestamp from an a-kasse.
        var afholdtDato: CivilDate?
        var afholdtTid: Timestamp?
        if let node = c.stringNode("afholdt", required: true, regulation: ref("§ 27 nr. 2", "§ 87 stk. 1 nr. 2")) {
            let document = c.document
            if document.withValueBytes(node, { $0.count }) == 10 {
                if !jc {
                    c.fail("afholdt", "format", "an a-kasse registers date and time: a timestamp with offset is required",
                           regulation: "§ 87 stk. 1 nr. 2")
                } else if let d = document.withValueBytes(node, { CivilDate(iso: $0) }) {
                    if Validator.years.contains(d.year) { afholdtDato = d } else { c.yearRange("afholdt") }
                } else {
                    c.fail("afholdt", "date", "is not a real calendar date YYYY-MM-DD", regulation: "§ 27 nr. 2")
                }
            } else if let t = document.withValueBytes(node, { c.parseTimestamp($0, field: "afholdt") }) {
                afholdtTid = t
                afholdtDato = t.copenhagenDate
            }
            if let t = afholdtTid, registreret < t {
                c.fail("afholdt", "after_registreret", "the conversation cannot be held after it was registered")
            } else if afholdtTid == nil, let d = afholdtDato, registreret.copenhagenDate < d {
                c.fail("afholdt", "after_registreret", "the conversation cannot be held after the day it was registered (Copenhagen time)")
            }
        }
        let date = afholdtDato ?? registreret.copenhagenDate
        checkIndberetterValid(&c, indberetter, on: date)

        let typeRef = ref("§ 27 nr. 3", "§ 87 stk. 1 nr. 4")
        var type: ReferenceData.Samtaletype?
        if let code = c.codeString("samtaletype", required: true, regulation: typeRef) {
            if let t = reference.samtaletyper[code] {
                if !(jc ? t.fraJobcenter : t.fraAkasse) {
                    c.fail("samtaletype", "not_allowed", "this samtaletype is not registered by a \(jc ? "jobcenter" : "a-kasse")",
                           regulation: typeRef)
                } else if !t.validity.contains(date) {
                    c.fail("samtaletype", "validity", "this samtaletype is not valid on \(date)", regulation: typeRef)
                } else { type = t }
            } else {
                c.fail("samtaletype", "code", "is not a samtaletype of the code list (samtaletyper.csv)", regulation: typeRef)
            }
        }
        let formRef = ref("§ 27 nr. 4", "§ 87 stk. 1 nr. 5")
        let form = c.codeString("samtaleform", required: true, regulation: formRef)
        if let form, reference.samtaleformer[form] == nil {
            c.fail("samtaleform", "code", "is not a samtaleform of the code list (samtaleformer.csv)", regulation: formRef)
        }

        var kontaktgruppe: ReferenceData.Kontaktgruppe?
        if let n = c.integer("kontaktgruppe", required: jc) {
            if let k = reference.kontaktgrupper[n], k.validity.contains(date) { kontaktgruppe = k } else {
                c.fail("kontaktgruppe", "code", "must be a kontaktgruppe 1-8 or 10-29 (kontaktgrupper.csv)")
            }
        }

        // aftale (§ 27 nr. 5, 6 and 8; § 87 stk. 1 nr. 7 and 8).
        var aftale: Samtale.Aftale?
        let aftaleRequired = type?.kraeverAftale ?? false
        let aftaleRef: String? = {
            guard let t = type else { return nil }
            if !jc { return t.kode == "CV_SAMTALE" ? "§ 87 stk. 1 nr. 7" : t.kode == "RAADIGHEDSSAMTALE" ? "§ 87 stk. 1 nr. 8" : "§ 27 nr. 8" }
            if t.kode == "FLEKSJOBOPFOELGNING" { return "§ 27 nr. 6" }
            return aftaleRequired ? "§ 27 nr. 5" : "§ 27 nr. 8"
        }()
        if let o = c.object("aftale", required: aftaleRequired && type != nil, regulation: aftaleRef) {
            var sub = c.nested(o, "aftale")
            let forpligtende = sub.bool("forpligtende", required: true, regulation: aftaleRef)
            let saerlig = sub.bool("saerligIndsats", required: false)
            let tekst = sub.hasText("tekst")
            if type != nil, !aftaleRequired, forpligtende == true {
                sub.fail("forpligtende", "not_allowed", "binding agreements must not appear on this samtaletype",
                         regulation: "§ 27 nr. 8")
            }
            c.absorb(sub)
            if let forpligtende { aftale = Samtale.Aftale(forpligtende: forpligtende, saerligIndsats: saerlig, medTekst: tekst) }
        }

        var akasseDeltog: Bool?
        let deltagelseRequired = type?.kraeverAkassedeltagelse ?? false
        if type != nil && !deltagelseRequired {
            c.forbid("akasseDeltagelse", "only a jobsamtale efter § 31, stk. 2 records the a-kasse's participation", regulation: "§ 27 nr. 7")
        } else if let v = c.codeString("akasseDeltagelse", required: deltagelseRequired, regulation: "§ 27 nr. 7") {
            switch v {
            case "DELTOG": akasseDeltog = true
            case "DELTOG_IKKE": akasseDeltog = false
            default: c.fail("akasseDeltagelse", "code", "must be DELTOG or DELTOG_IKKE", regulation: "§ 27 nr. 7")
            }
        }

        var visitationsgruppe: String?
        if let v = c.codeString("visitationsgruppe", required: false, regulation: "§ 27 nr. 9") {
            if reference.visitationsgrupper[v] == nil {
                c.fail("visitationsgruppe", "code", "is not a visitationsgruppe of the code list (visitationsgrupper.csv)", regulation: "§ 27 nr. 9")
            } else if !(kontaktgruppe?.visitationTilladt ?? false) {
                c.fail("visitationsgruppe", "not_allowed", "is registered only for kontaktgruppe 2, 3, 12, 17 and 26-29", regulation: "§ 27 nr. 9")
            } else { visitationsgruppe = v }
        }
        let tidlig = c.bool("tidligOpfoelgning", required: false)
        var cvFyldest: Bool?
        if let v = c.bool("cvFyldestgoerende", required: false) {
            if kontaktgruppe?.cvRegel ?? false { cvFyldest = v } else {
                c.fail("cvFyldestgoerende", "not_allowed", "is registered only for kontaktgruppe 1", regulation: "§ 27 stk. 4")
            }
        }
        let cvGodkendelse = akasseOutcome(&c, "cvGodkendelse", type: type, jc: jc,
            codes: Validator.cvGodkendelser, regulation: "§ 87 stk. 1 nr. 6")
        let raadighed = akasseOutcome(&c, "raadighedsvurdering", type: type, jc: jc,
            codes: Validator.raadighedsvurderinger, regulation: "§ 87 stk. 1 nr. 8")

        let deltagere = self.deltagere(&c, jc: jc, regulation: ref("§ 27 nr. 10", "§ 87 stk. 1 nr. 9"))

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

    /// `cvGodkendelse` / `raadighedsvurdering`: required from an a-kasse on the type that names it, not allowed otherwise.
    private func akasseOutcome(_ c: inout Checker, _ field: StaticString, type: ReferenceData.Samtaletype?, jc: Bool,
                               codes: Set<String>, regulation: String) -> String? {
        guard let type else { return nil }
        let required = !jc && type.akasseKraever == field.description
        if !required {
            c.forbid(field, "is registered only by an a-kasse on the samtaletype that calls for it", regulation: regulation)
            return nil
        }
        guard let v = c.codeString(field, required: true, regulation: regulation) else { return nil }
        if !codes.contains(v) {
            c.fail(field, "code", "must be one of " + codes.sorted().joined(separator: ", "), regulation: regulation)
            return nil
        }
        return v
    }

    private func deltagere(_ c: inout Checker, jc: Bool, regulation: String) -> [Samtale.Deltager] {
        guard let items = c.array("deltagere", required: false, regulation: regulation) else { return [] }
        let document = c.document
        if document.count(items) > 20 {
            c.fail("deltagere", "range", "at most 20 participants", regulation: regulation)
            return []
        }
        var out: [Samtale.Deltager] = []
        for (i, item) in document.children(items).enumerated() {
            let path = "deltagere[\(i)]"
            guard document.kind(item) == .object else {
                c.fail(path, "type", "must be an object, not \(document.kind(item).typeName)", regulation: regulation)
                continue
            }
            var sub = c.nested(item, path)
            sub.nonEmptyString("navn", required: true, regulation: regulation)
            let rolle = sub.codeString("rolle", required: true, regulation: regulation)
            if let rolle {
                if let r = reference.deltagerroller[rolle] {
                    if !(jc ? r.fraJobcenter : r.fraAkasse) {
                        sub.fail("rolle", "not_allowed", "this role is not registered by an a-kasse", regulation: "§ 87 stk. 1 nr. 9")
                    }
                } else {
                    sub.fail("rolle", "code", "is not a deltagerrolle of the code list (deltagerroller.csv)", regulation: regulation)
                }
            }
            let form = sub.codeString("deltagelsesform", required: true, regulation: regulation)
            if let form, reference.deltagelsesformer[form] == nil {
                sub.fail("deltagelsesform", "code", "is not a deltagelsesform of the code list (deltagelsesformer.csv)", regulation: regulation)
            }
            let ok = sub.reasons.isEmpty
            c.absorb(sub)
            if ok, let rolle, let form { out.append(Samtale.Deltager(rolle: rolle, deltagelsesform: form)) }
        }
        return out
    }

    // MARK: minplan and jobsoegningskrav

    private func minplan(_ c: inout Checker) -> MinPlan? {
        let person = c.person("cpr", regulation: "§ 87 stk. 2 nr. 1")
        let jobmaal = c.stringArray("jobmaal", count: 1...20, regulation: "§ 87 stk. 2 nr. 3")
        c.nonEmptyString("plan", required: true, regulation: "§ 87 stk. 2 nr. 4")
        c.nonEmptyString("begrundelse", required: true, regulation: "§ 87 stk. 2 nr. 4")
        guard c.reasons.isEmpty, let person, let jobmaal else { return nil }
        return MinPlan(person: person, antalJobmaal: jobmaal)
    }

    private func jobsoegningskrav(_ c: inout Checker) -> Jobsoegningskrav? {
        let person = c.person("cpr", regulation: "§ 87 stk. 3 nr. 1")
        let fag = c.stringArray("fagomraader", count: 1...50, regulation: "§ 87 stk. 3 nr. 3")
        c.nonEmptyString("geografi", required: true, regulation: "§ 87 stk. 3 nr. 4")
        var antal: Int?
        if let n = c.integer("antalAnsoegninger", required: true, regulation: "§ 87 stk. 3 nr. 5") {
            if (0...100).contains(n) { antal = n } else {
                c.fail("antalAnsoegninger", "range", "must be 0-100", regulation: "§ 87 stk. 3 nr. 5")
            }
        }
        let omfang = c.hasText("omfang", regulation: "§ 87 stk. 3 nr. 5")
        let formaal = c.hasText("formaal", regulation: "§ 87 stk. 3 nr. 6")
        let kilder = c.hasText("stillingskilder", regulation: "§ 87 stk. 3 nr. 7")
        guard c.reasons.isEmpty, let person, let fag, let antal else { return nil }
        return Jobsoegningskrav(person: person, antalFagomraader: fag, antalAnsoegninger: antal,
                                medOmfang: omfang, medFormaal: formaal, medStillingskilder: kilder)
    }
}

/// Reads typed fields of one JSON object (a node of the line's `JSONDocument`) and collects
/// reasons with their JSON paths. Keys are compared by their bytes, values become `String`s only
/// where the validator keeps or parses them.
struct Checker {
    let document: JSONDocument
    let object: Int
    let prefix: String
    var reasons: [Reason] = []

    init(document: JSONDocument, object: Int, prefix: String) {
        self.document = document
        self.object = object
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    func nested(_ o: Int, _ path: String) -> Checker { Checker(document: document, object: o, prefix: self.path(path)) }

    mutating func absorb(_ other: Checker) { reasons += other.reasons }

    mutating func fail(_ key: String, _ rule: String, _ message: String, regulation: String? = nil) {
        reasons.append(Reason(field: path(key), rule: rule, message: message, regulation: regulation))
    }

    mutating func fail(_ key: StaticString, _ rule: String, _ message: String, regulation: String? = nil) {
        fail(key.description, rule, message, regulation: regulation)
    }

    mutating func yearRange(_ key: StaticString) {
        fail(key, "range", "the year must lie in \(Validator.years.lowerBound)-\(Validator.years.upperBound)")
    }

    /// The value's node, treating `null` as absent; reports a missing required key.
    mutating func value(_ key: StaticString, required: Bool, regulation: String?) -> Int? {
        guard let v = member(key), document.kind(v) != .null else {
            if required { fail(key, "required", "is required", regulation: regulation) }
            return nil
        }
        return v
    }

    /// Where to search next: the validator asks for keys roughly in the order feeds write them,
    /// so the search starts just after the last one found and mostly ends at the first member.
    private var cursor = 0

    /// The member's node (null included), or nil when the key is absent.
    mutating func member(_ key: StaticString) -> Int? {
        guard let i = document.member(object, key, from: cursor) else { return nil }
        cursor = document.end(i)
        return i
    }

    mutating func typeError(_ key: StaticString, _ expected: String, _ v: Int, regulation: String?) {
        let typeName = document.kind(v).typeName
        let hint = (expected == "an integer" && typeName == "number") ? " written without fraction or exponent" : ""
        fail(key, "type", "must be \(expected)\(hint), not \(typeName)", regulation: regulation)
    }

    /// A key that must not be present (null counts as absent).
    mutating func forbid(_ key: StaticString, _ message: String, regulation: String?) {
        if let v = member(key), document.kind(v) != .null { fail(key, "not_allowed", message, regulation: regulation) }
    }

    /// The node of a string value.
    mutating func stringNode(_ key: StaticString, required: Bool, regulation: String?) -> Int? {
        guard let v = value(key, required: required, regulation: regulation) else { return nil }
        guard document.kind(v) == .string else { typeError(key, "a string", v, regulation: regulation); return nil }
        return v
    }

    mutating func string(_ key: StaticString, required: Bool, regulation: String? = nil) -> String? {
        stringNode(key, required: required, regulation: regulation).map { document.string($0) }
    }

    /// A code value: a string of ASCII only. Swift compares strings by canonical equivalence, so
    /// without this a KELVIN SIGN (U+212A) would pass for the K of KATEGORI_1 in a lookup.
    mutating func codeString(_ key: StaticString, required: Bool, regulation: String? = nil) -> String? {
        guard let v = stringNode(key, required: required, regulation: regulation) else { return nil }
        guard document.withValueBytes(v, { $0.allSatisfy { $0 < 0x80 } }) else {
            fail(key, "code", "a code is written in ASCII letters, digits and _", regulation: regulation)
            return nil
        }
        return document.string(v)
    }

    /// A string that must hold more than white space; true when it does (free text: it is
    /// checked, never kept).
    @discardableResult
    mutating func nonEmptyString(_ key: StaticString, required: Bool, regulation: String?) -> Bool {
        guard let v = stringNode(key, required: required, regulation: regulation) else { return false }
        if document.isBlank(v) { fail(key, "empty", "must not be empty", regulation: regulation); return false }
        return true
    }

    /// Whether an optional string is present and not "" (free text: only that is kept).
    mutating func hasText(_ key: StaticString, regulation: String? = nil) -> Bool {
        guard let v = stringNode(key, required: false, regulation: regulation) else { return false }
        return document.withValueBytes(v) { $0.count } > 0
    }

    mutating func bool(_ key: StaticString, required: Bool, regulation: String? = nil) -> Bool? {
        guard let v = value(key, required: required, regulation: regulation) else { return nil }
        guard document.kind(v) == .bool else { typeError(key, "true or false", v, regulation: regulation); return nil }
        return document.bool(v)
    }

    mutating func integer(_ key: StaticString, required: Bool, regulation: String? = nil) -> Int? {
        guard let v = value(key, required: required, regulation: regulation) else { return nil }
        switch document.kind(v) {
        case .integer: return Int(document.integer(v))
        case .number where !document.withValueBytes(v, { $0.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } }):
            fail(key, "range", "the integer is out of range", regulation: regulation)
            return nil
        default:
            typeError(key, "an integer", v, regulation: regulation)
            return nil
        }
    }

    /// The node of an object value.
    mutating func object(_ key: StaticString, required: Bool, regulation: String? = nil) -> Int? {
        guard let v = value(key, required: required, regulation: regulation) else { return nil }
        guard document.kind(v) == .object else { typeError(key, "an object", v, regulation: regulation); return nil }
        return v
    }

    /// The node of an array value.
    mutating func array(_ key: StaticString, required: Bool, regulation: String? = nil) -> Int? {
        guard let v = value(key, required: required, regulation: regulation) else { return nil }
        guard document.kind(v) == .array else { typeError(key, "an array", v, regulation: regulation); return nil }
        return v
    }

    /// A required array of non-empty strings with a count in `count`; returns the count.
    mutating func stringArray(_ key: StaticString, count: ClosedRange<Int>, regulation: String) -> Int? {
        guard let items = array(key, required: true, regulation: regulation) else { return nil }
        let n = document.count(items)
        guard count.contains(n) else {
            fail(key, "range", "must hold \(count.lowerBound)-\(count.upperBound) entries", regulation: regulation)
            return nil
        }
        var ok = true
        for (i, item) in document.children(items).enumerated() {
            guard document.kind(item) == .string else {
                fail("\(key)[\(i)]", "type", "must be a string, not \(document.kind(item).typeName)", regulation: regulation)
                ok = false
                continue
            }
            if document.isBlank(item) {
                fail("\(key)[\(i)]", "empty", "must not be empty", regulation: regulation)
                ok = false
            }
        }
        return ok ? n : nil
    }

    mutating func code<T>(_ key: StaticString, required: Bool, allowed: (String) -> T?, listName: String) -> T? {
        guard let s = codeString(key, required: required) else { return nil }
        guard let v = allowed(s) else { fail(key, "code", "must be \(listName)"); return nil }
        return v
    }

    mutating func parseTimestamp(_ text: UnsafeBufferPointer<UInt8>, field key: StaticString) -> Timestamp? {
        switch Timestamp.parse(bytes: text) {
        case .success(let t):
            if !Validator.years.contains(t.copenhagenDate.year) { yearRange(key); return nil }
            return t
        case .failure(.format):
            fail(key, "format", "must be a timestamp YYYY-MM-DDTHH:MM:SS[.ffffff] with Z or an offset +HH:MM")
        case .failure(.value):
            fail(key, "date", "is not a real calendar date and time")
        }
        return nil
    }

    mutating func timestamp(_ key: StaticString, required: Bool) -> Timestamp? {
        guard let v = stringNode(key, required: required, regulation: nil) else { return nil }
        return document.withValueBytes(v) { parseTimestamp($0, field: key) }
    }

    mutating func person(_ key: StaticString, regulation: String) -> Personnummer.Parsed? {
        guard let v = stringNode(key, required: true, regulation: regulation) else { return nil }
        switch document.withValueBytes(v, { Personnummer.parse(bytes: $0) }) {
        case .success(let p): return p
        case .failure(.format):
            fail(key, "format", "a personnummer is DDMMYYSSSS or DDMMYY-SSSS of digits", regulation: regulation)
        case .failure(.date):
            fail(key, "date", "day and month do not form a real date in the century that digit 7 gives", regulation: regulation)
        }
        return nil
    }
}
