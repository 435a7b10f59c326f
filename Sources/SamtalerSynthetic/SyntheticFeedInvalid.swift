// Deliberately invalid lines: each starts from a valid registration and breaks exactly one rule of
// the feed contract (`shared/spec/feed.md`), so a loader that follows the contract must reject it.
// Their ids contain "FEJL" and a counter of their own, so they never collide with valid registrations.

import SamtalerFeed

extension SyntheticFeed {
    enum InvalidKind: String, CaseIterable, Sendable {
        case brokenJSON = "broken_json"
        case invalidUTF8 = "invalid_utf8"
        case controlChar = "control_char_in_string"
        case bomInside = "bom_inside_file"
        case notObject = "not_an_object"
        case missingKey = "missing_key"
        case requiredNull = "required_null"
        case duplicateKey = "duplicate_key"
        case kontaktgruppeString = "kontaktgruppe_string"
        case kontaktgruppeFloat = "kontaktgruppe_float"
        case kontaktgruppeRange = "kontaktgruppe_out_of_range"
        case boolWrongType = "bool_wrong_type"
        case unknownKommune = "unknown_kommune"
        case akasseLeadingZero = "akassekode_leading_zero"
        case akasseTooLong = "akassekode_too_long"
        case cprDate = "cpr_date"
        case cprLetters = "cpr_letters"
        case cprLength = "cpr_length"
        case unknownSamtaletype = "unknown_samtaletype"
        case samtaletypeNotAllowed = "samtaletype_not_allowed"
        case unknownSamtaleform = "unknown_samtaleform"
        case akasseDeltagelseNotAllowed = "akassedeltagelse_not_allowed"
        case visitationNotAllowed = "visitationsgruppe_not_allowed"
        case cvNotAllowed = "cvfyldestgoerende_not_allowed"
        case afholdtAfterRegistreret = "afholdt_after_registreret"
        case akasseAfholdtDate = "akasse_afholdt_date_only"
        case timestampInvalid = "timestamp_invalid"
        case dateInvalid = "afholdt_date_invalid"
        case forpligtendeNotAllowed = "forpligtende_not_allowed"
        case aftaleWithoutForpligtende = "aftale_without_forpligtende"
        case tooManyDeltagere = "too_many_deltagere"
        case deltagerEmptyNavn = "deltager_empty_navn"
        case rolleNotAllowed = "rolle_not_allowed"
        case unknownRolle = "unknown_rolle"
        case idInvalid = "id_invalid"
        case handlingUnknown = "handling_unknown"
        case minplanFromJobcenter = "minplan_from_jobcenter"
        case jobsoegningskravFromJobcenter = "jobsoegningskrav_from_jobcenter"
        case jobmaalEmpty = "jobmaal_empty"
        case antalOutOfRange = "antal_out_of_range"
        case jobsoegningskravKravMissing = "jobsoegningskrav_krav_missing"
        case akasseVisitation = "akasse_visitationsgruppe"
        case registreretFuture = "registreret_in_the_future"

        var weight: Int {
            switch self {
            case .missingKey: return 6
            case .brokenJSON: return 5
            case .cprDate: return 4
            case .invalidUTF8, .unknownKommune, .samtaletypeNotAllowed, .afholdtAfterRegistreret: return 3
            case .requiredNull, .duplicateKey, .kontaktgruppeString, .kontaktgruppeFloat, .akasseLeadingZero, .cprLetters,
                 .unknownSamtaletype, .akasseDeltagelseNotAllowed, .visitationNotAllowed, .akasseAfholdtDate, .timestampInvalid,
                 .forpligtendeNotAllowed, .idInvalid: return 2
            default: return 1
            }
        }

        /// The kinds the reference data allows to build, with their weights.
        static func available(_ t: Tables) -> [(kind: InvalidKind, weight: Int)] {
            allCases.filter { k in
                switch k {
                case .samtaletypeNotAllowed:
                    return t.types.contains { !$0.fraJobcenter && !$0.kraeverAkassedeltagelse }
                        || t.types.contains { !$0.fraAkasse && !$0.kraeverAkassedeltagelse && $0.akasseFelt == nil }
                case .akasseDeltagelseNotAllowed:
                    return t.types.contains { $0.fraJobcenter && !$0.kraeverAkassedeltagelse }
                case .visitationNotAllowed:
                    return !t.visitationsgrupper.isEmpty && t.kontaktgrupper.contains { !$0.visitationTilladt }
                case .akasseVisitation:
                    return !t.visitationsgrupper.isEmpty
                case .cvNotAllowed:
                    return t.kontaktgrupper.contains { !$0.cvRegel }
                case .forpligtendeNotAllowed:
                    return t.types.contains { $0.fraJobcenter && !$0.kraeverAftale && !$0.kraeverAkassedeltagelse }
                case .rolleNotAllowed:
                    return t.roller.indices.contains { !t.rolleFraAkasse[$0] }
                case .tooManyDeltagere, .deltagerEmptyNavn, .unknownRolle:
                    return !t.rolleJobcenter.isEmpty && !t.deltagelsesformer.isEmpty
                default:
                    return true
                }
            }.map { ($0, $0.weight) }
        }
    }
}

extension SyntheticFeed.Engine {
    typealias Registrering = SyntheticFeed.Registrering
    typealias Edit = SyntheticFeed.Edit
    typealias Aftale = SyntheticFeed.Aftale
    typealias InvalidKind = SyntheticFeed.InvalidKind

    /// Renders one deliberately invalid line into `out` and returns its kind.
    mutating func makeInvalid(lineIndex i: Int) -> InvalidKind {
        let day = baseDay(i)
        var kind = invalidKinds[invalidKindWeights.pick(&rng)]
        if kind == .bomInside && i == 0 { kind = .brokenJSON }   // a BOM on line 1 would be removed
        invalidCounter += 1
        edit = nil
        defer { edit = nil }

        switch kind {
        case .brokenJSON:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            render(r)
            let v = rng.below(100)
            if v < 70 {
                // Truncated (at a character boundary, so the UTF-8 stays valid).
                var cut = rng.range(out.count / 4, out.count - 2)
                while cut > 1 && (out[cut] & 0xC0) == 0x80 { cut -= 1 }
                out.removeSubrange(cut...)
            } else if v < 85 {
                out.append(0x7D)                 // a stray closing brace after the object
            } else {
                out.removeLast(); lit(",}")      // a trailing comma
            }

        case .invalidUTF8:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.75))
            badId(&r)
            ensureDanishText(&r)
            render(r)
            // The free text written in Latin-1 instead of UTF-8 ("s\xF8ger").
            if let k = firstDanishLetter() { out[k] = out[k + 1] &+ 0x40; out.remove(at: k + 1) }

        case .controlChar:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.75))
            badId(&r)
            ensureDanishText(&r)
            render(r)
            // A raw TAB or CR inside the free text (JSON strings must escape control characters).
            if let start = find(Array("\"tekst\":\"".utf8)) {
                var q = start + 9
                while q < out.count && out[q] != 0x20 && out[q] != 0x22 { q += 1 }
                out.insert(rng.chance(0.5) ? 0x09 : 0x0D, at: q)
            }

        case .bomInside:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            render(r)
            out.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)

        case .notObject:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            render(r)
            out.insert(0x5B, at: 0)
            out.append(0x5D)

        case .missingKey, .requiredNull:
            var (r, k) = registrationWithRequiredKey(day: day)
            badId(&r)
            edit = kind == .missingKey ? Edit(omit: k) : Edit(rawKey: k, rawValue: Array("null".utf8))
            render(r)

        case .duplicateKey:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            render(r)
            out.removeLast()
            switch rng.below(3) {
            case 0: lit(",\"samtaleform\":"); str(t.forms[rng.below(t.forms.count)])
            case 1: lit(",\"cpr\":"); str(r.cpr)
            default: lit(",\"registrering\":\"samtale\"")
            }
            out.append(0x7D)

        case .kontaktgruppeString, .kontaktgruppeFloat:
            var r = makeSamtale(day: day, jobcenter: true)
            badId(&r)
            r.visitationsgruppe = nil
            r.cvFyldestgoerende = nil
            let kg = r.kontaktgruppe ?? 2
            let raw: String
            if kind == .kontaktgruppeString { raw = "\"\(kg)\"" } else { raw = rng.chance(0.7) ? "\(kg).0" : "\(kg)e0" }
            edit = Edit(rawKey: Array("kontaktgruppe".utf8), rawValue: Array(raw.utf8))
            render(r)

        case .kontaktgruppeRange:
            var r = makeSamtale(day: day, jobcenter: true)
            badId(&r)
            r.visitationsgruppe = nil
            r.cvFyldestgoerende = nil
            let known = Set(t.kontaktgrupper.map { $0.nummer })
            let candidates = [9, 0, 30, 31, 99, -1].filter { !known.contains($0) }
            r.kontaktgruppe = candidates[rng.below(candidates.count)]
            render(r)

        case .boolWrongType:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            r.tidligOpfoelgning = true
            let raw = ["\"true\"", "\"ja\"", "1"][rng.below(3)]
            edit = Edit(rawKey: Array("tidligOpfoelgning".utf8), rawValue: Array(raw.utf8))
            render(r)

        case .unknownKommune:
            var r = makeSamtale(day: day, jobcenter: true)
            badId(&r)
            let candidates = ["100", "102", "999", "0101", "1010", "84"].filter { !t.knownKommuneSet.contains($0) }
            r.kode = Array(candidates[rng.below(candidates.count)].utf8)
            render(r)

        case .akasseLeadingZero:
            var r = rng.chance(0.85) ? makeSamtale(day: day, jobcenter: false) : makeMinplan(day: day)
            badId(&r)
            r.kode = rng.chance(0.3) ? Array("07".utf8) : [0x30] + r.kode
            render(r)

        case .akasseTooLong:
            var r = makeSamtale(day: day, jobcenter: false)
            badId(&r)
            r.kode = Array(["12345", "10024", "240000"][rng.below(3)].utf8)
            render(r)

        case .cprDate:
            var r = rng.chance(0.9) ? makeSamtale(day: day, jobcenter: rng.chance(0.82)) : makeJobsoegningskrav(day: day)
            badId(&r)
            r.cpr = impossibleDateCpr()
            render(r)

        case .cprLetters:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            var c = randomPerson().cpr
            let digitsAt = c.indices.filter { c[$0] != 0x2D }
            c[digitsAt[rng.below(digitsAt.count)]] = Array("ABOXIS".utf8)[rng.below(6)]
            r.cpr = c
            render(r)

        case .cprLength:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            let digits = randomPerson().cpr.filter { $0 != 0x2D }
            switch rng.below(4) {
            case 0: r.cpr = Array(digits.dropLast())                                  // 9 digits
            case 1: r.cpr = digits + [UInt8(0x30 + rng.below(10))]                    // 11 digits
            case 2: r.cpr = Array(digits[0..<4]) + [0x2D] + Array(digits[4...])       // dash in the wrong place
            default: r.cpr = Array(digits[0..<6]) + [0x20] + Array(digits[6...])      // a space instead of the dash
            }
            render(r)

        case .unknownSamtaletype:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            r.aftale = nil
            r.akasseDeltagelse = nil
            r.akasseFelt = nil
            let candidates = ["JOBSAMTALE_X", "SAMTALE", "jobsamtale", "CV-SAMTALE", "OPFØLGNINGSSAMTALE", "FAELLES_JOBSAMTALE"]
                .map { Array($0.utf8) }.filter { c in !t.types.contains { $0.code == c } }
            r.typeCode = candidates[rng.below(candidates.count)]
            render(r)

        case .samtaletypeNotAllowed:
            let fromJobcenter = typeIndices { !$0.fraJobcenter && !$0.kraeverAkassedeltagelse }
            let fromAkasse = typeIndices { !$0.fraAkasse && !$0.kraeverAkassedeltagelse && $0.akasseFelt == nil }
            let jc = fromAkasse.isEmpty || (!fromJobcenter.isEmpty && rng.chance(0.6))
            let list = jc ? fromJobcenter : fromAkasse
            var r = makeSamtale(day: day, jobcenter: jc, type: list[rng.below(list.count)])
            badId(&r)
            render(r)

        case .unknownSamtaleform:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            let candidates = ["SKYPE", "personligt", "FYSISK", "TELEFON", "VIDEOMOEDE"]
                .map { Array($0.utf8) }.filter { !t.forms.contains($0) }
            r.form = candidates[rng.below(candidates.count)]
            render(r)

        case .akasseDeltagelseNotAllowed:
            let list = typeIndices { $0.fraJobcenter && !$0.kraeverAkassedeltagelse }
            var r = makeSamtale(day: day, jobcenter: true, type: list[rng.below(list.count)])
            badId(&r)
            r.akasseDeltagelse = rng.chance(0.7) ? t.deltog : t.deltogIkke
            render(r)

        case .visitationNotAllowed:
            let list = t.kontaktgrupper.indices.filter { !t.kontaktgrupper[$0].visitationTilladt }
            var kg = list[rng.below(list.count)]
            if let insured = t.insuredKontaktgruppe, list.contains(insured), rng.chance(0.6) { kg = insured }
            var r = makeSamtale(day: day, jobcenter: true, kontaktgruppe: kg)
            badId(&r)
            r.visitationsgruppe = t.visitationsgrupper[t.visitationsgruppeWeights.pick(&rng)]
            render(r)

        case .cvNotAllowed:
            let list = t.kontaktgrupper.indices.filter { !t.kontaktgrupper[$0].cvRegel }
            var r = makeSamtale(day: day, jobcenter: true, kontaktgruppe: list[rng.below(list.count)])
            badId(&r)
            r.cvFyldestgoerende = rng.chance(0.25)
            render(r)

        case .afholdtAfterRegistreret:
            let jc = rng.chance(0.6)
            var r = makeSamtale(day: day, jobcenter: jc)
            badId(&r)
            if jc {
                r.afholdt.utc = r.registreret.utc + 86_400 * rng.range(1, 3)   // a later calendar day
            } else {
                r.afholdt.utc = r.registreret.utc + 60 * rng.range(10, 300)    // a later instant
            }
            render(r)

        case .akasseAfholdtDate:
            var r = makeSamtale(day: day, jobcenter: false)
            badId(&r)
            r.afholdt.style = .date
            render(r)

        case .timestampInvalid:
            var r = rng.chance(0.85) ? makeSamtale(day: day, jobcenter: rng.chance(0.82)) : makeMinplan(day: day)
            badId(&r)
            edit = Edit(rawKey: Array("registreret".utf8), rawValue: Array(brokenTimestamp(r.registreret).utf8))
            render(r)

        case .dateInvalid:
            var r = makeSamtale(day: day, jobcenter: true)
            badId(&r)
            edit = Edit(rawKey: Array("afholdt".utf8), rawValue: Array(brokenDate(r.afholdt).utf8))
            render(r)

        case .forpligtendeNotAllowed:
            let list = typeIndices { $0.fraJobcenter && !$0.kraeverAftale && !$0.kraeverAkassedeltagelse }
            var r = makeSamtale(day: day, jobcenter: true, type: list[rng.below(list.count)])
            badId(&r)
            r.aftale = Aftale(forpligtende: 2, saerligIndsats: rng.chance(0.3) ? 1 : 0,
                              tekst: rng.chance(0.8) ? tekst(t.bindingJobcenter, kommune: r.indberetterIndex) : nil)
            render(r)

        case .aftaleWithoutForpligtende:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            r.aftale = Aftale(forpligtende: 0, saerligIndsats: 1, tekst: tekst(t.practical, kommune: 0))
            render(r)

        case .tooManyDeltagere:
            var r = makeSamtale(day: day, jobcenter: t.rolleAkasse.isEmpty || rng.chance(0.82))
            badId(&r)
            r.deltagere = (0..<rng.range(21, 24)).map { _ in makeDeltager(jobcenter: r.jobcenter, formIndex: r.formIndex) }
            render(r)

        case .deltagerEmptyNavn:
            var r = makeSamtale(day: day, jobcenter: true)
            badId(&r)
            if r.deltagere.isEmpty || r.deltagere.count > 3 { r.deltagere = [makeDeltager(jobcenter: true, formIndex: r.formIndex)] }
            r.deltagere[rng.below(r.deltagere.count)].first = -1
            render(r)

        case .rolleNotAllowed:
            let list = t.roller.indices.filter { !t.rolleFraAkasse[$0] }
            var r = makeSamtale(day: day, jobcenter: false)
            badId(&r)
            r.deltagere.append(makeDeltager(jobcenter: false, rolle: list[rng.below(list.count)], formIndex: r.formIndex))
            render(r)

        case .unknownRolle:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            let candidates = ["SAGSBEHANDLER", "PAAROERENDE", "tolk", "KONSULENT"].map { Array($0.utf8) }.filter { !t.roller.contains($0) }
            var d = makeDeltager(jobcenter: r.jobcenter, formIndex: r.formIndex)
            d.rolle = candidates[rng.below(candidates.count)]
            r.deltagere.append(d)
            render(r)

        case .idInvalid:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            let u = rng.below(10)
            if u < 6 {
                r.id = r.id.map { $0 == 0x2D ? 0x20 : $0 }                          // spaces
            } else if u < 8 {
                r.id = r.id.map { $0 == 0x2D ? 0x2F : $0 }                          // slashes
            } else if u < 9 {
                r.id += Array("-".utf8) + Array(repeating: 0x58, count: 60)          // more than 64 characters
            } else {
                r.id = []                                                             // empty
            }
            render(r)

        case .handlingUnknown:
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            r.explicitOpret = true
            let raw = ["\"slet\"", "\"OPRET\"", "\"delete\"", "\"update\""][rng.below(4)]
            edit = Edit(rawKey: Array("handling".utf8), rawValue: Array(raw.utf8))
            render(r)

        case .minplanFromJobcenter, .jobsoegningskravFromJobcenter:
            var r = kind == .minplanFromJobcenter ? makeMinplan(day: day) : makeJobsoegningskrav(day: day)
            let kommune = t.kommuneWeights.pick(&rng)
            r.jobcenter = true
            r.indberetterIndex = kommune
            r.kode = t.kommuneKoder[kommune]
            r.indberetterFirst = false
            r.nullsForAbsent = false
            badId(&r)
            if rng.chance(0.2) { r.handling = .annuller }   // a withdrawal must also come from an a-kasse
            render(r)

        case .jobmaalEmpty:
            var r = makeMinplan(day: day)
            badId(&r)
            let raw = ["[]", "[\"\"]", "[\"lagermedarbejder\",\"\"]"][rng.below(3)]
            edit = Edit(rawKey: Array("jobmaal".utf8), rawValue: Array(raw.utf8))
            render(r)

        case .antalOutOfRange:
            var r = makeJobsoegningskrav(day: day)
            badId(&r)
            r.antalAnsoegninger = rng.chance(0.8) ? rng.range(101, 250) : -rng.range(1, 5)
            render(r)

        case .jobsoegningskravKravMissing:
            // Feed contract v2: omfang, formaal and stillingskilder are required and not empty.
            var r = makeJobsoegningskrav(day: day)
            badId(&r)
            let key = Array(["omfang", "formaal", "stillingskilder"][rng.below(3)].utf8)
            edit = rng.chance(0.5) ? Edit(omit: key) : Edit(rawKey: key, rawValue: Array("\"\"".utf8))
            render(r)

        case .akasseVisitation:
            // § 87 has no visitation: a visitationsgruppe comes only from a jobcenter.
            var r = makeSamtale(day: day, jobcenter: false)
            badId(&r)
            r.visitationsgruppe = t.visitationsgrupper[t.visitationsgruppeWeights.pick(&rng)]
            render(r)

        case .registreretFuture:
            // Registered in a year no load of this feed will have reached (rule `future`).
            var r = makeSamtale(day: day, jobcenter: rng.chance(0.82))
            badId(&r)
            let stamp = "2090-0\(1 + rng.below(9))-1\(rng.below(10))T10:1\(rng.below(10)):00+01:00"
            edit = Edit(rawKey: Array("registreret".utf8), rawValue: Array("\"\(stamp)\"".utf8))
            render(r)
        }
        return kind
    }

    // MARK: - Helpers

    mutating func badId(_ r: inout Registrering) {
        var b: [UInt8] = []
        switch r.kind {
        case .minplan: b = Array("MP".utf8)
        case .jobsoegningskrav: b = Array("JK".utf8)
        case .samtale: b = Array((r.jobcenter ? "JC" : "AK").utf8)
        }
        b += r.kode
        b += Array("-FEJL-".utf8)
        SyntheticFeed.Engine.appendPadded(&b, invalidCounter, 6)
        r.id = b
    }

    func typeIndices(_ predicate: (SyntheticFeed.TypeInfo) -> Bool) -> [Int] {
        t.types.indices.filter { predicate(t.types[$0]) }
    }

    func find(_ needle: [UInt8]) -> Int? {
        guard needle.count <= out.count else { return nil }
        var i = 0
        while i + needle.count <= out.count {
            if out[i] == needle[0] && Array(out[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// The first æ, ø, å, Æ, Ø or Å (C3 xx) of the line.
    func firstDanishLetter() -> Int? {
        var i = 0
        while i + 1 < out.count {
            if out[i] == 0xC3, [0x85, 0x86, 0x98, 0xA5, 0xA6, 0xB8].contains(out[i + 1]) { return i }
            i += 1
        }
        return nil
    }

    /// Gives the registration an aftale whose tekst contains a Danish letter (and keeps it valid).
    mutating func ensureDanishText(_ r: inout Registrering) {
        let type = t.types[r.typeIndex]
        var a = r.aftale ?? Aftale(forpligtende: type.kraeverAftale ? 2 : 1, saerligIndsats: 0, tekst: nil)
        if a.forpligtende == 0 || (a.forpligtende == 2 && !type.kraeverAftale) { a.forpligtende = 1 }
        let range = a.forpligtende == 2 ? (r.jobcenter ? t.bindingJobcenter : t.bindingAkasse) : t.practical
        var x = tekst(range, kommune: 0)
        if let withLetter = range.first(where: { t.templates[$0].contains(0xC3) }) { x.template = withLetter }
        a.tekst = x
        r.aftale = a
    }

    /// A samtale, minplan or jobsoegningskrav and one of its required keys.
    mutating func registrationWithRequiredKey(day: Int) -> (Registrering, [UInt8]) {
        var target = rng.below(19)
        if target == 10 && !t.types.contains(where: { $0.fraJobcenter && $0.kraeverAkassedeltagelse }) { target = 4 }
        if target == 11 && !t.types.contains(where: { $0.fraAkasse && $0.akasseFelt != nil && !$0.unknownAkasseFelt }) { target = 5 }
        switch target {
        case 0...7:
            let keys = ["registrering", "id", "registreret", "indberetter", "cpr", "afholdt", "samtaletype", "samtaleform"]
            var r = makeSamtale(day: day, jobcenter: target == 3 || rng.chance(0.8))
            if target == 3 {
                // Without indberetter nothing may depend on its type.
                if r.afholdt.style == .date { r.afholdt.style = .copenhagen }
                r.deltagere = []
            }
            if target == 6 { r.aftale = nil; r.akasseDeltagelse = nil; r.akasseFelt = nil }
            return (r, Array(keys[target].utf8))
        case 8:
            var r = makeSamtale(day: day, jobcenter: true)
            r.visitationsgruppe = nil
            r.cvFyldestgoerende = nil
            return (r, Array("kontaktgruppe".utf8))
        case 9:
            let jc = rng.chance(0.7)
            let list = typeIndices { $0.kraeverAftale && (jc ? $0.fraJobcenter : ($0.fraAkasse && !$0.unknownAkasseFelt && !$0.kraeverAkassedeltagelse)) }
            if list.isEmpty { return (makeSamtale(day: day, jobcenter: true), Array("cpr".utf8)) }
            return (makeSamtale(day: day, jobcenter: jc, type: list[rng.below(list.count)]), Array("aftale".utf8))
        case 10:
            let list = typeIndices { $0.fraJobcenter && $0.kraeverAkassedeltagelse }
            return (makeSamtale(day: day, jobcenter: true, type: list[rng.below(list.count)], kontaktgruppe: t.insuredKontaktgruppe),
                    Array("akasseDeltagelse".utf8))
        case 11:
            let list = typeIndices { $0.fraAkasse && $0.akasseFelt != nil && !$0.unknownAkasseFelt && !$0.kraeverAkassedeltagelse }
            let r = makeSamtale(day: day, jobcenter: false, type: list[rng.below(list.count)])
            return (r, r.akasseFelt ?? Array("cpr".utf8))
        case 12, 13, 14, 18:
            let keys = [12: "jobmaal", 13: "plan", 14: "begrundelse", 18: "cpr"]
            return (makeMinplan(day: day), Array(keys[target]!.utf8))
        default:
            let keys = [15: "fagomraader", 16: "geografi", 17: "antalAnsoegninger"]
            return (makeJobsoegningskrav(day: day), Array(keys[target]!.utf8))
        }
    }

    /// A personnummer whose digits 1-6 are no real date (31 February, 29 February 1900, month 13, ...).
    mutating func impossibleDateCpr() -> [UInt8] {
        var dd: Int, mm: Int, yy: Int
        switch rng.below(5) {
        case 0:
            dd = rng.range(30, 31); mm = 2; yy = rng.range(0, 99)
        case 1:
            dd = 29; mm = 2
            if rng.chance(0.3) { yy = 0 } else { repeat { yy = rng.range(1, 99) } while yy % 4 == 0 }   // 19YY, not a leap year
        case 2:
            dd = 31; mm = [4, 6, 9, 11][rng.below(4)]; yy = rng.range(0, 99)
        case 3:
            dd = rng.range(1, 28); mm = rng.chance(0.5) ? 13 : 0; yy = rng.range(0, 99)
        default:
            dd = rng.chance(0.5) ? 32 : 0; mm = rng.range(1, 12); yy = rng.range(0, 99)
        }
        let d = [dd / 10, dd % 10, mm / 10, mm % 10, yy / 10, yy % 10, rng.below(4), rng.below(10), rng.below(10), rng.below(10)]
        var b: [UInt8] = []
        let dash = rng.chance(0.3)
        for k in 0..<10 {
            if k == 6 && dash { b.append(0x2D) }
            b.append(UInt8(0x30 + d[k]))
        }
        return b
    }

    /// A registreret value that breaks the timestamp rule, as a JSON string.
    mutating func brokenTimestamp(_ s: SyntheticFeed.Stamp) -> String {
        let off = t.copenhagenOffset(s.utc)
        let local = s.utc + off
        let days = SyntheticFeed.Clock.floorDiv(local, 86_400)
        let sec = local - days * 86_400
        let c = CivilDate(daysSinceEpoch: days)
        func p2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let y = "\(c.year)", m = p2(c.month), d = p2(c.day)
        let hh = p2(sec / 3_600), mi = p2(sec / 60 % 60), ss = p2(sec % 60)
        let o = off == 7_200 ? "+02:00" : "+01:00"
        let text: String
        switch rng.below(9) {
        case 0: text = "\(y)-\(m)-\(d) \(hh):\(mi):\(ss)\(o)"          // space instead of T
        case 1: text = "\(y)-\(m)-\(d)T\(hh):\(mi):\(ss)"              // no offset
        case 2: text = "\(y)-\(m)-\(d)t\(hh):\(mi):\(ss)\(o)"          // lowercase t
        case 3: text = "\(y)-02-30T\(hh):\(mi):\(ss)\(o)"              // no such day
        case 4: text = "\(y)-\(m)-\(d)T\(hh):\(mi):\(ss).1234567\(o)"  // 7 fraction digits
        case 5: text = "\(y)-\(m)-\(d)T24:00:00\(o)"                   // no such hour
        case 6: text = "\(d)-\(m)-\(y) \(hh):\(mi)"                    // Danish notation
        case 7: text = "\(y)-\(m)-\(d)T\(hh):\(mi)\(o)"                // no seconds
        default: text = "\(y)-\(m)-\(d)T\(hh):\(mi):\(ss)+0100"        // offset without colon
        }
        return "\"" + text + "\""
    }

    /// A jobcenter afholdt value that is no date YYYY-MM-DD, as a JSON string.
    mutating func brokenDate(_ s: SyntheticFeed.Stamp) -> String {
        let c = CivilDate(daysSinceEpoch: t.copenhagenDay(s.utc))
        func p2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text: String
        switch rng.below(4) {
        case 0: text = "\(p2(c.day))-\(p2(c.month))-\(c.year)"
        case 1: text = CivilDate.isLeap(c.year) ? "\(c.year)-02-30" : "\(c.year)-02-29"
        case 2: text = "\(c.year)/\(p2(c.month))/\(p2(c.day))"
        default: text = "\(c.year)\(p2(c.month))\(p2(c.day))"
        }
        return "\"" + text + "\""
    }
}
