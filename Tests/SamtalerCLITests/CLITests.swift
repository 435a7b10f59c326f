import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

/// Runs the built `samtaler` binary as an operator would, and checks its output and exit codes.
enum CLI {
    typealias Result = ChildProcess.Result

    /// Runs the binary to its end (SamtalerTestSupport's ChildProcess: no key in the environment).
    static func run(_ args: [String], env: [String: String] = [:], in dir: String? = nil) throws -> Result {
        try ChildProcess.run(args, env: env, in: dir)
    }
}

/// A database and a folder for one end-to-end test.
final class Sandbox {
    let db: String
    let dir: String
    let keyFile: String

    init() throws {
        db = "samtaler_cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try PGConnection("dbname=postgres").execute("CREATE DATABASE \(db)")
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(db).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        keyFile = dir + "/pseudonym.key"
    }

    deinit {
        _ = try? PGConnection("dbname=postgres").execute("DROP DATABASE IF EXISTS \(db) WITH (FORCE)")
        try? FileManager.default.removeItem(atPath: dir)
    }

    var keyEnv: [String: String] { ["SAMTALER_PSEUDONYM_KEY_FILE": keyFile] }

    /// Runs the binary on this sandbox's database (with the key unless `key` is false), with `env` added.
    func run(_ args: [String], key: Bool = true, env: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(args + ["--database", "dbname=\(db)"], env: (key ? keyEnv : [:]).merging(env) { $1 }, in: dir)
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }
}

@Suite(.serialized) struct CLITests {
    @Test func helpTeaches() throws {
        let top = try CLI.run(["--help"])
        #expect(top.status == 0)
        for word in ["migrate", "load", "report", "extract", "keygen", "generate", "PGHOST", "Exit codes"] {
            #expect(top.stdout.contains(word), "--help lacks \(word)")
        }
        let report = try CLI.run(["report", "--help"])
        #expect(report.status == 0)
        for word in ["revisions", "timeliness", "--as-of-batch", "--from-batch", "--to-batch", "--threshold", "--changed", "run-off triangle"] {
            #expect(report.stdout.contains(word), "report --help lacks \(word)")
        }
        let load = try CLI.run(["load", "--help"])
        #expect(load.status == 0)
        for word in ["--rejects", "--summary-json", "--max-reject-ratio", "SAMTALER_PSEUDONYM_KEY_FILE", "65", "75"] {
            #expect(load.stdout.contains(word), "load --help lacks \(word)")
        }
    }

    @Test func usageErrorsExit64() throws {
        #expect(try CLI.run(["load"]).status == 64)
        #expect(try CLI.run(["load", "x.jsonl", "--max-reject-ratio", "1.5"]).status == 64)
        #expect(try CLI.run(["frobnicate"]).status == 64)
    }

    @Test func endToEndLoadIsIdempotentAndSummarized() throws {
        let s = try Sandbox()
        #expect(try CLI.run(["keygen", s.keyFile]).status == 0)
        let migrate = try s.run(["migrate"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("migration(s) applied"))
        let feed = s.dir + "/feed.jsonl"
        let gen = try CLI.run(["generate", "--rows", "3000", "--seed", "7", "--out", feed])
        #expect(gen.status == 0, "\(gen.stderr)")

        let load = try s.run(["load", feed, "--rejects", s.dir + "/rejects.jsonl", "--summary-json", s.dir + "/summary.json"])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("published"))
        let summary = try s.json(s.dir + "/summary.json")
        let read = summary["read"] as? Int ?? -1
        let accepted = summary["accepted"] as? Int ?? -1
        let rejected = summary["rejected"] as? Int ?? -1
        #expect(read == 3000)
        #expect(accepted + rejected == read)
        #expect(rejected > 0)
        #expect(summary["batch"] as? Int != nil)
        let rejectLines = try String(contentsOfFile: s.dir + "/rejects.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rejectLines.count == rejected)
        // Feed contract v2: every reason in the rejects file says where its rule comes from.
        let reasons = try rejectLines.flatMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["reasons"] as? [[String: Any]] ?? []
        }
        #expect(reasons.count >= rejected)
        let uncited = reasons.filter { r in
            let source = r["source"] as? String ?? ""
            return !(source.hasPrefix("BEK 442/2023 § 27 ") || source.hasPrefix("BEK 355/2021 § 87 ") || source.hasPrefix("feed.md: "))
        }
        #expect(uncited.isEmpty, "\(uncited.count) reasons without a source, e.g. \(uncited.prefix(3))")

        let again = try s.run(["load", feed, "--rejects", s.dir + "/rejects2.jsonl", "--json"])
        #expect(again.status == 0)
        let second = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        #expect(second["new"] as? Int == 0 && second["changed"] as? Int == 0 && second["withdrawn"] as? Int == 0)
        #expect(second["accepted"] as? Int == accepted)
        // No personnummer or name of the feed reaches the terminal.
        let text = try String(contentsOfFile: feed, encoding: .utf8)
        let cprs = Set(matches(of: #""cpr":"([0-9-]{10,11})""#, in: text))
        let names = Set(matches(of: #""navn":"([^"]+)""#, in: text))
        #expect(cprs.count > 100 && names.count > 10)
        let printed = load.stdout + load.stderr + again.stdout + again.stderr
        for secret in cprs.union(names) where secret != "0000000000" {
            #expect(!printed.contains(secret))
        }
    }

    /// `samtaler report NAME --as-of-batch N` prints, made later, the bytes it printed right after
    /// batch N, and says on standard error which state it shows; revisions without a recorded
    /// delivery asks for --from-batch (64), and runs with one.
    @Test func reportsAsOfABatchAndRevisions() throws {
        let (s, feed) = try migratedSandbox(rows: 600)
        let lines = try String(contentsOfFile: feed, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let first = s.dir + "/first.jsonl", second = s.dir + "/second.jsonl"
        try lines.prefix(400).joined(separator: "\n").appending("\n").write(toFile: first, atomically: true, encoding: .utf8)
        try lines.dropFirst(400).joined(separator: "\n").write(toFile: second, atomically: true, encoding: .utf8)
        #expect(try s.run(["load", first, "--rejects", s.dir + "/r1.jsonl"]).status == 0)
        let reports = [["volumes", "--period", "2025", "--by", "samtaletype"], ["timeliness", "--format", "csv"]]
        let then = try reports.map { try s.run(["report"] + $0) }
        for r in then { #expect(r.status == 0 && r.stderr.isEmpty, "\(r.output)") }
        let noDelivery = try s.run(["report", "revisions", "--period", "2025"])
        #expect(noDelivery.status == 64 && noDelivery.stderr.contains("give --from-batch"), "\(noDelivery.output)")
        #expect(try s.run(["extract", "--period", "2025", "--out", s.dir]).status == 0)

        #expect(try s.run(["load", second, "--rejects", s.dir + "/r2.jsonl"]).status == 0)
        for (args, made) in zip(reports, then) {
            let now = try s.run(["report"] + args)
            #expect(now.stdout != made.stdout, "the second delivery should change \(args[0])")
            let again = try s.run(["report"] + args + ["--as-of-batch", "1"])
            #expect(again.status == 0 && again.stdout == made.stdout, "\(args[0]): \(again.output)")
            #expect(again.stderr.contains("as it stood right after batch 1"), "\(again.stderr)")
        }
        let revisions = try s.run(["report", "revisions", "--period", "2025", "--format", "json"])
        #expect(revisions.status == 0 && revisions.stdout.contains("seneste leverance, udtræk nr. 1"), "\(revisions.output)")
        let unpublished = try s.run(["report", "volumes", "--as-of-batch", "9"])
        #expect(unpublished.status == 64 && unpublished.stderr.contains("the latest published batch is 2"), "\(unpublished.output)")
    }

    @Test func operatorErrorsHaveTheirExitCodes() throws {
        let s = try Sandbox()
        #expect(try CLI.run(["keygen", s.keyFile]).status == 0)
        let feed = s.dir + "/feed.jsonl"
        try (#"{"registrering":"samtale","id":"A","registreret":"2025-03-04T10:15:00+01:00","indberetter":{"type":"jobcenter","kode":"100"}}"# + "\n")
            .write(toFile: feed, atomically: true, encoding: .utf8)

        // No schema yet: 78, and it says what to do.
        let noSchema = try s.run(["load", feed])
        #expect(noSchema.status == 78)
        #expect(noSchema.stderr.contains("samtaler migrate"))
        #expect(try s.run(["migrate"]).status == 0)

        // No key: 78, and it says how to make one.
        let noKey = try s.run(["load", feed], key: false)
        #expect(noKey.status == 78)
        #expect(noKey.stderr.contains("samtaler keygen"))

        // A key file others can read: 78.
        let loose = s.dir + "/loose.key"
        #expect(try CLI.run(["keygen", loose]).status == 0)
        chmod(loose, 0o644)
        let looseRun = try CLI.run(["load", feed, "--database", "dbname=\(s.db)"], env: ["SAMTALER_PSEUDONYM_KEY_FILE": loose], in: s.dir)
        #expect(looseRun.status == 78)
        #expect(looseRun.stderr.contains("chmod 600"))

        // A missing input: 66, naming the file.
        let missing = try s.run(["load", s.dir + "/nope.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.jsonl"))

        // Every line bad: over the threshold, 65, rejects and summary still written.
        let over = try s.run(["load", feed, "--rejects", s.dir + "/r.jsonl", "--summary-json", s.dir + "/s.json"])
        #expect(over.status == 65)
        #expect(FileManager.default.fileExists(atPath: s.dir + "/r.jsonl"))
        #expect(try s.json(s.dir + "/s.json")["published"] as? Bool == false)

        // A database that does not exist is configuration (78), not an outage.
        let noDB = try CLI.run(["load", feed, "--database", "dbname=samtaler_no_such_db"], env: s.keyEnv)
        #expect(noDB.status == 78)
        #expect(noDB.stderr.contains("samtaler_no_such_db"))

        // An unreachable server: 75 (retry later).
        let down = try CLI.run(["load", feed, "--database", "host=/nonexistent port=1 dbname=x"], env: s.keyEnv)
        #expect(down.status == 75)
        #expect(down.stderr.contains("unavailable"))
    }
}

func matches(of pattern: String, in text: String) -> [String] {
    let re = try! NSRegularExpression(pattern: pattern)
    let ns = text as NSString
    return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
}
