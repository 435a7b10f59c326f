import Foundation
import Testing
@testable import SamtalerFeed

struct TimeTests {
    @Test func civilDateRoundTrips() {
        for days in stride(from: -719_000, through: 2_900_000, by: 997) {
            let d = CivilDate(daysSinceEpoch: days)
            #expect(d.daysSinceEpoch == days)
            #expect(CivilDate(year: d.year, month: d.month, day: d.day) == d)
        }
        #expect(CivilDate(iso: "2024-02-29")?.key == 20240229)
        #expect(CivilDate(iso: "2023-02-29") == nil)
        #expect(CivilDate(iso: "2023-2-28") == nil)
        #expect(CivilDate(year: 2025, month: 11, day: 23)!.isoWeekday == 7)
    }

    @Test func timestampsAreInstants() throws {
        let a = try Timestamp.parse("2025-03-04T10:15:00+01:00").get()
        let b = try Timestamp.parse("2025-03-04T09:15:00Z").get()
        let c = try Timestamp.parse("2025-03-04T04:15:00.000000-05:00").get()
        #expect(a == b && b == c)
        #expect(try Timestamp.parse("2025-03-04T09:15:00.5Z").get().microseconds == b.microseconds + 500_000)
        #expect(b.postgresText == "2025-03-04 09:15:00.000000+00")
    }

    /// The DST rule computed directly agrees with the system's time zone database.
    @Test func copenhagenOffsetMatchesTheTimeZoneDatabase() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Copenhagen"))
        var state: UInt64 = 42
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let seconds = Int64(820_454_400) + Int64(state >> 34) % Int64(1_300_000_000)   // 1996 .. 2037
            #expect(CopenhagenTime.offsetSeconds(atUTC: seconds) == zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        }
        // The switch instants themselves (01:00 UTC on the last Sundays of March and October).
        let spring = try Timestamp.parse("2025-03-30T01:00:00Z").get().seconds
        #expect(CopenhagenTime.offsetSeconds(atUTC: spring - 1) == 3600)
        #expect(CopenhagenTime.offsetSeconds(atUTC: spring) == 7200)
        let autumn = try Timestamp.parse("2025-10-26T01:00:00Z").get().seconds
        #expect(CopenhagenTime.offsetSeconds(atUTC: autumn - 1) == 7200)
        #expect(CopenhagenTime.offsetSeconds(atUTC: autumn) == 3600)
    }

    /// The table of transitions (1996-2099) gives what the rule gives, at every transition and
    /// a second before it, and at the edges of the table.
    @Test func theTransitionTableAgreesWithTheRule() throws {
        var instants: [Int64] = []
        for t in CopenhagenTime.transitions { instants += [t - 1, t, t + 1] }
        let first = CopenhagenTime.transitions[0], last = CopenhagenTime.transitions.last!
        instants += [first - 86_400 * 90 - 1, first - 86_400 * 90, last + 86_400 * 90 - 1, last + 86_400 * 90, 0, 4_102_444_800]
        #expect(CopenhagenTime.transitions.count == 208)
        for s in instants {
            #expect(CopenhagenTime.offsetSeconds(atUTC: s) == CopenhagenTime.offsetByRule(atUTC: s), "\(s)")
        }
    }

    @Test(arguments: [
        ("2025-03-31T23:30:00Z", "2025-04-01"),      // summer time: 01:30 on 1 April
        ("2025-01-31T22:59:59Z", "2025-01-31"),
        ("2025-01-31T23:00:00Z", "2025-02-01"),      // winter time: midnight
        ("2025-06-30T21:59:59Z", "2025-06-30"),
        ("2025-06-30T22:00:00Z", "2025-07-01"),
        ("2025-04-01T00:30:00+02:00", "2025-04-01"),
        ("1990-06-30T22:30:00Z", "1990-07-01"),      // before 1996: the time zone database
    ])
    func copenhagenDate(_ ts: String, _ date: String) throws {
        #expect(try Timestamp.parse(ts).get().copenhagenDate.description == date)
    }
}
