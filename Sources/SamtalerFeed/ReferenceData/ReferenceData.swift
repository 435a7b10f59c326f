/// A period during which a code is valid: from `from` (inclusive) to `to` (inclusive), open-ended when nil.
public struct Validity: Sendable, Hashable {
    public var from: CivilDate?
    public var to: CivilDate?
    public init(from: CivilDate? = nil, to: CivilDate? = nil) { self.from = from; self.to = to }
    public static let always = Validity()
    public func contains(_ d: CivilDate) -> Bool {
        if let f = from, d < f { return false }
        if let t = to, t < d { return false }
        return true
    }
}

/// The code lists of the regulation and the register of reporting authorities.
///
/// Reference data is data (`sql/reference/*.csv`), never Swift switch statements: a new
/// samtaletype from a law change is a change of those files, loaded into the warehouse by
/// `samtaler migrate` and read back by the loader.
public struct ReferenceData: Sendable {
    public struct Kommune: Sendable { public var kode, navn, regionskode, regionsnavn: String; public var validity: Validity }
    public struct AKasse: Sendable { public var kode, navn: String; public var validity: Validity }
    public struct Samtaletype: Sendable {
        public var kode, betegnelse: String
        public var fraJobcenter, fraAkasse: Bool
        /// `aftale` is required (§ 27 nr. 5-6, § 87 stk. 1 nr. 7-8).
        public var kraeverAftale: Bool
        /// `akasseDeltagelse` is required, and allowed only here (§ 27 nr. 7).
        public var kraeverAkassedeltagelse: Bool
        /// The field an a-kasse must send for this type (`cvGodkendelse`, `raadighedsvurdering`), if any.
        public var akasseKraever: String?
        /// Passed on to the a-kasse for kontaktgruppe 1 (§ 27 stk. 5).
        public var videregivesKG1: Bool
        public var validity: Validity
    }
    public struct Samtaleform: Sendable { public var kode, betegnelse, starGruppe: String; public var starGruppeOrden: Int }
    public struct Deltagerrolle: Sendable { public var kode, betegnelse: String; public var fraJobcenter, fraAkasse: Bool }
    public struct Kontaktgruppe: Sendable {
        public var nummer: Int
        public var betegnelse: String
        /// visitationsgruppe may be registered (§ 27 nr. 9).
        public var visitationTilladt: Bool
        /// cvFyldestgoerende may be registered (§ 27 stk. 4).
        public var cvRegel: Bool
        /// conversations are passed on to the a-kasse (§ 27 stk. 5).
        public var videregivesTilAkasse: Bool
        public var validity: Validity
    }
    public struct Aldersgruppe: Sendable { public var navn: String; public var fra, til: Int?; public var orden: Int }

    public var kommuner: [String: Kommune] = [:]
    public var akasser: [String: AKasse] = [:]
    public var samtaletyper: [String: Samtaletype] = [:]
    public var samtaleformer: [String: Samtaleform] = [:]
    public var deltagerroller: [String: Deltagerrolle] = [:]
    public var deltagelsesformer: [String: String] = [:]
    public var visitationsgrupper: [String: String] = [:]
    public var kontaktgrupper: [Int: Kontaktgruppe] = [:]
    public var aldersgrupper: [Aldersgruppe] = []
    public var koen: [String: String] = [:]

    public init() {}

    /// The name of the age band for an age in whole years ("Ukendt" when nil or negative).
    public func aldersgruppe(forAge age: Int?) -> String {
        if let age, age >= 0 {
            for g in aldersgrupper { if let f = g.fra, let t = g.til, f <= age, age <= t { return g.navn } }
        }
        return aldersgrupper.first { $0.fra == nil }?.navn ?? "Ukendt"
    }

    /// The reference data files, by the name `migrate` loads them under.
    public static let fileNames = ["kommuner", "akasser", "samtaletyper", "samtaleformer", "deltagerroller",
                                   "deltagelsesformer", "visitationsgrupper", "kontaktgrupper", "aldersgrupper", "koen"]

    /// Reads every file of `sql/reference/` (the same files `samtaler migrate` loads).
    public static func load(directory: String) throws -> ReferenceData {
        var tables: [String: CSVTable] = [:]
        for name in fileNames { tables[name] = try CSVTable(path: directory + "/" + name + ".csv") }
        return try ReferenceData(tables: tables)
    }

    /// Builds reference data from parsed tables (from files, or from the warehouse's dimensions).
    public init(tables: [String: CSVTable]) throws {
        func rows(_ name: String) throws -> [(Int, [String: String])] {
            guard let t = tables[name] else { throw ReferenceDataError(file: name, line: 0, message: "missing table") }
            return t.records.enumerated().map { ($0.offset + 2, $0.element) }
        }
        func text(_ r: [String: String], _ k: String, _ file: String, _ line: Int) throws -> String {
            guard let v = r[k] else { throw ReferenceDataError(file: file, line: line, message: "missing column \(k)") }
            return v
        }
        func bool(_ r: [String: String], _ k: String, _ file: String, _ line: Int) throws -> Bool {
            switch try text(r, k, file, line) {
            case "true", "t": return true
            case "false", "f": return false
            case let v: throw ReferenceDataError(file: file, line: line, message: "\(k): expected true or false, found '\(v)'")
            }
        }
        func validity(_ r: [String: String], _ file: String, _ line: Int) throws -> Validity {
            func d(_ k: String) throws -> CivilDate? {
                guard let v = r[k], !v.isEmpty else { return nil }
                guard let date = CivilDate(iso: v) else {
                    throw ReferenceDataError(file: file, line: line, message: "\(k): '\(v)' is not a date YYYY-MM-DD")
                }
                return date
            }
            return Validity(from: try d("gyldig_fra"), to: try d("gyldig_til"))
        }
        for (n, r) in try rows("kommuner") {
            let f = "kommuner.csv"
            let k = Kommune(kode: try text(r, "kommunekode", f, n), navn: try text(r, "kommunenavn", f, n),
                            regionskode: try text(r, "regionskode", f, n), regionsnavn: try text(r, "regionsnavn", f, n),
                            validity: try validity(r, f, n))
            kommuner[k.kode] = k
        }
        for (n, r) in try rows("akasser") {
            let f = "akasser.csv"
            let a = AKasse(kode: try text(r, "akassekode", f, n), navn: try text(r, "navn", f, n), validity: try validity(r, f, n))
            akasser[a.kode] = a
        }
        for (n, r) in try rows("samtaletyper") {
            let f = "samtaletyper.csv"
            let akasseKraever = try text(r, "akasse_kraever", f, n)
            let t = Samtaletype(kode: try text(r, "samtaletype", f, n), betegnelse: try text(r, "betegnelse", f, n),
                                fraJobcenter: try bool(r, "fra_jobcenter", f, n), fraAkasse: try bool(r, "fra_akasse", f, n),
                                kraeverAftale: try bool(r, "kraever_aftale", f, n),
                                kraeverAkassedeltagelse: try bool(r, "kraever_akassedeltagelse", f, n),
                                akasseKraever: akasseKraever.isEmpty ? nil : akasseKraever,
                                videregivesKG1: try bool(r, "videregives_kg1", f, n), validity: try validity(r, f, n))
            samtaletyper[t.kode] = t
        }
        for (n, r) in try rows("samtaleformer") {
            let f = "samtaleformer.csv"
            guard let orden = Int(try text(r, "star_gruppe_orden", f, n)) else {
                throw ReferenceDataError(file: f, line: n, message: "star_gruppe_orden must be an integer")
            }
            let s = Samtaleform(kode: try text(r, "samtaleform", f, n), betegnelse: try text(r, "betegnelse", f, n),
                                starGruppe: try text(r, "star_gruppe", f, n), starGruppeOrden: orden)
            samtaleformer[s.kode] = s
        }
        for (n, r) in try rows("deltagerroller") {
            let f = "deltagerroller.csv"
            let d = Deltagerrolle(kode: try text(r, "deltagerrolle", f, n), betegnelse: try text(r, "betegnelse", f, n),
                                  fraJobcenter: try bool(r, "fra_jobcenter", f, n), fraAkasse: try bool(r, "fra_akasse", f, n))
            deltagerroller[d.kode] = d
        }
        for (n, r) in try rows("deltagelsesformer") {
            deltagelsesformer[try text(r, "deltagelsesform", "deltagelsesformer.csv", n)] = try text(r, "betegnelse", "deltagelsesformer.csv", n)
        }
        for (n, r) in try rows("visitationsgrupper") {
            visitationsgrupper[try text(r, "visitationsgruppe", "visitationsgrupper.csv", n)] = try text(r, "betegnelse", "visitationsgrupper.csv", n)
        }
        for (n, r) in try rows("koen") {
            koen[try text(r, "koen", "koen.csv", n)] = try text(r, "betegnelse", "koen.csv", n)
        }
        for (n, r) in try rows("kontaktgrupper") {
            let f = "kontaktgrupper.csv"
            guard let nr = Int(try text(r, "kontaktgruppe", f, n)) else {
                throw ReferenceDataError(file: f, line: n, message: "kontaktgruppe must be an integer")
            }
            kontaktgrupper[nr] = Kontaktgruppe(nummer: nr, betegnelse: try text(r, "betegnelse", f, n),
                                               visitationTilladt: try bool(r, "visitation_tilladt", f, n),
                                               cvRegel: try bool(r, "cv_regel", f, n),
                                               videregivesTilAkasse: try bool(r, "videregives_til_akasse", f, n),
                                               validity: try validity(r, f, n))
        }
        for (n, r) in try rows("aldersgrupper") {
            let f = "aldersgrupper.csv"
            aldersgrupper.append(Aldersgruppe(navn: try text(r, "aldersgruppe", f, n), fra: Int(try text(r, "fra_alder", f, n)),
                                              til: Int(try text(r, "til_alder", f, n)), orden: Int(try text(r, "orden", f, n)) ?? n))
        }
        aldersgrupper.sort { $0.orden < $1.orden }
    }
}
