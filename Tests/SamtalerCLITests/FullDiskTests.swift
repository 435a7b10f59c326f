import Foundation
import PostgresClient
import SamtalerTestSupport
import Testing

// Issue #5 (reliability): a full disk, proved on the built binary. The other reliability suites:
// RoleTests and ArgumentTests; their shared helpers: MigratedSandbox.swift.

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
