import Foundation
import Testing
@testable import SamtalerFeed
// The synthetic generator is moving to a module of its own (SamtalerSynthetic); this file
// compiles with it there and without it.
#if canImport(SamtalerSynthetic)
import SamtalerSynthetic
#endif

/// Feed contract v2, "The rejects file": every reason cites where its rule comes from, the
/// regulation's paragraph for the indberetter's kind (BEK 442/2023 § 27 for a jobcenter,
/// BEK 355/2021 § 87 for an a-kasse) or the contract's section.
struct CitationTests {
    static let seeds = Fixtures.shared + "/seeds/"

    static func seed(_ prefix: String) throws -> String {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: seeds).first { $0.hasPrefix(prefix) })
        return try String(contentsOfFile: seeds + name, encoding: .utf8)
    }

    /// Every citation names a real heading of the contract or a real item of the regulation's text.
    @Test func everyCitationNamesSomethingThatExists() throws {
        let spec = try String(contentsOfFile: Fixtures.shared + "/spec/feed.md", encoding: .utf8)
        let headings = Set(spec.split(separator: "\n").filter { $0.hasPrefix("## ") }.map {
            // Without backticks and a trailing parenthesis, as the contract's own example
            // `feed.md: Envelope` does: "## Envelope (every line)" → Envelope,
            // "## `registrering: "samtale"` (a held conversation)" → registrering: "samtale".
            var h = $0.dropFirst(3)
            if let paren = h.range(of: " (") { h = h[..<paren.lowerBound] }
            return h.replacingOccurrences(of: "`", with: "")
        })
        let bek442 = try Self.seed("000_"), bek355 = try Self.seed("001_")
        #expect(Citation.all.count == Set(Citation.all).count)
        for c in Citation.all {
            let t = c.text
            if t.hasPrefix("feed.md: ") {
                #expect(headings.contains(String(t.dropFirst(9))), "\(t): no such heading in feed.md")
                #expect(!c.isRegulation)
            } else if t.hasPrefix("BEK 442/2023 § 27 ") {
                #expect(c.isRegulation)
                let rest = t.dropFirst("BEK 442/2023 § 27 ".count)
                if rest.hasPrefix("nr. ") {
                    #expect(bek442.contains("\n\(rest.dropFirst(4))) "), "\(t): no such item")
                } else if rest.hasPrefix("stk. ") {
                    let n = rest.dropFirst(5)
                    #expect(n == "1" || bek442.contains("Stk. \(n) "), "\(t): no such stk.")
                } else { Issue.record("\(t): neither nr. nor stk.") }
            } else if t.hasPrefix("BEK 355/2021 § 87 stk. ") {
                #expect(c.isRegulation)
                let parts = t.dropFirst("BEK 355/2021 § 87 stk. ".count).split(separator: " ")
                let stk = try #require(Int(parts[0]))
                // The stk.'s text: from its heading ("For alle afholdte samtaler" is stk. 1) to the next.
                let start = stk == 1 ? try #require(bek355.range(of: "For alle afholdte samtaler")).lowerBound
                                     : try #require(bek355.range(of: "Stk. \(stk) ")).lowerBound
                let end = bek355.range(of: "Stk. \(stk + 1) ", range: start..<bek355.endIndex)?.lowerBound ?? bek355.endIndex
                let text = bek355[start..<end]
                if parts.count == 3 {
                    #expect(parts[1] == "nr.")
                    #expect(text.contains("\(parts[2])) "), "\(t): no such item")
                } else {
                    #expect(parts.count == 1, "\(t)")
                }
            } else {
                Issue.record("\(t): neither the contract nor BEK 442/2023 § 27 nor BEK 355/2021 § 87")
            }
        }
    }

    /// Lines that break rules: the rule cases of ValidatorTests and of this suite, the lines of
    /// OneReasonPerRuleTests, broken JSON, and the invalid lines of the synthetic generator.
    static func invalidLines() throws -> (lines: [[UInt8]], generated: Range<Int>) {
        var lines: [[UInt8]] = []
        for c in ValidatorTests.cases + Self.cases where c.expected != nil {
            var o = c.base()
            c.change(&o)
            lines.append(Fixtures.line(o))
        }
        for c in OneReasonPerRuleTests.cases {
            var o = c.base()
            c.change(&o)
            lines.append(Fixtures.line(o))
        }
        lines += ["{\"registrering\":\"samtale\"", "[1,2]", "{\"id\":\"a\",\"id\":\"b\"}", "\"x\""].map { Array($0.utf8) }
        lines.append([0x7B, 0xFF, 0x7D])
        let first = lines.count
        let options = SyntheticFeedOptions(rows: 6_000, seed: 2026, invalidShare: 0.5)
        _ = try SyntheticFeed.generate(options: options, reference: Fixtures.reference) { line, bad in
            if bad { lines.append(line) }
        }
        return (lines, first..<lines.count)
    }

    /// Every reason the validator gives cites a known source, and the one for the indberetter's
    /// kind: an a-kasse's conversation never cites § 27 (a jobcenter rule), a jobcenter's
    /// conversation never cites § 87.
    @Test func everyReasonCitesItsSourceForTheIndberettersKind() throws {
        let known = Set(Citation.all)
        var reasons = 0, uncited: [String] = [], wrongKind: [String] = []
        let (lines, generated) = try Self.invalidLines()
        for (i, line) in lines.enumerated() {
            let validator = i < generated.lowerBound ? Fixtures.validator : Fixtures.generatedFeedValidator
            let outcome = line.withUnsafeBytes { validator.validate(line: $0) }
            #expect(outcome.registration == nil, "accepted: \(String(decoding: line, as: UTF8.self))")
            let text = String(decoding: line, as: UTF8.self)
            let samtale = text.contains("\"registrering\":\"samtale\"")
            let akasse = text.contains("\"type\":\"akasse\""), jobcenter = text.contains("\"type\":\"jobcenter\"")
            for r in outcome.reasons {
                reasons += 1
                if r.source.text.isEmpty || !known.contains(r.source) { uncited.append("\(r.field): \(r.rule) in \(text)") }
                if samtale && akasse && r.source.text.hasPrefix("BEK 442/2023") { wrongKind.append("\(r.field): \(r.rule) (\(r.source)) in \(text)") }
                if samtale && jobcenter && r.source.text.hasPrefix("BEK 355/2021") { wrongKind.append("\(r.field): \(r.rule) (\(r.source)) in \(text)") }
            }
        }
        #expect(reasons > 2_000)
        #expect(uncited.isEmpty, "\(uncited.count) reasons without a known source, e.g. \(uncited.prefix(3))")
        #expect(wrongKind.isEmpty, "\(wrongKind.count) reasons citing the other kind's paragraph, e.g. \(wrongKind.prefix(3))")
    }

    /// What used to cite nothing (issue 14) now cites the contract's section.
    @Test(arguments: [
        ("{\"registrering\":\"samtale\"", "line: json (feed.md: Files and lines)"),
        ("[1]", "line: not_object (feed.md: Files and lines)"),
    ])
    func brokenLinesCiteFilesAndLines(_ text: String, _ expected: String) {
        #expect(Fixtures.validate(text: text).cited == [expected])
    }

    @Test func truncatedLinesCiteFilesAndLines() {
        let outcome = Fixtures.line(Fixtures.jobcenter).withUnsafeBytes { Fixtures.validator.validate(line: $0, truncated: true) }
        #expect(outcome.cited == ["line: too_long (feed.md: Files and lines)"])
    }

    static let cases: [RuleCase] = [
        .jc("id", "id: format (feed.md: Envelope)") { $0["id"] = "JC 1" },
        .jc("handling", "handling: code (feed.md: Envelope)") { $0["handling"] = "slet" },
        .jc("registrering", "registrering: code (feed.md: Envelope)") { $0["registrering"] = "moede" },
        .jc("registreret", "registreret: format (feed.md: Envelope)") { $0["registreret"] = "2025-03-04T10:15:00" },
        .jc("registreret from the future", "registreret: future (feed.md: Envelope)") { $0["registreret"] = "2026-01-02T00:00:00Z" },
        .jc("kommunekode", "indberetter.kode: code (feed.md: Envelope)") { $0["indberetter"] = ["type": "jobcenter", "kode": "100"] },
        .jc("indberetter type", "indberetter.type: code (feed.md: Envelope)") { $0["indberetter"] = ["type": "kommune", "kode": "101"] },
        .ak("a-kassekode of a conversation", "indberetter.kode: format (BEK 355/2021 § 87 stk. 1 nr. 3)") { $0["indberetter"] = ["type": "akasse", "kode": "07"] },
        .mp("a-kassekode of a Min Plan", "indberetter.kode: format (BEK 355/2021 § 87 stk. 2 nr. 2)") { $0["indberetter"] = ["type": "akasse", "kode": "07"] },
        .mp("Min Plan from a jobcenter", "indberetter.type: not_allowed (BEK 355/2021 § 87 stk. 2 nr. 2)") { $0["indberetter"] = ["type": "jobcenter", "kode": "101"] },
        .jk("job search requirements from a jobcenter", "indberetter.type: not_allowed (BEK 355/2021 § 87 stk. 3 nr. 2)") {
            $0["indberetter"] = ["type": "jobcenter", "kode": "101"]
        },
        .jc("afholdt after registreret", "afholdt: after_registreret (feed.md: registrering: \"samtale\")") { $0["afholdt"] = "2025-03-05" },
        .ak("a-kasse afholdt after registreret", "afholdt: after_registreret (feed.md: registrering: \"samtale\")") {
            $0["afholdt"] = "2025-03-05T09:00:01+01:00"
        },
        .jc("kontaktgruppe", "kontaktgruppe: code (feed.md: registrering: \"samtale\")") { $0["kontaktgruppe"] = 9 },
        .jc("jobcenter cpr", "cpr: date (BEK 442/2023 § 27 nr. 1)") { $0["cpr"] = "3102901234" },
        .ak("a-kasse cpr", "cpr: date (BEK 355/2021 § 87 stk. 1 nr. 1)") { $0["cpr"] = "3102901234" },
        .jc("jobcenter afholdt timestamp without offset", "afholdt: format (BEK 442/2023 § 27 nr. 2)") { $0["afholdt"] = "2025-03-04T09:00:00" },
        // The issue: the a-kasse's timestamp without offset cited nothing, the date-only variant § 87.
        .ak("a-kasse afholdt timestamp without offset", "afholdt: format (BEK 355/2021 § 87 stk. 1 nr. 2)") { $0["afholdt"] = "2025-03-05T08:30:00" },
        .ak("a-kasse afholdt date only", "afholdt: format (BEK 355/2021 § 87 stk. 1 nr. 2)") { $0["afholdt"] = "2025-03-05" },
        .ak("a-kasse afholdt not a real time", "afholdt: date (BEK 355/2021 § 87 stk. 1 nr. 2)") { $0["afholdt"] = "2025-03-05T25:00:00+01:00" },
        .ak("a-kasse samtaletype", "samtaletype: not_allowed (BEK 355/2021 § 87 stk. 1 nr. 4)") {
            $0["samtaletype"] = "JOBSAMTALE"; $0["cvGodkendelse"] = nil
        },
        .ak("a-kasse samtaleform", "samtaleform: code (BEK 355/2021 § 87 stk. 1 nr. 5)") { $0["samtaleform"] = "SMS" },
        .jc("jobcenter samtaleform", "samtaleform: code (BEK 442/2023 § 27 nr. 4)") { $0["samtaleform"] = "SMS" },
        .jc("jobsamtale's aftale", "aftale: required (BEK 442/2023 § 27 nr. 5)") { $0["aftale"] = nil },
        .jc("fleksjob's aftale", "aftale: required (BEK 442/2023 § 27 nr. 6)") { $0["samtaletype"] = "FLEKSJOBOPFOELGNING"; $0["aftale"] = nil },
        .jc("binding aftale on another type", "aftale.forpligtende: not_allowed (BEK 442/2023 § 27 nr. 8)") { $0["samtaletype"] = "HENVISNING" },
        .ak("cv-samtale's aftale", "aftale: required (BEK 355/2021 § 87 stk. 1 nr. 7)") { $0["aftale"] = nil },
        .ak("rådighedssamtale's aftale", "aftale: required (BEK 355/2021 § 87 stk. 1 nr. 8)") {
            $0["samtaletype"] = "RAADIGHEDSSAMTALE"; $0["cvGodkendelse"] = nil; $0["raadighedsvurdering"] = "STAAR_TIL_RAADIGHED"; $0["aftale"] = nil
        },
        // The issue: a-kasse lines were cited § 27 nr. 8.
        .ak("binding aftale on an a-kasse's jobsamtale", "aftale.forpligtende: not_allowed (feed.md: registrering: \"samtale\")") {
            $0["samtaletype"] = "JOBSAMTALE_AKASSE"; $0["cvGodkendelse"] = nil
        },
        .ak("saerligIndsats on an a-kasse's cv-samtale", "aftale.saerligIndsats: type (BEK 355/2021 § 87 stk. 1 nr. 7)") {
            $0["aftale"] = ["forpligtende": true, "saerligIndsats": "ja"]
        },
        .jc("akasseDeltagelse from a jobcenter", "akasseDeltagelse: not_allowed (BEK 442/2023 § 27 nr. 7)") { $0["akasseDeltagelse"] = "DELTOG" },
        .ak("akasseDeltagelse from an a-kasse", "akasseDeltagelse: not_allowed (BEK 355/2021 § 87 stk. 1)") { $0["akasseDeltagelse"] = "DELTOG" },
        .ak("visitationsgruppe from an a-kasse", "visitationsgruppe: not_allowed (BEK 355/2021 § 87 stk. 1)") {
            $0["kontaktgruppe"] = 2; $0["visitationsgruppe"] = "KATEGORI_1"
        },
        .jc("visitationsgruppe for kontaktgruppe 1", "visitationsgruppe: not_allowed (BEK 442/2023 § 27 nr. 9)") { $0["kontaktgruppe"] = 1 },
        .jc("tidligOpfoelgning from a jobcenter", "tidligOpfoelgning: type (BEK 442/2023 § 27 stk. 3)") { $0["tidligOpfoelgning"] = "ja" },
        .ak("tidligOpfoelgning from an a-kasse", "tidligOpfoelgning: type (feed.md: registrering: \"samtale\")") { $0["tidligOpfoelgning"] = "ja" },
        .jc("cvFyldestgoerende from a jobcenter", "cvFyldestgoerende: not_allowed (BEK 442/2023 § 27 stk. 4)") { $0["cvFyldestgoerende"] = false },
        .ak("cvFyldestgoerende from an a-kasse", "cvFyldestgoerende: not_allowed (feed.md: registrering: \"samtale\")") { $0["cvFyldestgoerende"] = false },
        .jc("cvGodkendelse from a jobcenter", "cvGodkendelse: not_allowed (BEK 442/2023 § 27 stk. 1)") { $0["cvGodkendelse"] = "GODKENDT" },
        .ak("cvGodkendelse from an a-kasse", "cvGodkendelse: code (BEK 355/2021 § 87 stk. 1 nr. 6)") { $0["cvGodkendelse"] = "OK" },
        .ak("raadighedsvurdering on a cv-samtale", "raadighedsvurdering: not_allowed (BEK 355/2021 § 87 stk. 1 nr. 8)") {
            $0["raadighedsvurdering"] = "TVIVL_OM_RAADIGHED"
        },
        .jc("jobcenter deltager", "deltagere[0].rolle: code (BEK 442/2023 § 27 nr. 10)") {
            $0["deltagere"] = [["navn": "B", "rolle": "CHEF", "deltagelsesform": "VIDEO"]]
        },
        .ak("a-kasse deltager", "deltagere[0].rolle: not_allowed (BEK 355/2021 § 87 stk. 1 nr. 9)") {
            $0["deltagere"] = [["navn": "B", "rolle": "AKASSEKONSULENT", "deltagelsesform": "VIDEO"]]
        },
        .mp("jobmaal", "jobmaal: range (BEK 355/2021 § 87 stk. 2 nr. 3)") { $0["jobmaal"] = [String]() },
        .mp("plan", "plan: required (BEK 355/2021 § 87 stk. 2 nr. 4)") { $0["plan"] = nil },
        .mp("Min Plan's cpr", "cpr: required (BEK 355/2021 § 87 stk. 2 nr. 1)") { $0["cpr"] = nil },
        .jk("job search's cpr", "cpr: format (BEK 355/2021 § 87 stk. 3 nr. 1)") { $0["cpr"] = "x" },
        .jk("fagomraader", "fagomraader[0]: empty (BEK 355/2021 § 87 stk. 3 nr. 3)") { $0["fagomraader"] = [""] },
        .jk("geografi", "geografi: required (BEK 355/2021 § 87 stk. 3 nr. 4)") { $0["geografi"] = nil },
        .jk("antalAnsoegninger", "antalAnsoegninger: range (BEK 355/2021 § 87 stk. 3 nr. 5)") { $0["antalAnsoegninger"] = 101 },
        .jk("omfang", "omfang: required (BEK 355/2021 § 87 stk. 3 nr. 5)") { $0["omfang"] = nil },
        .jk("formaal", "formaal: empty (BEK 355/2021 § 87 stk. 3 nr. 6)") { $0["formaal"] = "" },
        .jk("stillingskilder", "stillingskilder: required (BEK 355/2021 § 87 stk. 3 nr. 7)") { $0["stillingskilder"] = nil },
    ]

    /// The exact source of each kind of reason: each line here breaks one rule.
    @Test(arguments: cases)
    func theReasonCitesItsSource(_ c: RuleCase) {
        var o = c.base()
        c.change(&o)
        #expect(Fixtures.validate(o).cited == [c.expected!])
    }

    /// What the rejects file and the summary print.
    @Test func aReasonPrintsItsSource() {
        var o = Fixtures.jobcenter
        o["kontaktgruppe"] = 1
        #expect(Fixtures.validate(o).reasons.map(\.description)
                == ["visitationsgruppe: is registered only for kontaktgruppe 2, 3, 12, 17 and 26-29 (BEK 442/2023 § 27 nr. 9)"])
    }
}
