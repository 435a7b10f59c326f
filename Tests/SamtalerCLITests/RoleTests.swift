import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// Issue #5 (reliability), proved on the built binary against fresh databases of the shared
// server: logins without the rights they need and the group roles at work (here), a full disk
// (FullDiskTests.swift), and bad report and extract arguments (ArgumentTests.swift).
// docs/operations.md, "Roles", "Exit codes" and "Failure modes".

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
        let again = try s.run(["load", feed, "--rejects", s.dir + "/r2.jsonl", "--json"], env: loader.env)
        #expect(again.status == 0, "\(again.output)")
        // The increment holds the merge's indexes in memory as this role (SECURITY DEFINER).
        #expect(again.stdout.contains("\"merge_indexes\":{\"held\":true,"), "\(again.stdout)")
        // ... and reads how much WAL it wrote (the functions are the server's, for every role).
        #expect(again.stdout.contains("\"wal\":{\"megabytes\":"), "\(again.stdout)")
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
