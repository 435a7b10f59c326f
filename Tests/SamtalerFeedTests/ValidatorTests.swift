import Foundation
import Testing
@testable import SamtalerFeed

/// One contract rule: a valid line, one change, and the reason it must produce.
struct RuleCase: Sendable, CustomStringConvertible {
    let name: String
    let base: @Sendable () -> [String: Any]
    let change: @Sendable (inout [String: Any]) -> Void
    /// "field: rule" that must be among the reasons; nil when the line must be accepted.
    let expected: String?
    var description: String { name }

    static func jc(_ name: String, _ expected: String?, _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> RuleCase {
        RuleCase(name: name, base: { Fixtures.jobcenter }, change: change, expected: expected)
    }
    static func ak(_ name: String, _ expected: String?, _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> RuleCase {
        RuleCase(name: name, base: { Fixtures.akasse }, change: change, expected: expected)
    }
    static func mp(_ name: String, _ expected: String?, _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> RuleCase {
        RuleCase(name: name, base: { Fixtures.minplan }, change: change, expected: expected)
    }
    static func jk(_ name: String, _ expected: String?, _ change: @escaping @Sendable (inout [String: Any]) -> Void) -> RuleCase {
        RuleCase(name: name, base: { Fixtures.jobsoegningskrav }, change: change, expected: expected)
    }
}

struct ValidatorTests {
    @Test func theContractsExampleLinesAreValid() throws {
        let spec = try String(contentsOfFile: Fixtures.shared + "/spec/feed.md", encoding: .utf8)
        let examples = spec.split(separator: "\n").filter { $0.hasPrefix("{\"registrering\"") }
        #expect(examples.count == 3)
        for line in examples {
            let outcome = Fixtures.validate(text: String(line))
            #expect(outcome.registration != nil, "\(outcome.keys)")
        }
    }

    @Test func theBaseLinesAreValid() {
        for base in [Fixtures.jobcenter, Fixtures.akasse, Fixtures.minplan, Fixtures.jobsoegningskrav] {
            let outcome = Fixtures.validate(base)
            #expect(outcome.registration != nil, "\(outcome.keys)")
        }
    }

    static let cases: [RuleCase] = [
        // Envelope
        .jc("registrering missing", "registrering: required") { $0["registrering"] = nil },
        .jc("registrering null counts as missing", "registrering: required") { $0["registrering"] = NSNull() },
        .jc("registrering unknown", "registrering: code") { $0["registrering"] = "moede" },
        .jc("id missing", "id: required") { $0["id"] = nil },
        .jc("id with a space", "id: format") { $0["id"] = "JC 1" },
        .jc("id too long", "id: format") { $0["id"] = String(repeating: "a", count: 65) },
        .jc("id of 64 characters", nil) { $0["id"] = String(repeating: "a", count: 64) },
        .jc("id as number", "id: type") { $0["id"] = 17 },
        .jc("handling unknown", "handling: code") { $0["handling"] = "slet" },
        .jc("handling null means opret", nil) { $0["handling"] = NSNull() },
        .jc("handling ret", nil) { $0["handling"] = "ret" },
        .jc("registreret missing", "registreret: required") { $0["registreret"] = nil },
        .jc("registreret without offset", "registreret: format") { $0["registreret"] = "2025-03-04T10:15:00" },
        .jc("registreret lowercase t", "registreret: format") { $0["registreret"] = "2025-03-04t10:15:00Z" },
        .jc("registreret lowercase z", "registreret: format") { $0["registreret"] = "2025-03-04T10:15:00z" },
        .jc("registreret 7 fraction digits", "registreret: format") { $0["registreret"] = "2025-03-04T10:15:00.1234567Z" },
        .jc("registreret 6 fraction digits", nil) { $0["registreret"] = "2025-03-04T10:15:00.123456Z" },
        .jc("registreret empty fraction", "registreret: format") { $0["registreret"] = "2025-03-04T10:15:00.Z" },
        .jc("registreret 30 February", "registreret: date") { $0["registreret"] = "2025-02-30T10:15:00Z" },
        .jc("registreret hour 24", "registreret: date") { $0["registreret"] = "2025-03-04T24:00:00Z" },
        .jc("registreret offset minutes 60", "registreret: date") { $0["registreret"] = "2025-03-04T10:15:00+01:60" },
        .jc("indberetter missing", "indberetter: required") { $0["indberetter"] = nil },
        .jc("indberetter as string", "indberetter: type") { $0["indberetter"] = "101" },
        .jc("indberetter unknown type", "indberetter.type: code") { $0["indberetter"] = ["type": "kommune", "kode": "101"] },
        .jc("kommunekode not among the 98", "indberetter.kode: code") { $0["indberetter"] = ["type": "jobcenter", "kode": "100"] },
        .jc("kommunekode as number", "indberetter.kode: type") { $0["indberetter"] = ["type": "jobcenter", "kode": 101] },
        .ak("a-kassekode with leading zero", "indberetter.kode: format") { $0["indberetter"] = ["type": "akasse", "kode": "07"] },
        .ak("a-kassekode of five digits", "indberetter.kode: format") { $0["indberetter"] = ["type": "akasse", "kode": "12345"] },
        .ak("a-kassekode unknown but well formed is accepted", nil) { $0["indberetter"] = ["type": "akasse", "kode": "9999"] },
        .jc("unknown keys are ignored", nil) { $0["fremtidigtFelt"] = ["x": 1] },
        // The person
        .jc("cpr missing", "cpr: required") { $0["cpr"] = nil },
        .jc("cpr with letters", "cpr: format") { $0["cpr"] = "01019O1234" },
        .jc("cpr with hyphen in the wrong place", "cpr: format") { $0["cpr"] = "01019-01234" },
        .jc("cpr nine digits", "cpr: format") { $0["cpr"] = "010190123" },
        .jc("cpr 31 February", "cpr: date") { $0["cpr"] = "3102901234" },
        .jc("cpr month 13", "cpr: date") { $0["cpr"] = "0113901234" },
        .jc("cpr 29 February 1900 (digit 7 = 0)", "cpr: date") { $0["cpr"] = "2902000234" },
        .jc("cpr 29 February 2000 (digit 7 = 4)", nil) { $0["cpr"] = "2902004234" },
        .jc("cpr failing modulus 11 is valid", nil) { $0["cpr"] = "0101901235" },
        .jc("cpr unknown person", nil) { $0["cpr"] = "0000000000" },
        .jc("cpr unknown person with hyphen", nil) { $0["cpr"] = "000000-0000" },
        .jc("cpr as number", "cpr: type") { $0["cpr"] = 101901234 },
        // afholdt
        .jc("afholdt missing", "afholdt: required") { $0["afholdt"] = nil },
        .jc("afholdt not a date", "afholdt: date") { $0["afholdt"] = "2025-02-29" },
        .jc("afholdt as timestamp from a jobcenter", nil) { $0["afholdt"] = "2025-03-04T09:00:00+01:00" },
        .jc("afholdt the day after registreret", "afholdt: after_registreret") { $0["afholdt"] = "2025-03-05" },
        .jc("afholdt timestamp after registreret", "afholdt: after_registreret") { $0["afholdt"] = "2025-03-04T10:16:00+01:00" },
        .jc("afholdt same instant as registreret", nil) { $0["afholdt"] = "2025-03-04T09:15:00Z" },
        .jc("afholdt date equal to registreret's Copenhagen day though UTC day is earlier", nil) {
            $0["registreret"] = "2025-03-03T23:30:00Z"; $0["afholdt"] = "2025-03-04"
        },
        .ak("a-kasse afholdt as a date only", "afholdt: format") { $0["afholdt"] = "2025-03-05" },
        .jc("afholdt year 1899", "afholdt: range") { $0["afholdt"] = "1899-12-31" },
        // samtaletype and samtaleform
        .jc("samtaletype unknown", "samtaletype: code") { $0["samtaletype"] = "KAFFE" },
        .jc("CV_SAMTALE from a jobcenter", "samtaletype: not_allowed") { $0["samtaletype"] = "CV_SAMTALE" },
        .ak("JOBSAMTALE from an a-kasse", "samtaletype: not_allowed") { $0["samtaletype"] = "JOBSAMTALE"; $0["cvGodkendelse"] = nil },
        .jc("samtaleform unknown", "samtaleform: code") { $0["samtaleform"] = "SMS" },
        .jc("samtaleform lowercase", "samtaleform: code") { $0["samtaleform"] = "video" },
        // kontaktgruppe
        .jc("kontaktgruppe missing from a jobcenter", "kontaktgruppe: required") { $0["kontaktgruppe"] = nil; $0["visitationsgruppe"] = nil },
        .ak("kontaktgruppe optional from an a-kasse", nil) { $0["kontaktgruppe"] = 1 },
        .jc("kontaktgruppe 9", "kontaktgruppe: code") { $0["kontaktgruppe"] = 9 },
        .jc("kontaktgruppe 30", "kontaktgruppe: code") { $0["kontaktgruppe"] = 30 },
        .jc("kontaktgruppe as string", "kontaktgruppe: type") { $0["kontaktgruppe"] = "2" },
        .jc("kontaktgruppe 2.0", "kontaktgruppe: type") { $0["kontaktgruppe"] = 2.5 },
        // aftale
        .jc("aftale missing on JOBSAMTALE", "aftale: required") { $0["aftale"] = nil },
        .jc("aftale without forpligtende", "aftale.forpligtende: required") { $0["aftale"] = ["tekst": "x"] },
        .jc("aftale.forpligtende as string", "aftale.forpligtende: type") { $0["aftale"] = ["forpligtende": "true"] },
        .jc("binding aftale on HENVISNING", "aftale.forpligtende: not_allowed") { $0["samtaletype"] = "HENVISNING" },
        .jc("non-binding aftale on HENVISNING", nil) { $0["samtaletype"] = "HENVISNING"; $0["aftale"] = ["forpligtende": false] },
        .jc("no aftale on HENVISNING", nil) { $0["samtaletype"] = "HENVISNING"; $0["aftale"] = nil },
        .ak("aftale missing on RAADIGHEDSSAMTALE", "aftale: required") {
            $0["samtaletype"] = "RAADIGHEDSSAMTALE"; $0["cvGodkendelse"] = nil; $0["raadighedsvurdering"] = "STAAR_TIL_RAADIGHED"; $0["aftale"] = nil
        },
        // akasseDeltagelse
        .jc("akasseDeltagelse missing on JOBSAMTALE_31_2", "akasseDeltagelse: required") { $0["samtaletype"] = "JOBSAMTALE_31_2" },
        .jc("akasseDeltagelse on JOBSAMTALE_31_2", nil) { $0["samtaletype"] = "JOBSAMTALE_31_2"; $0["akasseDeltagelse"] = "DELTOG_IKKE" },
        .jc("akasseDeltagelse unknown code", "akasseDeltagelse: code") { $0["samtaletype"] = "JOBSAMTALE_31_2"; $0["akasseDeltagelse"] = "JA" },
        .jc("akasseDeltagelse on JOBSAMTALE", "akasseDeltagelse: not_allowed") { $0["akasseDeltagelse"] = "DELTOG" },
        .jc("akasseDeltagelse null on JOBSAMTALE", nil) { $0["akasseDeltagelse"] = NSNull() },
        // visitationsgruppe
        .jc("visitationsgruppe with kontaktgruppe 1", "visitationsgruppe: not_allowed") { $0["kontaktgruppe"] = 1 },
        .jc("visitationsgruppe with kontaktgruppe 29", nil) { $0["kontaktgruppe"] = 29 },
        .jc("visitationsgruppe unknown", "visitationsgruppe: code") { $0["visitationsgruppe"] = "PARAT" },
        // U+212A KELVIN SIGN is canonically equivalent to K: Swift's == would call it KATEGORI_1.
        .jc("visitationsgruppe with a look-alike letter", "visitationsgruppe: code") { $0["visitationsgruppe"] = "\u{212A}ATEGORI_1" },
        .jc("samtaleform with a look-alike letter", "samtaleform: code") { $0["samtaleform"] = "TELEFONIS\u{212A}" },
        // marks
        .jc("tidligOpfoelgning as string", "tidligOpfoelgning: type") { $0["tidligOpfoelgning"] = "ja" },
        .ak("tidligOpfoelgning from an a-kasse", nil) { $0["tidligOpfoelgning"] = true },
        .jc("cvFyldestgoerende with kontaktgruppe 2", "cvFyldestgoerende: not_allowed") { $0["cvFyldestgoerende"] = false },
        .jc("cvFyldestgoerende with kontaktgruppe 1", nil) { $0["kontaktgruppe"] = 1; $0["visitationsgruppe"] = nil; $0["cvFyldestgoerende"] = false },
        // cvGodkendelse and raadighedsvurdering
        .ak("cvGodkendelse missing on a-kasse CV_SAMTALE", "cvGodkendelse: required") { $0["cvGodkendelse"] = nil },
        .ak("cvGodkendelse unknown", "cvGodkendelse: code") { $0["cvGodkendelse"] = "OK" },
        .jc("cvGodkendelse on a jobsamtale", "cvGodkendelse: not_allowed") { $0["cvGodkendelse"] = "GODKENDT" },
        .ak("raadighedsvurdering on a CV_SAMTALE", "raadighedsvurdering: not_allowed") { $0["raadighedsvurdering"] = "TVIVL_OM_RAADIGHED" },
        .ak("raadighedsvurdering missing on RAADIGHEDSSAMTALE", "raadighedsvurdering: required") {
            $0["samtaletype"] = "RAADIGHEDSSAMTALE"; $0["cvGodkendelse"] = nil
        },
        // deltagere
        .jc("deltagere as object", "deltagere: type") { $0["deltagere"] = ["navn": "x"] },
        .jc("21 deltagere", "deltagere: range") {
            $0["deltagere"] = Array(repeating: ["navn": "A", "rolle": "TOLK", "deltagelsesform": "VIDEO"], count: 21)
        },
        .jc("20 deltagere", nil) {
            $0["deltagere"] = Array(repeating: ["navn": "A", "rolle": "TOLK", "deltagelsesform": "VIDEO"], count: 20)
        },
        .jc("deltager with empty navn", "deltagere[0].navn: empty") { $0["deltagere"] = [["navn": "", "rolle": "TOLK", "deltagelsesform": "VIDEO"]] },
        .jc("deltager without navn", "deltagere[0].navn: required") { $0["deltagere"] = [["rolle": "TOLK", "deltagelsesform": "VIDEO"]] },
        .jc("deltager with unknown rolle", "deltagere[0].rolle: code") { $0["deltagere"] = [["navn": "B", "rolle": "CHEF", "deltagelsesform": "VIDEO"]] },
        .jc("deltager as string", "deltagere[1]: type") {
            $0["deltagere"] = [["navn": "B", "rolle": "TOLK", "deltagelsesform": "VIDEO"], "C"]
        },
        .ak("AKASSEKONSULENT from an a-kasse", "deltagere[0].rolle: not_allowed") {
            $0["deltagere"] = [["navn": "B", "rolle": "AKASSEKONSULENT", "deltagelsesform": "VIDEO"]]
        },
        .jc("deltager with unknown deltagelsesform", "deltagere[0].deltagelsesform: code") {
            $0["deltagere"] = [["navn": "B", "rolle": "TOLK", "deltagelsesform": "BREVDUE"]]
        },
        // annuller
        .jc("annuller needs only the envelope", nil) {
            $0 = ["registrering": "samtale", "id": "X1", "handling": "annuller", "registreret": "2025-03-06T12:00:00+01:00",
                  "indberetter": ["type": "jobcenter", "kode": "101"]]
        },
        .jc("annuller ignores broken body fields", nil) { $0["handling"] = "annuller"; $0["cpr"] = 17; $0["samtaletype"] = "KAFFE" },
        .mp("annuller of a minplan from a jobcenter", "indberetter.type: not_allowed") {
            $0["handling"] = "annuller"; $0["indberetter"] = ["type": "jobcenter", "kode": "101"]
        },
        // minplan
        .mp("minplan from a jobcenter", "indberetter.type: not_allowed") { $0["indberetter"] = ["type": "jobcenter", "kode": "101"] },
        .mp("minplan without jobmaal", "jobmaal: required") { $0["jobmaal"] = nil },
        .mp("minplan with no jobmaal", "jobmaal: range") { $0["jobmaal"] = [String]() },
        .mp("minplan with 21 jobmaal", "jobmaal: range") { $0["jobmaal"] = Array(repeating: "x", count: 21) },
        .mp("minplan with an empty jobmaal", "jobmaal[1]: empty") { $0["jobmaal"] = ["x", " "] },
        .mp("minplan with a numeric jobmaal", "jobmaal[0]: type") { $0["jobmaal"] = [1] },
        .mp("minplan without plan", "plan: required") { $0["plan"] = nil },
        .mp("minplan with empty begrundelse", "begrundelse: empty") { $0["begrundelse"] = "" },
        // jobsoegningskrav
        .jk("jobsoegningskrav from a jobcenter", "indberetter.type: not_allowed") { $0["indberetter"] = ["type": "jobcenter", "kode": "101"] },
        .jk("antalAnsoegninger 101", "antalAnsoegninger: range") { $0["antalAnsoegninger"] = 101 },
        .jk("antalAnsoegninger -1", "antalAnsoegninger: range") { $0["antalAnsoegninger"] = -1 },
        .jk("antalAnsoegninger 0", nil) { $0["antalAnsoegninger"] = 0 },
        .jk("antalAnsoegninger huge", "antalAnsoegninger: range") { $0["antalAnsoegninger"] = Decimal(string: "100000000000000000000")! },
        .jk("51 fagomraader", "fagomraader: range") { $0["fagomraader"] = Array(repeating: "x", count: 51) },
        .jk("geografi missing", "geografi: required") { $0["geografi"] = nil },
        .jk("omfang as number", "omfang: type") { $0["omfang"] = 3 },
        .jk("jobsoegningskrav without cpr", "cpr: required") { $0["cpr"] = nil },
        .jk("jobsoegningskrav with cpr 31 February", "cpr: date") { $0["cpr"] = "3102901234" },
        .jk("jobsoegningskrav with cpr of letters", "cpr: format") { $0["cpr"] = "12038S4321" },
        .mp("minplan without cpr", "cpr: required") { $0["cpr"] = nil },
        .mp("minplan with cpr null", "cpr: required") { $0["cpr"] = NSNull() },
        .mp("minplan with cpr month 13", "cpr: date") { $0["cpr"] = "0113901234" },
        .mp("minplan with cpr as number", "cpr: type") { $0["cpr"] = 1203854321 },
        // aftale required (§ 27 nr. 5 and 6, § 87 stk. 1 nr. 7)
        .jc("aftale missing on FLEKSJOBOPFOELGNING", "aftale: required") { $0["samtaletype"] = "FLEKSJOBOPFOELGNING"; $0["aftale"] = nil },
        .jc("aftale null on FLEKSJOBOPFOELGNING", "aftale: required") { $0["samtaletype"] = "FLEKSJOBOPFOELGNING"; $0["aftale"] = NSNull() },
        .jc("binding aftale on FLEKSJOBOPFOELGNING", nil) { $0["samtaletype"] = "FLEKSJOBOPFOELGNING" },
        .jc("aftale missing on INTEGRATIONSSAMTALE", "aftale: required") { $0["samtaletype"] = "INTEGRATIONSSAMTALE"; $0["aftale"] = nil },
        .jc("binding aftale on INTEGRATIONSSAMTALE", nil) { $0["samtaletype"] = "INTEGRATIONSSAMTALE" },
        .jc("aftale missing on JOBSAMTALE_31_2", "aftale: required") {
            $0["samtaletype"] = "JOBSAMTALE_31_2"; $0["akasseDeltagelse"] = "DELTOG"; $0["aftale"] = nil
        },
        .ak("aftale missing on CV_SAMTALE", "aftale: required") { $0["aftale"] = nil },
        .ak("aftale null on CV_SAMTALE", "aftale: required") { $0["aftale"] = NSNull() },
        // aftale's other keys
        .jc("aftale.saerligIndsats as string", "aftale.saerligIndsats: type") { $0["aftale"] = ["forpligtende": true, "saerligIndsats": "nej"] },
        .jc("aftale.saerligIndsats as number", "aftale.saerligIndsats: type") { $0["aftale"] = ["forpligtende": true, "saerligIndsats": 0] },
        .jc("aftale.saerligIndsats null", nil) { $0["aftale"] = ["forpligtende": true, "saerligIndsats": NSNull()] },
        .ak("aftale.saerligIndsats as string from an a-kasse", "aftale.saerligIndsats: type") { $0["aftale"] = ["forpligtende": true, "saerligIndsats": "ja"] },
        .jc("aftale.tekst as number", "aftale.tekst: type") { $0["aftale"] = ["forpligtende": true, "tekst": 5] },
        // deltagere's rolle and deltagelsesform
        .jc("deltager without rolle", "deltagere[0].rolle: required") { $0["deltagere"] = [["navn": "B", "deltagelsesform": "VIDEO"]] },
        .jc("deltager with rolle null", "deltagere[0].rolle: required") {
            $0["deltagere"] = [["navn": "B", "rolle": NSNull(), "deltagelsesform": "VIDEO"]]
        },
        .ak("a-kasse deltager without rolle", "deltagere[0].rolle: required") { $0["deltagere"] = [["navn": "B", "deltagelsesform": "VIDEO"]] },
        .jc("deltager without deltagelsesform", "deltagere[0].deltagelsesform: required") { $0["deltagere"] = [["navn": "B", "rolle": "TOLK"]] },
        .jc("second deltager without deltagelsesform", "deltagere[1].deltagelsesform: required") {
            $0["deltagere"] = [["navn": "B", "rolle": "TOLK", "deltagelsesform": "VIDEO"], ["navn": "C", "rolle": "MENTOR"]]
        },
        .jc("deltager with deltagelsesform as number", "deltagere[0].deltagelsesform: type") {
            $0["deltagere"] = [["navn": "B", "rolle": "TOLK", "deltagelsesform": 1]]
        },
        // v2: visitationsgruppe only from a jobcenter (§ 27 nr. 9; § 87 has none)
        .ak("visitationsgruppe from an a-kasse (the issue's line)", "visitationsgruppe: not_allowed") {
            $0["samtaletype"] = "JOBSAMTALE_AKASSE"; $0["cvGodkendelse"] = nil; $0["aftale"] = nil
            $0["kontaktgruppe"] = 2; $0["visitationsgruppe"] = "KATEGORI_1"
        },
        .ak("visitationsgruppe from an a-kasse on a CV_SAMTALE", "visitationsgruppe: not_allowed") { $0["visitationsgruppe"] = "JOBPARAT" },
        .ak("visitationsgruppe from an a-kasse, not a code either", "visitationsgruppe: not_allowed") { $0["visitationsgruppe"] = "PARAT" },
        .ak("visitationsgruppe null from an a-kasse", nil) { $0["visitationsgruppe"] = NSNull() },
        .ak("akasseDeltagelse from an a-kasse", "akasseDeltagelse: not_allowed") { $0["akasseDeltagelse"] = "DELTOG" },
        .jc("raadighedsvurdering from a jobcenter", "raadighedsvurdering: not_allowed") { $0["raadighedsvurdering"] = "TVIVL_OM_RAADIGHED" },
        .ak("cvFyldestgoerende from an a-kasse without kontaktgruppe", "cvFyldestgoerende: not_allowed") { $0["cvFyldestgoerende"] = true },
        .ak("cvFyldestgoerende from an a-kasse with kontaktgruppe 1", nil) { $0["kontaktgruppe"] = 1; $0["cvFyldestgoerende"] = true },
        // v2: omfang, formaal and stillingskilder required and non-empty (§ 87 stk. 3 nr. 5-7)
        .jk("omfang missing", "omfang: required") { $0["omfang"] = nil },
        .jk("omfang null", "omfang: required") { $0["omfang"] = NSNull() },
        .jk("omfang empty", "omfang: empty") { $0["omfang"] = "" },
        .jk("omfang only white space", "omfang: empty") { $0["omfang"] = " \t " },
        .jk("formaal missing", "formaal: required") { $0["formaal"] = nil },
        .jk("formaal empty", "formaal: empty") { $0["formaal"] = "" },
        .jk("formaal as bool", "formaal: type") { $0["formaal"] = true },
        .jk("stillingskilder missing", "stillingskilder: required") { $0["stillingskilder"] = nil },
        .jk("stillingskilder empty", "stillingskilder: empty") { $0["stillingskilder"] = " " },
        .jk("stillingskilder as array", "stillingskilder: type") { $0["stillingskilder"] = ["Jobnet"] },
        .jk("annuller of a jobsoegningskrav needs none of them", nil) {
            $0["handling"] = "annuller"; $0["omfang"] = nil; $0["formaal"] = nil; $0["stillingskilder"] = nil
        },
        // v2: registreret at most 5 minutes after the load started (2026-01-01T00:00:00Z here)
        .jc("registreret 5 minutes after the load started", nil) { $0["registreret"] = "2026-01-01T00:05:00Z" },
        .jc("registreret 5 minutes after the load started, with an offset", nil) { $0["registreret"] = "2026-01-01T01:05:00+01:00" },
        .jc("registreret a microsecond more", "registreret: future") { $0["registreret"] = "2026-01-01T00:05:00.000001Z" },
        .jc("registreret 5 minutes 1 second after, with an offset", "registreret: future") { $0["registreret"] = "2025-12-31T19:05:01-05:00" },
        .jc("a conversation held on 2031-06-01 (the issue's line)", "registreret: future") {
            $0["registreret"] = "2031-06-01T10:00:00+02:00"; $0["afholdt"] = "2031-06-01"
        },
        .jc("a withdrawal from the future", "registreret: future") { $0["handling"] = "annuller"; $0["registreret"] = "2026-02-01T00:00:00Z" },
        .mp("a minplan from the future", "registreret: future") { $0["registreret"] = "2026-02-01T00:00:00Z" },
        .jk("a jobsoegningskrav from the future", "registreret: future") { $0["registreret"] = "2026-02-01T00:00:00Z" },
        // Years 1900-2099 and no leap second (stated in v2)
        .jc("registreret with a leap second", "registreret: date") { $0["registreret"] = "2016-12-31T23:59:60Z"; $0["afholdt"] = "2016-12-31" },
        .jc("afholdt timestamp with a leap second", "afholdt: date") { $0["afholdt"] = "2016-12-31T23:59:60Z" },
        .ak("a-kasse afholdt with a leap second", "afholdt: date") { $0["afholdt"] = "2016-12-31T23:59:60+01:00" },
        .jc("afholdt at 23:59:59", nil) { $0["afholdt"] = "2016-12-31T23:59:59Z" },
        .jc("registreret in 1899", "registreret: range") { $0["registreret"] = "1899-12-31T12:00:00Z"; $0["afholdt"] = "1899-12-31" },
        .jc("registreret in 2100", "registreret: range") { $0["registreret"] = "2100-01-01T12:00:00Z" },
        .ak("afholdt timestamp in 1899", "afholdt: range") { $0["afholdt"] = "1899-12-31T12:00:00Z" },
        .jc("afholdt on 1 January 1900", nil) { $0["afholdt"] = "1900-01-01" },
        .jc("afholdt timestamp at noon on 1 January 1900", nil) { $0["afholdt"] = "1900-01-01T12:00:00Z" },
        .jc("afholdt date in 2100", "afholdt: range") { $0["afholdt"] = "2100-01-01" },
        // Written in 2099, but 1 January 2100 in Copenhagen; written in 2100, but 2099 in Copenhagen.
        .ak("afholdt 2099-12-31T23:30Z is 2100 in Copenhagen", "afholdt: range") { $0["afholdt"] = "2099-12-31T23:30:00Z" },
        .ak("afholdt written in year 2100", "afholdt: range") { $0["afholdt"] = "2100-01-01T00:30:00+05:00" },
    ]

    @Test(arguments: cases)
    func rule(_ c: RuleCase) {
        var object = c.base()
        c.change(&object)
        let outcome = Fixtures.validate(object)
        if let expected = c.expected {
            #expect(outcome.keys.contains(expected), "got \(outcome.keys)")
            #expect(outcome.registration == nil)
        } else {
            #expect(outcome.registration != nil, "got \(outcome.keys)")
        }
    }

    @Test func reasonsNameTheRegulation() {
        var o = Fixtures.jobcenter
        o["kontaktgruppe"] = 1
        let r = Fixtures.validate(o).reasons.first { $0.field == "visitationsgruppe" }
        #expect(r?.source.text == "BEK 442/2023 § 27 nr. 9")
        var a = Fixtures.akasse
        a["afholdt"] = "2025-03-05"
        #expect(Fixtures.validate(a).reasons.first?.source.text == "BEK 355/2021 § 87 stk. 1 nr. 2")
    }

    /// `future` is judged against the instant the validator is given (the load's start), not the
    /// clock: the same line is from the future for one load and not for a later one.
    @Test func theFutureIsJudgedFromTheLoadsStart() throws {
        var o = Fixtures.jobcenter
        o["registreret"] = "2031-06-01T10:00:00+02:00"
        o["afholdt"] = "2031-06-01"
        let line = Fixtures.line(o)
        let early = Fixtures.validator
        let late = Validator(reference: Fixtures.reference, loadStarted: try Timestamp.parse("2031-06-01T07:55:00Z").get())
        let tooEarly = Validator(reference: Fixtures.reference, loadStarted: try Timestamp.parse("2031-06-01T07:54:59Z").get())
        let outcome = line.withUnsafeBytes { early.validate(line: $0) }
        #expect(outcome.keys == ["registreret: future"])
        #expect(outcome.reasons.first?.message.contains("2026-01-01T00:00:00Z") == true, "the message names the load's start")
        #expect(line.withUnsafeBytes { late.validate(line: $0) }.registration != nil)
        #expect(line.withUnsafeBytes { tooEarly.validate(line: $0) }.keys == ["registreret: future"])
    }

    @Test func everyBrokenFieldIsReportedAtOnce() {
        var o = Fixtures.jobcenter
        o["samtaleform"] = "SMS"
        o["kontaktgruppe"] = 9
        o["cpr"] = "3102901234"
        let keys = Set(Fixtures.validate(o).keys)
        #expect(keys.isSuperset(of: ["samtaleform: code", "kontaktgruppe: code", "cpr: date"]))
    }

    @Test func reasonsNeverRepeatThePersonnummerOrAName() {
        var o = Fixtures.jobcenter
        o["cpr"] = "3102901234"
        o["deltagere"] = [["navn": "Karen Blixen", "rolle": "CHEF", "deltagelsesform": "VIDEO"]]
        let text = Fixtures.validate(o).reasons.map(\.description).joined()
        #expect(!text.contains("3102901234"))
        #expect(!text.contains("Blixen"))
        #expect(!text.isEmpty)
    }

    @Test(arguments: [
        ("{\"registrering\":\"samtale\"", "line: json"),
        ("[1,2]", "line: not_object"),
        ("{\"id\":\"a\",\"id\":\"b\"}", "line: duplicate_key"),
        ("\"samtale\"", "line: not_object"),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "line: too_deep"),
    ])
    func brokenJSONIsARejectedLine(_ text: String, _ expected: String) {
        #expect(Fixtures.validate(text: text).keys == [expected])
    }

    @Test func invalidUTF8IsARejectedLine() {
        var bytes = Fixtures.line(Fixtures.jobcenter)
        bytes.insert(0xFF, at: 10)
        #expect(Fixtures.validate(bytes: bytes).keys == ["line: utf8"])
    }

    @Test func truncatedLinesAreRejectedAsTooLong() {
        let bytes = Fixtures.line(Fixtures.jobcenter)
        let outcome = bytes.withUnsafeBytes { Fixtures.validator.validate(line: $0, truncated: true) }
        #expect(outcome.keys == ["line: too_long"])
    }

    @Test func theReadableIDGoesWithARejectedLine() {
        var o = Fixtures.jobcenter
        o["samtaleform"] = "SMS"
        guard case .rejected(let id, _) = Fixtures.validate(o) else { Issue.record("accepted"); return }
        #expect(id == "JC101-2025-000001")
    }

    @Test func aValidLineKeepsNoFreeText() throws {
        let r = try #require(Fixtures.validate(Fixtures.jobcenter).registration)
        guard case .samtale(let s) = r.body else { Issue.record("not a samtale"); return }
        #expect(s.aftale?.medTekst == true)
        #expect(s.deltagere == [Samtale.Deltager(rolle: "TOLK", deltagelsesform: "TELEFONISK")])
        #expect(s.afholdtDato == CivilDate(year: 2025, month: 3, day: 4))
        #expect(s.kontaktgruppe == 2)
        #expect(s.visitationsgruppe == "JOBPARAT")
        #expect(!s.videregivetTilAkasse)
        // Nothing in the registration's description mentions the name.
        #expect(!"\(r)".contains("Hansen"))
    }

    @Test func kontaktgruppe1JobsamtaleIsPassedOnToTheAkasse() throws {
        var o = Fixtures.jobcenter
        o["kontaktgruppe"] = 1
        o["visitationsgruppe"] = nil
        let r = try #require(Fixtures.validate(o).registration)
        guard case .samtale(let s) = r.body else { Issue.record("not a samtale"); return }
        #expect(s.videregivetTilAkasse)
    }

    @Test func anAkasseConversationLateOnTheLastDayOfMarchBelongsToApril() throws {
        var o = Fixtures.akasse
        o["afholdt"] = "2025-03-31T23:30:00Z"
        o["registreret"] = "2025-04-01T08:00:00+02:00"
        let r = try #require(Fixtures.validate(o).registration)
        guard case .samtale(let s) = r.body else { Issue.record("not a samtale"); return }
        #expect(s.afholdtDato == CivilDate(year: 2025, month: 4, day: 1))
    }
}
