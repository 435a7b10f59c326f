/// What kind of registration a line carries (`registrering`).
public enum Registreringstype: String, Sendable, CaseIterable {
    case samtale, minplan, jobsoegningskrav
}

/// `handling`: a new registration, a replacement, or a withdrawal.
public enum Handling: String, Sendable {
    case opret, ret, annuller
}

/// The two kinds of reporting authority.
public enum Indberettertype: String, Sendable, CaseIterable {
    case jobcenter, akasse
}

/// The reporting authority of a line: a kommune's jobcenter or an a-kasse.
public struct Indberetter: Sendable, Hashable {
    public let type: Indberettertype
    public let kode: String
    public init(type: Indberettertype, kode: String) { self.type = type; self.kode = kode }
}

/// One valid line of the feed, with everything statistics need and nothing they must not keep:
/// free text is reduced to counts and flags here, and the personnummer is kept only until the
/// loader has derived the pseudonym.
public struct Registration: Sendable {
    public var registrering: Registreringstype
    public var id: String
    public var handling: Handling
    public var registreret: Timestamp
    public var indberetter: Indberetter
    /// Nil for `annuller`, whose other keys are ignored.
    public var body: Body?

    public enum Body: Sendable {
        case samtale(Samtale)
        case minplan(MinPlan)
        case jobsoegningskrav(Jobsoegningskrav)
    }

    public var isWithdrawal: Bool { handling == .annuller }
}

/// A held conversation (§ 27; § 87 stk. 1).
public struct Samtale: Sendable {
    public var person: Personnummer.Parsed
    /// The Copenhagen calendar day it was held.
    public var afholdtDato: CivilDate
    /// The instant, when the feed gave a timestamp (always for a-kasser).
    public var afholdtTid: Timestamp?
    public var samtaletype: String
    public var samtaleform: String
    public var kontaktgruppe: Int?
    public var aftale: Aftale?
    /// `akasseDeltagelse`: true for DELTOG, false for DELTOG_IKKE, nil when not a § 31 stk. 2 conversation.
    public var akasseDeltog: Bool?
    public var visitationsgruppe: String?
    public var tidligOpfoelgning: Bool?
    public var cvFyldestgoerende: Bool?
    public var cvGodkendelse: String?
    public var raadighedsvurdering: String?
    public var deltagere: [Deltager]
    /// Passed on to the person's a-kasse (§ 27 stk. 5): kontaktgruppe 1 and one of the types the paragraph names.
    public var videregivetTilAkasse: Bool

    public struct Aftale: Sendable {
        public var forpligtende: Bool
        public var saerligIndsats: Bool?
        /// Whether the agreement had text; the text itself is never kept.
        public var medTekst: Bool
    }

    /// A participant: role and form only; the name is never kept.
    public struct Deltager: Sendable, Hashable {
        public var rolle: String
        public var deltagelsesform: String
    }
}

/// An a-kasse's draft of »Min Plan« (§ 87 stk. 2): counted, never its text.
public struct MinPlan: Sendable {
    public var person: Personnummer.Parsed
    public var antalJobmaal: Int
}

/// An a-kasse's requirements for job search (§ 87 stk. 3): counted, never its text.
public struct Jobsoegningskrav: Sendable {
    public var person: Personnummer.Parsed
    public var antalFagomraader: Int
    public var antalAnsoegninger: Int
    public var medOmfang: Bool
    public var medFormaal: Bool
    public var medStillingskilder: Bool
}

/// Why a line was rejected: the field, the rule, a message, and where the rule comes from.
///
/// Messages never repeat the field's value: values may be personnumre or names, and reasons
/// are printed and counted; the raw line goes to the rejects file only.
public struct Reason: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the field, e.g. `deltagere[2].rolle`; `line` for the line as a whole.
    public var field: String
    /// A short, stable rule name: `required`, `type`, `code`, `format`, `date`, `range`, ...
    public var rule: String
    public var message: String
    /// Where the rule comes from in the regulation, e.g. "§ 27 nr. 9", when it does.
    public var regulation: String?

    public init(field: String, rule: String, message: String, regulation: String? = nil) {
        self.field = field
        self.rule = rule
        self.message = message
        self.regulation = regulation
    }

    /// The rule's name for counting: the field without array indices, and the rule (`deltagere[].rolle: code`).
    public var key: String {
        var f = ""
        var skipping = false
        for ch in field {
            if ch == "[" { skipping = true; f.append("[") } else if ch == "]" { skipping = false; f.append("]") } else if !skipping { f.append(ch) }
        }
        return f + ": " + rule
    }

    public var description: String {
        "\(field): \(message)" + (regulation.map { " (\($0))" } ?? "")
    }
}
