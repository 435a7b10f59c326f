import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// Faults of the database server, proved against the built binary and a private PostgreSQL
// cluster (PrivateCluster.swift) that these tests may stop, restart and reconfigure: the shared
// server of the other tests is never touched. docs/operations.md, "Exit codes" and "Failure modes".

@Suite(.serialized, .enabled(if: PrivateCluster.available, "needs the PostgreSQL server binaries"))
struct ServerFaultTests {
    /// docs/operations.md, Failure modes: "the database stops mid-load → exits 75 (or 70 with the
    /// database's message), nothing published", and "rerun when the server is back".
    /// The server is stopped with `pg_ctl -m immediate` (no shutdown checkpoint, crash recovery on
    /// start) once while the lines stream in with COPY and once while the set-based merge runs.
    @Test(.hangGuard)
    func theDatabaseStoppingMidLoadPublishesNothingAndARerunSucceeds() throws {
        let pg = try PrivateCluster()
        defer { pg.destroy() }
        let (work, key) = try pg.prepareWarehouses(["lager", "facit"])
        let small = try generateFeed(work + "/small.jsonl", rows: 2000, seed: 6)
        let big = try generateFeed(work + "/big.jsonl", rows: 60000, seed: 5)
        for db in ["lager", "facit"] {
            let r = try CLI.run(["load", small, "--database", pg.conninfo(db), "--rejects", work + "/small-\(db).rejects.jsonl"], env: key, in: work)
            try #require(r.status == 0, "\(r.stderr)")
        }
        let before = try WarehouseState.exact(pg.connect("lager"))

        for (phase, statement, delay) in [("streaming (COPY)", "COPY", 0.4), ("merging", "merge_stage", 0.0)] {
            let rejects = work + "/big-\(statement).rejects.jsonl"
            let run = try ChildProcess(["load", big, "--database", pg.conninfo("lager"), "--rejects", rejects], env: key, in: work)
            let poller = try pg.connect("lager")
            let seen = try WarehouseState.waitForStatement(statement, in: poller, while: run)
            try #require(seen, "the load never reached \(phase)")
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            let stoppedAt = Date()
            try pg.stopImmediately()
            let r = run.wait()
            print("[fault] server stopped while \(phase): loader exited \(r.status) \(String(format: "%.2f", Date().timeIntervalSince(stoppedAt))) s later")
            #expect(!r.signalled)
            #expect(r.status == 75 || r.status == 69, "stopped while \(phase): exit \(r.status): \(r.output)")
            // With the server gone the failed batch cannot be recorded either: a warning only, then the error.
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.first?.hasPrefix("samtaler: warning: the failed run could not be recorded") == true, "\(r.stderr)")
            #expect(lines.contains { $0.hasPrefix("samtaler: error:") }, "\(r.stderr)")
            #expect(r.stderr.contains("unavailable") && r.stderr.contains("retry later"), "\(r.stderr)")
            #expect(r.stderr.contains("nothing was published"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: rejects), "a rejects file under its real name, yet nothing was published")

            // While the server is down, a new load stops at once: 75, retry later.
            let down = try CLI.run(["load", big, "--database", pg.conninfo("lager"), "--rejects", work + "/down.jsonl"], env: key, in: work)
            #expect(down.status == 75, "\(down.stderr)")
            #expect(down.stderr.contains("unavailable") && down.stderr.contains("connecting"), "\(down.stderr)")

            try pg.start()
            // Crash recovery is done: exactly the state before this run, batch table included.
            #expect(try WarehouseState.exact(pg.connect("lager")) == before, "stopped while \(phase): the warehouse changed")
        }

        // The same files again, now that the server is back: published, and exactly what an
        // uninterrupted run of the same files gives.
        let rerun = try CLI.run(["load", big, "--database", pg.conninfo("lager"), "--rejects", work + "/rerun.jsonl"], env: key, in: work)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let facit = try CLI.run(["load", big, "--database", pg.conninfo("facit"), "--rejects", work + "/facit.jsonl"], env: key, in: work)
        #expect(facit.status == 0, "\(facit.stderr)")
        let lager = try pg.connect("lager"), reference = try pg.connect("facit")
        #expect(try WarehouseState.published(lager) == WarehouseState.published(reference))
        #expect(try WarehouseState.batches(lager) == WarehouseState.batches(reference))
        #expect(try lager.scalar("SELECT count(*) FROM samtaler.fact_samtale") == reference.scalar("SELECT count(*) FROM samtaler.fact_samtale"))
    }

    /// docs/operations.md, Failure modes: a run that fails is recorded as a batch row `fejlet`,
    /// also when the loader's own session is what was lost. Here the server stays up and reachable;
    /// only the loader's session ends (an administrator's pg_terminate_backend, a proxy or a
    /// timeout dropping it) while the lines stream in: the loader records the failed batch on a
    /// fresh session, and that row publishes nothing: no fact, no key fingerprint, nothing in the
    /// `rapport` views. The rerun publishes as usual.
    @Test(.hangGuard)
    func aLostSessionWhileTheServerStaysUpIsRecordedAsAFailedBatch() throws {
        let pg = try PrivateCluster()
        defer { pg.destroy() }
        let (work, key) = try pg.prepareWarehouses(["lager"])
        let feed = try generateFeed(work + "/feed.jsonl", rows: 30000, seed: 8)

        let run = try ChildProcess(["load", feed, "--database", pg.conninfo("lager"), "--rejects", work + "/r.jsonl"], env: key, in: work)
        let admin = try pg.connect("lager")
        try #require(try WarehouseState.waitForStatement("COPY", in: admin, while: run))
        try admin.execute("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND position('COPY' in query) > 0
            """)
        let r = run.wait()
        #expect(r.status == 75, "\(r.output)")
        #expect(r.stderr.contains("nothing was published"), "\(r.stderr)")
        #expect(!r.stderr.contains("warning"), "recording the failed batch should have worked: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work + "/r.jsonl"))

        // One batch row, fejlet, with the lines read before the session was lost, and the number
        // the error message gave.
        let rows = try admin.execute("SELECT batch_key, status, laest FROM samtaler.dim_batch")
        try #require(rows.rowCount == 1, "expected one batch row, got \(rows.rowCount)")
        #expect(rows.value(0, 1) == "fejlet")
        #expect((rows.int(0, 2) ?? 0) > 0, "the failed row should count the lines read before the session was lost")
        #expect(r.stderr.contains("loading batch \(rows.value(0, 0) ?? "?")"), "\(r.stderr)")
        // It publishes nothing.
        for table in try WarehouseState.factTables(admin) + ["indstilling"] {
            #expect(try admin.scalar("SELECT count(*) FROM samtaler.\(table)") == "0", "\(table) has rows after a failed run")
        }
        #expect(try admin.scalar("SELECT count(*) FROM rapport.samtale") == "0")

        // The rerun publishes; the failed row stays as the record of the failed run.
        let rerun = try CLI.run(["load", feed, "--database", pg.conninfo("lager"), "--rejects", work + "/r.jsonl"], env: key, in: work)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try admin.scalar("SELECT string_agg(status, ',' ORDER BY batch_key) FROM samtaler.dim_batch") == "fejlet,publiceret")
        #expect(try admin.scalar("SELECT count(*) > 20000 FROM samtaler.fact_samtale") == "t")
    }

    /// docs/operations.md, Exit codes: 78 for "a refused login". The existing CLI tests cover a
    /// database that does not exist (78) and no server at all (75); these are the login cases.
    @Test(.hangGuard)
    func aRefusedLoginIsAConfigurationErrorThatNeverPrintsThePassword() throws {
        let pg = try PrivateCluster(config: ["password_encryption = 'scram-sha-256'"],
                                    hba: ["local all natlig scram-sha-256"])
        defer { pg.destroy() }
        let (work, key) = try pg.prepareWarehouses(["lager"])
        let password = "Rigtig-Hest-Batteri-4711"
        try pg.connect("lager").execute("CREATE ROLE natlig LOGIN PASSWORD '\(password)' IN ROLE samtaler_indlaeser")
        let feed = try generateFeed(work + "/feed.jsonl", rows: 50, seed: 3)
        let noPassword = ["PGPASSWORD": "", "PGPASSFILE": work + "/no-such-pgpass"]

        let cases: [(what: String, conninfo: String, says: String)] = [
            ("a wrong password", pg.conninfo("lager", user: "natlig", extra: "password=Forkert-Kode-0815"), "password authentication failed"),
            ("no password", pg.conninfo("lager", user: "natlig"), "no password supplied"),
            ("a role that does not exist", pg.conninfo("lager", user: "ingen_saadan_rolle"), "ingen_saadan_rolle"),
            ("a wrong password in a URL", "postgresql://natlig:Forkert-Kode-0815@/lager?host=\(pg.socket)&port=\(pg.port)", "password authentication failed"),
        ]
        for c in cases {
            for command in [["load", feed, "--rejects", work + "/r.jsonl"], ["report", "volumes"], ["extract", "--period", "2025", "--out", work]] {
                let r = try CLI.run(command + ["--database", c.conninfo], env: key.merging(noPassword) { $1 }, in: work)
                #expect(r.status == 78, "\(command[0]) with \(c.what): exit \(r.status): \(r.output)")
                #expect(r.stderr.hasPrefix("samtaler: error:") && r.stderr.contains(c.says), "\(command[0]) with \(c.what): \(r.stderr)")
                #expect(!r.output.contains("Forkert-Kode-0815") && !r.output.contains(password), "\(command[0]) printed a password")
            }
        }
        // The right password loads (so the refusals above were the login's, nothing else's).
        let ok = try CLI.run(["load", feed, "--rejects", work + "/r.jsonl", "--database", pg.conninfo("lager", user: "natlig", extra: "password=\(password)")],
                             env: key.merging(noPassword) { $1 }, in: work)
        #expect(ok.status == 0, "\(ok.output)")
        #expect(!ok.output.contains(password))
    }
}
