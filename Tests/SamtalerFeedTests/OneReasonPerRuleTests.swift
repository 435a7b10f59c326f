import Foundation
import Testing
@testable import SamtalerFeed
// The synthetic generator is moving to a module of its own (SamtalerSynthetic); this file
// compiles with it there and without it.
#if canImport(SamtalerSynthetic)
import SamtalerSynthetic
#endif

/// Feed contract v2: a line gets a reason for each rule it breaks, and no reason that follows
/// only from another field's invalid value. Each line here breaks the rules listed, and gets
/// exactly those reasons.
struct OneReasonPerRuleTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let base: @Sendable () -> [String: Any]
        let change: @Sendable (inout [String: Any]) -> Void
        let expected: [String]
        var description: String { name }

        static func jc(_ name: String, _ expected: [String], _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> Case {
            Case(name: name, base: { Fixtures.jobcenter }, change: change, expected: expected)
        }
        static func ak(_ name: String, _ expected: [String], _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> Case {
            Case(name: name, base: { Fixtures.akasse }, change: change, expected: expected)
        }
        static func mp(_ name: String, _ expected: [String], _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> Case {
            Case(name: name, base: { Fixtures.minplan }, change: change, expected: expected)
        }
    }

    static let cases: [Case] = [
        // kontaktgruppe invalid: whether visitationsgruppe and cvFyldestgoerende are allowed is unknown.
        .jc("kontaktgruppe \"2\" with a visitationsgruppe (the issue's line)", ["kontaktgruppe: type"]) { $0["kontaktgruppe"] = "2" },
        .jc("kontaktgruppe 2.0 with a visitationsgruppe", ["kontaktgruppe: type"]) { $0["kontaktgruppe"] = 2.5 },
        .jc("kontaktgruppe 9 (no such code) with a visitationsgruppe", ["kontaktgruppe: code"]) { $0["kontaktgruppe"] = 9 },
        .jc("kontaktgruppe missing with a visitationsgruppe", ["kontaktgruppe: required"]) { $0["kontaktgruppe"] = nil },
        .jc("kontaktgruppe \"1\" with cvFyldestgoerende", ["kontaktgruppe: type"]) {
            $0["kontaktgruppe"] = "1"; $0["visitationsgruppe"] = nil; $0["cvFyldestgoerende"] = false
        },
        .jc("kontaktgruppe 30 with cvFyldestgoerende", ["kontaktgruppe: code"]) {
            $0["kontaktgruppe"] = 30; $0["visitationsgruppe"] = nil; $0["cvFyldestgoerende"] = true
        },
        .ak("a-kasse kontaktgruppe \"1\" with cvFyldestgoerende", ["kontaktgruppe: type"]) { $0["kontaktgruppe"] = "1"; $0["cvFyldestgoerende"] = false },
        // ... but a value that is wrong whatever the kontaktgruppe still is.
        .jc("kontaktgruppe \"2\" with an unknown visitationsgruppe", ["kontaktgruppe: type", "visitationsgruppe: code"]) {
            $0["kontaktgruppe"] = "2"; $0["visitationsgruppe"] = "PARAT"
        },
        .jc("kontaktgruppe \"1\" with cvFyldestgoerende as string", ["kontaktgruppe: type", "cvFyldestgoerende: type"]) {
            $0["kontaktgruppe"] = "1"; $0["visitationsgruppe"] = nil; $0["cvFyldestgoerende"] = "nej"
        },
        // ... and an a-kasse's visitationsgruppe is not allowed whatever its kontaktgruppe.
        .ak("a-kasse kontaktgruppe \"2\" with a visitationsgruppe", ["kontaktgruppe: type", "visitationsgruppe: not_allowed"]) {
            $0["kontaktgruppe"] = "2"; $0["visitationsgruppe"] = "KATEGORI_1"
        },
        // A field that must not be there: one reason, whatever its value.
        .jc("visitationsgruppe for kontaktgruppe 1, and no code", ["visitationsgruppe: not_allowed"]) {
            $0["kontaktgruppe"] = 1; $0["visitationsgruppe"] = "PARAT"
        },
        .jc("cvFyldestgoerende for kontaktgruppe 2, as a string", ["cvFyldestgoerende: not_allowed"]) { $0["cvFyldestgoerende"] = "nej" },
        .jc("akasseDeltagelse on JOBSAMTALE, and no code", ["akasseDeltagelse: not_allowed"]) { $0["akasseDeltagelse"] = "JA" },
        // samtaletype invalid: which of aftale, akasseDeltagelse, cvGodkendelse and
        // raadighedsvurdering are required or allowed is unknown.
        .jc("unknown samtaletype with a binding aftale", ["samtaletype: code"]) { $0["samtaletype"] = "KAFFE" },
        .jc("unknown samtaletype without aftale", ["samtaletype: code"]) { $0["samtaletype"] = "KAFFE"; $0["aftale"] = nil },
        .jc("unknown samtaletype with akasseDeltagelse", ["samtaletype: code"]) { $0["samtaletype"] = "KAFFE"; $0["akasseDeltagelse"] = "DELTOG" },
        .jc("samtaletype as number with akasseDeltagelse", ["samtaletype: type"]) { $0["samtaletype"] = 3; $0["akasseDeltagelse"] = "DELTOG" },
        .jc("samtaletype null with a binding aftale", ["samtaletype: required"]) { $0["samtaletype"] = NSNull() },
        .ak("unknown a-kasse samtaletype with cvGodkendelse", ["samtaletype: code"]) { $0["samtaletype"] = "CV" },
        .ak("unknown a-kasse samtaletype without cvGodkendelse or aftale", ["samtaletype: code"]) {
            $0["samtaletype"] = "CV"; $0["cvGodkendelse"] = nil; $0["aftale"] = nil
        },
        .ak("jobcenter samtaletype from an a-kasse with cvGodkendelse and a binding aftale", ["samtaletype: not_allowed"]) {
            $0["samtaletype"] = "JOBSAMTALE"
        },
        .jc("a-kasse samtaletype from a jobcenter with a binding aftale", ["samtaletype: not_allowed"]) { $0["samtaletype"] = "CV_SAMTALE" },
        // ... a value that is wrong whatever the samtaletype still is.
        .jc("unknown samtaletype with akasseDeltagelse JA", ["samtaletype: code", "akasseDeltagelse: code"]) {
            $0["samtaletype"] = "KAFFE"; $0["akasseDeltagelse"] = "JA"
        },
        .ak("unknown samtaletype with cvGodkendelse OK", ["samtaletype: code", "cvGodkendelse: code"]) {
            $0["samtaletype"] = "CV"; $0["cvGodkendelse"] = "OK"
        },
        .jc("unknown samtaletype with forpligtende as string", ["samtaletype: code", "aftale.forpligtende: type"]) {
            $0["samtaletype"] = "KAFFE"; $0["aftale"] = ["forpligtende": "ja"]
        },
        // ... and what a jobcenter never registers is not allowed whatever the samtaletype.
        .jc("unknown samtaletype with cvGodkendelse from a jobcenter", ["samtaletype: code", "cvGodkendelse: not_allowed"]) {
            $0["samtaletype"] = "KAFFE"; $0["cvGodkendelse"] = "GODKENDT"
        },
        // afholdt or registreret invalid: "afholdt after registreret" has nothing to compare.
        .jc("afholdt not a date", ["afholdt: date"]) { $0["afholdt"] = "2025-02-30" },
        .ak("a-kasse afholdt date only, the day after registreret", ["afholdt: format"]) { $0["afholdt"] = "2025-03-06" },
        .ak("registreret without offset, afholdt a timestamp", ["registreret: format"]) { $0["registreret"] = "2025-03-05T09:00:00" },
        .jc("registreret not a real date", ["registreret: date"]) { $0["registreret"] = "2025-02-30T10:00:00Z" },
        // registreret from the future: its own rule only.
        .jc("registreret from the future", ["registreret: future"]) { $0["registreret"] = "2031-06-01T10:00:00+02:00"; $0["afholdt"] = "2031-06-01" },
        // Envelope and body: each broken rule once; the body is judged when the line says what it is.
        .jc("id and cpr both broken", ["id: format", "cpr: date"]) { $0["id"] = "JC 1"; $0["cpr"] = "3102901234" },
        .jc("kommunekode and samtaleform both broken", ["indberetter.kode: code", "samtaleform: code"]) {
            $0["indberetter"] = ["type": "jobcenter", "kode": "100"]; $0["samtaleform"] = "SMS"
        },
        .ak("a-kassekode and afholdt both broken", ["indberetter.kode: format", "afholdt: format"]) {
            $0["indberetter"] = ["type": "akasse", "kode": "07"]; $0["afholdt"] = "2025-03-05"
        },
        .jc("registreret and samtaleform both broken", ["registreret: format", "samtaleform: code"]) {
            $0["registreret"] = "2025-03-04 10:15"; $0["samtaleform"] = "SMS"
        },
        // ... but not when it is unknown which rules the body has.
        .jc("handling unknown, cpr broken", ["handling: code"]) { $0["handling"] = "slet"; $0["cpr"] = "3102901234" },
        .jc("registrering unknown, cpr broken", ["registrering: code"]) { $0["registrering"] = "moede"; $0["cpr"] = "3102901234" },
        .jc("indberetter type unknown, a-kasse's afholdt rule", ["indberetter.type: code"]) {
            $0["indberetter"] = ["type": "kommune", "kode": "101"]; $0["cpr"] = "3102901234"
        },
        .mp("Min Plan from a jobcenter without plan", ["indberetter.type: not_allowed", "plan: required"]) {
            $0["indberetter"] = ["type": "jobcenter", "kode": "101"]; $0["plan"] = nil
        },
        // Counts and entries are separate rules.
        .mp("21 jobmaal, one empty", ["jobmaal: range", "jobmaal[20]: empty"]) { $0["jobmaal"] = Array(repeating: "x", count: 20) + [""] },
        .jc("21 deltagere, one without rolle", ["deltagere: range", "deltagere[20].rolle: required"]) {
            $0["deltagere"] = Array(repeating: ["navn": "A", "rolle": "TOLK", "deltagelsesform": "VIDEO"], count: 20)
                + [["navn": "A", "deltagelsesform": "VIDEO"]]
        },
    ]

    /// The synthetic generator breaks exactly one rule in each of its invalid lines: each gets one
    /// reason. Its job search requirements without `omfang`, `formaal` or `stillingskilder`
    /// (required since v2; the generator, moved elsewhere, does not write them all yet) break
    /// those rules as well, and are left out.
    @Test func eachGeneratedInvalidLineGetsOneReason() throws {
        var many: [String] = [], checked = 0
        let options = SyntheticFeedOptions(rows: 20_000, seed: 14, invalidShare: 0.3)
        _ = try SyntheticFeed.generate(options: options, reference: Fixtures.reference) { line, bad in
            guard bad else { return }
            let text = String(decoding: line, as: UTF8.self)
            if text.contains("\"registrering\":\"jobsoegningskrav\""),
               !["\"omfang\":\"", "\"formaal\":\"", "\"stillingskilder\":\""].allSatisfy(text.contains) { return }
            checked += 1
            let keys = line.withUnsafeBytes { Fixtures.generatedFeedValidator.validate(line: $0) }.keys
            if keys.count != 1 { many.append("\(keys): \(text)") }
        }
        #expect(checked > 5_000)
        #expect(many.isEmpty, "\(many.count) generated invalid lines get other than one reason, e.g. \(many.prefix(5))")
    }

    @Test(arguments: cases)
    func exactlyTheBrokenRules(_ c: Case) {
        var o = c.base()
        c.change(&o)
        let outcome = Fixtures.validate(o)
        #expect(outcome.registration == nil)
        #expect(outcome.keys.sorted() == c.expected.sorted(), "got \(outcome.keys)")
    }
}
