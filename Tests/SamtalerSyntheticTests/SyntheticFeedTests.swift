import Foundation
import Testing
import SamtalerFeed
import SamtalerSynthetic

/// Tests of the synthetic feed generator. The file carries its own small, strict reading of the
/// feed contract (`shared/spec/feed.md`): every valid line must pass it and every deliberately
/// invalid line must fail it for exactly one reason. All helpers are nested in the suite, so they
/// cannot collide with other test files of the target.
@Suite("Synthetic feed generator")
struct SyntheticFeedTests {
    // MARK: - Fixtures

    static func reference() throws -> ReferenceData {
        // Tests/SamtalerSyntheticTests/SyntheticFeedTests.swift: the repository root is three levels up.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try ReferenceData.load(directory: root.appendingPathComponent("sql/reference").path)
    }

    struct Feed {
        var lines: [[UInt8]] = []
        var invalid: [Bool] = []
        var stats = SyntheticFeedStats()
    }

    static func feed(rows: Int, seed: UInt64, invalidShare: Double = 0.01, reference ref: ReferenceData) throws -> Feed {
        var f = Feed()
        f.stats = try SyntheticFeed.generate(options: SyntheticFeedOptions(rows: rows, seed: seed, invalidShare: invalidShare), reference: ref) { line, bad in
            f.lines.append(line)
            f.invalid.append(bad)
        }
        return f
    }

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    /// The string value of `"key":"..."` at its first occurrence (enough for the generator's own lines).
    static func stringValue(_ key: String, in line: [UInt8]) -> String? {
        let needle = Array("\"\(key)\":\"".utf8)
        guard line.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= line.count {
            if line[i] == needle[0] && Array(line[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                var out: [UInt8] = []
                while j < line.count && line[j] != 0x22 { out.append(line[j]); j += 1 }
                return text(out)
            }
            i += 1
        }
        return nil
    }

    // MARK: - Determinism, counts, stats

    @Test func sameSeedGivesIdenticalBytesOtherSeedDiffers() throws {
        let ref = try Self.reference()
        let a = try Self.feed(rows: 5_000, seed: 42, reference: ref)
        let b = try Self.feed(rows: 5_000, seed: 42, reference: ref)
        let c = try Self.feed(rows: 5_000, seed: 43, reference: ref)
        #expect(a.lines == b.lines)
        #expect(a.invalid == b.invalid)
        #expect(a.stats == b.stats)
        #expect(a.lines != c.lines)
    }

    @Test(arguments: [0, 1, 2, 3, 17, 1_000, 4_321])
    func writesExactlyTheRequestedRows(rows: Int) throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: rows, seed: 7, reference: ref)
        #expect(f.lines.count == rows)
        #expect(f.stats.lines == rows)
        #expect(f.stats.valid + f.stats.invalid == rows)
    }

    @Test func writeToFileMatchesGenerate() throws {
        let ref = try Self.reference()
        let options = SyntheticFeedOptions(rows: 3_000, seed: 99)
        let path = NSTemporaryDirectory() + "synthetic-feed-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stats = try SyntheticFeed.write(to: path, options: options, reference: ref)
        let data = try #require(FileManager.default.contents(atPath: path))
        var expected: [UInt8] = []
        let stats2 = try SyntheticFeed.generate(options: options, reference: ref) { line, _ in
            expected += line
            expected.append(0x0A)
        }
        #expect(Array(data) == expected)
        #expect(stats == stats2)
        #expect(data.filter { $0 == 0x0A }.count == 3_000)
        #expect(data.last == 0x0A)
    }

    @Test func statsAddUp() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 5, reference: ref)
        #expect(f.stats.lines == f.lines.count)
        #expect(f.stats.lines == f.stats.samtaler + f.stats.minplaner + f.stats.jobsoegningskrav + f.stats.invalid)
        #expect(f.stats.invalid == f.invalid.filter { $0 }.count)
        #expect(f.stats.invalidByKind.values.reduce(0, +) == f.stats.invalid)
        var samtaler = 0, minplaner = 0, krav = 0, ret = 0, annuller = 0
        for (line, bad) in zip(f.lines, f.invalid) where !bad {
            switch Self.stringValue("registrering", in: line) {
            case "samtale": samtaler += 1
            case "minplan": minplaner += 1
            case "jobsoegningskrav": krav += 1
            default: Issue.record("no registrering: \(Self.text(line))")
            }
            switch Self.stringValue("handling", in: line) {
            case "ret": ret += 1
            case "annuller": annuller += 1
            default: break
            }
        }
        #expect(samtaler == f.stats.samtaler)
        #expect(minplaner == f.stats.minplaner)
        #expect(krav == f.stats.jobsoegningskrav)
        #expect(ret == f.stats.corrections)
        #expect(annuller == f.stats.withdrawals)
        for kind in f.stats.invalidByKind.keys { #expect(SyntheticFeed.invalidKindNames.contains(kind)) }
    }

    @Test(arguments: [0.0, 0.01, 0.05, 0.3])
    func invalidShareIsKept(share: Double) throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 11, invalidShare: share, reference: ref)
        let expected = 20_000.0 * share
        #expect(abs(Double(f.stats.invalid) - expected) <= max(2, expected * 0.05))
    }

    @Test func rejectsBadOptions() throws {
        let ref = try Self.reference()
        let from = CivilDate(year: 2025, month: 1, day: 1)!, to = CivilDate(year: 2024, month: 1, day: 1)!
        #expect(throws: SyntheticFeedError.self) {
            try SyntheticFeed.generate(options: SyntheticFeedOptions(rows: 10, seed: 1, from: from, to: to), reference: ref) { _, _ in }
        }
        #expect(throws: SyntheticFeedError.self) {
            try SyntheticFeed.generate(options: SyntheticFeedOptions(rows: 10, seed: 1, invalidShare: 1.5), reference: ref) { _, _ in }
        }
    }

    @Test func shortDateRangeStaysInside() throws {
        let ref = try Self.reference()
        let day = CivilDate(year: 2025, month: 3, day: 30)!   // summer time starts that night
        let options = SyntheticFeedOptions(rows: 2_000, seed: 3, from: day, to: day, invalidShare: 0)
        let checker = Contract(ref)
        _ = try SyntheticFeed.generate(options: options, reference: ref) { line, _ in
            #expect(checker.reasons(line).isEmpty, "\(Self.text(line))")
            if let afholdt = Self.stringValue("afholdt", in: line) {
                #expect(checker.copenhagenDate(of: afholdt) == day, "\(Self.text(line))")
            }
        }
    }

    // MARK: - The contract

    @Test func validLinesPassAndInvalidLinesBreakExactlyOneRule() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 2024, invalidShare: 0.25, reference: ref)
        let checker = Contract(ref)
        var validFailures: [String] = []
        var invalidPassing: [String] = []
        var invalidMany: [String] = []
        for (line, bad) in zip(f.lines, f.invalid) {
            let reasons = checker.reasons(line)
            if !bad && !reasons.isEmpty { validFailures.append("\(reasons): \(Self.text(line))") }
            if bad && reasons.isEmpty { invalidPassing.append(Self.text(line)) }
            if bad && reasons.count > 1 { invalidMany.append("\(reasons): \(Self.text(line))") }
        }
        #expect(validFailures.isEmpty, "\(validFailures.count) valid lines fail, e.g. \(validFailures.prefix(5))")
        #expect(invalidPassing.isEmpty, "\(invalidPassing.count) invalid lines pass, e.g. \(invalidPassing.prefix(5))")
        #expect(invalidMany.isEmpty, "\(invalidMany.count) invalid lines break several rules, e.g. \(invalidMany.prefix(5))")
        // Every kind of invalid line is made.
        for kind in SyntheticFeed.invalidKindNames {
            #expect((f.stats.invalidByKind[kind] ?? 0) > 0, "no \(kind)")
        }
    }

    @Test func validLinesAreSingleLineJSONObjects() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 8, reference: ref)
        for (line, bad) in zip(f.lines, f.invalid) {
            #expect(!line.contains(0x0A), "LF inside a line")
            #expect(line.contains { $0 != 0x20 && $0 != 0x09 }, "blank line")
            if bad { continue }
            #expect(!line.contains(0x0D))
            #expect(line.first == 0x7B && line.last == 0x7D)
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(Self.text(line))")
        }
    }

    @Test func noIdHoldsTenDigitsInARow() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 12, invalidShare: 0.1, reference: ref)
        var ids = Set<String>()
        for line in f.lines {
            guard let id = Self.stringValue("id", in: line) else { continue }
            ids.insert(id)
            var run = 0
            for c in id.utf8 {
                run = (c >= 0x30 && c <= 0x39) ? run + 1 : 0
                #expect(run < 10, "id with 10 digits: \(id)")
            }
        }
        #expect(ids.count > 15_000)
    }

    @Test func invalidLinesNeverShareAnIdWithValidOnes() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 13, invalidShare: 0.1, reference: ref)
        var valid = Set<String>(), invalid = Set<String>()
        for (line, bad) in zip(f.lines, f.invalid) {
            guard let id = Self.stringValue("id", in: line) else { continue }
            if bad { invalid.insert(id) } else { valid.insert(id) }
        }
        #expect(valid.isDisjoint(with: invalid))
    }

    // MARK: - Coverage and realism

    @Test func everySamtaletypeAndSamtaleformIn20k() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 20_000, seed: 1, reference: ref)
        var types = Set<String>(), forms = Set<String>(), regs = Set<String>(), roles = Set<String>()
        for (line, bad) in zip(f.lines, f.invalid) where !bad {
            if let t = Self.stringValue("samtaletype", in: line) { types.insert(t) }
            if let s = Self.stringValue("samtaleform", in: line) { forms.insert(s) }
            if let r = Self.stringValue("registrering", in: line) { regs.insert(r) }
            if let r = Self.stringValue("rolle", in: line) { roles.insert(r) }
        }
        #expect(types == Set(ref.samtaletyper.keys))
        #expect(forms == Set(ref.samtaleformer.keys))
        #expect(regs == ["samtale", "minplan", "jobsoegningskrav"])
        #expect(roles == Set(ref.deltagerroller.keys))
        #expect(f.stats.corrections > 0 && f.stats.withdrawals > 0)
    }

    @Test func everyKommuneTheInferredAkasseAndTheUnknownPersonIn100k() throws {
        let ref = try Self.reference()
        let jobcenter = Array("\"indberetter\":{\"type\":\"jobcenter\",\"kode\":\"".utf8)
        let akasse = Array("\"indberetter\":{\"type\":\"akasse\",\"kode\":\"".utf8)
        func code(after prefix: [UInt8], in line: [UInt8]) -> String? {
            var i = 0
            while i + prefix.count <= line.count {
                if line[i] == prefix[0] && Array(line[i..<(i + prefix.count)]) == prefix {
                    var j = i + prefix.count
                    var out: [UInt8] = []
                    while j < line.count && line[j] != 0x22 { out.append(line[j]); j += 1 }
                    return Self.text(out)
                }
                i += 1
            }
            return nil
        }
        var kommuner: [String: Int] = [:], akasser: [String: Int] = [:]
        var jobcenterLines = 0, akasseLines = 0, unknownPerson = 0, valid = 0
        _ = try SyntheticFeed.generate(options: SyntheticFeedOptions(rows: 100_000, seed: 100), reference: ref) { line, bad in
            guard !bad else { return }
            valid += 1
            if let k = code(after: jobcenter, in: line) { kommuner[k, default: 0] += 1; jobcenterLines += 1 }
            if let k = code(after: akasse, in: line) { akasser[k, default: 0] += 1; akasseLines += 1 }
            if let cpr = Self.stringValue("cpr", in: line), cpr == "0000000000" || cpr == "000000-0000" { unknownPerson += 1 }
        }
        #expect(Set(kommuner.keys) == Set(ref.kommuner.keys))
        #expect(Set(ref.akasser.keys).isSubset(of: Set(akasser.keys)))
        let inferred = akasser.filter { ref.akasser[$0.key] == nil }
        #expect(!inferred.isEmpty)
        #expect(inferred.values.reduce(0, +) < valid / 200)   // rare (~0.1 %)
        // ~82 % jobcenter lines, København far larger than Læsø.
        let share = Double(jobcenterLines) / Double(valid)
        #expect(share > 0.79 && share < 0.85, "jobcenter share \(share)")
        #expect((kommuner["101"] ?? 0) > 50 * (kommuner["825"] ?? 0))
        #expect(unknownPerson > 50 && unknownPerson < 400)
    }

    @Test func videoAndDigitalGrowOverTheRange() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 40_000, seed: 21, reference: ref)
        func share(_ range: Range<Int>) -> Double {
            var remote = 0, all = 0
            for i in range where !f.invalid[i] {
                guard let form = Self.stringValue("samtaleform", in: f.lines[i]) else { continue }
                all += 1
                if form == "VIDEO" || form == "DIGITALT" { remote += 1 }
            }
            return Double(remote) / Double(max(1, all))
        }
        let early = share(0..<10_000), late = share(30_000..<40_000)
        #expect(late > early + 0.05, "video+digital \(early) -> \(late)")
    }

    @Test func samtaleDetailsAreRealistic() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 40_000, seed: 31, invalidShare: 0, reference: ref)
        let checker = Contract(ref)
        var jobcenterSamtaler = 0, withDeltagere = 0, lateEvening = 0, akasseDateOnly = 0
        var jointTalks = 0, jointWithKonsulent = 0
        var cprById: [String: Set<String>] = [:]
        var dashed = 0, plain = 0, mod11Fails = 0
        for line in f.lines {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  object["registrering"] as? String == "samtale", object["handling"] as? String != "annuller" else { continue }
            let indberetter = object["indberetter"] as! [String: Any]
            let type = object["samtaletype"] as! String
            let isJobcenter = indberetter["type"] as? String == "jobcenter"
            if isJobcenter {
                jobcenterSamtaler += 1
                if let d = object["deltagere"] as? [Any], !d.isEmpty { withDeltagere += 1 }
            }
            if type == "JOBSAMTALE_31_2" {
                jointTalks += 1
                let roles = (object["deltagere"] as? [[String: Any]] ?? []).compactMap { $0["rolle"] as? String }
                if roles.contains("AKASSEKONSULENT") { jointWithKonsulent += 1 }
            }
            let afholdt = object["afholdt"] as! String
            if !isJobcenter {
                if afholdt.count == 10 { akasseDateOnly += 1 }
                // UTC date and Copenhagen date differ: late in the evening on a month's last day.
                if afholdt.hasSuffix("Z"), let d = checker.copenhagenDate(of: afholdt),
                   d.day == 1, String(afholdt.prefix(10)) != d.description { lateEvening += 1 }
            }
            let cpr = object["cpr"] as! String
            if cpr.contains("-") { dashed += 1 } else { plain += 1 }
            let digits = cpr.filter { $0 != "-" }.compactMap { $0.wholeNumberValue }
            if digits.count == 10 && digits.contains(where: { $0 != 0 }) {
                let weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
                if zip(digits, weights).map(*).reduce(0, +) % 11 != 0 { mod11Fails += 1 }
            }
            let id = object["id"] as! String
            cprById[id, default: []].insert(cpr)
        }
        let deltagerShare = Double(withDeltagere) / Double(jobcenterSamtaler)
        #expect(deltagerShare > 0.18 && deltagerShare < 0.35, "deltagere share \(deltagerShare)")
        #expect(akasseDateOnly == 0)
        #expect(lateEvening > 0)
        #expect(jointTalks > 0 && Double(jointWithKonsulent) / Double(jointTalks) > 0.7)
        #expect(dashed > 0 && plain > dashed)
        #expect(mod11Fails > 0)
        // A registration's versions keep the person.
        #expect(cprById.values.allSatisfy { $0.count == 1 })
    }

    @Test func versionsAppearInAndOutOfOrder() throws {
        let ref = try Self.reference()
        let f = try Self.feed(rows: 60_000, seed: 77, invalidShare: 0, reference: ref)
        let checker = Contract(ref)
        struct Seen { var handling: String; var registreret: Int; var micros: Int; var line: [UInt8] }
        var byKey: [String: [Seen]] = [:]
        var exactDuplicates = 0
        var seenLines = Set<[UInt8]>()
        for line in f.lines {
            if !seenLines.insert(line).inserted { exactDuplicates += 1 }
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            let ind = object["indberetter"] as! [String: Any]
            let key = "\(object["registrering"]!)|\(ind["type"]!)|\(ind["kode"]!)|\(object["id"]!)"
            let registreret = checker.instant(object["registreret"] as! String)!
            byKey[key, default: []].append(Seen(handling: object["handling"] as? String ?? "opret", registreret: registreret.seconds,
                                                micros: registreret.micros, line: line))
        }
        var retBeforeOpret = 0, olderAfterNewer = 0, corrected = 0, withdrawn = 0
        for versions in byKey.values where versions.count > 1 {
            if versions.contains(where: { $0.handling == "ret" }) { corrected += 1 }
            if versions.contains(where: { $0.handling == "annuller" }) { withdrawn += 1 }
            let decreasing = zip(versions, versions.dropFirst()).contains { ($1.registreret, $1.micros) < ($0.registreret, $0.micros) }
            if versions[0].handling == "ret" && versions.dropFirst().contains(where: { $0.handling == "opret" }) {
                retBeforeOpret += 1      // the correction arrived before the original
            } else if versions[0].handling == "opret" && decreasing {
                olderAfterNewer += 1     // an old version repeated after the newer one
            }
            // Two different versions never share a registreret (which one wins would depend on load order).
            var byInstant: [String: Set<[UInt8]>] = [:]
            for v in versions { byInstant["\(v.registreret).\(v.micros)", default: []].insert(v.line) }
            #expect(byInstant.values.allSatisfy { $0.count == 1 })
        }
        let registrations = byKey.count
        #expect(retBeforeOpret > 0)
        #expect(olderAfterNewer > 0)
        #expect(exactDuplicates > 0)
        #expect(Double(corrected) / Double(registrations) > 0.025 && Double(corrected) / Double(registrations) < 0.06)
        #expect(Double(withdrawn) / Double(registrations) > 0.004 && Double(withdrawn) / Double(registrations) < 0.02)
    }

    // MARK: - An independent, strict reading of the contract

    indirect enum Value {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    struct Parser {
        struct Failure: Error { var message: String }
        let b: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { b = bytes }

        mutating func document() throws -> Value {
            ws()
            let v = try value()
            ws()
            guard i == b.count else { throw Failure(message: "text after the value") }
            return v
        }

        mutating func ws() { while i < b.count && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D) { i += 1 } }

        mutating func value() throws -> Value {
            guard i < b.count else { throw Failure(message: "unexpected end") }
            switch b[i] {
            case 0x7B: return try object()
            case 0x5B: return try array()
            case 0x22: return .string(try string())
            case 0x74: try word("true"); return .bool(true)
            case 0x66: try word("false"); return .bool(false)
            case 0x6E: try word("null"); return .null
            case 0x2D, 0x30...0x39: return try number()
            default: throw Failure(message: "unexpected byte \(b[i])")
            }
        }

        mutating func word(_ w: String) throws {
            let bytes = Array(w.utf8)
            guard i + bytes.count <= b.count, Array(b[i..<(i + bytes.count)]) == bytes else { throw Failure(message: "bad literal") }
            i += bytes.count
        }

        mutating func object() throws -> Value {
            i += 1
            var members: [(String, Value)] = []
            var keys = Set<String>()
            ws()
            if i < b.count && b[i] == 0x7D { i += 1; return .object(members) }
            while true {
                ws()
                guard i < b.count && b[i] == 0x22 else { throw Failure(message: "expected a key") }
                let k = try string()
                guard keys.insert(k).inserted else { throw Failure(message: "duplicate key \(k)") }
                ws()
                guard i < b.count && b[i] == 0x3A else { throw Failure(message: "expected :") }
                i += 1
                ws()
                members.append((k, try value()))
                ws()
                guard i < b.count else { throw Failure(message: "unexpected end") }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x7D { i += 1; return .object(members) }
                throw Failure(message: "expected , or }")
            }
        }

        mutating func array() throws -> Value {
            i += 1
            var items: [Value] = []
            ws()
            if i < b.count && b[i] == 0x5D { i += 1; return .array(items) }
            while true {
                ws()
                items.append(try value())
                ws()
                guard i < b.count else { throw Failure(message: "unexpected end") }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x5D { i += 1; return .array(items) }
                throw Failure(message: "expected , or ]")
            }
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < b.count else { throw Failure(message: "unterminated string") }
                let c = b[i]
                if c == 0x22 { i += 1; break }
                if c < 0x20 { throw Failure(message: "control character in string") }
                if c == 0x5C {
                    guard i + 1 < b.count else { throw Failure(message: "bad escape") }
                    let e = b[i + 1]
                    i += 2
                    switch e {
                    case 0x22, 0x5C, 0x2F: out.append(e)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        guard i + 4 <= b.count, let u = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                            throw Failure(message: "bad \\u escape")
                        }
                        i += 4
                        out += Array(String(Character(Unicode.Scalar(u) ?? "?")).utf8)
                    default: throw Failure(message: "bad escape")
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func number() throws -> Value {
            let start = i
            if b[i] == 0x2D { i += 1 }
            func digit() -> Bool { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 }
            guard digit() else { throw Failure(message: "bad number") }
            if b[i] == 0x30 { i += 1 } else { while digit() { i += 1 } }
            if i < b.count && b[i] == 0x2E {
                i += 1
                guard digit() else { throw Failure(message: "bad fraction") }
                while digit() { i += 1 }
            }
            if i < b.count && (b[i] == 0x65 || b[i] == 0x45) {
                i += 1
                if i < b.count && (b[i] == 0x2B || b[i] == 0x2D) { i += 1 }
                guard digit() else { throw Failure(message: "bad exponent") }
                while digit() { i += 1 }
            }
            return .number(String(decoding: b[start..<i], as: UTF8.self))
        }
    }

    struct Contract {
        let ref: ReferenceData
        init(_ ref: ReferenceData) { self.ref = ref }

        /// The moment the lines are judged as if a load started (seconds since 1970): now.
        static let loadStarted = Int(Date().timeIntervalSince1970)
        static let formValues: Set<String> = ["PERSONLIGT", "TELEFONISK", "DIGITALT", "VIDEO", "BREV", "MOEDE_PAA_ARBEJDE", "ANDET"]
        static let akasseFelter: [String: Set<String>] = [
            "cvGodkendelse": ["KLAR_TIL_KVALITETSSIKRING", "GODKENDT", "IKKE_GODKENDT"],
            "raadighedsvurdering": ["STAAR_TIL_RAADIGHED", "TVIVL_OM_RAADIGHED", "STAAR_IKKE_TIL_RAADIGHED"],
        ]

        // Time: RFC 3339 as the contract narrows it, and Copenhagen's summer time.

        func instant(_ s: String) -> (seconds: Int, micros: Int)? {
            let b = Array(s.utf8)
            func num(_ from: Int, _ n: Int) -> Int? {
                guard from + n <= b.count else { return nil }
                var v = 0
                for k in from..<(from + n) {
                    guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                    v = v * 10 + Int(b[k] - 0x30)
                }
                return v
            }
            guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
                  let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2),
                  let date = CivilDate(year: y, month: mo, day: d), h < 24, mi < 60, se < 60 else { return nil }
            var k = 19
            var micros = 0
            if k < b.count && b[k] == 0x2E {
                k += 1
                var n = 0
                while k < b.count && b[k] >= 0x30 && b[k] <= 0x39 { micros = micros * 10 + Int(b[k] - 0x30); n += 1; k += 1 }
                guard (1...6).contains(n) else { return nil }
                for _ in n..<6 { micros *= 10 }
            }
            guard k < b.count else { return nil }
            var offset = 0
            if b[k] == 0x5A {
                k += 1
            } else if b[k] == 0x2B || b[k] == 0x2D {
                guard k + 6 == b.count, b[k + 3] == 0x3A, let oh = num(k + 1, 2), let om = num(k + 4, 2), oh < 24, om < 60 else { return nil }
                offset = (oh * 60 + om) * 60 * (b[k] == 0x2D ? -1 : 1)
                k += 6
            } else {
                return nil
            }
            guard k == b.count else { return nil }
            return (date.daysSinceEpoch * 86_400 + h * 3_600 + mi * 60 + se - offset, micros)
        }

        func copenhagenDay(_ utc: Int) -> Int {
            let year = CivilDate(daysSinceEpoch: utc >= 0 ? utc / 86_400 : (utc - 86_399) / 86_400).year
            func lastSunday(_ month: Int) -> Int {
                let last = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))!
                return last.daysSinceEpoch - last.isoWeekday % 7
            }
            let summer = utc >= lastSunday(3) * 86_400 + 3_600 && utc < lastSunday(10) * 86_400 + 3_600
            let local = utc + (summer ? 7_200 : 3_600)
            return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        }

        func copenhagenDate(of value: String) -> CivilDate? {
            if let d = CivilDate(iso: value) { return d }
            guard let t = instant(value) else { return nil }
            return CivilDate(daysSinceEpoch: copenhagenDay(t.seconds))
        }

        func cprValid(_ s: String) -> Bool {
            let b = Array(s.utf8)
            var d: [Int] = []
            for (k, c) in b.enumerated() {
                if b.count == 11 && k == 6 { if c != 0x2D { return false }; continue }
                guard c >= 0x30 && c <= 0x39 else { return false }
                d.append(Int(c - 0x30))
            }
            guard d.count == 10, b.count == 10 || b.count == 11 else { return false }
            if d.allSatisfy({ $0 == 0 }) { return true }
            let dd = d[0] * 10 + d[1], mm = d[2] * 10 + d[3], yy = d[4] * 10 + d[5]
            let century: Int
            switch d[6] {
            case 0...3: century = 1900
            case 4, 9: century = yy <= 36 ? 2000 : 1900
            default: century = yy <= 57 ? 2000 : 1800
            }
            return CivilDate(year: century + yy, month: mm, day: dd) != nil
        }

        func isInteger(_ v: Value) -> Int? {
            guard case .number(let lexeme) = v, !lexeme.contains("."), !lexeme.contains("e"), !lexeme.contains("E") else { return nil }
            return Int(lexeme)
        }

        /// Why a line is invalid (empty: valid).
        func reasons(_ line: [UInt8]) -> [String] {
            guard String(validating: line, as: UTF8.self) != nil else { return ["not UTF-8"] }
            let root: Value
            do { var p = Parser(line); root = try p.document() } catch let e as Parser.Failure { return ["json: \(e.message)"] } catch { return ["json"] }
            guard case .object(let members) = root else { return ["not an object"] }
            var o: [String: Value] = [:]
            for (k, v) in members { if case .null = v { continue }; o[k] = v }
            var r: [String] = []

            func str(_ k: String, required: Bool) -> String? {
                guard let v = o[k] else { if required { r.append("\(k): missing") }; return nil }
                guard case .string(let s) = v else { r.append("\(k): not a string"); return nil }
                return s
            }
            func bool(_ k: String) -> Bool? {
                guard let v = o[k] else { return nil }
                guard case .bool(let b) = v else { r.append("\(k): not a bool"); return nil }
                return b
            }
            func nonEmptyStrings(_ k: String, max: Int) {
                guard let v = o[k] else { r.append("\(k): missing"); return }
                guard case .array(let items) = v, (1...max).contains(items.count) else { r.append("\(k): not an array of 1-\(max)"); return }
                for item in items { guard case .string(let s) = item, !s.isEmpty else { r.append("\(k): empty or not a string"); return } }
            }

            let registrering = str("registrering", required: true)
            if let reg = registrering, !["samtale", "minplan", "jobsoegningskrav"].contains(reg) { r.append("registrering: unknown") }
            if let id = str("id", required: true) {
                let ok = (1...64).contains(id.utf8.count) && id.utf8.allSatisfy {
                    ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || [0x2E, 0x5F, 0x3A, 0x2D].contains($0)
                }
                if !ok { r.append("id: invalid") }
            }
            let handling = str("handling", required: false) ?? "opret"
            if !["opret", "ret", "annuller"].contains(handling) { r.append("handling: unknown") }
            var registreret: (seconds: Int, micros: Int)? = nil
            if let s = str("registreret", required: true) {
                registreret = instant(s)
                if registreret == nil { r.append("registreret: not a timestamp") }
                // Feed contract v2: not after the load's start (these tests load long before 2090).
                if let reg = registreret, reg.seconds > Self.loadStarted { r.append("registreret: in the future") }
            }
            var indberetterType: String? = nil
            if let v = o["indberetter"] {
                if case .object(let m) = v {
                    var t: String? = nil, kode: String? = nil
                    for (k, x) in m { if case .string(let s) = x { if k == "type" { t = s } else if k == "kode" { kode = s } } }
                    switch (t, kode) {
                    case ("jobcenter", let k?):
                        if ref.kommuner[k] == nil { r.append("indberetter.kode: unknown kommune") } else { indberetterType = "jobcenter" }
                    case ("akasse", let k?):
                        let b = Array(k.utf8)
                        if (1...4).contains(b.count) && b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) && b[0] != 0x30 {
                            indberetterType = "akasse"
                        } else {
                            r.append("indberetter.kode: not an a-kassekode")
                        }
                    default: r.append("indberetter: invalid")
                    }
                } else {
                    r.append("indberetter: not an object")
                }
            } else {
                r.append("indberetter: missing")
            }
            guard let reg = registrering else { return r }
            if reg != "samtale", let t = indberetterType, t != "akasse" { r.append("indberetter: \(reg) only from an a-kasse") }
            if handling == "annuller" { return r }

            if let c = str("cpr", required: true), !cprValid(c) { r.append("cpr: invalid") }
            switch reg {
            case "minplan":
                nonEmptyStrings("jobmaal", max: 20)
                if let s = str("plan", required: true), s.isEmpty { r.append("plan: empty") }
                if let s = str("begrundelse", required: true), s.isEmpty { r.append("begrundelse: empty") }
            case "jobsoegningskrav":
                nonEmptyStrings("fagomraader", max: 50)
                if let s = str("geografi", required: true), s.isEmpty { r.append("geografi: empty") }
                if let v = o["antalAnsoegninger"] {
                    if let n = isInteger(v) { if !(0...100).contains(n) { r.append("antalAnsoegninger: out of range") } } else { r.append("antalAnsoegninger: not an integer") }
                } else {
                    r.append("antalAnsoegninger: missing")
                }
                // Required and not empty since feed contract v2.
                for k in ["omfang", "formaal", "stillingskilder"] {
                    if let s = str(k, required: true), s.isEmpty { r.append("\(k): empty") }
                }
            case "samtale":
                samtale(o, indberetterType, registreret, &r)
            default:
                break
            }
            return r
        }

        func samtale(_ o: [String: Value], _ indberetterType: String?, _ registreret: (seconds: Int, micros: Int)?, _ r: inout [String]) {
            func str(_ k: String, required: Bool) -> String? {
                guard let v = o[k] else { if required { r.append("\(k): missing") }; return nil }
                guard case .string(let s) = v else { r.append("\(k): not a string"); return nil }
                return s
            }
            func bool(_ k: String) -> Bool? {
                guard let v = o[k] else { return nil }
                guard case .bool(let b) = v else { r.append("\(k): not a bool"); return nil }
                return b
            }
            var type: ReferenceData.Samtaletype? = nil
            if let t = str("samtaletype", required: true) {
                if let st = ref.samtaletyper[t] {
                    type = st
                    if indberetterType == "jobcenter" && !st.fraJobcenter { r.append("samtaletype: not from a jobcenter") }
                    if indberetterType == "akasse" && !st.fraAkasse { r.append("samtaletype: not from an a-kasse") }
                } else {
                    r.append("samtaletype: unknown")
                }
            }
            if let f = str("samtaleform", required: true), ref.samtaleformer[f] == nil { r.append("samtaleform: unknown") }
            var kontaktgruppe: ReferenceData.Kontaktgruppe? = nil
            if let v = o["kontaktgruppe"] {
                if let n = isInteger(v) {
                    if let kg = ref.kontaktgrupper[n] { kontaktgruppe = kg } else { r.append("kontaktgruppe: out of range") }
                } else {
                    r.append("kontaktgruppe: not an integer")
                }
            } else if indberetterType == "jobcenter" {
                r.append("kontaktgruppe: missing")
            }
            if let a = str("afholdt", required: true) {
                var afholdtOK = true
                if let d = CivilDate(iso: a) {
                    if indberetterType == "akasse" { r.append("afholdt: a-kasse needs a timestamp"); afholdtOK = false }
                    if afholdtOK, let reg = registreret, copenhagenDay(reg.seconds) < d.daysSinceEpoch { r.append("afholdt: after registreret") }
                } else if let t = instant(a) {
                    if let reg = registreret, (t.seconds, t.micros) > (reg.seconds, reg.micros) { r.append("afholdt: after registreret") }
                } else {
                    r.append("afholdt: not a date or timestamp")
                }
            }
            if let v = o["aftale"] {
                if case .object(let m) = v {
                    var forpligtende: Bool? = nil
                    var forpligtendeSeen = false
                    for (k, x) in m {
                        if case .null = x { continue }
                        switch k {
                        case "forpligtende":
                            forpligtendeSeen = true
                            if case .bool(let b) = x { forpligtende = b } else { r.append("aftale.forpligtende: not a bool") }
                        case "saerligIndsats": if case .bool = x {} else { r.append("aftale.saerligIndsats: not a bool") }
                        case "tekst": if case .string = x {} else { r.append("aftale.tekst: not a string") }
                        default: break
                        }
                    }
                    if !forpligtendeSeen { r.append("aftale.forpligtende: missing") }
                    if let t = type, !t.kraeverAftale, forpligtende == true { r.append("aftale.forpligtende: must be false for this type") }
                } else {
                    r.append("aftale: not an object")
                }
            } else if let t = type, t.kraeverAftale {
                r.append("aftale: missing")
            }
            if let t = type {
                if t.kraeverAkassedeltagelse {
                    if let s = str("akasseDeltagelse", required: true), !["DELTOG", "DELTOG_IKKE"].contains(s) { r.append("akasseDeltagelse: unknown") }
                } else if o["akasseDeltagelse"] != nil {
                    r.append("akasseDeltagelse: not allowed")
                }
            }
            if let v = str("visitationsgruppe", required: false) {
                if indberetterType == "akasse" {
                    r.append("visitationsgruppe: only from a jobcenter")
                } else {
                    if ref.visitationsgrupper[v] == nil { r.append("visitationsgruppe: unknown") }
                    if !(kontaktgruppe?.visitationTilladt ?? false) { r.append("visitationsgruppe: not for this kontaktgruppe") }
                }
            }
            _ = bool("tidligOpfoelgning")
            if bool("cvFyldestgoerende") != nil && !(kontaktgruppe?.cvRegel ?? false) { r.append("cvFyldestgoerende: only kontaktgruppe 1") }
            if let t = type, let ind = indberetterType {
                for (felt, values) in Self.akasseFelter.sorted(by: { $0.key < $1.key }) {
                    let required = ind == "akasse" && t.akasseKraever == felt
                    if required {
                        if let s = str(felt, required: true), !values.contains(s) { r.append("\(felt): unknown") }
                    } else if o[felt] != nil {
                        r.append("\(felt): not allowed")
                    }
                }
            }
            if let v = o["deltagere"] {
                if case .array(let items) = v {
                    if items.count > 20 { r.append("deltagere: more than 20") }
                    for item in items {
                        guard case .object(let m) = item else { r.append("deltager: not an object"); continue }
                        var navn: String? = nil, rolle: String? = nil, form: String? = nil
                        for (k, x) in m { if case .string(let s) = x { switch k { case "navn": navn = s; case "rolle": rolle = s; case "deltagelsesform": form = s; default: break } } }
                        if navn == nil || navn!.isEmpty { r.append("deltager.navn: missing or empty") }
                        if let ro = rolle, let info = ref.deltagerroller[ro] {
                            if indberetterType == "jobcenter" && !info.fraJobcenter { r.append("deltager.rolle: not from a jobcenter") }
                            if indberetterType == "akasse" && !info.fraAkasse { r.append("deltager.rolle: not from an a-kasse") }
                        } else {
                            r.append("deltager.rolle: unknown")
                        }
                        if form == nil || ref.deltagelsesformer[form!] == nil { r.append("deltager.deltagelsesform: unknown") }
                    }
                } else {
                    r.append("deltagere: not an array")
                }
            }
        }
    }
}
