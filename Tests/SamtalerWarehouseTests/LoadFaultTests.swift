import Foundation
import PostgresClient
import SamtalerFeed
import SamtalerSynthetic
import SamtalerPseudonym
import SamtalerTestSupport
import Testing
@testable import SamtalerWarehouse

// Reliability and security of the load, proved on the built binary run as a child process
// (SAMTALER_BIN, as the CLI tests use it) against fresh warehouses of the shared server.
// The claims are docs/operations.md's "Failure modes" and "Exit codes" and docs/feed.md's
// line rules. Faults of the server itself are in Tests/SamtalerCLITests/ServerFaultTests.swift
// (a private cluster, so the shared server is never stopped).

// MARK: - Helpers

/// A seeded generator, so every "random" choice of these tests is repeatable.
typealias FaultRNG = SplitMix64

extension SplitMix64 {
    mutating func uniform(_ r: ClosedRange<Double>) -> Double { Double.random(in: r, using: &self) }
    mutating func int(_ r: Range<Int>) -> Int { Int.random(in: r, using: &self) }
}

extension TestWarehouse {
    /// The warehouse's key (5a…5a) as a file of mode 0600, for the binary.
    func faultKeyEnv() throws -> [String: String] {
        let path = dir + "/pseudonym.key"
        if !FileManager.default.fileExists(atPath: path) {
            try (key.hex + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o600)
        }
        return ["SAMTALER_PSEUDONYM_KEY_FILE": path]
    }

    var faultDatabase: [String] { ["--database", "dbname=\(name)"] }

    /// Runs `samtaler generate` into this warehouse's folder.
    func faultGenerate(_ name: String, rows: Int, seed: Int) throws -> String {
        try generateFeed(dir + "/" + name, rows: rows, seed: seed)
    }

    /// Loads files with the binary and requires success.
    @discardableResult
    func faultLoad(_ files: [String], _ extra: [String] = []) throws -> ChildProcess.Result {
        let r = try ChildProcess.run(["load"] + files + ["--rejects", dir + "/rejects-\(UUID().uuidString).jsonl"] + faultDatabase + extra,
                                   env: try faultKeyEnv(), in: dir)
        try #require(r.status == 0, "load exited \(r.status): \(r.output)")
        return r
    }

    /// The ministry extract of a period, as the CSV's bytes.
    func faultExtract(_ period: String) throws -> Data { try Self.faultExtract(period, conninfo: conninfo, dir: dir) }

    static func faultExtract(_ period: String, conninfo: String, dir: String) throws -> Data {
        let out = dir + "/extract-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let c = try PGConnection(conninfo)
        defer { c.close() }
        let s = try MinistryExtract(conn: c, period: try MinistryExtract.period(period), outputDirectory: out)
            .run(now: Date(timeIntervalSince1970: 1_743_487_200))
        return try Data(contentsOf: URL(fileURLWithPath: s.csvPath))
    }
}

private func summaryJSON(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
}

private func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

private func ms(_ seconds: Double) -> String { String(format: "%.2f s", seconds) }

// MARK: - Killed loads

@Suite(.serialized) struct LoadFaultTests {
    /// docs/operations.md, Failure modes: "the loader is killed or the machine stops mid-load → the
    /// transaction never commits: the warehouse is exactly as before the run; the rejects file
    /// exists only under a temporary name; rerun the same files".
    ///
    /// A 200,000-line feed is loaded with the binary and SIGKILLed at moments spread over the run
    /// (fixed seed, as fractions of an uninterrupted run's time, plus one moment in the set-based
    /// merge, one as close to COMMIT as can be observed, and one just after it, before the loader
    /// has exited). After each kill the warehouse is exactly as before (every table, every column)
    /// or exactly as after an uninterrupted run of the same file, never between. Finally the rerun
    /// gives exactly what the uninterrupted run gave: the same facts and the same ministry
    /// extracts, byte for byte.
    @Test(.hangGuard)   // ~75 s alone on 2 cores
    func sigkillAtAnyMomentLeavesTheWarehouseBeforeOrAfterAndTheRerunEqualsAnUninterruptedRun() throws {
        let testStarted = Date()
        let reference = try TestWarehouse(), victim = try TestWarehouse()
        let small = try reference.faultGenerate("small.jsonl", rows: 3000, seed: 3)
        let big = try reference.faultGenerate("big.jsonl", rows: 200_000, seed: 42)
        for w in [reference, victim] { try w.faultLoad([small]) }

        // The uninterrupted run: its time, its result.
        let started = Date()
        try reference.faultLoad([big], ["--summary-json", reference.dir + "/big.summary.json"])
        let runSeconds = Date().timeIntervalSince(started)
        let mergeSeconds = try summaryJSON(reference.dir + "/big.summary.json")["merge_seconds"] as? Double ?? 1
        let after = try WarehouseState.published(reference.conn)
        let afterBatch = try WarehouseState.batches(reference.conn).last!
        print("[fault] uninterrupted load of 200,000 lines: \(ms(runSeconds)) (merge \(ms(mergeSeconds)))")

        enum Moment: CustomStringConvertible {
            case at(Double), inMerge(Double), atCommit, afterCommit
            var description: String {
                switch self {
                case .at(let s): return "at \(ms(s))"
                case .inMerge(let s): return "\(ms(s)) into the merge"
                case .atCommit: return "at COMMIT"
                case .afterCommit: return "after COMMIT"
                }
            }
        }
        var rng = FaultRNG(seed: 0x5A3D_2025_0304)
        let schedule: [Moment] = [
            .at(rng.uniform(0.02...0.35) * runSeconds), .at(rng.uniform(0.35...0.75) * runSeconds),
            .inMerge(rng.uniform(0.0...0.8) * mergeSeconds), .atCommit,
            .afterCommit,   // the batch is visible, the loader has not yet exited: "after", and the next run changes nothing
        ]

        var before = try WarehouseState.exact(victim.conn)
        var beforeBatches = try WarehouseState.batches(victim.conn)
        var published = false
        for (i, moment) in schedule.enumerated() {
            let rejects = victim.dir + "/big-\(i).rejects.jsonl"
            let child = try ChildProcess(["load", big, "--rejects", rejects] + victim.faultDatabase, env: try victim.faultKeyEnv(), in: victim.dir)
            let t0 = Date()
            switch moment {
            case .at(let s):
                while child.isRunning && Date().timeIntervalSince(t0) < s { usleep(1_000) }
            case .inMerge(let s):
                while child.isRunning, !(try WarehouseState.running("merge_stage", victim.conn)) { usleep(2_000) }
                let m0 = Date()
                while child.isRunning && Date().timeIntervalSince(m0) < s { usleep(1_000) }
            case .atCommit:
                // After the merge the loader records the batch row (and the key's fingerprint),
                // syncs and renames the rejects file and commits: meanwhile its session is "idle in
                // transaction" after one of those INSERTs.
                while child.isRunning, !(try WarehouseState.running("merge_stage", victim.conn)) { usleep(2_000) }
                while child.isRunning, !(try WarehouseState.running("INSERT INTO samtaler.", victim.conn, state: "idle in transaction")) {}
            case .afterCommit:
                let rows = try victim.int("SELECT count(*) FROM samtaler.dim_batch")
                while child.isRunning, try victim.int("SELECT count(*) FROM samtaler.dim_batch") == rows { usleep(1_000) }
            }
            child.kill()
            let killedAfter = Date().timeIntervalSince(t0)
            let r = child.wait()
            try WarehouseState.waitAlone(victim.conn)

            let now = try WarehouseState.exact(victim.conn)
            let outcome: String
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: victim.dir)) ?? []).filter { $0.hasPrefix("big-\(i).rejects.jsonl") }
            if now == before {
                outcome = "exactly as before; rejects files: \(files.map { $0.replacingOccurrences(of: "big-\(i).rejects.jsonl", with: "R") })"
                #expect(r.signalled, "the run ended (exit \(r.status)) but changed nothing: \(r.output)")
                let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: victim.dir)) ?? [])
                    .filter { $0.hasPrefix("big-\(i).rejects.jsonl.tmp-") }
                for t in leftovers {
                    #expect(mode(victim.dir + "/" + t) == 0o600, "the temporary rejects file \(t) is not 0600")
                    try? FileManager.default.removeItem(atPath: victim.dir + "/" + t)   // the operator's "remove stale *.tmp-* files"
                }
                // The rejects file gets its real name just before COMMIT: a kill in between leaves it
                // under its real name although nothing was published (see the report).
                withKnownIssue("the rejects file is renamed before COMMIT; a kill between the two leaves it under its real name", isIntermittent: true) {
                    #expect(!FileManager.default.fileExists(atPath: rejects), "killed \(moment): nothing published, yet the rejects file has its real name")
                }
            } else {
                outcome = "exactly as after; rejects files: \(files.map { $0.replacingOccurrences(of: "big-\(i).rejects.jsonl", with: "R") })"
                #expect(try WarehouseState.published(victim.conn) == after, "killed \(moment): the warehouse is neither as before nor as after")
                let batches = try WarehouseState.batches(victim.conn)
                #expect(batches.count == beforeBatches.count + 1 && Array(batches.prefix(beforeBatches.count)) == beforeBatches)
                if !published { #expect(batches.last == afterBatch) }
                #expect(FileManager.default.fileExists(atPath: rejects))
                published = true
                before = now
                beforeBatches = batches
            }
            print("[fault] kill \(i + 1) \(moment): \(r.signalled ? "killed" : "ended with \(r.status)") after \(ms(killedAfter)); warehouse \(outcome)")
        }

        // The rerun of the same file is exactly the uninterrupted run.
        try victim.faultLoad([big])
        #expect(try WarehouseState.published(victim.conn) == after)
        let batches = try WarehouseState.batches(victim.conn)
        if published {
            // An earlier run got through: this one changes nothing.
            #expect(try victim.int("SELECT nye + aendrede + annullerede FROM samtaler.dim_batch ORDER BY batch_key DESC LIMIT 1") == 0)
        } else {
            #expect(batches.last == afterBatch)
        }
        #expect(try WarehouseState.batches(reference.conn).count == 2)
        for period in ["2024", "2025"] {
            let mine = try victim.faultExtract(period), theirs = try reference.faultExtract(period)
            #expect(mine == theirs, "the \(period) extracts differ")
            #expect(mine.count > 1000)
        }
        print("[fault] kill test total: \(ms(Date().timeIntervalSince(testStarted)))")
    }

    // MARK: - Fuzzed lines

    /// docs/feed.md: one bad line never stops the others; `read = accepted + rejected`; every
    /// rejected line is in the rejects file with its line number and reasons; lines over 1 MiB are
    /// rejected without being held in memory.
    ///
    /// Valid generated lines are mutated (fixed seed): truncated, random bytes, NUL bytes, wrong
    /// JSON types, huge and tiny numbers, duplicate keys, deep nesting, invalid UTF-8, escaped NUL
    /// and lone surrogates, null and CR, blank lines, a byte-order mark mid-file, plus lines at
    /// and around 1 MiB, 1,000,000 nested brackets, and one line of 50 MB. The same file plain
    /// and gzipped is loaded in one run of the binary under /usr/bin/time.
    @Test(.hangGuard)
    func fuzzedLinesNeverCrashTheLoaderAndEveryRejectIsAccountedForInBoundedMemory() throws {
        let w = try TestWarehouse()
        let base = w.dir + "/base.jsonl"
        _ = try SyntheticFeed.write(to: base, options: SyntheticFeedOptions(rows: 1500, seed: 17, invalidShare: 0),
                                    reference: ReferenceData.load(directory: TestWarehouse.root + "/sql/reference"))
        let baseLines = try Data(contentsOf: URL(fileURLWithPath: base)).split(separator: 10).map { Array($0) }
        var rng = FaultRNG(seed: 0xF022_0001)
        var lines = baseLines.map { Fuzz.mutate($0, &rng) }
        for special in Fuzz.specials(baseLines, &rng) { lines.insert(special, at: rng.int(0..<(lines.count + 1))) }
        lines.append(Fuzz.Line(Array(baseLines[0]), .accept, "intact, no final newline"))
        // A byte-order mark is dropped at the very start of a file only.
        if lines[0].kind == "a byte-order mark mid-file" { lines[0].expect = .accept; lines[0].kind = "a byte-order mark at the start" }

        // The file: every line then LF (CR LF where asked), the last without.
        let plain = w.dir + "/fuzz.jsonl"
        _ = FileManager.default.createFile(atPath: plain, contents: nil)
        let h = try #require(FileHandle(forWritingAtPath: plain))
        for (i, l) in lines.enumerated() {
            try h.write(contentsOf: l.head)
            if l.fill > 0 {
                let chunk = Data(repeating: l.fillByte, count: 1 << 20)
                var left = l.fill
                while left > 0 { let n = min(left, chunk.count); try h.write(contentsOf: chunk.prefix(n)); left -= n }
            }
            try h.write(contentsOf: l.tail)
            if l.crlf { try h.write(contentsOf: [13]) }
            if i < lines.count - 1 { try h.write(contentsOf: [10]) }
        }
        try h.close()
        let gz = w.dir + "/fuzz.jsonl.gz"
        _ = FileManager.default.createFile(atPath: gz, contents: try gzip(Data(contentsOf: URL(fileURLWithPath: plain)), in: w.dir))

        let rejectsPath = w.dir + "/fuzz.rejects.jsonl", summaryPath = w.dir + "/fuzz.summary.json", rss = w.dir + "/rss.txt"
        let t0 = Date()
        let r = try ChildProcess.run(["-f", "%M", "-o", rss, TestPaths.samtaler, "load", plain, gz, "--max-reject-ratio", "1",
                                    "--rejects", rejectsPath, "--summary-json", summaryPath] + w.faultDatabase,
                                   env: try w.faultKeyEnv(), in: w.dir, executable: "/usr/bin/time")
        let seconds = Date().timeIntervalSince(t0)
        #expect(!r.signalled && r.status == 0, "the load exited \(r.status): \(r.output)")
        let peakKB = Int((try? String(contentsOfFile: rss, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? "") ?? -1
        print("[fault] fuzz: \(lines.count) lines (one of 50 MB) twice, plain and gzip: \(ms(seconds)), peak RSS \(peakKB / 1024) MB")
        #expect(peakKB > 0 && peakKB < 150 * 1024, "peak RSS \(peakKB) KB")

        let summary = try summaryJSON(summaryPath)
        let read = summary["read"] as? Int ?? -1, accepted = summary["accepted"] as? Int ?? -1, rejected = summary["rejected"] as? Int ?? -1
        let counted = lines.filter { !$0.isBlank }.count
        #expect(read == 2 * counted)
        #expect(accepted + rejected == read)
        #expect(summary["published"] as? Bool == true)
        #expect(mode(rejectsPath) == 0o600)

        // Every rejected line: its file, its own line number (blank lines count), reasons, the raw line.
        var seen: [String: Set<Int>] = [plain: [], gz: []]
        var entries = 0
        let text = try Data(contentsOf: URL(fileURLWithPath: rejectsPath))
        for raw in text.split(separator: 10) {
            entries += 1
            guard let o = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any] else {
                Issue.record("a rejects line is not a JSON object: \(String(decoding: raw.prefix(200), as: UTF8.self))")
                continue
            }
            guard let file = o["file"] as? String, seen[file] != nil, let n = o["line"] as? Int, n >= 1, n <= lines.count else {
                Issue.record("a rejects line without a known file and line: \(o["file"] ?? "-") \(o["line"] ?? "-")")
                continue
            }
            #expect(seen[file]!.insert(n).inserted, "line \(n) of \(file) rejected twice")
            let l = lines[n - 1]
            let reasons = o["reasons"] as? [[String: Any]] ?? []
            #expect(!reasons.isEmpty, "line \(n) (\(l.kind)) has no reason")
            for reason in reasons {
                #expect(!(reason["field"] as? String ?? "").isEmpty && !(reason["rule"] as? String ?? "").isEmpty
                        && !(reason["message"] as? String ?? "").isEmpty && !(reason["source"] as? String ?? "").isEmpty,
                        "line \(n): an incomplete reason \(reason)")
            }
            let rules = Set(reasons.compactMap { $0["rule"] as? String })
            switch l.expect {
            case .accept: Issue.record("line \(n) (\(l.kind)) was rejected: \(rules)")
            case .blank: Issue.record("blank line \(n) was counted")
            case .reject(let wanted, let field):
                if !wanted.isEmpty {
                    #expect(!wanted.isDisjoint(with: rules), "line \(n) (\(l.kind)): rules \(rules), expected one of \(wanted)")
                }
                if let field {
                    #expect(reasons.contains { $0["field"] as? String == field && wanted.contains($0["rule"] as? String ?? "") },
                            "line \(n) (\(l.kind)): no reason for \(field): \(reasons.map { "\($0["field"] ?? ""): \($0["rule"] ?? "")" })")
                }
            case .any: break
            }
            // The raw line, decoded from the file's bytes (Foundation's strings would drop a leading U+FEFF).
            let bytes: [UInt8]
            if o["raw"] is String, let decoded = Fuzz.rawField(Array(raw)) { bytes = decoded } else if let b = o["raw_base64"] as? String, let d = Data(base64Encoded: b) {
                bytes = Array(d)
            } else { bytes = []; Issue.record("line \(n): neither raw nor raw_base64") }
            let long = l.length > Validator.maxLineBytes
            let same = bytes == l.prefix(Validator.maxLineBytes)
            #expect(same, "line \(n) (\(l.kind)): the raw line differs (\(bytes.count) bytes, \(l.length) written)")
            #expect((o["raw_truncated"] as? Bool ?? false) == long, "line \(n): raw_truncated is wrong")
        }
        #expect(entries == rejected)
        for (i, l) in lines.enumerated() {
            if case .reject = l.expect {
                #expect(seen[plain]!.contains(i + 1) && seen[gz]!.contains(i + 1), "line \(i + 1) (\(l.kind)) was not rejected")
            }
            if case .accept = l.expect {
                #expect(!seen[plain]!.contains(i + 1), "line \(i + 1) (\(l.kind)) was rejected")
            }
        }
        #expect(seen[plain] == seen[gz], "the gzip file was not read like the plain one")
        #expect(try w.int("SELECT count(*) FROM samtaler.fact_samtale") > 100)
    }

    // MARK: - Concurrency

    /// docs/operations.md, Failure modes: "a second load starts while one runs → waits for the first
    /// (an advisory lock; it says which session holds it)". Two binaries started together on
    /// overlapping feeds (the same registrations in other versions): both publish, exactly one
    /// waited and said so, and the warehouse equals the two loaded one after the other.
    @Test(.hangGuard)
    func twoLoadsAtOnceBothPublishOneWaitsAndTheResultEqualsSequentialLoads() throws {
        let w = try TestWarehouse(), sequential = try TestWarehouse()
        let a = try w.faultGenerate("a.jsonl", rows: 30_000, seed: 21)
        let b = try w.faultGenerate("b.jsonl", rows: 30_000, seed: 22)
        let env = try w.faultKeyEnv()
        let first = try ChildProcess(["load", a, "--rejects", w.dir + "/a.rejects.jsonl", "--summary-json", w.dir + "/a.json"] + w.faultDatabase, env: env, in: w.dir)
        let second = try ChildProcess(["load", b, "--rejects", w.dir + "/b.rejects.jsonl", "--summary-json", w.dir + "/b.json"] + w.faultDatabase, env: env, in: w.dir)
        let ra = first.wait(timeout: 90), rb = second.wait(timeout: 90)
        #expect(ra.status == 0, "\(ra.output)")
        #expect(rb.status == 0, "\(rb.output)")
        let waited = [ra, rb].filter { $0.stderr.contains("waiting for another load or migration to finish") }
        #expect(waited.count == 1, "expected exactly one load to wait: \(ra.stderr) | \(rb.stderr)")
        #expect(waited.first?.stderr.contains("database process") == true, "the waiting load does not say who holds the lock")

        // The order they ran in is the order of their batches; the waiter ran second.
        let batchA = try summaryJSON(w.dir + "/a.json")["batch"] as? Int ?? -1
        let batchB = try summaryJSON(w.dir + "/b.json")["batch"] as? Int ?? -1
        let (earlier, later) = batchA < batchB ? (a, b) : (b, a)
        #expect((batchA < batchB ? rb : ra).stderr.contains("waiting"), "the load that waited did not run second")
        try sequential.faultLoad([earlier])
        try sequential.faultLoad([later])
        #expect(try WarehouseState.published(w.conn) == WarehouseState.published(sequential.conn))
        #expect(try WarehouseState.batches(w.conn).map { $0.replacingOccurrences(of: w.dir, with: "") }
                == WarehouseState.batches(sequential.conn).map { $0.replacingOccurrences(of: w.dir, with: "") })
    }

    /// docs/operations.md: "Readers (reports, the extract, the rapport views) see only committed
    /// batches: a load in progress is invisible until its single commit." While the binary loads,
    /// one thread makes ministry extracts, another runs every report, and a third runs the binary's
    /// own `extract` in a loop: none fails, none waits for the load, and every result equals the
    /// one before the load or the one after it.
    @Test(.hangGuard)
    func extractsAndReportsDuringALoadSeeTheStateBeforeOrAfterNeverBetween() throws {
        let w = try TestWarehouse()
        let a = try w.faultGenerate("a.jsonl", rows: 30_000, seed: 31)
        let b = try w.faultGenerate("b.jsonl", rows: 40_000, seed: 32)
        try w.faultLoad([a])
        let period = "2025"
        let conninfo = w.conninfo, dir = w.dir, database = w.name
        // The revisions report compares with the batch before the load, named: by default it
        // compares with the last recorded delivery, which the extract threads below record, so
        // between the commit and their next extract it would show a third state of its own
        // (batch A before, B after: right, and neither the report before nor the one after).
        let batchBefore = try PublishedBatches.read(w.conn).latest
        @Sendable func reports() throws -> [String] {
            let c = try PGConnection(conninfo)
            defer { c.close() }
            return try Reports.Name.allCases.map { name in
                var r = Reports.Request(name: name, period: try Period.parse(period))
                r.per = .quarter
                if name == .revisions { r.fromBatch = batchBefore }
                return ReportFormat.csv.render(try Reports(conn: c).run(r))
            }
        }
        @Sendable func cliExtract(_ out: String) throws -> Data {
            let r = try ChildProcess.run(["extract", "--period", period, "--out", out, "--database", "dbname=\(database)"], in: dir)
            guard r.status == 0 else { throw WarehouseError.internal("samtaler extract exited \(r.status): \(r.output)") }
            return try Data(contentsOf: URL(fileURLWithPath: out + "/samtaler_\(period).csv"))
        }
        let cliOut = dir + "/cli-extract"
        try FileManager.default.createDirectory(atPath: cliOut, withIntermediateDirectories: true)
        let extractBefore = try w.faultExtract(period), reportsBefore = try reports(), cliBefore = try cliExtract(cliOut)
        #expect(cliBefore == extractBefore)

        final class Observations: @unchecked Sendable {
            let lock = NSLock()
            var extracts: [Data] = [], reports: [[String]] = [], cli: [Data] = [], errors: [String] = []
            var loading = true
            func add(_ body: (Observations) -> Void) { lock.lock(); body(self); lock.unlock() }
            var running: Bool { lock.lock(); defer { lock.unlock() }; return loading }
        }
        let seen = Observations()
        let load = try ChildProcess(["load", b, "--rejects", dir + "/b.rejects.jsonl"] + w.faultDatabase, env: try w.faultKeyEnv(), in: dir)
        let loops: [Thread] = [
            Thread {
                while seen.running {
                    do { let d = try TestWarehouse.faultExtract(period, conninfo: conninfo, dir: dir); seen.add { $0.extracts.append(d) } } catch { seen.add { $0.errors.append("extract: \(error)") } }
                }
            },
            Thread {
                while seen.running {
                    do { let r = try reports(); seen.add { $0.reports.append(r) } } catch { seen.add { $0.errors.append("report: \(error)") } }
                }
            },
            Thread {
                while seen.running {
                    do { let d = try cliExtract(cliOut); seen.add { $0.cli.append(d) } } catch { seen.add { $0.errors.append("\(error)") } }
                }
            },
        ]
        for t in loops { t.start() }
        let r = load.wait(timeout: 90)
        seen.add { $0.loading = false }
        let deadline = Date().addingTimeInterval(60)
        while loops.contains(where: { !$0.isFinished }) && Date() < deadline { usleep(10_000) }
        #expect(!loops.contains { !$0.isFinished }, "a reader did not finish (a deadlock?)")
        #expect(r.status == 0, "\(r.output)")

        let extractAfter = try w.faultExtract(period), reportsAfter = try reports(), cliAfter = try cliExtract(cliOut)
        #expect(extractAfter != extractBefore && reportsAfter != reportsBefore, "the load must change what the readers see")
        #expect(cliAfter == extractAfter)
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        print("[fault] during the load: \(seen.extracts.count) extracts, \(seen.reports.count) report rounds, \(seen.cli.count) CLI extracts")
        // (A round of every report takes a good part of the load: 3-6 rounds here, 3 in CI.)
        #expect(seen.extracts.count >= 3 && seen.reports.count >= 1 && seen.cli.count >= 1)
        #expect(seen.extracts.contains(extractBefore), "no extract ran while the load was in progress")
        for (i, e) in seen.extracts.enumerated() { #expect(e == extractBefore || e == extractAfter, "extract \(i) is neither before nor after") }
        for (i, e) in seen.cli.enumerated() { #expect(e == extractBefore || e == extractAfter, "CLI extract \(i) is neither before nor after") }
        // Each report is one snapshot (a round of reports may straddle the commit).
        for (i, round) in seen.reports.enumerated() {
            for (j, report) in round.enumerated() {
                #expect(report == reportsBefore[j] || report == reportsAfter[j], "report \(Reports.Name.allCases[j]) of round \(i) is neither before nor after")
            }
        }
    }

    /// docs/operations.md: the loader "refuses a key whose fingerprint differs from the one the
    /// warehouse was first loaded with (exit 78)". Two first loads of a new warehouse with two
    /// different keys, started together: exactly one publishes, the other is refused, and the
    /// person has one pseudonym. (Found by this test: the fingerprint used to be read and then
    /// written in autocommit before the writer lock, so two runs that both read "no key yet" both
    /// published.) The test holds the settings table in SHARE mode (reads pass, writes wait) until
    /// both runs wait, which made that window certain.
    @Test(.hangGuard)
    func twoFirstLoadsWithDifferentKeysCannotBothPublish() throws {
        let w = try TestWarehouse()
        let a = w.file("a.jsonl", [Line.samtale(id: "A1", cpr: "0101901234")])
        let b = w.file("b.jsonl", [Line.samtale(id: "B1", cpr: "0101901234", form: "TELEFONISK")])
        let otherKey = w.dir + "/other.key"
        try (String(repeating: "77", count: 32) + "\n").write(toFile: otherKey, atomically: false, encoding: .utf8)
        chmod(otherKey, 0o600)
        let gate = try PGConnection(w.conninfo)
        try gate.execute("BEGIN")
        try gate.execute("LOCK TABLE samtaler.indstilling IN SHARE MODE")
        let first = try ChildProcess(["load", a, "--rejects", w.dir + "/a.rejects.jsonl"] + w.faultDatabase, env: try w.faultKeyEnv(), in: w.dir)
        let second = try ChildProcess(["load", b, "--rejects", w.dir + "/b.rejects.jsonl"] + w.faultDatabase,
                                    env: ["SAMTALER_PSEUDONYM_KEY_FILE": otherKey], in: w.dir)
        let deadline = Date().addingTimeInterval(30)
        // Both wait (in the settings table today; one of them on the writer lock once that is fixed).
        while try w.int("SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") < 2,
              first.isRunning, second.isRunning, Date() < deadline { usleep(5_000) }
        try gate.execute("COMMIT")
        let ra = first.wait(timeout: 30), rb = second.wait(timeout: 30)
        let statuses = [ra.status, rb.status].sorted()
        let pseudonyms = try w.int("SELECT count(DISTINCT person_pseudonym) FROM samtaler.fact_samtale")
        print("[fault] two first loads with different keys: exits \(statuses), \(pseudonyms) pseudonym(s) for one person")
        #expect(!ra.signalled && !rb.signalled)
        #expect(statuses == [0, 78], "both loads ran: \(ra.output) | \(rb.output)")
        #expect(pseudonyms == 1, "one person has \(pseudonyms) pseudonyms in the warehouse")
    }

    /// docs/operations.md: a run that stops before publishing leaves the warehouse exactly as
    /// before ("nothing was loaded"). A first run that finds the warehouse busy (--no-wait, 75)
    /// leaves no key fingerprint behind, so a never-loaded warehouse still takes another key.
    /// (Found by this test: the fingerprint used to be recorded before the run could fail.)
    @Test func aFirstLoadThatPublishesNothingLeavesNoTraceOfItsKey() throws {
        let w = try TestWarehouse()
        let feed = w.file("f.jsonl", [Line.samtale(id: "A1")])
        let before = try WarehouseState.exact(w.conn)
        let holder = try PGConnection(w.conninfo)
        try holder.execute("SELECT pg_advisory_lock($1)", [String(Migrator.writerLockKey)])
        let busy = try ChildProcess.run(["load", feed, "--no-wait", "--rejects", w.dir + "/r.jsonl"] + w.faultDatabase, env: try w.faultKeyEnv(), in: w.dir)
        holder.close()
        #expect(busy.status == 75 && busy.stderr.contains("nothing was loaded"), "\(busy.output)")
        let after = try WarehouseState.exact(w.conn)
        let otherKey = w.dir + "/other.key"
        try (String(repeating: "77", count: 32) + "\n").write(toFile: otherKey, atomically: false, encoding: .utf8)
        chmod(otherKey, 0o600)
        let other = try ChildProcess.run(["load", feed, "--rejects", w.dir + "/r2.jsonl"] + w.faultDatabase,
                                       env: ["SAMTALER_PSEUDONYM_KEY_FILE": otherKey], in: w.dir)
        #expect(after == before, "the warehouse changed although nothing was loaded")
        #expect(other.status == 0, "a never-loaded warehouse refuses a key: \(other.output)")
    }

    /// The batch table (view rapport.batch) says when each run started and ended: from the wall
    /// clock (clock_timestamp), not now(), which PostgreSQL fixes at the transaction's start.
    @Test func theBatchRowGivesTheRunsWallClockStartAndEnd() throws {
        let w = try TestWarehouse()
        let feed = try w.faultGenerate("feed.jsonl", rows: 50_000, seed: 5)
        let launched = Date()
        try w.faultLoad([feed])
        let ended = Date()
        let r = try w.conn.execute("SELECT extract(epoch FROM startet)::float8, extract(epoch FROM afsluttet)::float8, sekunder::float8 FROM samtaler.dim_batch")
        let startet = Double(r.value(0, 0) ?? "") ?? 0, afsluttet = Double(r.value(0, 1) ?? "") ?? 0, seconds = Double(r.value(0, 2) ?? "") ?? 0
        print("[fault] batch row: startet \(ms(startet - launched.timeIntervalSince1970)) and afsluttet \(ms(afsluttet - ended.timeIntervalSince1970)) from the process's launch and end; the run took \(ms(seconds))")
        #expect(seconds > 0.3, "the run is too short to tell")
        #expect(startet >= launched.timeIntervalSince1970 - 0.2, "startet is before the process was even launched")
        #expect(afsluttet >= ended.timeIntervalSince1970 - max(0.5, seconds / 3), "afsluttet is long before the run ended")
        #expect(afsluttet <= ended.timeIntervalSince1970 + 0.5)
    }

    // MARK: - Security

    /// docs/feed.md and operations.md: logs and error messages never contain a personnummer or a
    /// name, also for rejected lines; the rejected lines go whole to the rejects file, mode 0600.
    /// Every line of this feed is invalid in another way and carries personnumre and names.
    @Test func noPersonnummerOrNameReachesTheOutputEvenWhenEveryLineIsRejected() throws {
        let w = try TestWarehouse()
        let names = ["Kirsten Fiskbæk", "Mads Ørnebjerg", "Aase Lykkegaard", "Børge Kjærsgaard", "Fatima Al-Hassan",
                     "Jens Peter Ågesen", "Signe Møllerhøj", "Ahmad Rezaei", "Lærke Vindelev", "Ove Sprogøe"]
        var rng = FaultRNG(seed: 0x5EC_0001)
        var cprs: [String] = []
        var lines: [[UInt8]] = []
        for i in 0..<60 {
            let day = 1 + rng.int(0..<28), month = 1 + rng.int(0..<12), year = rng.int(30..<99), serial = rng.int(1000..<10000)
            let digits = String(format: "%02d%02d%02d%04d", day, month, year, serial)
            let cpr = i % 2 == 0 ? digits : String(digits.prefix(6)) + "-" + String(digits.suffix(4))
            cprs.append(digits)
            let name = names[i % names.count], other = names[(i + 3) % names.count]
            let deltagere = #","deltagere":[{"navn":"\#(name)","rolle":"BISIDDER","deltagelsesform":"PERSONLIGT"},{"navn":"\#(other)","rolle":"TOLK","deltagelsesform":"VIDEO"}]"#
            let good = Line.samtale(id: "S\(i)", cpr: cpr, extra: deltagere)
            let line: [UInt8]
            switch i % 12 {
            case 0: line = Array(Line.samtale(id: "S\(i)", kommune: "999", cpr: cpr, extra: deltagere).utf8)             // code
            case 1: line = Array(Line.samtale(id: "S\(i)", cpr: String(digits.prefix(2)) + "13" + String(digits.suffix(6)), extra: deltagere).utf8) // cpr date
            case 2: line = Array(good.utf8.dropLast(5))                                                                    // broken JSON
            case 3: line = Array(good.replacingOccurrences(of: name, with: name + "\u{1}").utf8).map { $0 == 1 ? 0xFF : $0 } // invalid UTF-8
            case 4: line = Array(good.replacingOccurrences(of: "{\"registrering\"", with: "{\"cpr\":\"\(cpr)\",\"registrering\"").utf8) // duplicate key
            case 5: line = Array(good.replacingOccurrences(of: "}]", with: "}],\"x\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8) // too deep
            case 6: line = Array(good.replacingOccurrences(of: "}]", with: "}],\"x\":\"" + String(repeating: name, count: 80_000) + "\"").utf8) // too long
            case 7: line = Array(good.replacingOccurrences(of: "\"kontaktgruppe\":2", with: "\"kontaktgruppe\":\"\(cpr)\"").utf8) // type
            case 8: line = Array(Line.samtale(id: cpr, afholdt: "2025-03-09", extra: deltagere).replacingOccurrences(of: "0101901234", with: cpr).utf8) // id format, afholdt after registreret
            case 9: line = Array(good.replacingOccurrences(of: "\"rolle\":\"TOLK\"", with: "\"rolle\":\"\(name)\"").utf8) // code, name as a code
            case 10: line = Array(good.replacingOccurrences(of: "\"\(other)\"", with: "\"  \"").replacingOccurrences(of: "\"cpr\":\"\(cpr)\"", with: "\"cpr\":\"\(cpr)x\"").utf8) // empty navn, cpr format
            default: line = Array(good.replacingOccurrences(of: "\"registrering\":\"samtale\"", with: "\"registrering\":\"\(name)\"").utf8) // code
            }
            lines.append(line)
        }
        let feed = w.dir + "/secret.jsonl"
        _ = FileManager.default.createFile(atPath: feed, contents: Data(lines.joined(separator: [10])))
        let env = try w.faultKeyEnv()
        let rejects = w.dir + "/secret.rejects.jsonl", summary = w.dir + "/secret.summary.json"
        let runs = [
            try ChildProcess.run(["load", feed, "--rejects", rejects, "--summary-json", summary] + w.faultDatabase, env: env, in: w.dir),
            try ChildProcess.run(["load", feed, "--rejects", rejects, "--json", "--max-reject-ratio", "1"] + w.faultDatabase, env: env, in: w.dir),
            try ChildProcess.run(["load", feed, "--rejects", rejects, "--no-wait"] + w.faultDatabase, env: env, in: w.dir),
            try ChildProcess.run(["report", "coverage", "--period", "2025-03"] + w.faultDatabase, in: w.dir),
        ]
        #expect(runs[0].status == 65, "\(runs[0].output)")
        #expect(runs[1].status == 0, "\(runs[1].output)")
        let json = try JSONSerialization.jsonObject(with: Data(runs[1].stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["read"] as? Int == 60 && json["rejected"] as? Int == 60 && json["accepted"] as? Int == 0)
        #expect((json["rejected_by_rule"] as? [String: Int])?.count ?? 0 >= 10, "the feed should exercise many rules")

        // The rejects file has them all (0600); nothing else the program writes or prints does.
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(mode(rejects) == 0o600)
        #expect(rejected.split(separator: "\n").count == 60)
        #expect(rejected.contains(names[0]) && rejected.contains(cprs[0]))
        let printed = runs.map(\.output).joined(separator: "\n") + (try String(contentsOfFile: summary, encoding: .utf8))
        let dump = try pgDump(w.name)
        #expect(dump.contains("dim_batch"))
        for secret in names + cprs + cprs.map({ String($0.prefix(6)) + "-" + String($0.suffix(4)) }) {
            #expect(!printed.contains(secret), "the output contains \(secret)")
            #expect(!dump.contains(secret), "the database contains \(secret)")
        }
    }

    /// docs/operations.md: the key "is never stored in the database and never logged". Every command
    /// that sees the key, and every key error, is run; no output, no file the program writes and no
    /// pg_dump of the warehouse holds the key or any 16 hex digits of it, in either case, or its base64.
    @Test func theKeyIsNeverPrintedNorStored() throws {
        let w = try TestWarehouse()
        let keyFile = w.dir + "/real.key", otherFile = w.dir + "/other.key"
        var outputs: [ChildProcess.Result] = []
        outputs.append(try ChildProcess.run(["keygen", keyFile], in: w.dir))
        outputs.append(try ChildProcess.run(["keygen", otherFile], in: w.dir))
        outputs.append(try ChildProcess.run(["keygen", keyFile], in: w.dir))   // refuses to overwrite
        #expect(outputs[2].status != 0)
        let hex = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let otherHex = try String(contentsOfFile: otherFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hex.count == 64 && otherHex.count == 64 && hex != otherHex)
        let feed = try w.faultGenerate("feed.jsonl", rows: 500, seed: 4)
        let loose = w.dir + "/loose.key"
        try (hex + "\n").write(toFile: loose, atomically: false, encoding: .utf8)
        chmod(loose, 0o644)
        let load = ["load", feed, "--rejects", w.dir + "/r.jsonl", "--summary-json", w.dir + "/s.json"] + w.faultDatabase
        let attempts: [(env: [String: String], status: Int32)] = [
            (["SAMTALER_PSEUDONYM_KEY_FILE": keyFile], 0),
            (["SAMTALER_PSEUDONYM_KEY": hex], 0),
            (["SAMTALER_PSEUDONYM_KEY": hex.uppercased()], 0),
            (["SAMTALER_PSEUDONYM_KEY_FILE": otherFile], 78),                     // a different key
            (["SAMTALER_PSEUDONYM_KEY": otherHex], 78),
            (["SAMTALER_PSEUDONYM_KEY": hex + "0"], 78),                          // malformed: 65 digits
            (["SAMTALER_PSEUDONYM_KEY": String(hex.dropLast()) + "g"], 78),       // malformed: not hex
            (["SAMTALER_PSEUDONYM_KEY": " " + hex.prefix(32) + " " + hex.suffix(32)], 78),
            (["SAMTALER_PSEUDONYM_KEY_FILE": loose], 78),                         // readable by others
            (["SAMTALER_PSEUDONYM_KEY_FILE": w.dir + "/" + hex], 78),             // no such file: the name is the key, though
        ]
        for a in attempts {
            let r = try ChildProcess.run(load + ["--json"], env: a.env, in: w.dir)
            #expect(r.status == a.status, "\(a.env.keys.first!): \(r.output)")
            outputs.append(r)
        }
        outputs.append(try ChildProcess.run(["migrate"] + w.faultDatabase, in: w.dir))
        outputs.append(try ChildProcess.run(["report", "volumes", "--period", "2025"] + w.faultDatabase, in: w.dir))
        outputs.append(try ChildProcess.run(["extract", "--period", "2025", "--out", w.dir] + w.faultDatabase, in: w.dir))

        var written = outputs.map(\.output).joined(separator: "\n")
        for f in ["r.jsonl", "s.json", "samtaler_2025.csv", "samtaler_2025.manifest.json"] {
            written += (try? String(contentsOfFile: w.dir + "/" + f, encoding: .utf8)) ?? "(missing \(f))"
        }
        let dump = try pgDump(w.name)
        #expect(dump.contains(Loader.keyFingerprintSetting), "the dump is real")
        for k in [hex, otherHex] {
            let bytes = stride(from: 0, to: 64, by: 2).map { UInt8(k.dropFirst($0).prefix(2), radix: 16)! }
            var needles = [Data(bytes).base64EncodedString()]
            for cased in [k.lowercased(), k.uppercased()] {
                let c = Array(cased)
                needles += (0...(c.count - 16)).map { String(c[$0..<($0 + 16)]) }
            }
            // The one place the key may be named is the path the operator chose ("no such file" above).
            let printed = written.replacingOccurrences(of: w.dir + "/" + hex, with: "<path>")
            #expect(!needles.contains { printed.contains($0) }, "the output holds (part of) the key")
            #expect(!needles.contains { dump.contains($0) }, "the database holds (part of) the key")
        }
        print("[fault] key check: \(outputs.count) runs, \(written.utf8.count) bytes of output and files, \(dump.utf8.count) bytes of dump")
    }

    /// docs: the rejects file is created with mode 0600, as it may hold personnumre and names; also
    /// under a permissive umask, over an older file that others could read, and under the default name.
    @Test func theRejectsFileIsAlways0600() throws {
        let w = try TestWarehouse()
        let feed = w.file("f.jsonl", [Line.samtale(id: "A1"), Line.samtale(id: "A2", kommune: "999", cpr: "0707614285")])
        let env = try w.faultKeyEnv()
        let old = w.dir + "/old.rejects.jsonl"
        try "old content\n".write(toFile: old, atomically: false, encoding: .utf8)
        chmod(old, 0o666)
        func underUmask0(_ args: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run(["-c", "umask 000; exec \"$0\" \"$@\"", TestPaths.samtaler] + args + w.faultDatabase, env: env, in: w.dir,
                               executable: "/bin/sh")
        }
        let published = try underUmask0(["load", feed, "--rejects", old, "--max-reject-ratio", "0.5"])
        #expect(published.status == 0, "\(published.output)")
        #expect(mode(old) == 0o600)
        #expect(try String(contentsOfFile: old, encoding: .utf8).contains("0707614285"))
        let over = try underUmask0(["load", feed, "--rejects", w.dir + "/over.jsonl", "--max-reject-ratio", "0"])
        #expect(over.status == 65, "\(over.output)")
        #expect(mode(w.dir + "/over.jsonl") == 0o600)
        let byDefault = try underUmask0(["load", feed, "--max-reject-ratio", "1", "--json"])
        #expect(byDefault.status == 0, "\(byDefault.output)")
        let name = (try JSONSerialization.jsonObject(with: Data(byDefault.stdout.utf8)) as? [String: Any])?["rejects_file"] as? String ?? ""
        #expect(name.hasPrefix("samtaler-batch-"))
        #expect(mode(w.dir + "/" + name) == 0o600)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: w.dir)) ?? []).filter { $0.contains(".tmp-") }.isEmpty)
    }
}

// MARK: - The fuzzer

/// Mutations of valid feed lines, each with what the contract says must happen to it.
enum Fuzz {
    enum Expect {
        case accept
        /// Rejected, with one of these rules (any rule when empty), for this field when given.
        case reject(Set<String>, field: String?)
        case blank
        case any
    }

    struct Line {
        var head: [UInt8]
        var fill = 0
        var fillByte: UInt8 = 0x61
        var tail: [UInt8] = []
        var crlf = false
        var expect: Expect
        var kind: String

        init(_ bytes: [UInt8], _ expect: Expect, _ kind: String) {
            head = bytes
            self.expect = expect
            self.kind = kind
        }

        var length: Int { head.count + fill + tail.count }
        var isBlank: Bool { if case .blank = expect { return true } else { return false } }

        func prefix(_ n: Int) -> [UInt8] {
            var out = Array(head.prefix(n))
            if out.count < n { out += [UInt8](repeating: fillByte, count: min(fill, n - out.count)) }
            if out.count < n { out += tail.prefix(n - out.count) }
            return out
        }
    }

    /// The bytes of the `raw` string field of a rejects line (the first unescaped `,"raw":"`).
    static func rawField(_ line: [UInt8]) -> [UInt8]? {
        guard var i = find(",\"raw\":\"", in: line).map({ $0 + 8 }) else { return nil }
        var out: [UInt8] = []
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= line.count else { return nil }
            return UInt32(String(decoding: line[at..<(at + 4)], as: UTF8.self), radix: 16)
        }
        while i < line.count {
            let c = line[i]
            if c == 34 { return out }
            if c != 92 { out.append(c); i += 1; continue }
            guard i + 1 < line.count else { return nil }
            switch line[i + 1] {
            case 110: out.append(10)
            case 114: out.append(13)
            case 116: out.append(9)
            case 98: out.append(8)
            case 102: out.append(12)
            case 117:
                guard var u = hex4(i + 2) else { return nil }
                if (0xD800..<0xDC00).contains(u), line.count > i + 11, line[i + 6] == 92, line[i + 7] == 117, let low = hex4(i + 8) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let scalar = Unicode.Scalar(u) else { return nil }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i += 4
            default: out.append(line[i + 1])
            }
            i += 2
        }
        return nil
    }

    static func find(_ needle: String, in line: [UInt8]) -> Int? {
        let n = Array(needle.utf8)
        guard line.count >= n.count else { return nil }
        for i in 0...(line.count - n.count) where line[i] == n[0] && Array(line[i..<(i + n.count)]) == n { return i }
        return nil
    }

    /// The byte range of the value of top-level-looking key `key` (string, number, literal, object or array).
    static func valueRange(_ key: String, in line: [UInt8]) -> Range<Int>? {
        guard let k = find("\"\(key)\":", in: line) else { return nil }
        let start = k + key.utf8.count + 3
        guard start < line.count else { return nil }
        var i = start
        switch line[start] {
        case 34:
            i += 1
            while i < line.count && line[i] != 34 { i += line[i] == 92 ? 2 : 1 }
            return start..<min(i + 1, line.count)
        case 123, 91:
            var depth = 0, inString = false
            while i < line.count {
                let c = line[i]
                if inString { if c == 92 { i += 1 } else if c == 34 { inString = false } } else if c == 34 { inString = true } else if c == 123 || c == 91 { depth += 1 } else if c == 125 || c == 93 {
                    depth -= 1
                    if depth == 0 { return start..<(i + 1) }
                }
                i += 1
            }
            return nil
        default:
            while i < line.count && ![44, 125, 93].contains(line[i]) { i += 1 }
            return start..<i
        }
    }

    static func replacing(_ line: [UInt8], _ range: Range<Int>, with text: String) -> [UInt8] {
        Array(line[..<range.lowerBound]) + Array(text.utf8) + Array(line[range.upperBound...])
    }

    /// Inserts text right after the opening brace.
    static func afterBrace(_ line: [UInt8], _ text: [UInt8]) -> [UInt8] { [line[0]] + text + Array(line.dropFirst()) }

    static func mutate(_ line: [UInt8], _ rng: inout FaultRNG) -> Line {
        let isAnnuller = find("\"handling\":\"annuller\"", in: line) != nil
        switch rng.int(0..<17) {
        case 0, 1, 2:
            return Line(line, .accept, "intact")
        case 3:
            let cut = rng.int(1..<line.count)
            return Line(Array(line.prefix(cut)), .reject(["json", "utf8"], field: nil), "truncated at \(cut)")
        case 4:
            var l = line
            for _ in 0..<(1 + rng.int(0..<4)) {
                var b = UInt8(rng.int(0..<256))
                if b == 10 || b == 13 { b = 11 }   // no new lines, no CR that the reader would drop
                l[rng.int(0..<l.count)] = b
            }
            return Line(l, .any, "random bytes")
        case 5:
            var l = line
            l.insert(0, at: rng.int(0..<(l.count + 1)))
            return Line(l, .reject(["json"], field: nil), "a NUL byte")
        case 6:
            let options: [(String, String)] = [("cpr", "true"), ("registreret", "12345"), ("kontaktgruppe", "\"2\""), ("indberetter", "\"101\""),
                                               ("aftale", "[]"), ("deltagere", "{}"), ("jobmaal", "\"smed\""), ("antalAnsoegninger", "\"5\"")]
            let present = options.filter { valueRange($0.0, in: line) != nil }
            guard !present.isEmpty else { return Line(line, .accept, "intact (no key to retype)") }
            let (key, value) = present[rng.int(0..<present.count)]
            let range = valueRange(key, in: line)!
            return Line(replacing(line, range, with: value), .reject(["type"], field: key), "\(key) as \(value)")
        case 7:
            let numbers = ["1e400", "-1e400", "1e-400", "123456789012345678901234567890", "2.0", "1E0", "9223372036854775808",
                           "-9223372036854775809", "0.0000000000000000000000001", "-1", "32768", "65536", "4294967297", "101", "1.5e1"]
            let n = numbers[rng.int(0..<numbers.count)]
            for key in ["kontaktgruppe", "antalAnsoegninger"] {
                if let range = valueRange(key, in: line) {
                    // An annullering's fields beyond its identity are not checked (the generator
                    // may repeat the withdrawn version's fields in it).
                    return Line(replacing(line, range, with: n), isAnnuller ? .any : .reject([], field: nil), "\(key) \(n)")
                }
            }
            return Line(afterBrace(line, Array("\"ekstra\":\(n),".utf8)), .any, "an extra number \(n)")
        case 8:
            return Line(afterBrace(line, Array("\"id\":\"DUBLET\",".utf8)), .reject(["duplicate_key"], field: "line"), "duplicate id")
        case 9:
            let depth = [33, 40, 500, 100_000][rng.int(0..<4)]
            let (open, close) = rng.int(0..<2) == 0 ? ("[", "]") : ("{\"a\":", "}")
            let value = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            return Line(afterBrace(line, Array("\"dyb\":\(value),".utf8)), .reject(["too_deep"], field: "line"), "nested \(depth) deep")
        case 10:
            let bad: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xC3], [0xF8, 0x88, 0x80, 0x80, 0x80]]
            let b = bad[rng.int(0..<bad.count)]
            guard let id = valueRange("id", in: line) else { return Line(line, .accept, "intact (no id)") }
            var l = line
            l.insert(contentsOf: b, at: id.lowerBound + 1)
            return Line(l, .reject(["utf8"], field: "line"), "invalid UTF-8 \(b)")
        case 11:
            let escapes = ["\\u0000", "\\ud800", "\\udfff", "\\u0000\\u0000", "\\uFFFF", "\\ud83d\\ude00"]
            let e = escapes[rng.int(0..<escapes.count)]
            let keys = ["id", "tekst", "navn", "plan", "samtaleform", "registreret", "kode"].filter { valueRange($0, in: line) != nil }
            guard !keys.isEmpty, let range = valueRange(keys[rng.int(0..<keys.count)], in: line) else { return Line(line, .accept, "intact (no string)") }
            var l = line
            l.insert(contentsOf: Array(e.utf8), at: range.lowerBound + 1)
            return Line(l, .any, "escape \(e)")
        case 12:
            guard !isAnnuller, let range = valueRange("cpr", in: line) else { return Line(line, .accept, "intact (no cpr)") }
            return Line(replacing(line, range, with: "null"), .reject(["required"], field: "cpr"), "cpr null")
        case 13:
            return Line(afterBrace(line, [13, 32, 9, 13]), .accept, "CR and tab as JSON white space")
        case 14:
            var l = Line(Array([[], [32], [9, 32, 9], [32, 32, 32]][rng.int(0..<4)]), .blank, "blank")
            l.crlf = rng.int(0..<2) == 0
            return l
        case 15:
            return Line([0xEF, 0xBB, 0xBF] + line, .reject(["json"], field: "line"), "a byte-order mark mid-file")
        default:
            let options = ["[]", "\"samtale\"", "null", "[{}]", "[" + String(decoding: line, as: UTF8.self) + "]", "1", "true"]
            return Line(Array(options[rng.int(0..<options.count)].utf8), .reject(["not_object", "json"], field: "line"), "not an object")
        }
    }

    /// Lines around the 1 MiB limit, extremes of nesting, and one line of 50 MB.
    static func specials(_ base: [[UInt8]], _ rng: inout FaultRNG) -> [Line] {
        let mib = Validator.maxLineBytes
        let valid = base[rng.int(0..<base.count)]
        func padded(to n: Int) -> [UInt8] { valid + [UInt8](repeating: 32, count: n - valid.count) }
        var exactlyCRLF = Line(padded(to: mib), .accept, "exactly 1 MiB before its CR LF")
        exactlyCRLF.crlf = true
        var huge = Line(Array(#"{"registrering":"samtale","id":"KAEMPE","cpr":"0707614285","deltagere":[{"navn":""#.utf8),
                        .reject(["too_long"], field: "line"), "50 MB")
        huge.fill = 50_000_000
        huge.tail = Array(#"","rolle":"TOLK"}]}"#.utf8)
        var random = Line([], .reject(["too_long"], field: "line"), "3 MB of random bytes")
        random.head = (0..<(3 << 20)).map { _ in var b = UInt8(truncatingIfNeeded: rng.next()); if b == 10 || b == 13 { b = 0 }; return b }
        return [
            Line(padded(to: mib), .accept, "exactly 1 MiB"),
            Line(padded(to: mib + 1), .reject(["too_long"], field: "line"), "1 MiB + 1"),
            exactlyCRLF,
            Line([UInt8](repeating: 91, count: 1_000_000), .reject(["too_deep"], field: "line"), "1,000,000 ["),
            Line(Array(String(repeating: "{\"a\":", count: 200_000).utf8), .reject(["too_deep"], field: "line"), "200,000 objects deep"),
            huge,
            random,
            Line(afterBrace(valid, Array("\"fyld\":\"\(String(repeating: "æ", count: mib / 2))\",".utf8)), .reject(["too_long"], field: "line"),
                 "1 MiB + cut inside a UTF-8 character"),
        ]
    }
}
