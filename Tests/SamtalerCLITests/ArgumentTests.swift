import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// Issue #5 (reliability): bad report and extract arguments, proved on the built binary. The other
// reliability suites: RoleTests and FullDiskTests; their shared helpers: MigratedSandbox.swift.

@Suite struct ArgumentTests {
    static let unreachable = ["--database", "host=/nonexistent port=1 dbname=x"]

    /// Bad `samtaler report` and `samtaler extract` arguments exit 64 with a message that names
    /// the problem, before any connection is made: the database given here does not exist, so a
    /// command that got as far as connecting would exit 75.
    @Test(arguments: [
        (["report", "frobnicate"], "unknown report 'frobnicate'"),
        (["report", "volumes;DROP TABLE x"], "unknown report 'volumes;DROP TABLE x'"),
        (["report", "volumes", "--period", "2025-13"], "'2025-13' is not a period"),
        (["report", "volumes", "--period", "2025Q5"], "'2025Q5' is not a period"),
        (["report", "volumes", "--period", "2025' OR '1'='1"], "is not a period"),
        (["report", "volumes", "--by", "kommune"], "unknown breakdown 'kommune'"),
        (["report", "volumes", "--by", "samtaletype;DROP TABLE x"], "unknown breakdown 'samtaletype;DROP TABLE x'"),
        (["report", "volumes", "--by", "samtaletype,samtaletype"], "--by names samtaletype twice"),
        (["report", "volumes", "--excel"], "--excel goes with --format csv"),
        (["report", "volumes", "--format", "html", "--excel"], "--excel goes with --format csv"),
        (["report", "volumes", "--format", "xml"], "--format is table, csv, json or html"),
        (["report", "volumes", "--from", "2025-01-01"], "--from and --to go together"),
        (["report", "volumes", "--to", "2025-01-31"], "--from and --to go together"),
        (["report", "volumes", "--from", "2025-02-30", "--to", "2025-03-31"], "--from and --to go together"),
        (["report", "volumes", "--from", "2025-03-01", "--to", "2025-01-01"], "ends before it starts"),
        (["report", "volumes", "--period", "2025", "--from", "2025-01-01", "--to", "2025-01-31"], "either --period or --from/--to"),
        (["report", "volumes", "--per", "week"], "--per is month, quarter or year"),
        (["report", "visitation", "--by", "samtaletype"], "cannot be broken down by samtaletype: choose region, indberetter"),
        (["report", "minplan", "--by", "region"], "it takes no --by"),
        (["report", "visitation", "--date", "2025-02-30"], "--date is a day YYYY-MM-DD"),
        (["report", "visitation", "--date", "2025-06-30", "--period", "2025"], "either --date or a period"),
        (["report", "volumes", "--date", "2025-06-30"], "--date goes with the visitation report"),
        (["report", "marks", "--mark", "fast_track"], "unknown mark 'fast_track'"),
        (["report", "marks", "--mark", "cv_godkendelse;DROP TABLE x"], "unknown mark"),
        (["report", "volumes", "--mark", "cv_godkendelse"], "--mark goes with the marks report"),
        (["report", "volumes", "--as-of-batch", "0"], "--as-of-batch must be a batch number"),
        (["report", "volumes", "--from-batch", "3"], "--from-batch goes with the revisions report"),
        (["report", "timeliness", "--threshold", "3"], "--threshold goes with the revisions report"),
        (["report", "volumes", "--changed"], "--changed goes with the revisions report"),
        (["report", "timeliness", "--by", "kontaktgruppe"], "cannot be broken down by kontaktgruppe: choose samtaletype, indberettertype, indberetter, region"),
        (["report", "revisions"], "the revisions report needs --period"),
        (["report", "revisions", "--from", "2025-01-01", "--to", "2025-01-31"], "the revisions report needs --period"),
        (["report", "revisions", "--period", "2025Q1", "--threshold", "0"], "--threshold must be at least 1"),
        (["report", "revisions", "--period", "2025Q1", "--from-batch", "5", "--to-batch", "4"], "--from-batch 5 is after --to-batch 4"),
        (["report", "revisions", "--period", "2025Q1", "--from-batch", "5", "--as-of-batch", "4"], "--from-batch 5 is after --as-of-batch 4"),
        (["report", "revisions", "--period", "2025Q1", "--to-batch", "0"], "--to-batch must be a batch number"),
        (["report", "revisions", "--period", "2025Q1", "--by", "region"], "it takes no --by"),
        (["extract", "--period", "2025-13", "--out", "/tmp"], "'2025-13' is not a period"),
        (["extract", "--period", "2025Q5", "--out", "/tmp"], "'2025Q5' is not a period"),
        (["extract", "--period", "2025;DROP TABLE x", "--out", "/tmp"], "is not a period"),
        (["extract", "--period", "2025", "--out", "/tmp", "--threshold", "0"], "--threshold must be at least 1"),
        (["extract", "--out", "/tmp"], "--period"),
        (["extract", "--period", "2025"], "--out"),
        (["extract", "--period", "2025", "--out", "/tmp", "--from", "2025-01-01"], "--from"),
        (["extract", "--period", "2025", "--out", "/tmp", "--by", "samtaletype"], "--by"),
    ])
    func badReportAndExtractArgumentsExit64BeforeConnecting(_ args: [String], says: String) throws {
        let r = try CLI.run(args + Self.unreachable)
        #expect(r.status == 64, "\(args.joined(separator: " ")): exit \(r.status): \(r.output)")
        #expect(r.stderr.contains(says), "\(args.joined(separator: " ")): the message does not name the problem: \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// No user text reaches SQL unparameterized: against a real warehouse, report names, --by
    /// values and periods carrying SQL are refused (64) and the database is untouched (a canary
    /// table survives), while the same commands with good values run.
    @Test func sqlInArgumentsIsRefusedAndTheDatabaseIsUntouched() throws {
        let (s, feed) = try migratedSandbox()
        #expect(try s.run(["load", feed, "--rejects", s.dir + "/r.jsonl"]).status == 0)
        let db = try PGConnection("dbname=\(s.db)")
        try db.execute("CREATE TABLE public.x (i int)")
        let attacks: [[String]] = [
            ["report", "volumes", "--by", "samtaletype;DROP TABLE x"],
            ["report", "volumes", "--by", "samtaletype); DROP TABLE x; --"],
            ["report", "volumes;DROP TABLE x"],
            ["report", "volumes", "--period", "2025'; DROP TABLE x; --"],
            ["report", "volumes", "--from", "2025-01-01'; DROP TABLE x; --", "--to", "2025-12-31"],
            ["extract", "--period", "2025'; DROP TABLE x; --", "--out", s.dir],
        ]
        for a in attacks {
            let r = try s.run(a)
            #expect(r.status == 64, "\(a.joined(separator: " ")): exit \(r.status): \(r.output)")
        }
        #expect(try db.scalar("SELECT to_regclass('public.x') IS NOT NULL") == "t", "the canary table is gone")
        let good = try s.run(["report", "volumes", "--by", "samtaletype", "--period", "2025", "--format", "csv"])
        #expect(good.status == 0 && good.stdout.contains("JOBSAMTALE"), "\(good.output)")
    }
}
