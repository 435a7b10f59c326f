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
public struct Registrering: Sendable {
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

    public var annulleret: Bool { handling == .annuller }
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
    /// Where the rule comes from: the regulation's paragraph for the indberetter's kind, or the
    /// contract's section. Every reason has one (feed contract v2, "The rejects file").
    public var source: Citation

    public init(field: String, rule: String, message: String, source: Citation) {
        self.field = field
        self.rule = rule
        self.message = message
        self.source = source
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

    public var description: String { "\(field): \(message) (\(source))" }
}

/// Where a rule of the feed comes from, as the rejects file writes it: a paragraph of the
/// regulation with its bekendtgørelse (`BEK 442/2023 § 27 nr. 9`, `BEK 355/2021 § 87 stk. 1 nr. 2`),
/// or a section of the contract by its heading (`feed.md: Envelope`).
///
/// Every citation is one of the constants below, string literals: choosing one costs nothing on
/// the validator's hot path, and a reason cannot be made without one.
public struct Citation: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private init(_ text: String) { self.text = text }
    public var description: String { text }

    /// Whether it cites the regulation (else the contract).
    public var isRegulation: Bool { text.hasPrefix("BEK ") }

    // The contract's sections (`shared/spec/feed.md`), by their headings.
    public static let filesAndLines = Citation("feed.md: Files and lines")
    public static let envelope = Citation("feed.md: Envelope")
    public static let samtale = Citation("feed.md: registrering: \"samtale\"")
    public static let minplan = Citation("feed.md: registrering: \"minplan\"")
    public static let jobsoegningskrav = Citation("feed.md: registrering: \"jobsoegningskrav\"")

    /// BEK 442/2023 § 27: what a jobcenter registers for every conversation. Its first stk. is the
    /// list nr. 1-10, cited as the contract does, without "stk. 1"; `list` is that list as a whole
    /// (cited for what it does not name).
    public enum BEK442 {
        public static let list = Citation("BEK 442/2023 § 27 stk. 1")
        public static let nr1 = Citation("BEK 442/2023 § 27 nr. 1")
        public static let nr2 = Citation("BEK 442/2023 § 27 nr. 2")
        public static let nr3 = Citation("BEK 442/2023 § 27 nr. 3")
        public static let nr4 = Citation("BEK 442/2023 § 27 nr. 4")
        public static let nr5 = Citation("BEK 442/2023 § 27 nr. 5")
        public static let nr6 = Citation("BEK 442/2023 § 27 nr. 6")
        public static let nr7 = Citation("BEK 442/2023 § 27 nr. 7")
        public static let nr8 = Citation("BEK 442/2023 § 27 nr. 8")
        public static let nr9 = Citation("BEK 442/2023 § 27 nr. 9")
        public static let nr10 = Citation("BEK 442/2023 § 27 nr. 10")
        public static let stk3 = Citation("BEK 442/2023 § 27 stk. 3")
        public static let stk4 = Citation("BEK 442/2023 § 27 stk. 4")
    }

    /// BEK 355/2021 § 87: what an a-kasse registers for a held conversation (stk. 1), a draft of
    /// »Min Plan« (stk. 2) and requirements for job search (stk. 3).
    public enum BEK355 {
        public static let stk1 = Citation("BEK 355/2021 § 87 stk. 1")
        public static let stk1nr1 = Citation("BEK 355/2021 § 87 stk. 1 nr. 1")
        public static let stk1nr2 = Citation("BEK 355/2021 § 87 stk. 1 nr. 2")
        public static let stk1nr3 = Citation("BEK 355/2021 § 87 stk. 1 nr. 3")
        public static let stk1nr4 = Citation("BEK 355/2021 § 87 stk. 1 nr. 4")
        public static let stk1nr5 = Citation("BEK 355/2021 § 87 stk. 1 nr. 5")
        public static let stk1nr6 = Citation("BEK 355/2021 § 87 stk. 1 nr. 6")
        public static let stk1nr7 = Citation("BEK 355/2021 § 87 stk. 1 nr. 7")
        public static let stk1nr8 = Citation("BEK 355/2021 § 87 stk. 1 nr. 8")
        public static let stk1nr9 = Citation("BEK 355/2021 § 87 stk. 1 nr. 9")
        public static let stk2nr1 = Citation("BEK 355/2021 § 87 stk. 2 nr. 1")
        public static let stk2nr2 = Citation("BEK 355/2021 § 87 stk. 2 nr. 2")
        public static let stk2nr3 = Citation("BEK 355/2021 § 87 stk. 2 nr. 3")
        public static let stk2nr4 = Citation("BEK 355/2021 § 87 stk. 2 nr. 4")
        public static let stk3nr1 = Citation("BEK 355/2021 § 87 stk. 3 nr. 1")
        public static let stk3nr2 = Citation("BEK 355/2021 § 87 stk. 3 nr. 2")
        public static let stk3nr3 = Citation("BEK 355/2021 § 87 stk. 3 nr. 3")
        public static let stk3nr4 = Citation("BEK 355/2021 § 87 stk. 3 nr. 4")
        public static let stk3nr5 = Citation("BEK 355/2021 § 87 stk. 3 nr. 5")
        public static let stk3nr6 = Citation("BEK 355/2021 § 87 stk. 3 nr. 6")
        public static let stk3nr7 = Citation("BEK 355/2021 § 87 stk. 3 nr. 7")
    }

    /// Every citation there is (tests check each names a real heading or paragraph).
    public static let all: [Citation] = [
        filesAndLines, envelope, samtale, minplan, jobsoegningskrav,
        BEK442.list, BEK442.nr1, BEK442.nr2, BEK442.nr3, BEK442.nr4, BEK442.nr5, BEK442.nr6, BEK442.nr7, BEK442.nr8,
        BEK442.nr9, BEK442.nr10, BEK442.stk3, BEK442.stk4,
        BEK355.stk1, BEK355.stk1nr1, BEK355.stk1nr2, BEK355.stk1nr3, BEK355.stk1nr4, BEK355.stk1nr5, BEK355.stk1nr6,
        BEK355.stk1nr7, BEK355.stk1nr8, BEK355.stk1nr9, BEK355.stk2nr1, BEK355.stk2nr2, BEK355.stk2nr3, BEK355.stk2nr4,
        BEK355.stk3nr1, BEK355.stk3nr2, BEK355.stk3nr3, BEK355.stk3nr4, BEK355.stk3nr5, BEK355.stk3nr6, BEK355.stk3nr7,
    ]
}
