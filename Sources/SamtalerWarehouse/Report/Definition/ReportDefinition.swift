import SamtalerFeed

// What a report is, apart from how it is counted (Report/Counting) and the SQL it becomes
// (Report/SQL): its name, the breakdowns it takes, the marks, the granularity of its periods,
// their labels, and a request's period as a typed filter.
extension Reports {
    public enum Name: String, CaseIterable, Sendable {
        case volumes, forms, participants, coverage
        case marks, visitation, transitions, minplan, jobsoegningskrav
        case batches
        case revisions, timeliness

        /// The breakdowns `--by` may name for this report.
        public var breakdowns: [Breakdown] {
            switch self {
            case .volumes, .forms, .marks: return Breakdown.allCases
            case .visitation: return [.region, .indberetter]
            case .timeliness: return [.samtaletype, .indberettertype, .indberetter, .region]
            case .participants, .coverage, .transitions, .minplan, .jobsoegningskrav, .batches, .revisions: return []
            }
        }

        /// What a person choosing a report reads (the web view's list): its Danish title and a line
        /// on what it shows.
        public var about: (title: String, summary: String) {
            switch self {
            case .volumes: return ("Samtaler og personer", "Afholdte samtaler og antal forskellige personer pr. periode, "
                + "opdelt efter fx samtaletype, region eller indberetter, med subtotaler og total.")
            case .forms: return ("Samtaleformer", "Hvordan samtalerne blev holdt: hver samtaleform og STAR's gruppering "
                + "(fysisk fremmøde, telefonisk, video, digitalt, andet), med andele.")
            case .participants: return ("Deltagere i samtalerne", "Andre deltagere end borgeren efter rolle og deltagelsesform, "
                + "og hvor stor en andel af samtalerne der havde deltagere.")
            case .coverage: return ("Dækning", "Indberettere, der leverede i forrige periode, men ikke i denne, "
                + "og udledte a-kasser, der mangler et navn: driftens morgentjek.")
            case .marks: return ("Markeringer og status", "Tidlig opfølgning, cv, videregivet til a-kassen, forpligtende aftale, "
                + "særlig indsats, a-kassens deltagelse, cv-godkendelse og rådighedsvurdering, med andele.")
            case .visitation: return ("Personer pr. visitationsgruppe", "Personer efter visitationsgruppe på en bestemt dag "
                + "eller på den sidste dag i hver måned, kvartal eller år.")
            case .transitions: return ("Skift mellem visitationsgrupper", "Personer, der skiftede visitationsgruppe, "
                + "og første visitationer, pr. periode.")
            case .minplan: return ("Min Plan", "A-kassernes udkast til »Min Plan« (§ 87, stk. 2) pr. periode og a-kasse.")
            case .jobsoegningskrav: return ("Jobsøgningskrav", "A-kassernes krav om jobsøgning (§ 87, stk. 3) pr. periode og a-kasse.")
            case .batches: return ("Indlæsninger", "Hvad hver natlig indlæsning læste, accepterede, afviste (pr. regel) "
                + "og ændrede, og hvornår den kørte.")
            case .revisions: return ("Revisioner af ministeriets udtræk", "Hvorfor et leveret udtræk har flyttet sig: hver række "
                + "efter to kørsler, og ændringen delt i nye registreringer, rettelser og annulleringer, med de kørsler, de kom i.")
            case .timeliness: return ("Registreringstid og foreløbige tal", "Dage fra afholdt til første registrering (median, "
                + "90 %, andel inden for 7 og 30 dage), og hvordan hver måneds tal voksede med hver kørsel: hvilke måneder er foreløbige.")
            }
        }
    }

    /// The marks and statuses of a conversation (columns of samtaler.dim_samtalestatus).
    public enum Mark: String, CaseIterable, Sendable {
        case tidligOpfoelgning = "tidlig_opfoelgning"
        case cvFyldestgoerende = "cv_fyldestgoerende"
        case videregivetTilAkasse = "videregivet_til_akasse"
        case forpligtendeAftale = "forpligtende_aftale"
        case saerligIndsats = "saerlig_indsats"
        case akasseDeltagelse = "akasse_deltagelse"
        case cvGodkendelse = "cv_godkendelse"
        case raadighedsvurdering

        public var label: String {
            switch self {
            case .tidligOpfoelgning: return "Tidlig opfølgning (fast track)"
            case .cvFyldestgoerende: return "CV fyldestgørende (kontaktgruppe 1)"
            case .videregivetTilAkasse: return "Videregivet til a-kassen (kontaktgruppe 1)"
            case .forpligtendeAftale: return "Forpligtende aftale"
            case .saerligIndsats: return "Særlig indsats"
            case .akasseDeltagelse: return "A-kassens deltagelse (§ 31, stk. 2)"
            case .cvGodkendelse: return "CV-godkendelse (a-kasse)"
            case .raadighedsvurdering: return "Rådighedsvurdering (a-kasse)"
            }
        }

        /// Whether the mark is a statement about every conversation (its share is of all), or only
        /// about the conversations it applies to (its share is of those; "Ikke relevant" has none).
        var ofAll: Bool { self == .tidligOpfoelgning || self == .videregivetTilAkasse }
    }

    public enum Granularity: String, CaseIterable, Sendable {
        case month, quarter, year

        /// Also accepts the Danish words.
        public init?(word: String) {
            switch word.lowercased() {
            case "month", "maaned", "måned": self = .month
            case "quarter", "kvartal": self = .quarter
            case "year", "aar", "år": self = .year
            default: return nil
            }
        }

        public var label: String {
            switch self {
            case .month: return "Måned"
            case .quarter: return "Kvartal"
            case .year: return "År"
            }
        }

        /// The months in one period of this granularity.
        var months: Int {
            switch self {
            case .month: return 1
            case .quarter: return 3
            case .year: return 12
            }
        }
    }

    /// A breakdown an analyst may ask for with `--by`: a dimension, or one of the marks.
    public enum Breakdown: Hashable, CaseIterable, Sendable {
        case samtaletype, samtaleform, indberettertype, indberetter, region, kontaktgruppe, aldersgruppe, koen
        case visitationsgruppe
        case mark(Mark)

        public static var allCases: [Breakdown] {
            [.samtaletype, .samtaleform, .indberettertype, .indberetter, .region, .kontaktgruppe, .aldersgruppe, .koen,
             .visitationsgruppe] + Mark.allCases.map(Breakdown.mark)
        }

        /// The name on the command line and the column key.
        public var rawValue: String {
            switch self {
            case .samtaletype: return "samtaletype"
            case .samtaleform: return "samtaleform"
            case .indberettertype: return "indberettertype"
            case .indberetter: return "indberetter"
            case .region: return "region"
            case .kontaktgruppe: return "kontaktgruppe"
            case .aldersgruppe: return "aldersgruppe"
            case .koen: return "koen"
            case .visitationsgruppe: return "visitationsgruppe"
            case .mark(let m): return m.rawValue
            }
        }

        /// A name as typed (any case); also accepts "køn".
        public init?(word: String) {
            let w = word.lowercased()
            guard let b = Self.allCases.first(where: { $0.rawValue == (w == "køn" ? "koen" : w) }) else { return nil }
            self = b
        }

        public var label: String {
            switch self {
            case .samtaletype: return "Samtaletype"
            case .samtaleform: return "Samtaleform"
            case .indberettertype: return "Indberettertype"
            case .indberetter: return "Indberetter"
            case .region: return "Region"
            case .kontaktgruppe: return "Kontaktgruppe"
            case .aldersgruppe: return "Aldersgruppe"
            case .koen: return "Køn"
            case .visitationsgruppe: return "Visitationsgruppe"
            case .mark(let m): return m.label
            }
        }
    }

    public struct Request: Sendable {
        public var name: Name
        /// nil: every period in the warehouse.
        public var period: Period?
        public var per: Granularity = .month
        public var by: [Breakdown] = []
        /// visitation: the one day to count on (else the last day of each --per in the period).
        public var date: CivilDate?
        /// marks: which marks (empty: all).
        public var marks: [Mark] = []
        /// The warehouse as it stood right after this load batch was published (docs/history.md);
        /// nil: as it is now. revisions: the latest batch it looks at (its default --to-batch).
        public var asOfBatch: Int?
        /// revisions: the two states compared (nil: the batch of the period's last recorded
        /// delivery, and the latest published batch).
        public var fromBatch: Int?
        public var toBatch: Int?
        /// revisions: the extract's disclosure threshold, applied to both states.
        public var threshold = Disclosure.defaultThreshold
        /// revisions: only the rows a changed registration touched.
        public var changedOnly = false
        public init(name: Name, period: Period? = nil) { self.name = name; self.period = period }

        /// The conversations the period holds (now or as of the batch), as a typed filter.
        var filter: ReportFilter { ReportFilter(period, asOf: asOfBatch) }
        /// The fact tables the report reads: now, or as of the batch.
        var facts: Facts { filter.facts }

        /// The first column of most reports: the period of each row.
        var periodColumn: ReportTable.Column { ReportTable.Column(key: "periode", label: per.label, kind: .text) }
        /// One column per breakdown, in the order asked for.
        var byColumns: [ReportTable.Column] { by.map { ReportTable.Column(key: $0.rawValue, label: $0.label, kind: .text) } }
    }

    static func describe(_ p: Period?) -> String {
        guard let p else { return "alle perioder" }
        return p.kind == .range ? "\(p.from) til \(p.to)" : "\(p.text) (\(p.from) til \(p.to))"
    }

    /// The period of the same length just before `p`.
    static func previous(_ p: Period) -> Period {
        switch p.kind {
        case .month:
            let m = p.from.month == 1 ? 12 : p.from.month - 1
            let y = p.from.month == 1 ? p.from.year - 1 : p.from.year
            return (try? Period.parse("\(y)-\(m < 10 ? "0" : "")\(m)")) ?? p
        case .quarter:
            let q = (p.from.month - 1) / 3 + 1
            return (try? Period.parse(q == 1 ? "\(p.from.year - 1)Q4" : "\(p.from.year)Q\(q - 1)")) ?? p
        case .year:
            return (try? Period.parse(String(p.from.year - 1))) ?? p
        case .range:
            let days = p.to.daysSinceEpoch - p.from.daysSinceEpoch + 1
            return (try? Period.range(from: p.from.adding(days: -days), to: p.from.adding(days: -1))) ?? p
        }
    }
}
