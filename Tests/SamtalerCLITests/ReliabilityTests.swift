import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// Issue #5 (reliability), proved on the built binary against fresh databases of the shared
// server: logins without the rights they need, the group roles at work, a full disk, and bad
// report and extract arguments. docs/operations.md, "Roles", "Exit codes" and "Failure modes".

/// A LOGIN role for one test, in the given group roles. Roles are cluster-wide, so the name is
/// unique; the role is dropped when the test is done. The project's cluster trusts the local
/// socket (scripts/pg.sh: initdb --auth=trust), so it logs in without a password.
final class LoginRole {
    let name: String
    private let db: String

    init(in db: String, groups: [String] = []) throws {
        name = "samtaler_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
        self.db = db
        let member = groups.isEmpty ? "" : " IN ROLE " + groups.joined(separator: ", ")
        try PGConnection("dbname=postgres").execute("CREATE ROLE \(name) LOGIN\(member)")
    }

    deinit {
        _ = try? PGConnection("dbname=\(db)").execute("DROP OWNED BY \(name)")
        _ = try? PGConnection("dbname=postgres").execute("DROP ROLE IF EXISTS \(name)")
    }

    /// The libpq environment that makes the binary log in as this role.
    var env: [String: String] { ["PGUSER": name] }
}

private func seconds(since t: Date) -> String { String(format: "%.2f s", Date().timeIntervalSince(t)) }

/// A migrated sandbox with a key and a small synthetic feed (about 1% invalid lines).
private func migratedSandbox(rows: Int = 300, invalidShare: Double? = nil) throws -> (Sandbox, String) {
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

@Suite(.serialized) struct RoleTests {
    /// docs/operations.md, Exit codes: a login that exists but lacks the rights (SQLSTATE 42501,
    /// insufficient_privilege) is configuration, 78, not an internal error, and the message says
    /// which group role to grant for which command. Nothing is written.
    @Test func aLoginWithoutRightsIsAConfigurationErrorThatNamesTheRoleToGrant() throws {
        let started = Date()
        let (s, feed) = try migratedSandbox()
        let nobody = try LoginRole(in: s.db)
        let commands = [["load", feed, "--rejects", s.dir + "/r.jsonl", "--summary-json", s.dir + "/s.json"],
                        ["report", "volumes"], ["report", "coverage", "--period", "2025-03"],
                        ["extract", "--period", "2025", "--out", s.dir]]
        for command in commands {
            let r = try s.run(command, env: nobody.env)
            #expect(r.status == 78, "\(command[0]) by a login without rights: exit \(r.status): \(r.output)")
            #expect(r.stderr.hasPrefix("samtaler: error:") && r.stderr.contains("lacks the rights") && r.stderr.contains("42501"),
                    "\(command[0]): \(r.stderr)")
            #expect(r.stderr.contains("samtaler_indlaeser for `samtaler load`") && r.stderr.contains("GRANT samtaler_indlaeser TO"),
                    "\(command[0]): the message does not say what to grant for loads: \(r.stderr)")
            #expect(r.stderr.contains("samtaler_rapport for `samtaler report` and `samtaler extract`") && r.stderr.contains("GRANT samtaler_rapport TO"),
                    "\(command[0]): the message does not say what to grant for reports: \(r.stderr)")
        }
        let db = try PGConnection("dbname=\(s.db)")
        #expect(try db.scalar("SELECT count(*) FROM samtaler.fact_samtale") == "0")
        #expect(try db.scalar("SELECT count(*) FROM samtaler.dim_batch") == "0")
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/r.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/samtaler_2025.csv"))
        print("[reliability] a login without rights, 4 commands: \(seconds(since: started))")
    }

    /// docs/operations.md, Roles: a login role granted samtaler_indlaeser loads (and may rerun
    /// the same files); one granted samtaler_rapport runs reports and the extract and writes
    /// nothing; one granted samtaler_analytiker reads the `rapport` views and can neither read the
    /// facts (pseudonyms), run the reports that count persons, nor load.
    @Test func loginsGrantedTheGroupRolesCanDoTheirJobsAndNoMore() throws {
        let started = Date()
        let (s, feed) = try migratedSandbox()
        let loader = try LoginRole(in: s.db, groups: ["samtaler_indlaeser"])
        let analyst = try LoginRole(in: s.db, groups: ["samtaler_analytiker"])
        let reporter = try LoginRole(in: s.db, groups: ["samtaler_rapport"])

        let load = try s.run(["load", feed, "--rejects", s.dir + "/r.jsonl", "--json"], env: loader.env)
        #expect(load.status == 0, "a login in samtaler_indlaeser cannot load: \(load.output)")
        let summary = (try? JSONSerialization.jsonObject(with: Data(load.stdout.utf8))) as? [String: Any] ?? [:]
        #expect((summary["new"] as? Int ?? 0) > 200 && summary["published"] as? Bool == true, "\(load.stdout)")
        let again = try s.run(["load", feed, "--rejects", s.dir + "/r2.jsonl"], env: loader.env)
        #expect(again.status == 0, "\(again.output)")
        let db = try PGConnection("dbname=\(s.db)")
        #expect(try db.scalar("SELECT string_agg(status, ',' ORDER BY batch_key) FROM samtaler.dim_batch") == "publiceret,publiceret")

        // The analyst: the views, never the facts, and no loading.
        let a = try PGConnection("dbname=\(s.db) user=\(analyst.name)")
        #expect(try a.scalar("SELECT count(*) > 0 FROM rapport.samtale") == "t")
        do {
            _ = try a.scalar("SELECT count(*) FROM samtaler.fact_samtale")
            Issue.record("a login in samtaler_analytiker read samtaler.fact_samtale")
        } catch {
            #expect(error.sqlState == "42501", "\(error)")
        }
        a.close()
        let analystLoad = try s.run(["load", feed, "--rejects", s.dir + "/r3.jsonl"], env: analyst.env)
        #expect(analystLoad.status == 78 && analystLoad.stderr.contains("GRANT samtaler_indlaeser TO"), "\(analystLoad.output)")

        // Reports count distinct persons from the pseudonyms: not for the analyst role, which is
        // told which role runs them.
        let analystReport = try s.run(["report", "volumes", "--period", "2025", "--format", "csv"], env: analyst.env)
        #expect(analystReport.status == 78 && analystReport.stderr.contains("GRANT samtaler_rapport TO"), "\(analystReport.output)")

        // The report role: every report and the extract, and no writing.
        for name in ["volumes", "forms", "participants", "coverage", "marks", "visitation", "transitions", "minplan", "jobsoegningskrav"] {
            let r = try s.run(["report", name, "--format", "csv"], env: reporter.env)
            #expect(r.status == 0, "a login in samtaler_rapport cannot run `samtaler report \(name)`: \(r.output)")
        }
        let volumes = try s.run(["report", "volumes", "--period", "2025", "--format", "csv"], env: reporter.env)
        #expect(volumes.stdout.contains("\n2025-01,"), "\(volumes.output)")
        let extract = try s.run(["extract", "--period", "2025", "--out", s.dir], env: reporter.env)
        #expect(extract.status == 0, "a login in samtaler_rapport cannot run `samtaler extract`: \(extract.output)")
        let reporterLoad = try s.run(["load", feed, "--rejects", s.dir + "/r4.jsonl"], env: reporter.env)
        #expect(reporterLoad.status == 78 && reporterLoad.stderr.contains("GRANT samtaler_indlaeser TO"), "\(reporterLoad.output)")
        let r = try PGConnection("dbname=\(s.db) user=\(reporter.name)")
        for statement in ["DELETE FROM samtaler.fact_samtale", "UPDATE samtaler.dim_batch SET status = 'fejlet'",
                          "INSERT INTO samtaler.indstilling VALUES ('x', 'y')", "CREATE TABLE samtaler.x (i int)"] {
            do {
                _ = try r.execute(statement)
                Issue.record("a login in samtaler_rapport could run \(statement)")
            } catch {
                #expect(error.sqlState == "42501", "\(statement): \(error)")
            }
        }
        r.close()
        #expect(try db.scalar("SELECT string_agg(status, ',' ORDER BY batch_key) FROM samtaler.dim_batch") == "publiceret,publiceret")
        print("[reliability] the group roles at work: \(seconds(since: started))")
    }
}

// MARK: - A full disk

/// A small tmpfs for one test (mounting needs root, or CAP_SYS_ADMIN, as in the project's sandbox).
enum SmallDisk {
    /// Whether this process may mount a tmpfs: tried once, on a throw-away folder.
    static let canMount: Bool = {
        guard getuid() == 0, let dir = try? scratchFolder("samtaler_mountcheck_") else { return false }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard (try? command("/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir)) == 0 else { return false }
        _ = try? command("/bin/umount", dir)
        return true
    }()

    @discardableResult
    static func command(_ args: String...) throws -> Int32 {
        let r = try ChildProcess.run(Array(args.dropFirst()), executable: args[0], timeout: 30)
        return r.status
    }

    /// Mounts a 1 MiB tmpfs on `dir` and fills it, so that the next write gets ENOSPC (and
    /// removing `dir/filler` makes room again).
    static func mountFull(_ dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try #require(try command("/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir) == 0, "cannot mount a tmpfs on \(dir)")
        let fd = open(dir + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let block = [UInt8](repeating: 0x66, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
        #expect(errno == ENOSPC, "filling the tmpfs ended with \(String(cString: strerror(errno)))")
    }

    static func unmount(_ dir: String) {
        if (try? command("/bin/umount", dir)) != 0 { _ = try? command("/bin/umount", "-l", dir) }
    }
}

@Suite(.serialized) struct FullDiskTests {
    enum Output: String, CaseIterable, CustomTestStringConvertible {
        case rejects, summary
        var testDescription: String { rawValue == "rejects" ? "the rejects file" : "the --summary-json file" }
    }

    /// docs/operations.md, Failure modes: "the disk is full → the rejects or summary write fails:
    /// exit 73 before publishing". The rejects file or the summary goes to a full tmpfs:
    /// the load exits 73 naming ENOSPC, publishes nothing (no fact; the batch row, if any, is
    /// `fejlet`), leaves no file under its real name there but the empty summary file it made
    /// when it started, and no temporary file. With space again the same run publishes.
    @Test(.enabled(if: SmallDisk.canMount, "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN); theFileSizeLimit… covers the write failure"),
          .hangGuard, arguments: Output.allCases)
    func aFullDiskFailsTheLoadBeforePublishing(_ output: Output) throws {
        let started = Date()
        // 3,000 lines, 5% invalid: some 150 rejected lines, over 64 KiB of rejects, so the rejects
        // file fails while the lines stream in; the summary fails just before COMMIT.
        let (s, feed) = try migratedSandbox(rows: 3000, invalidShare: 0.05)
        let full = s.dir + "/full"
        try SmallDisk.mountFull(full)
        defer { SmallDisk.unmount(full); withExtendedLifetime(s) {} }   // unmounted before the sandbox goes
        let rejects = output == .rejects ? full + "/r.jsonl" : s.dir + "/r.jsonl"
        let summary = output == .summary ? full + "/s.json" : s.dir + "/s.json"
        let args = ["load", feed, "--rejects", rejects, "--summary-json", summary]

        let r = try s.run(args)
        #expect(r.status == 73, "\(output.testDescription) on a full disk: exit \(r.status): \(r.output)")
        #expect(r.stderr.contains("No space left on device") && r.stderr.contains("nothing was published"), "\(r.stderr)")
        #expect(!r.stderr.contains("warning"), "\(r.stderr)")
        let db = try PGConnection("dbname=\(s.db)")
        for table in try WarehouseState.factTables(db) + ["indstilling"] {
            #expect(try db.scalar("SELECT count(*) FROM samtaler.\(table)") == "0", "\(table) has rows after a failed run")
        }
        #expect(try db.scalar("SELECT coalesce(string_agg(status, ','), '') FROM samtaler.dim_batch") == "fejlet")
        let left = (try FileManager.default.contentsOfDirectory(atPath: full)).filter { $0 != "filler" }.sorted()
        #expect(left == (output == .summary ? ["s.json"] : []), "files left on the full disk: \(left)")
        if output == .summary { #expect((try? FileManager.default.attributesOfItem(atPath: summary)[.size] as? Int) == 0) }

        // Space again: the same command publishes, with both files in place.
        try FileManager.default.removeItem(atPath: full + "/filler")
        let rerun = try s.run(args)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try s.json(summary)["published"] as? Bool == true)
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").count > 100)
        #expect(try db.scalar("SELECT string_agg(status, ',' ORDER BY batch_key) FROM samtaler.dim_batch") == "fejlet,publiceret")
        print("[reliability] full disk, \(output.testDescription): \(seconds(since: started))")
    }

    /// A first load sets lines aside in a temporary file (TMPDIR) while it streams the rest into the
    /// facts (docs/performance.md, "The first load"). With TMPDIR on a full disk it fails as the
    /// other files do: 73 naming the temporary file and ENOSPC, nothing published, the batch row
    /// `fejlet`, nothing left in TMPDIR (the file is unlinked as soon as it is made). With space
    /// again the same command publishes.
    @Test(.enabled(if: SmallDisk.canMount, "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)"),
          .hangGuard)
    func aFullTemporaryDirectoryFailsAFirstLoadBeforePublishing() throws {
        let started = Date()
        // 200,000 lines: some 2.5 MiB of lines set aside (Min Plan, job search; corrections are
        // folded into their waiting rows), so the temporary file is written during the stream.
        let (s, feed) = try migratedSandbox(rows: 200_000, invalidShare: 0)
        let full = s.dir + "/full"
        try SmallDisk.mountFull(full)
        defer { SmallDisk.unmount(full); withExtendedLifetime(s) {} }
        let args = ["load", feed, "--rejects", s.dir + "/r.jsonl", "--summary-json", s.dir + "/s.json"]

        let r = try s.run(args, env: ["TMPDIR": full])
        #expect(r.status == 73, "exit \(r.status): \(r.output)")
        #expect(r.stderr.contains("temporary file in \(full)") && r.stderr.contains("No space left on device")
                && r.stderr.contains("nothing was published"), "\(r.stderr)")
        let db = try PGConnection("dbname=\(s.db)")
        for table in try WarehouseState.factTables(db) {
            #expect(try db.scalar("SELECT count(*) FROM samtaler.\(table)") == "0", "\(table) has rows after a failed run")
        }
        #expect(try db.scalar("SELECT coalesce(string_agg(status, ','), '') FROM samtaler.dim_batch") == "fejlet")
        #expect(try FileManager.default.contentsOfDirectory(atPath: full) == ["filler"])

        let rerun = try s.run(args)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect((try s.json(s.dir + "/s.json")["direct_lines"] as? Int ?? 0) > 150_000)
        print("[reliability] full TMPDIR on a first load: \(seconds(since: started))")
    }

    /// The same failure where no tmpfs can be mounted: a file size limit (ulimit -f, with SIGXFSZ
    /// ignored) makes writing the rejects file fail (EFBIG) as a full disk would: 73, nothing
    /// published, the batch row `fejlet`. Runs everywhere.
    @Test(.hangGuard)
    func theFileSizeLimitMakesTheRejectsWriteFailBeforePublishing() throws {
        let started = Date()
        let (s, feed) = try migratedSandbox(rows: 3000, invalidShare: 0.05)
        // 8 blocks (4 KiB in dash's 512-byte blocks): the error message still fits in standard error's file.
        let r = try ChildProcess.run(["-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"", TestPaths.samtaler,
                                      "load", feed, "--rejects", s.dir + "/r.jsonl", "--database", "dbname=\(s.db)"],
                                     env: s.keyEnv, in: s.dir, executable: "/bin/sh")
        #expect(r.status == 73, "exit \(r.status): \(r.output)")
        #expect(r.stderr.contains("cannot write the rejects file") && r.stderr.contains("nothing was published"), "\(r.stderr)")
        let db = try PGConnection("dbname=\(s.db)")
        #expect(try db.scalar("SELECT count(*) FROM samtaler.fact_samtale") == "0")
        #expect(try db.scalar("SELECT coalesce(string_agg(status, ','), '') FROM samtaler.dim_batch") == "fejlet")
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/r.jsonl"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: s.dir)) ?? []).filter { $0.contains(".tmp-") }.isEmpty)
        print("[reliability] file size limit on the rejects file: \(seconds(since: started))")
    }
}

// MARK: - Bad arguments

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
