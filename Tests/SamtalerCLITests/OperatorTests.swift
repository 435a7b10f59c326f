import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

/// What the operator of the nightly job meets: an empty delivery, a database that cannot be
/// reached, and the metrics file that monitoring reads.
@Suite(.serialized) struct OperatorTests {
    static let line = #"{"registrering":"samtale","id":"A1","registreret":"2025-03-04T10:15:00+01:00","indberetter":{"type":"jobcenter","kode":"101"},"cpr":"0101901234","afholdt":"2025-03-04","samtaletype":"JOBSAMTALE","samtaleform":"VIDEO","kontaktgruppe":2,"aftale":{"forpligtende":true}}"#

    static func ready() throws -> Sandbox {
        let s = try Sandbox()
        #expect(try CLI.run(["keygen", s.keyFile]).status == 0)
        #expect(try s.run(["migrate"]).status == 0)
        return s
    }

    static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func anEmptyDeliveryPublishesNothingAndExits65NamingTheFiles() throws {
        let s = try Self.ready()
        try Self.write(s.dir + "/empty.jsonl", "")
        try Self.write(s.dir + "/blank.jsonl", "\n   \n\t\n")
        let r = try s.run(["load", s.dir + "/empty.jsonl", s.dir + "/blank.jsonl", "--rejects", s.dir + "/r.jsonl"])
        #expect(r.status == 65, "\(r.output)")
        #expect(r.stderr.contains("empty.jsonl") && r.stderr.contains("blank.jsonl") && r.stderr.contains("--allow-empty"), "\(r.stderr)")
        let db = try PGConnection("dbname=\(s.db)")
        #expect(try db.scalar("SELECT count(*) FROM samtaler.dim_batch WHERE status = 'publiceret'") == "0")

        let allowed = try s.run(["load", s.dir + "/empty.jsonl", "--allow-empty", "--rejects", s.dir + "/r2.jsonl"])
        #expect(allowed.status == 0, "\(allowed.output)")
        #expect(try db.scalar("SELECT string_agg(status || ' ' || laest, ',' ORDER BY batch_key) FROM samtaler.dim_batch") == "fejlet 0,publiceret 0")

        // A file with one line is not empty.
        try Self.write(s.dir + "/one.jsonl", "\n" + Self.line + "\n")
        #expect(try s.run(["load", s.dir + "/one.jsonl", s.dir + "/empty.jsonl", "--rejects", s.dir + "/r3.jsonl"]).status == 0)
    }

    @Test func anUnreachableDatabaseSaysWhatToCheck() throws {
        let nowhere = try scratchFolder()
        let r = try CLI.run(["report", "volumes", "--period", "2025"], env: ["PGHOST": nowhere, "PGPORT": "1"])
        #expect(r.status == 75, "\(r.output)")
        #expect(r.stderr.contains("PGHOST=\(nowhere)") && r.stderr.contains("PGPORT=1") && r.stderr.contains("make db-start"), "\(r.stderr)")
        let viaOption = try CLI.run(["migrate", "--database", "host=\(nowhere) port=1 dbname=x"])
        #expect(viaOption.status == 75)
        #expect(viaOption.stderr.contains("--database"), "\(viaOption.stderr)")
    }

    /// The Prometheus text format, line by line: every sample has its HELP and TYPE, numbers parse,
    /// and a failed run keeps the time of the last success.
    @Test func theMetricsFileFollowsTheRunsAndKeepsTheLastSuccess() throws {
        let s = try Self.ready()
        let metrics = s.dir + "/samtaler.prom"
        try Self.write(s.dir + "/feed.jsonl", Self.line + "\n" + #"{"registrering":"samtale"}"# + "\n")
        let ok = try s.run(["load", s.dir + "/feed.jsonl", "--rejects", s.dir + "/r.jsonl", "--max-reject-ratio", "1", "--metrics-file", metrics])
        #expect(ok.status == 0, "\(ok.output)")
        let first = try Self.samples(metrics)
        #expect(first["samtaler_load_published"] == 1)
        #expect(first["samtaler_load_exit_code"] == 0)
        #expect(first["samtaler_load_lines_read"] == 2)
        #expect(first["samtaler_load_lines_accepted"] == 1)
        #expect(first["samtaler_load_lines_rejected"] == 1)
        #expect(first["samtaler_load_registrations{change=\"new\"}"] == 1)
        #expect(first["samtaler_load_kept_copy_written"] == 1)
        #expect(first["samtaler_load_kept_copy_seconds"] != nil)
        #expect(first.keys.contains { $0.hasPrefix("samtaler_load_lines_rejected_by_rule{rule=\"") })
        let success = try #require(first["samtaler_load_last_success_timestamp_seconds"])
        #expect(abs(success - Date().timeIntervalSince1970) < 120)

        // A failing run (a missing file) keeps the last success and says it failed.
        let failed = try s.run(["load", s.dir + "/missing.jsonl", "--metrics-file", metrics])
        #expect(failed.status == 66)
        let second = try Self.samples(metrics)
        #expect(second["samtaler_load_published"] == 0)
        #expect(second["samtaler_load_exit_code"] == 66)
        #expect(second["samtaler_load_last_success_timestamp_seconds"] == success)
        #expect(second["samtaler_load_lines_read"] == nil)
        #expect(second["samtaler_load_kept_copy_written"] == nil)
    }

    /// Name (with labels) to value; fails the test on any line that is not a comment or a sample.
    static func samples(_ path: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: Double] = [:]
        var typed = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") { typed.insert(String(line.split(separator: " ")[2])); continue }
            if line.hasPrefix("# HELP ") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("not a sample: \(line)")
                continue
            }
            let name = String(line[..<space])
            #expect(typed.contains(String(name.prefix { $0 != "{" })), "\(name) has no TYPE line")
            out[name] = value
        }
        return out
    }
}
