import ArgumentParser
import Foundation
import SamtalerFeed
import SamtalerSynthetic
import SamtalerWarehouse

extension SyntheticFeedProfile: ExpressibleByArgument {}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic, deterministic synthetic feed.",
        discussion: """
            For demos, tests and benchmarks: both kinds of indberetter, every
            samtaletype with the fields it requires, participants, a national spread
            of kommuner, corrections, withdrawals, versions out of order, Min Plan
            drafts and job search requirements, and a small share of deliberately
            invalid lines. The same --profile, --rows and --seed give the same bytes
            on any machine. No real person is in it.

            Profiles: each is valid under the feed contract (but --invalid-share).
              bench        (default) the project's bench feed: conversations and 6 %
                           Min Plan and job search; 4 % of registrations corrected
                           (15 % of those before their original), 1 % withdrawn,
                           0.5 % sent twice
              all-new      every registration new, in one version: conversations
                           only, a-kasser on 35 % of lines, participants on 30 %,
                           a visitationsgruppe drawn at random on 40 % of the
                           jobcenter lines that may have one
              corrections  the bench mix, but 30 % of lines are later versions
                           (one in six a withdrawal), half of them arriving
                           before their original
            """)

    @Option(help: "Number of lines.")
    var rows: Int

    @Option(help: ArgumentHelp("The feed's shape (profiles below).", valueName: "name"))
    var profile: SyntheticFeedProfile = .bench

    @Option(help: "Seed of the random generator.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Where to write the feed (JSON Lines).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("First conversation date.", valueName: "YYYY-MM-DD"))
    var from: String = "2024-01-01"

    @Option(help: ArgumentHelp("Last conversation date.", valueName: "YYYY-MM-DD"))
    var to: String = "2025-12-31"

    @Option(name: .customLong("invalid-share"), help: ArgumentHelp("Share of deliberately invalid lines.", valueName: "fraction"))
    var invalidShare: Double = 0.01

    @Option(name: .customLong("jobcenter-id-offset"), help: ArgumentHelp(
        "Number jobcentre's registrations from N+1 (per kommune and year): feeds of one year loaded in turn then bring new registrations, not corrections.",
        valueName: "N"))
    var jobcenterIDOffset: Int = 0

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
        guard CivilDate(iso: from) != nil, CivilDate(iso: to) != nil else { throw ValidationError("--from and --to are dates YYYY-MM-DD") }
        guard (0...1).contains(invalidShare) else { throw ValidationError("--invalid-share is a fraction from 0 to 1") }
        guard (0...899_999).contains(jobcenterIDOffset) else { throw ValidationError("--jobcenter-id-offset is 0-899999 (ids have six digits)") }
    }

    func run() throws {
        try runReportingErrors {
            let reference: ReferenceData
            do { reference = try ReferenceData.load(directory: try SQLDirectory.locate() + "/reference") } catch let e as WarehouseError {
                throw e
            } catch { throw WarehouseError.configuration("reference data: \(error)") }
            var options = SyntheticFeedOptions(rows: rows, seed: seed, from: CivilDate(iso: from)!, to: CivilDate(iso: to)!,
                                               invalidShare: invalidShare)
            options.jobcenterIDOffset = jobcenterIDOffset
            options.profile = profile
            let stats: SyntheticFeedStats
            do { stats = try SyntheticFeed.write(to: out, options: options, reference: reference) } catch {
                throw WarehouseError.output("cannot write \(out): \(error)")
            }
            print("wrote \(LoadSummary.thousands(stats.lines)) lines to \(out): \(LoadSummary.thousands(stats.samtaler)) samtaler, "
                  + "\(LoadSummary.thousands(stats.minplaner)) Min Plan drafts, \(LoadSummary.thousands(stats.jobsoegningskrav)) job search requirements "
                  + "(\(LoadSummary.thousands(stats.corrections)) corrections, \(LoadSummary.thousands(stats.withdrawals)) withdrawals), "
                  + "\(LoadSummary.thousands(stats.invalid)) deliberately invalid")
        }
    }
}
