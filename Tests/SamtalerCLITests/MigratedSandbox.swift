import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// Shared by the reliability suites (issue #5) that run the built binary: RoleTests, FullDiskTests
// and ArgumentTests.

/// How long since `t`, for the suites' timing lines.
func seconds(since t: Date) -> String { String(format: "%.2f s", Date().timeIntervalSince(t)) }

/// A migrated sandbox with a key and a small synthetic feed (about 1% invalid lines).
func migratedSandbox(rows: Int = 300, invalidShare: Double? = nil) throws -> (Sandbox, String) {
    let s = try Sandbox()
    #expect(try CLI.run(["keygen", s.keyFile]).status == 0)
    let m = try s.run(["migrate"])
    try #require(m.status == 0, "\(m.output)")
    let feed = s.dir + "/feed.jsonl"
    var generate = ["generate", "--rows", String(rows), "--seed", "9", "--out", feed]
    if let invalidShare { generate += ["--invalid-share", String(invalidShare)] }
    let g = try CLI.run(generate)
    try #require(g.status == 0, "\(g.output)")
    return (s, feed)
}
