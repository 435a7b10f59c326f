import Foundation
import Testing
@testable import SamtalerFeed

struct PeriodTests {
    @Test(arguments: [
        ("2025-03", "2025-03-01", "2025-03-31"), ("2024-02", "2024-02-01", "2024-02-29"), ("2025Q1", "2025-01-01", "2025-03-31"),
        ("2025Q4", "2025-10-01", "2025-12-31"), ("2025", "2025-01-01", "2025-12-31"),
    ])
    func parses(_ text: String, _ from: String, _ to: String) throws {
        let p = try Period.parse(text)
        #expect(p.from.description == from && p.to.description == to && p.text == text)
    }

    @Test(arguments: ["2025-13", "2025-00", "2025Q5", "2025Q0", "25", "2025-3", "2025-03-01", "1899", "2100", "2025 ", "abcd", "", "2025q1"])
    func rejects(_ text: String) {
        #expect(throws: Period.Problem.self) { try Period.parse(text) }
    }
}
