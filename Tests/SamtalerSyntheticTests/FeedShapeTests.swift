import Foundation
import SamtalerFeed
import SamtalerSynthetic
import Testing

/// The feed shapes of `samtaler generate --profile`: each has the properties its documentation
/// states, measured on a generated sample, is valid under the feed contract (the loader's own
/// validator and the strict reading in SyntheticFeedTests), and is deterministic by seed.
@Suite("Feed shapes")
struct FeedShapeTests {
    /// A generated feed with each line as the loader's validator reads it.
    struct Sample {
        var lines: [[UInt8]] = []
        var registrations: [Registrering] = []
        var stats = SyntheticFeedStats()
        var rejected: [String] = []
    }

    static func sample(_ profile: SyntheticFeedProfile, rows: Int, seed: UInt64 = 42) throws -> Sample {
        let ref = try SyntheticFeedTests.reference()
        var options = SyntheticFeedOptions(rows: rows, seed: seed, invalidShare: 0)
        options.profile = profile
        // The contract's rule `future` is judged against the load's start: now, as in a load.
        let validator = Validator(reference: ref, loadStarted: Timestamp(Date()))
        var s = Sample()
        s.stats = try SyntheticFeed.generate(options: options, reference: ref) { line, _ in
            s.lines.append(line)
            switch line.withUnsafeBytes({ validator.validate(line: $0) }) {
            case .accepted(let r): s.registrations.append(r)
            case .rejected(_, let reasons): s.rejected.append("\(reasons.map(\.key)): \(String(decoding: line, as: UTF8.self))")
            }
        }
        return s
    }

    static func naturalKey(_ r: Registrering) -> String { "\(r.registrering.rawValue)|\(r.indberetter.type.rawValue)|\(r.indberetter.kode)|\(r.id)" }

    static func share(_ part: Int, of whole: Int) -> Double { Double(part) / Double(max(whole, 1)) }

    // MARK: - Every shape

    @Test(arguments: SyntheticFeedProfile.allCases)
    func everyShapeIsValidAndDeterministicBySeed(profile: SyntheticFeedProfile) throws {
        let a = try Self.sample(profile, rows: 20_000, seed: 5)
        #expect(a.lines.count == 20_000 && a.stats.lines == 20_000 && a.stats.invalid == 0)
        #expect(a.rejected.isEmpty, "\(a.rejected.count) lines rejected, e.g. \(a.rejected.prefix(3))")
        let checker = SyntheticFeedTests.Contract(try SyntheticFeedTests.reference())
        let failing = a.lines.filter { !checker.reasons($0).isEmpty }
        #expect(failing.isEmpty, "\(failing.count) lines break the contract, e.g. \(failing.prefix(2).map { SyntheticFeedTests.text($0) })")
        let again = try Self.sample(profile, rows: 20_000, seed: 5)
        #expect(again.lines == a.lines && again.stats == a.stats)
        #expect(try Self.sample(profile, rows: 20_000, seed: 6).lines != a.lines)
    }

    /// The default is the bench shape, and the shapes are different feeds.
    @Test func benchIsTheDefaultAndTheShapesDiffer() throws {
        let ref = try SyntheticFeedTests.reference()
        var plain: [[UInt8]] = []
        _ = try SyntheticFeed.generate(options: SyntheticFeedOptions(rows: 5_000, seed: 9), reference: ref) { line, _ in plain.append(line) }
        var bench: [[UInt8]] = []
        var options = SyntheticFeedOptions(rows: 5_000, seed: 9)
        options.profile = .bench
        _ = try SyntheticFeed.generate(options: options, reference: ref) { line, _ in bench.append(line) }
        #expect(plain == bench)
        let others = try SyntheticFeedProfile.allCases.map { try Self.sample($0, rows: 2_000, seed: 9).lines }
        #expect(Set(others).count == SyntheticFeedProfile.allCases.count)
    }

    // MARK: - all-new

    @Test func allNewHoldsOnlyNewConversationsInItsStatedShares() throws {
        let ref = try SyntheticFeedTests.reference()
        let s = try Self.sample(.allNew, rows: 50_000)
        let regs = s.registrations
        #expect(regs.count == 50_000)
        #expect(regs.allSatisfy { $0.registrering == .samtale && $0.handling == .opret })
        #expect(Set(regs.map(Self.naturalKey)).count == regs.count, "every registration has one line")
        #expect(s.stats.corrections == 0 && s.stats.withdrawals == 0)

        var akasse = 0, withParticipants = 0, eligible = 0, withVisitation = 0
        // A person's visitation registrations in conversation order: how often the group changes.
        var groups: [String: [(CivilDate, String)]] = [:]
        for r in regs {
            guard case .samtale(let samtale)? = r.body else { continue }
            if r.indberetter.type == .akasse { akasse += 1 }
            if !samtale.deltagere.isEmpty { withParticipants += 1 }
            if r.indberetter.type == .jobcenter, let kg = samtale.kontaktgruppe, ref.kontaktgrupper[kg]?.visitationTilladt == true {
                eligible += 1
                if let v = samtale.visitationsgruppe {
                    withVisitation += 1
                    if case .person(let p) = samtale.person { groups["\(p.digits)", default: []].append((samtale.afholdtDato, v)) }
                }
            }
        }
        let akasseShare = Self.share(akasse, of: regs.count), participantShare = Self.share(withParticipants, of: regs.count)
        let visitationShare = Self.share(withVisitation, of: eligible)
        #expect(akasseShare > 0.33 && akasseShare < 0.37, "a-kasse share \(akasseShare)")
        #expect(participantShare > 0.27 && participantShare < 0.33, "participant share \(participantShare)")
        #expect(visitationShare > 0.37 && visitationShare < 0.43, "visitation share of eligible jobcenter lines \(visitationShare)")
        let changes = Self.groupChanges(groups)
        #expect(changes.share > 0.6 && changes.pairs > 1_000, "group changes \(changes)")
    }

    /// The bench shape, for contrast: a person keeps a group for months.
    @Test func inTheBenchShapeAPersonKeepsAGroupForMonths() throws {
        var groups: [String: [(CivilDate, String)]] = [:]
        for r in try Self.sample(.bench, rows: 50_000).registrations {
            if case .samtale(let s)? = r.body, let v = s.visitationsgruppe, case .person(let p) = s.person {
                groups["\(p.digits)", default: []].append((s.afholdtDato, v))
            }
        }
        let changes = Self.groupChanges(groups)
        #expect(changes.share < 0.4 && changes.pairs > 100, "group changes \(changes)")
    }

    /// Of a person's consecutive visitation registrations (by conversation date), the share in
    /// another group than the one before.
    static func groupChanges(_ groups: [String: [(CivilDate, String)]]) -> (share: Double, pairs: Int) {
        var pairs = 0, changed = 0
        for list in groups.values where list.count > 1 {
            let sorted = list.sorted { $0.0 < $1.0 }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                pairs += 1
                if a.1 != b.1 { changed += 1 }
            }
        }
        return (share(changed, of: pairs), pairs)
    }

    // MARK: - corrections

    @Test func correctionsHasThirtyPercentLaterVersionsHalfBeforeTheirOriginal() throws {
        let s = try Self.sample(.corrections, rows: 100_000)
        let regs = s.registrations
        #expect(regs.count == 100_000)
        var lines: [String: [(handling: Handling, registreret: Timestamp)]] = [:]
        for r in regs { lines[Self.naturalKey(r), default: []].append((r.handling, r.registreret)) }
        var later = 0, before = 0, withdrawals = 0
        for versions in lines.values {
            #expect(versions.count <= 2)
            for (i, v) in versions.enumerated() where v.handling != .opret {
                later += 1
                if v.handling == .annuller { withdrawals += 1 }
                // Its original (the opret) comes after it in the file, with an earlier registreret.
                if versions[(i + 1)...].contains(where: { $0.handling == .opret && $0.registreret < v.registreret }) { before += 1 }
            }
        }
        let laterShare = Self.share(later, of: regs.count), beforeShare = Self.share(before, of: later)
        let withdrawalShare = Self.share(withdrawals, of: later)
        #expect(laterShare > 0.28 && laterShare < 0.32, "later versions \(laterShare) of the lines")
        #expect(beforeShare > 0.45 && beforeShare < 0.55, "\(beforeShare) of the later versions before their original")
        #expect(withdrawalShare > 0.12 && withdrawalShare < 0.22, "\(withdrawalShare) of the later versions are withdrawals")
        #expect(later == s.stats.corrections + s.stats.withdrawals)
        // Min Plan and job search are corrected too.
        #expect(regs.contains { $0.registrering == .minplan && $0.handling == .ret })
        #expect(regs.contains { $0.registrering == .jobsoegningskrav && $0.handling == .annuller })
    }
}
